// Which label the rules sidecar watches, so loki-rules and observability-stack always agree.
// Precedence: the package's ObservabilityConfig (spec.loki.rules.label/labelValue), else this
// function's ConfigMap functionConfig (data.label/labelValue, also what `-d label=x` gives), else
// the defaults, which are the ObservabilityConfig defaults.
import { isEmptyFunctionConfig, sameObject } from '../krm/function-config.ts';
import type { Item } from '../krm/item.ts';
import { error, warning } from '../krm/results.ts';
import type { ResourceRef, Result } from '../krm/types.ts';

export const DEFAULT_LABEL = 'loki_rule';
export const DEFAULT_LABEL_VALUE = 'true';
/** Where LokiRules without a namespace go: Loki's own namespace, which the sidecar always searches. */
export const DEFAULT_NAMESPACE = 'observability';

const CONFIG_KIND = 'ObservabilityConfig';
const CONFIG_GROUP = 'observability.krm.dev';
// The formats the ObservabilityConfig schema accepts for these fields.
const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export interface Settings {
  label: string;
  labelValue: string;
  /** Namespace for LokiRules that have none. */
  namespace: string;
  /** Where the label came from, for messages. */
  source: string;
  /** What the ObservabilityConfig says about the sidecar; undefined without one. */
  sidecar?: { enabled: boolean; searchNamespace: string; resource: string; where: { resourceRef: ResourceRef; file?: { path: string; index?: number } } };
}

export const isObservabilityConfig = (i: Item) => i.kind === CONFIG_KIND && i.group === CONFIG_GROUP;

/**
 * The sidecar settings. `configs` are the ObservabilityConfigs seen (items and functionConfig);
 * `fc` is the functionConfig when it is a ConfigMap.
 */
export function resolveSettings(configs: Item[], fc: Item | undefined): { settings?: Settings; results: Result[] } {
  const distinct = configs.filter((c, i) => configs.findIndex((o) => sameObject(o, c)) === i);
  if (distinct.length > 1) {
    const names = distinct.map((c) => `${c.name || '(unnamed)'}${c.file ? ` (${c.file.path})` : ''}`).join(', ');
    return {
      results: distinct.map((c) =>
        error(
          `the package has ${distinct.length} different ObservabilityConfigs (${names}), so the rules sidecar label is ambiguous: keep one ObservabilityConfig per package.`,
          { resourceRef: c.ref, file: c.file },
        ),
      ),
    };
  }
  const fromFc = fc && fc.kind === 'ConfigMap' && !isEmptyFunctionConfig(fc) ? fromConfigMap(fc) : undefined;
  if (fromFc && !fromFc.settings) return { results: fromFc.results };
  if (distinct.length === 1) {
    const r = fromObservabilityConfig(distinct[0]!);
    const s = r.settings;
    const f = fromFc?.settings;
    if (s && f && (f.label !== s.label || f.labelValue !== s.labelValue)) {
      r.results.push(
        warning(
          `the functionConfig asks for rule ConfigMaps labelled ${f.label}=${JSON.stringify(f.labelValue)}, but ${s.source} sets the sidecar to ${s.label}=${JSON.stringify(s.labelValue)}; ` +
            `using ${s.label}=${JSON.stringify(s.labelValue)} so the sidecar loads the rules. Remove the functionConfig data or change spec.loki.rules in the ObservabilityConfig.`,
          { resourceRef: fc!.ref, file: fc!.file, field: 'data.label' },
        ),
      );
    }
    return r;
  }
  if (fromFc) return fromFc;
  return {
    settings: { label: DEFAULT_LABEL, labelValue: DEFAULT_LABEL_VALUE, namespace: DEFAULT_NAMESPACE, source: 'the defaults' },
    results: [],
  };
}

/** Reads only the fields this function needs, so the rest of the config may be anything. */
function fromObservabilityConfig(c: Item): { settings?: Settings; results: Result[] } {
  const results: Result[] = [];
  const at = (path: string[]) => path.reduce<any>((o, k) => (o && typeof o === 'object' && !Array.isArray(o) ? o[k] : undefined), c.object);
  const read = (path: string[], def: string, re: RegExp, what: string): string => {
    const v = at(path);
    if (v === undefined || v === null) return def;
    if (typeof v === 'string' && re.test(v)) return v;
    const hint = typeof v === 'boolean' || typeof v === 'number' ? `; quote it: "${v}"` : '';
    results.push(
      error(`${path.join('.')} must be ${what}, got ${JSON.stringify(v)}${hint}`, {
        resourceRef: c.ref,
        file: c.file,
        field: path.join('.'),
        currentValue: typeof v === 'object' ? undefined : v,
      }),
    );
    return def;
  };
  const rules = ['spec', 'loki', 'rules'];
  const label = read([...rules, 'label'], DEFAULT_LABEL, LABEL_KEY, 'a Kubernetes label key');
  const labelValue = read([...rules, 'labelValue'], DEFAULT_LABEL_VALUE, LABEL_VALUE, 'a Kubernetes label value');
  const namespace = read(['spec', 'namespace'], DEFAULT_NAMESPACE, DNS_LABEL, 'a namespace name');
  const enabled = at([...rules, 'enabled']) !== false;
  const searchNamespace = typeof at([...rules, 'searchNamespace']) === 'string' ? at([...rules, 'searchNamespace']) : 'ALL';
  const resource = typeof at([...rules, 'resource']) === 'string' ? at([...rules, 'resource']) : 'configmap';
  if (results.length) return { results };
  return {
    settings: { label, labelValue, namespace, source: `ObservabilityConfig ${c.name}`, sidecar: { enabled, searchNamespace, resource, where: { resourceRef: c.ref, file: c.file } } },
    results,
  };
}

function fromConfigMap(fc: Item): { settings?: Settings; results: Result[] } {
  const data: Record<string, unknown> = fc.object?.data && typeof fc.object.data === 'object' ? fc.object.data : {};
  const results: Result[] = [];
  const o = { resourceRef: fc.ref, file: fc.file };
  for (const key of Object.keys(data)) {
    if (key !== 'label' && key !== 'labelValue') {
      results.push(error(`unknown functionConfig key "${key}": loki-rules takes data.label and data.labelValue`, { ...o, field: `data.${key}` }));
    }
  }
  const check = (key: 'label' | 'labelValue', def: string, re: RegExp, what: string) => {
    const v = data[key];
    if (v === undefined) return def;
    if (typeof v === 'string' && re.test(v)) return v;
    results.push(error(`data.${key} must be ${what}, got ${JSON.stringify(v)}`, { ...o, field: `data.${key}`, currentValue: v }));
    return def;
  };
  const label = check('label', DEFAULT_LABEL, LABEL_KEY, 'a Kubernetes label key such as loki_rule');
  const labelValue = check('labelValue', DEFAULT_LABEL_VALUE, LABEL_VALUE, 'a Kubernetes label value such as "true"');
  if (results.length) return { results };
  return { settings: { label, labelValue, namespace: DEFAULT_NAMESPACE, source: 'the functionConfig' }, results };
}

/** Whether the sidecar described by `s` picks up a ConfigMap with these labels. */
export function sidecarSees(s: Settings, labels: Record<string, unknown>): boolean {
  if (!(s.label in labels)) return false;
  return s.labelValue === '' || labels[s.label] === s.labelValue;
}

// Which label the rules sidecar watches, so loki-rules and observability-stack always agree.
// Precedence: the ObservabilityConfig (spec.loki.rules.label/labelValue, read through the shared
// contract schema), else this function's ConfigMap functionConfig (data.label/labelValue, also
// what `-d label=x` gives), else the defaults, which are the ObservabilityConfig defaults.
import { DEFAULT_NAMESPACE, DEFAULT_RULE_LABEL, DEFAULT_RULE_LABEL_VALUE, CONFIG_KIND, sidecarViewSchema } from '../common/contract.ts';
import { LABEL_KEY, LABEL_VALUE } from '../common/formats.ts';
import { issueResults } from '../common/zod-results.ts';
import { isEmptyFunctionConfig } from '../krm/function-config.ts';
import type { Item } from '../krm/item.ts';
import { error, warning } from '../krm/results.ts';
import type { ResourceRef, Result } from '../krm/types.ts';

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

/**
 * The sidecar settings. `config` is the run's ObservabilityConfig (common/config-lookup.ts), if
 * any; `fc` is the functionConfig when it is a ConfigMap.
 */
export function resolveSettings(config: Item | undefined, fc: Item | undefined): { settings?: Settings; results: Result[] } {
  const fromFc = fc && fc.kind === 'ConfigMap' && !isEmptyFunctionConfig(fc) ? fromConfigMap(fc) : undefined;
  if (fromFc && !fromFc.settings) return { results: fromFc.results };
  if (config) {
    const r = fromObservabilityConfig(config);
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
    settings: { label: DEFAULT_RULE_LABEL, labelValue: DEFAULT_RULE_LABEL_VALUE, namespace: DEFAULT_NAMESPACE, source: 'the defaults' },
    results: [],
  };
}

/** Reads only spec.namespace and spec.loki.rules, so the rest of the config may be anything. */
function fromObservabilityConfig(c: Item): { settings?: Settings; results: Result[] } {
  const parsed = sidecarViewSchema.safeParse(c.object);
  if (!parsed.success) {
    const results = issueResults(parsed.error.issues, {
      schema: sidecarViewSchema,
      raw: c.object,
      resourceRef: c.ref,
      file: c.file,
      what: `the ${CONFIG_KIND}`,
    });
    return { results };
  }
  const { namespace, loki } = parsed.data.spec;
  const { label, labelValue, enabled, searchNamespace, resource } = loki.rules;
  return {
    settings: {
      label,
      labelValue,
      namespace,
      source: `ObservabilityConfig ${c.name}`,
      sidecar: { enabled, searchNamespace, resource, where: { resourceRef: c.ref, file: c.file } },
    },
    results: [],
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
    results.push(error(`must be ${what}, got ${JSON.stringify(v)}`, { ...o, field: `data.${key}`, currentValue: v }));
    return def;
  };
  const label = check('label', DEFAULT_RULE_LABEL, LABEL_KEY, 'a Kubernetes label key such as loki_rule');
  const labelValue = check('labelValue', DEFAULT_RULE_LABEL_VALUE, LABEL_VALUE, 'a Kubernetes label value such as "true"');
  if (results.length) return { results };
  return { settings: { label, labelValue, namespace: DEFAULT_NAMESPACE, source: 'the functionConfig' }, results };
}

/** Whether the sidecar described by `s` picks up a ConfigMap with these labels. */
export function sidecarSees(s: Settings, labels: Record<string, unknown>): boolean {
  if (!(s.label in labels)) return false;
  return s.labelValue === '' || labels[s.label] === s.labelValue;
}

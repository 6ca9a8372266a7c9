// The ConfigMap the rules sidecar loads for one LokiRule.
import { posix } from 'node:path';
import { FLUX_SUBSTITUTE } from '../krm/annotations.ts';
import type { KrmObject } from '../krm/types.ts';
import { stringify } from '../krm/yaml.ts';
import { CONFIGMAP_PREFIX } from './schema.ts';
import type { Settings } from './settings.ts';
import { isMap } from '../common/data.ts';

/** Kubernetes refuses ConfigMaps whose data is larger than this (1 MiB). */
export const MAX_CONFIGMAP_BYTES = 1024 * 1024;

export interface RuleSource {
  name: string;
  /** The namespace the ConfigMap goes to (the LokiRule's, or the default). */
  namespace: string;
  groups: unknown;
  /** The LokiRule's file in the package, when kpt gave one. */
  file?: string;
}

export const configMapName = (name: string) => `${CONFIGMAP_PREFIX}${name}`;

/**
 * The data key, which the sidecar writes as the file name the ruler reads (/rules/fake/<key>).
 * "_" cannot occur in namespace or object names, so the key is unique across the whole cluster even
 * when the sidecar does not prefix file names with the namespace (enableUniqueFilenames off).
 */
const dataKey = (namespace: string, name: string) => `${namespace}_${name}.yaml`;

/** Next to the LokiRule's file, so rules kept beside an app are rendered beside it too. */
export function configMapPath(r: RuleSource): string {
  const dir = r.file ? posix.dirname(r.file) : '.';
  const file = `loki-rules_${r.namespace}_${r.name}.yaml`;
  return dir === '.' || dir === '' ? file : `${dir}/${file}`;
}

export function ruleConfigMap(r: RuleSource, s: Settings): KrmObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: configMapName(r.name),
      namespace: r.namespace,
      labels: { [s.label]: s.labelValue },
      // Always: LogQL and alert templates are full of "$" (`{{ $labels.x }}`, `error$`), a "$$" would be
      // halved and a stray "${" fails the whole Flux Kustomization. Harmless without postBuild.
      annotations: { [FLUX_SUBSTITUTE]: 'disabled' },
    },
    data: { [dataKey(r.namespace, r.name)]: stringify({ groups: canonical(r.groups) }) },
  };
}

const GROUP_ORDER = ['name', 'interval', 'limit', 'rules'];
const RULE_ORDER = ['alert', 'record', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations'];

/**
 * The groups in Prometheus' field order, label and annotation names sorted: the same bytes
 * whichever tool serialised the LokiRule on the way in (kustomize hands plugins sorted keys).
 */
function canonical(groups: unknown): unknown {
  if (!Array.isArray(groups)) return groups;
  return groups.map((g) => {
    const group = ordered(g, GROUP_ORDER);
    if (isMap(group) && Array.isArray(group.rules)) {
      group.rules = group.rules.map((r: unknown) => {
        const rule = ordered(r, RULE_ORDER);
        if (!isMap(rule)) return rule;
        for (const k of ['labels', 'annotations']) {
          const names = rule[k];
          if (isMap(names)) rule[k] = ordered(names, Object.keys(names).sort());
        }
        return rule;
      });
    }
    return group;
  });
}

function ordered(v: unknown, order: string[]): unknown {
  if (!isMap(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of order) if (k in v) out[k] = v[k];
  for (const k of Object.keys(v)) if (!(k in out)) out[k] = v[k];
  return out;
}

/** Bytes of a ConfigMap's data, as the API server counts them. */
export const dataBytes = (cm: KrmObject) =>
  Object.entries((cm.data ?? {}) as Record<string, string>).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);

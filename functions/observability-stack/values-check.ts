// The escape hatch checked: spec.<system>.values is merged over the generated values last, and
// Helm ignores keys a chart does not read. Two warnings (the chart still renders, so not errors):
//   - a key the pinned chart's values do not have (chart-keys.generated.ts), with a did-you-mean;
//   - a key that overrides a value generated from a typed field, naming the field that lost.
import { closest } from '../common/closest.ts';
import { info, warning } from '../krm/results.ts';
import type { ResourceRef, Result } from '../krm/types.ts';
import { chartKeys, type KeyTree } from './chart-keys.ts';
import { lokiValues } from './loki.ts';
import type { Values } from './merge.ts';
import { pyroscopeValues } from './pyroscope.ts';
import type { Resolved } from './resolve.ts';
import { tempoValues } from './tempo.ts';
import { tempoDistributedValues } from './tempo-distributed.ts';
import { isMap } from '../common/data.ts';

type System = 'loki' | 'tempo' | 'pyroscope' | 'collector';
type Path = (string | number)[];

/**
 * The typed field behind each generated value, per system: value path patterns (`*` is one key,
 * a pattern covers everything below it), the first match wins. The one place that knows this.
 */
const FIELD_OF: Record<System, [string, string][]> = {
  loki: [
    ['loki.limits_config.retention_period', 'spec.loki.retention'],
    ['loki.rulerConfig.alertmanager_url', 'spec.alertmanager.url'],
    ['loki.commonConfig.replication_factor', 'spec.loki.replicationFactor'],
    ['loki.schemaConfig', 'spec.loki.schemaMigrationDate'],
    ['loki.storage', 'spec.objectStorage'],
    ['deploymentMode', 'spec.loki.mode'],
    ['sidecar.image', 'spec.loki.sidecarImage'],
    ['sidecar.rules', 'spec.loki.rules'],
    ['monitoring.serviceMonitor.enabled', 'spec.monitoring.serviceMonitors'],
    ['monitoring.dashboards', 'spec.grafana.dashboards'],
    ['*.persistence.size', 'spec.loki.storage.size'],
    ['*.persistence.claims', 'spec.loki.storage.size'],
    ['*.persistence.storageClass', 'spec.loki.storage.storageClass (or spec.storageClass)'],
    ['*.replicas', 'spec.loki.replicas'],
  ],
  tempo: [
    ['tempo.retention', 'spec.tempo.retention'],
    ['compactor.config.compaction.block_retention', 'spec.tempo.retention'],
    ['backendScheduler.config.provider.compaction.compaction.block_retention', 'spec.tempo.retention'],
    ['tempo.ingester.max_block_duration', 'spec.tempo.maxBlockDuration'],
    ['ingester.config.max_block_duration', 'spec.tempo.maxBlockDuration'],
    ['tempo.receivers.otlp.protocols.grpc', 'spec.tempo.otlp.grpc'],
    ['tempo.receivers.otlp.protocols.http', 'spec.tempo.otlp.http'],
    ['traces.otlp.grpc', 'spec.tempo.otlp.grpc'],
    ['traces.otlp.http', 'spec.tempo.otlp.http'],
    ['tempo.storage.trace', 'spec.objectStorage'],
    ['storage.trace', 'spec.objectStorage'],
    ['persistence.size', 'spec.tempo.storage.size'],
    ['ingester.persistence.size', 'spec.tempo.storage.size'],
    ['persistence.storageClassName', 'spec.tempo.storage.storageClass (or spec.storageClass)'],
    ['ingester.persistence.storageClass', 'spec.tempo.storage.storageClass (or spec.storageClass)'],
    ['ingest.kafka', 'spec.tempo.kafka'],
    ['blockBuilder.replicas', 'spec.tempo.kafka.partitions'],
    ['liveStore.replicas', 'spec.tempo.kafka.partitions'],
    ['*.replicas', 'spec.tempo.replicas'],
    ['serviceMonitor.enabled', 'spec.monitoring.serviceMonitors'],
    ['metaMonitoring.serviceMonitor.enabled', 'spec.monitoring.serviceMonitors'],
  ],
  pyroscope: [
    ['pyroscope.replicaCount', 'spec.pyroscope.replicas'],
    ['pyroscope.structuredConfig.limits.retention_period', 'spec.pyroscope.retention'],
    ['pyroscope.structuredConfig.storage', 'spec.objectStorage'],
    ['pyroscope.persistence.size', 'spec.pyroscope.storage.size'],
    ['pyroscope.components.metastore.persistence.size', 'spec.pyroscope.storage.size'],
    ['pyroscope.persistence.storageClassName', 'spec.pyroscope.storage.storageClass (or spec.storageClass)'],
    ['pyroscope.components.metastore.persistence.storageClassName', 'spec.pyroscope.storage.storageClass (or spec.storageClass)'],
    ['architecture.microservices.enabled', 'spec.pyroscope.mode'],
    ['serviceMonitor.enabled', 'spec.monitoring.serviceMonitors'],
  ],
  // The collector's values follow the backends' final values: only unknown keys are checked.
  collector: [],
};

/** `singleBinary.replicas`, `loki.schemaConfig.configs[0]`, `extraArgs["log.level"]`. */
function showPath(path: Path): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_][\w-]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`))
    .join('')
    .replace(/^\./, '');
}

const short = (v: unknown) => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 50)}…` : s;
};

/** Warnings and infos about spec.<system>.values of every enabled system. */
export function checkValues(r: Resolved, resourceRef: ResourceRef, file?: { path: string; index?: number }): Result[] {
  const s = r.spec;
  // The generated values of each system, as generate.ts computes them.
  const systems: { system: System; enabled: boolean; user: Values; generated: () => Values | undefined }[] = [
    { system: 'loki', enabled: s.loki.enabled, user: s.loki.values, generated: () => lokiValues(r) },
    { system: 'tempo', enabled: s.tempo.enabled, user: s.tempo.values, generated: () => (r.tempo.distributed ? tempoDistributedValues(r) : tempoValues(r)) },
    { system: 'pyroscope', enabled: s.pyroscope.enabled, user: s.pyroscope.values, generated: () => pyroscopeValues(r) },
    { system: 'collector', enabled: s.collector.enabled, user: s.collector.values, generated: () => undefined },
  ];
  const out: Result[] = [];
  for (const { system, enabled, user, generated } of systems) {
    if (!enabled || !isMap(user) || !Object.keys(user).length) continue;
    const base = `spec.${system}.values`;
    const at = (path: Path) => `${base}.${showPath(path)}`;
    const { chart, version } = r.charts[system === 'collector' ? 'alloy' : system];
    const tree = chartKeys(chart, version);
    if (!tree) {
      out.push(
        info(`chart ${chart} ${version} has no key index in this version of the function, so the keys of ${base} are not checked against it`, {
          resourceRef,
          file,
          field: `spec.${system}.chart.version`,
          currentValue: version,
        }),
      );
    } else {
      for (const u of unknownKeys(user, tree, [])) {
        const hint = u.near ? `did you mean "${u.near}"? ` : '';
        const message =
          u.near === undefined && u.shape
            ? `is a mapping, but chart ${chart} ${version} has ${u.shape} there: Helm passes the keys below it on and the chart ignores them`
            : `chart ${chart} ${version} has no such value; ${hint}Helm accepts the key and the chart ignores it`;
        out.push(warning(message, { resourceRef, file, field: at(u.path), ...(u.near ? { proposedValue: u.near } : {}) }));
      }
    }
    for (const o of FIELD_OF[system].length ? overrides(user, generated(), []) : []) {
      const field = fieldOf(system, o.path);
      if (!field) continue;
      out.push(
        warning(
          `this key (${short(o.user)}) overrides ${field}, which generates ${short(o.generated)} there: the values win. ` +
            `Set ${field} instead, or remove the key from ${base}.`,
          { resourceRef, file, field: at(o.path), currentValue: isMap(o.user) || Array.isArray(o.user) ? undefined : o.user },
        ),
      );
    }
  }
  return out;
}

interface Unknown {
  path: Path;
  near?: string;
  /** What the chart has where the user wrote a mapping ("a single value", "a list"). */
  shape?: string;
}

function unknownKeys(user: unknown, tree: KeyTree, path: Path): Unknown[] {
  if (tree === 1) return [];
  const out: Unknown[] = [];
  if (tree === 0 || Array.isArray(tree)) {
    if (isMap(user) && Object.keys(user).length) out.push({ path, shape: tree === 0 ? 'a single value' : 'a list' });
    else if (Array.isArray(user) && Array.isArray(tree) && tree.length) out.push(...user.flatMap((e, i) => unknownKeys(e, tree[0]!, [...path, i])));
    return out;
  }
  if (!isMap(user)) return out;
  for (const [k, v] of Object.entries(user)) {
    const sub = tree[k] ?? tree['*'];
    if (sub === undefined)
      out.push({
        path: [...path, k],
        near: closest(
          k,
          Object.keys(tree).filter((x) => x !== '*'),
        ),
      });
    else out.push(...unknownKeys(v, sub, [...path, k]));
  }
  return out;
}

/** Leaves of the user's values that replace a different generated value. */
function overrides(user: unknown, generated: unknown, path: Path): { path: Path; user: unknown; generated: unknown }[] {
  if (generated === undefined) return [];
  if (isMap(user) && isMap(generated)) return Object.entries(user).flatMap(([k, v]) => overrides(v, generated[k], [...path, k]));
  return JSON.stringify(user) === JSON.stringify(generated) ? [] : [{ path, user, generated }];
}

function fieldOf(system: System, path: Path): string | undefined {
  const keys = path.filter((p): p is string => typeof p === 'string');
  const hit = FIELD_OF[system].find(([pattern]) => {
    const parts = pattern.split('.');
    return parts.length <= keys.length && parts.every((p, i) => p === '*' || p === keys[i]);
  });
  return hit?.[1];
}

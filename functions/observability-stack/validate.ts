// Checks across fields: combinations the schema alone cannot refuse.
import { error, warning } from '../krm/results.ts';
import type { Result, ResourceRef } from '../krm/types.ts';
import type { ObservabilityConfig } from './schema.ts';

type Finding = { severity: 'error' | 'warning'; field: string; message: string };

const LOKI_COMPONENTS = {
  SingleBinary: ['singleBinary'],
  SimpleScalable: ['read', 'write', 'backend'],
  Distributed: ['distributor', 'ingester', 'querier', 'queryFrontend', 'queryScheduler', 'indexGateway', 'compactor', 'ruler'],
} as const;

/** Replicas that hold each log stream in a mode: replication needs at least this many. */
const WRITE_PATH = { SingleBinary: ['singleBinary', 1], SimpleScalable: ['write', 3], Distributed: ['ingester', 3] } as const;

export function findings(config: ObservabilityConfig): Finding[] {
  const s = config.spec;
  const out: Finding[] = [];
  const err = (field: string, message: string) => out.push({ severity: 'error', field, message });
  const warn = (field: string, message: string) => out.push({ severity: 'warning', field, message });
  const os = s.objectStorage;

  if (s.loki.enabled) {
    if (s.loki.mode !== 'SingleBinary' && !os) {
      err('spec.loki.mode', `Loki ${s.loki.mode} needs object storage: add spec.objectStorage (type, buckets, secretRef) or use mode SingleBinary.`);
    }
    const single = s.loki.replicas.singleBinary;
    if (s.loki.mode === 'SingleBinary' && single !== undefined && single > 1 && !os) {
      err('spec.loki.replicas.singleBinary', 'more than one single-binary replica needs spec.objectStorage; on a filesystem volume use 1.');
    }
    const allowed: readonly string[] = LOKI_COMPONENTS[s.loki.mode];
    for (const [component, n] of Object.entries(s.loki.replicas)) {
      if (n !== undefined && !allowed.includes(component)) {
        err(`spec.loki.replicas.${component}`, `${component} is not a component of Loki mode ${s.loki.mode} (its components: ${allowed.join(', ')}).`);
      }
    }
    const [writer, defaultReplicas] = WRITE_PATH[s.loki.mode];
    const writers = (s.loki.replicas as Record<string, number | undefined>)[writer] ?? defaultReplicas;
    if (s.loki.replicationFactor !== undefined && s.loki.replicationFactor > writers) {
      err(
        'spec.loki.replicationFactor',
        `replication factor ${s.loki.replicationFactor} is above the ${writers} ${writer} replica(s): writes would fail. Lower it or raise spec.loki.replicas.${writer}.`,
      );
    }
    if (s.loki.schemaMigrationDate && !os) {
      err('spec.loki.schemaMigrationDate', 'a schema migration date only applies when moving to spec.objectStorage; remove it or add spec.objectStorage.');
    }
  }
  if (s.tempo.enabled && s.tempo.mode === 'Distributed' && !os) {
    err('spec.tempo.mode', 'Tempo Distributed needs object storage: add spec.objectStorage or use mode SingleBinary.');
  }
  if (s.pyroscope.enabled && s.pyroscope.mode === 'Microservices' && !os) {
    err('spec.pyroscope.mode', 'Pyroscope Microservices needs object storage: add spec.objectStorage or use mode SingleBinary.');
  }
  if (!s.pyroscope.enabled && s.pyroscope.route.hostname) {
    warn('spec.pyroscope.route.hostname', 'Pyroscope is disabled, so no HTTPRoute is generated for this hostname.');
  }
  if (!s.loki.enabled && !s.tempo.enabled && !s.pyroscope.enabled) {
    warn('spec', 'Loki, Tempo and Pyroscope are all disabled: nothing is generated.');
  }
  return out;
}

export function validate(config: ObservabilityConfig, resourceRef: ResourceRef, file?: { path: string; index?: number }): Result[] {
  return findings(config).map((f) => (f.severity === 'error' ? error : warning)(`${f.field}: ${f.message}`, { resourceRef, file, field: f.field }));
}

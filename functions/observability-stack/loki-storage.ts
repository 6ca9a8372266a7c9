// Loki storage, schema and component replicas for each deployment mode.
import type { Resolved } from './resolve.ts';
import type { Values } from './merge.ts';

/** Fixed past date for a fresh install's schema: never "today", which would change every render. */
export const SCHEMA_FROM = '2024-04-01';

export interface LokiStorage {
  deploymentMode: string;
  replicationFactor: number;
  storage: Values;
  schemaConfigs: Values[];
  deleteRequestStore: string;
  /** Top-level component blocks: singleBinary, read, write, backend, gateway, … */
  components: Values;
  extra?: Values;
}

const schemaPeriod = (from: string, objectStore: string): Values => ({
  from,
  store: 'tsdb',
  object_store: objectStore,
  schema: 'v13',
  index: { prefix: 'loki_index_', period: '24h' },
});

export function lokiStorageValues(r: Resolved): LokiStorage {
  const loki = r.spec.loki;
  // Filesystem means one replica of the single binary; the chart refuses anything else (CHARTS.md §1.2).
  return {
    deploymentMode: 'Monolithic',
    replicationFactor: loki.replicationFactor ?? 1,
    storage: { type: 'filesystem' },
    schemaConfigs: [schemaPeriod(SCHEMA_FROM, 'filesystem')],
    deleteRequestStore: 'filesystem',
    components: {
      singleBinary: { replicas: loki.replicas.singleBinary ?? 1, persistence: persistence(r) },
      read: { replicas: 0 },
      write: { replicas: 0 },
      backend: { replicas: 0 },
      // In Monolithic mode the chart then points its internal address at <fullname>:3100.
      gateway: { enabled: false },
    },
  };
}

function persistence(r: Resolved): Values {
  const p: Values = { enabled: true, size: r.spec.loki.storage.size };
  if (r.storageClass.loki) p.storageClass = r.storageClass.loki;
  return p;
}

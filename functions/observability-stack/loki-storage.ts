// Loki storage, schema, components and replicas for each deployment mode of the
// grafana-community loki chart 18.x (its values.yaml, simple-scalable-values.yaml and
// distributed-values.yaml: https://github.com/grafana-community/helm-charts/tree/main/charts/loki).
// Component counts and the replication factor come resolved (chart-facts.ts via Resolved).
import type { Resolved } from './resolve.ts';
import type { Values } from './merge.ts';
import { credentials, envRef, ENV, type ObjectStorage } from './object-storage.ts';

/** Where the single binary kept chunks and the TSDB index on its volume (chart default). */
const FILESYSTEM_CHUNKS = '/var/loki/chunks';

export interface LokiStorage {
  deploymentMode: string;
  replicationFactor: number;
  storage: Values;
  schemaConfigs: Values[];
  deleteRequestStore: string;
  /** Top-level component blocks: singleBinary, read, write, backend, gateway, … */
  components: Values;
  /** Deep-merged over the whole values: defaults.* (credentials), loki.storage_config. */
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
  const os = r.spec.objectStorage;
  const mode = loki.mode;
  if (!os) {
    // Filesystem means one replica of the single binary; the chart refuses anything else.
    return {
      deploymentMode: 'Monolithic',
      replicationFactor: r.loki.replicationFactor,
      storage: { type: 'filesystem' },
      schemaConfigs: [schemaPeriod(r.loki.schemaFrom, 'filesystem')],
      deleteRequestStore: 'filesystem',
      components: {
        singleBinary: { replicas: r.loki.replicas.singleBinary ?? 1, persistence: persistence(r) },
        read: { replicas: 0 },
        write: { replicas: 0 },
        backend: { replicas: 0 },
        // In Monolithic mode the chart then points its internal address at <fullname>:3100.
        gateway: { enabled: false },
      },
    };
  }

  const extra: Values = { defaults: credentialValues(os) };
  // History is never rewritten: the filesystem period stays and the object store starts at the
  // migration date. The old period reads the single binary's volume, which Loki only finds again
  // when storage_config.filesystem names it (with object storage common.storage has no filesystem).
  const schemaConfigs = loki.schemaMigrationDate
    ? [schemaPeriod(r.loki.schemaFrom, 'filesystem'), schemaPeriod(loki.schemaMigrationDate, os.type)]
    : [schemaPeriod(r.loki.schemaFrom, os.type)];
  if (loki.schemaMigrationDate) extra.loki = { storage_config: { filesystem: { directory: FILESYSTEM_CHUNKS } } };

  return {
    deploymentMode: mode === 'SingleBinary' ? 'Monolithic' : mode,
    replicationFactor: r.loki.replicationFactor,
    storage: objectStoreValues(os),
    schemaConfigs,
    deleteRequestStore: os.type,
    components: componentValues(r),
    extra,
  };
}

/** loki.storage for an object store: the chart turns it into common.storage and the ruler's store. */
function objectStoreValues(os: ObjectStorage): Values {
  const b = os.buckets.loki;
  const storage: Values = { type: os.type, bucketNames: { chunks: b.chunks, ruler: b.ruler, admin: b.admin } };
  if (os.type === 's3') {
    const s3: Values = {
      accessKeyId: envRef(ENV.accessKeyId),
      secretAccessKey: envRef(ENV.secretAccessKey),
      s3ForcePathStyle: os.forcePathStyle,
      insecure: os.insecure,
    };
    if (os.endpoint) s3.endpoint = os.endpoint;
    if (os.region) s3.region = os.region;
    storage.s3 = s3;
  } else if (os.type === 'azure') {
    const azure: Values = { accountName: envRef(ENV.accountName), accountKey: envRef(ENV.accountKey) };
    if (os.endpoint) azure.endpointSuffix = os.endpoint;
    storage.azure = azure;
  }
  // gcs: the bucket comes from bucketNames, credentials from GOOGLE_APPLICATION_CREDENTIALS.
  return storage;
}

/**
 * defaults.* reach every Loki workload (not the gateway, canary or caches). The chart already
 * passes -config.expand-env=true to every Loki container (templates/_pod.tpl), so no extraArgs.
 */
function credentialValues(os: ObjectStorage): Values {
  const c = credentials(os);
  const out: Values = { extraEnv: c.env };
  if (c.volumes.length) {
    out.extraVolumes = c.volumes;
    out.extraVolumeMounts = c.mounts;
  }
  return out;
}

function componentValues(r: Resolved): Values {
  const mode = r.loki.mode;
  const n = (c: string) => r.loki.replicas[c] ?? 0;
  const zero = (names: string[]) => Object.fromEntries(names.map((c) => [c, { replicas: 0 }]));
  // The sidecar lands where the ruler runs (templates/_pod.tpl: `<component>.sidecar`).
  const sidecarOn = (component: string) => Object.fromEntries(['singleBinary', 'backend', 'ruler'].map((c) => [c, { sidecar: c === component }]));

  if (mode === 'SingleBinary') {
    // On object storage more than one replica is allowed; the chart then runs singleBinary.replicas.
    return merge(zero(['read', 'write', 'backend']), {
      singleBinary: { replicas: n('singleBinary'), persistence: persistence(r) },
      gateway: { enabled: false },
    });
  }
  if (mode === 'SimpleScalable') {
    // The backend target runs the ruler, compactor, index gateway and query scheduler.
    return merge(zero(['singleBinary']), sidecarOn(r.loki.ruler), {
      write: { replicas: n('write'), persistence: { volumeClaimsEnabled: true, ...sized(r) } },
      read: { replicas: n('read') },
      backend: { replicas: n('backend'), persistence: { enabled: true, ...sized(r) } },
      gateway: { enabled: true },
    });
  }
  // Distributed: the ruler is its own StatefulSet and needs the sidecar (chart default ruler.sidecar: false).
  return merge(zero(['singleBinary', 'read', 'write', 'backend']), sidecarOn(r.loki.ruler), {
    distributor: { replicas: n('distributor') },
    ingester: {
      replicas: n('ingester'),
      // The chart's default zone-aware layout runs ceil(replicas/3) pods in each of 3 StatefulSets,
      // so 4 becomes 6, and moving across a multiple of 3 would rename every ingester. One
      // StatefulSet keeps spec.loki.replicas.ingester exact; real zones can opt in through values.
      zoneAwareReplication: { enabled: false },
      persistence: { enabled: true, claims: [claim(r, r.spec.loki.storage.size)] },
    },
    querier: { replicas: n('querier') },
    queryFrontend: { replicas: n('queryFrontend') },
    queryScheduler: { replicas: n('queryScheduler') },
    indexGateway: { replicas: n('indexGateway'), persistence: { enabled: true, ...sized(r, '10Gi') } },
    // Retention marks live in the compactor's working directory until chunks are deleted.
    compactor: { replicas: n('compactor'), persistence: { enabled: true, claims: [claim(r, '10Gi')] } },
    ruler: { replicas: n('ruler'), sidecar: true },
    gateway: { enabled: true },
  });
}

function persistence(r: Resolved): Values {
  return { enabled: true, ...sized(r) };
}

function sized(r: Resolved, size = r.spec.loki.storage.size): Values {
  const p: Values = { size };
  if (r.storageClass.loki) p.storageClass = r.storageClass.loki;
  return p;
}

/** An entry of the chart's persistence.claims list (ingester, compactor). */
function claim(r: Resolved, size: string): Values {
  return { name: 'data', accessModes: ['ReadWriteOnce'], ...sized(r, size) };
}

function merge(...parts: Values[]): Values {
  const out: Values = {};
  for (const part of parts) {
    for (const [k, v] of Object.entries(part)) out[k] = { ...(out[k] as Values | undefined), ...(v as Values) };
  }
  return out;
}

// unknownValueKeys must accept the value sets of CHARTS.md §4 and flag the keys that real
// home-ops releases set but the charts ignore (CHARTS.md §5, §6).
import test, { type ExecutionContext } from 'ava';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { TEMPLATE_ONLY_KEYS, unknownValueKeys, VERBATIM_BLOCKS } from './support/chart-values.ts';
import { testWith } from './support/needs.ts';
import { mustReference } from './support/reference.ts';

/** A test that needs the reference data's charts/: fails under CI=true without it, else a named skip. */
const withRef = (title: string, fn: (t: ExecutionContext) => void) => testWith({ reference: ['charts'] }, title, fn);

const lokiSingleBinary = {
  deploymentMode: 'Monolithic',
  loki: {
    auth_enabled: false,
    analytics: { reporting_enabled: false },
    commonConfig: { replication_factor: 1 },
    storage: { type: 'filesystem' },
    schemaConfig: {
      configs: [{ from: '2024-04-01', store: 'tsdb', object_store: 'filesystem', schema: 'v13', index: { prefix: 'loki_index_', period: '24h' } }],
    },
    limits_config: { retention_period: '14d' },
    compactor: { working_directory: '/var/loki/compactor/retention', delete_request_store: 'filesystem', retention_enabled: true },
    rulerConfig: { alertmanager_url: 'http://alertmanager.observability.svc.cluster.local:9093', storage: { type: 'local', local: { directory: '/rules' } } },
    ingester: { chunk_encoding: 'snappy' },
    podAnnotations: { 'example.com/anything': 'goes' },
  },
  singleBinary: { replicas: 1, persistence: { enabled: true, size: '50Gi', storageClass: 'ceph-block' }, resources: { requests: { cpu: '100m' } } },
  read: { replicas: 0 },
  write: { replicas: 0 },
  backend: { replicas: 0 },
  gateway: { enabled: false },
  chunksCache: { enabled: false },
  resultsCache: { enabled: false },
  lokiCanary: { enabled: false },
  test: { enabled: false },
  sidecar: { enableUniqueFilenames: true, readinessProbe: { enabled: false }, rules: { searchNamespace: 'ALL', folder: '/rules/fake', sizeLimit: '1Gi' } },
  monitoring: { serviceMonitor: { enabled: true, interval: '30s' } },
  rbac: { useExistingRole: 'loki-rules-reader' },
};

const tempoSingle = {
  tempo: {
    retention: '24h',
    reportingEnabled: false,
    receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } } } },
    storage: { trace: { backend: 'local', local: { path: '/var/tempo/traces' }, wal: { path: '/var/tempo/wal' } } },
    ingester: { max_block_duration: '5m' },
    overrides: { defaults: { metrics_generator: { processors: ['service-graphs', 'span-metrics'] } } },
  },
  persistence: { enabled: true, storageClassName: 'local-path', size: '10Gi' },
  serviceMonitor: { enabled: true, interval: '30s', scrapeTimeout: '10s' },
};

const pyroscope = {
  pyroscope: {
    replicaCount: 1,
    persistence: { enabled: true, size: '10Gi', storageClassName: 'local-path' },
    extraArgs: { 'log.level': 'info', 'retention-period': '720h' },
    structuredConfig: { storage: { backend: 's3', s3: { endpoint: 'minio:9000', bucket_name: 'pyroscope' } }, limits: { retention_period: '30d' } },
  },
  alloy: { enabled: false, controller: { replicas: 2 }, someAlloyChartKey: { x: 1 } }, // subchart values
  agent: { enabled: false },
  serviceMonitor: { enabled: true },
  httpRoute: { enabled: false },
};

const tempoDistributed = {
  ingest: { kafka: { address: 'kafka:9092', topic: 'tempo-traces', auto_create_topic_enabled: true, auto_create_topic_default_partitions: 3 } },
  backendScheduler: { config: { provider: { compaction: { compaction: { block_retention: '48h' } } } } },
  traces: { otlp: { grpc: { enabled: true, receiverConfig: { endpoint: '0.0.0.0:4317' } }, http: { enabled: true } } },
  storage: { trace: { backend: 's3', s3: { bucket: 'tempo', endpoint: 's3:443', forcepathstyle: true } } },
  metaMonitoring: { serviceMonitor: { enabled: true } },
};

withRef('the reference value sets of CHARTS.md §4 are accepted', (t) => {
  t.deepEqual(unknownValueKeys('loki-18.11.0', lokiSingleBinary), []);
  t.deepEqual(unknownValueKeys('tempo-2.2.4', tempoSingle), []);
  t.deepEqual(unknownValueKeys('pyroscope-2.2.1', pyroscope), []);
  t.deepEqual(unknownValueKeys('tempo-distributed-3.3.0', tempoDistributed), []);
  t.deepEqual(unknownValueKeys(mustReference('charts', 'tempo-2.2.4'), tempoSingle), [], 'an absolute chart path works too');
});

withRef('keys the charts silently ignore are reported (CHARTS.md §5)', (t) => {
  // BSFishy's Tempo release: tempo-distributed keys on the single-binary chart.
  t.deepEqual(
    unknownValueKeys('tempo-2.2.4', { tempo: { structuredConfig: { x: 1 } }, structuredConfig: {}, deploymentMode: 'x', distributor: {}, traces: {} }),
    ['tempo.structuredConfig', 'structuredConfig', 'deploymentMode', 'distributor', 'traces'],
  );
  // chaijunkin's Tempo release.
  t.deepEqual(unknownValueKeys('tempo-2.2.4', { service: { ports: [] }, tempo: { compactor: {} } }), ['service.ports', 'tempo.compactor']);
  // BSFishy's Pyroscope release.
  t.deepEqual(
    unknownValueKeys('pyroscope-2.2.1', { pyroscope: { storage: { backend: 's3' } }, microservices: { enabled: true }, singleBinary: { replicas: 1 } }),
    ['pyroscope.storage', 'microservices', 'singleBinary'],
  );
  t.deepEqual(unknownValueKeys('tempo-2.2.4', { persistence: { storageClass: 'x' } }), ['persistence.storageClass'], 'Tempo wants storageClassName');
});

withRef('Loki retention and ruler keys outside loki.* are reported (CHARTS.md §6)', (t) => {
  // A top-level compactor is the distributed compactor workload; it has no retention_enabled.
  t.deepEqual(unknownValueKeys('loki-18.11.0', { compactor: { replicas: 0, retention_enabled: true } }), ['compactor.retention_enabled']);
  t.deepEqual(unknownValueKeys('loki-18.11.0', { loki: { ruler: { storage: { type: 'local' } } } }), ['loki.ruler']);
  t.deepEqual(unknownValueKeys('loki-18.11.0', { loki: { limits_config: { anything: 1 }, structuredConfig: { ruler: { x: 1 } } } }), []);
});

withRef('chart versions differ: removed keys are reported for the newer chart only', (t) => {
  const selfMonitoring = { monitoring: { selfMonitoring: { enabled: false } } };
  t.deepEqual(unknownValueKeys('loki-6.55.0', selfMonitoring), []);
  t.deepEqual(unknownValueKeys('loki-18.11.0', selfMonitoring), ['monitoring.selfMonitoring']);
  // MinIO is a subchart of tempo-distributed 1.x and was removed in 3.x (render fails there).
  t.deepEqual(unknownValueKeys('tempo-distributed-1.61.3', { minio: { enabled: false, anything: 1 } }), []);
  t.deepEqual(unknownValueKeys('tempo-distributed-3.3.0', { minio: { enabled: false } }), ['minio']);
});

withRef('list elements are checked against the first default element', (t) => {
  const hosts = {
    gateway: {
      ingress: {
        hosts: [
          { host: 'loki.example.com', paths: [] },
          { host: 'x', path: '/' },
        ],
      },
    },
  };
  t.deepEqual(unknownValueKeys('loki-18.11.0', hosts), ['gateway.ingress.hosts[1].path']);
  // An empty default list gives nothing to compare with, so elements are accepted.
  t.deepEqual(unknownValueKeys('loki-18.11.0', { loki: { tenants: [{ name: 'a', anything: true }] } }), []);
});

withRef('keys below a scalar default are unknown; below free-form maps anything goes', (t) => {
  t.deepEqual(unknownValueKeys('tempo-2.2.4', { tempo: { retention: { days: 14 } } }), ['tempo.retention.days']);
  t.deepEqual(unknownValueKeys('tempo-2.2.4', { nodeSelector: { 'kubernetes.io/os': 'linux' }, tolerations: [{ key: 'k' }] }), []);
  t.deepEqual(unknownValueKeys('tempo-2.2.4', { tempo: { metricsGenerator: { enabled: true, processorr: {} } } }), ['tempo.metricsGenerator.processorr']);
  t.deepEqual(
    unknownValueKeys('tempo-distributed-3.3.0', { queryFrontend: { config: { search: { bogus: 1 } } } }),
    ['queryFrontend.config.search.bogus'],
    'component config blocks of tempo-distributed are read key by key, not verbatim',
  );
});

withRef('allowances extend the accepted paths', (t) => {
  const values = { tempo: { structuredConfig: { x: 1 } }, extra: { a: { b: 1 } } };
  t.deepEqual(unknownValueKeys('tempo-2.2.4', values, ['tempo.structuredConfig', 'extra']), []);
  t.deepEqual(unknownValueKeys('tempo-2.2.4', values, ['extra']), ['tempo.structuredConfig']);
  const wild = { tempo: { retention: '1h', x1: { y: 1 }, x2: { z: 1 } } };
  t.deepEqual(unknownValueKeys('tempo-2.2.4', wild, ['tempo.*']), [], '* matches one key');
  t.deepEqual(unknownValueKeys('tempo-2.2.4', wild, ['tempo.*.y']), ['tempo.x1', 'tempo.x2'], 'a pattern covers its path, not its parents');
});

const chartValues = (dir: string) => YAML.parse(readFileSync(mustReference('charts', dir, 'values.yaml'), 'utf8'));
const has = (values: any, [first, ...rest]: string[]): boolean =>
  first === undefined ||
  (values !== null &&
    typeof values === 'object' &&
    (first === '*' ? Object.values(values).some((v) => has(v, rest)) : first in values && has(values[first], rest)));

withRef('VERBATIM_BLOCKS name real chart keys; TEMPLATE_ONLY_KEYS are absent from values.yaml', (t) => {
  // Guards the constants against typos: an entry that matches nothing real would hide nothing
  // but also prove nothing.
  const versions: Record<string, string[]> = {
    loki: ['loki-18.11.0', 'loki-6.55.0'],
    tempo: ['tempo-2.2.4', 'tempo-1.24.4'],
    'tempo-distributed': ['tempo-distributed-3.3.0', 'tempo-distributed-1.61.3'],
    pyroscope: ['pyroscope-2.2.1'],
  };
  t.deepEqual(Object.keys(VERBATIM_BLOCKS).sort(), Object.keys(versions).sort());
  t.deepEqual(Object.keys(TEMPLATE_ONLY_KEYS).sort(), Object.keys(versions).sort());
  for (const [chart, dirs] of Object.entries(versions)) {
    const all = dirs.map(chartValues);
    for (const entry of VERBATIM_BLOCKS[chart] ?? [])
      t.true(
        all.some((v) => has(v, entry.split('.'))),
        `${chart}: verbatim block ${entry} is in no values.yaml`,
      );
    for (const entry of TEMPLATE_ONLY_KEYS[chart] ?? []) {
      const parts = entry.split('.');
      t.false(has(all[0], parts), `${chart}: ${entry} is in ${dirs[0]} values.yaml, so it is not template-only`);
      t.true(has(all[0], parts.slice(0, -1)), `${chart}: the parent of ${entry} is not a key of ${dirs[0]}`);
    }
  }
});

test('a missing chart folder is an error, not an empty result', (t) => {
  t.throws(() => unknownValueKeys('/nonexistent/chart-0.0.0', {}), { message: /no chart values.yaml/ });
});

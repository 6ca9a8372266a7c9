// Every generated HelmRelease rendered by Helm v4 (what Flux's helm-controller embeds) against the
// pinned charts, after strict Flux post-build substitution; assertions on what Kubernetes would
// receive (test/support/stack-render.ts). Examples, every mode, and random valid configs.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import YAML from 'yaml';
import type { ExecutionContext } from 'ava';
import { anySpec } from './support/config-gen.ts';
import { ROOT } from './support/fn.ts';
import { CHART_SOURCES } from '../functions/versions.ts';
import { chartDir, HELM_TOOL } from './support/helm.ts';
import { REFERENCE_DIR } from './support/reference.ts';
import { testWith } from './support/needs.ts';
import { missingCharts } from './support/rendered.ts';
import { checkGenerated, checkStack } from './support/stack-render.ts';
import { generateFor } from './support/transform.ts';
import { readTree } from './support/tree.ts';

const NEEDS = { reference: ['charts-src', 'config-keys'], tools: [HELM_TOOL] };

let rendered = 0;
function expectRendered(t: ExecutionContext, spec: object, label: string): void {
  const r = checkStack(spec);
  rendered += r.releases;
  for (const n of r.notes) t.log(`${label}: ${n}`);
  t.deepEqual(r.problems, [], `${label}: ${r.problems.join('\n')}`);
  t.true(r.releases > 0, `${label}: no release rendered`);
}

const EXAMPLES = readdirSync(join(ROOT, 'examples')).filter((d) => existsSync(join(ROOT, 'examples', d, 'config.yaml')));

const GENERATED_BY = 'observability.krm.dev/generated-by';

for (const example of EXAMPLES) {
  testWith(NEEDS, `example ${example}: every committed HelmRelease renders with Helm v4 and carries the config`, (t) => {
    const dir = join(ROOT, 'examples', example);
    const spec = YAML.parse(readFileSync(join(dir, 'config.yaml'), 'utf8')).spec;
    // What users commit and Flux applies; the run's info result names the Flux variables.
    const committed = Object.entries(readTree(dir))
      .filter(([p, text]) => p.endsWith('.yaml') && text.includes(`${GENERATED_BY}:`))
      .flatMap(([, text]) => YAML.parseAllDocuments(text).map((d) => d.toJS()))
      .filter((o) => o?.metadata?.annotations?.[GENERATED_BY]);
    const r = checkGenerated(spec, committed, generateFor(spec).results);
    rendered += r.releases;
    for (const n of r.notes) t.log(`${example}: ${n}`);
    t.deepEqual(r.problems, [], r.problems.join('\n'));
    t.is(r.releases, committed.filter((o) => o.kind === 'HelmRelease').length);
    t.true(r.releases > 0);
  });
}

const s3 = { type: 's3', endpoint: 'minio.minio.svc.cluster.local:9000', insecure: true, forcePathStyle: true, secretRef: { name: 'obj-s3' } };
const gcs = { type: 'gcs', secretRef: { name: 'obj-gcs' } };
const azure = { type: 'azure', secretRef: { name: 'obj-azure' } };
const aws = {
  type: 's3',
  region: 'eu-west-1',
  secretRef: { name: 'obj-aws' },
  buckets: { loki: { chunks: 'acme-chunks' }, tempo: 'acme-traces', pyroscope: 'acme-profiles' },
};
const kafka = { address: 'kafka.kafka.svc.cluster.local:9092', topic: 'spans', partitions: 2 };

const MODES: [string, object][] = [
  ['defaults (all single binaries on volumes)', {}],
  [
    'everything switched off that can be',
    {
      monitoring: { serviceMonitors: false },
      loki: { rules: { enabled: false } },
      tempo: { otlp: { grpc: false, http: true } },
      grafana: { datasources: { enabled: false } },
    },
  ],
  [
    'custom sizes, classes, retention, alertmanager',
    {
      namespace: 'obs',
      storageClass: 'fast',
      alertmanager: { url: 'http://am.monitoring.svc.cluster.local:9093' },
      loki: {
        retention: '30d',
        storage: { size: '7Gi', storageClass: 'slow' },
        rules: { searchNamespace: 'apps', resource: 'both', label: 'x/rule', labelValue: 'yes' },
      },
      tempo: { retention: '2w', maxBlockDuration: '30m', storage: { size: '3Gi' }, otlp: { grpc: true, http: false } },
      pyroscope: { replicas: 2, retention: '45d', storage: { size: '4Gi', storageClass: 'px' }, route: { hostname: 'p.example.com' } },
    },
  ],
  ['HelmRepository sources', { flux: { sourceKind: 'HelmRepository' } }],
  ['Loki SingleBinary on s3, schema migration', { objectStorage: s3, loki: { schemaMigrationDate: '2026-01-15' } }],
  ['Loki SimpleScalable on s3 (AWS region)', { objectStorage: aws, loki: { mode: 'SimpleScalable' } }],
  ['Loki Distributed on azure', { objectStorage: azure, loki: { mode: 'Distributed' }, tempo: { enabled: false }, pyroscope: { enabled: false } }],
  ['Loki Distributed on gcs', { objectStorage: gcs, loki: { mode: 'Distributed', replicas: { ingester: 2 } } }],
  ['Tempo single binary on azure', { objectStorage: azure }],
  ['tempo-distributed 1.x on s3', { objectStorage: s3, tempo: { mode: 'Distributed', replicas: { ingester: 2 } } }],
  ['tempo-distributed 1.x on gcs', { objectStorage: gcs, tempo: { mode: 'Distributed', otlp: { grpc: false, http: true } } }],
  ['tempo-distributed 3.x with Kafka on s3', { objectStorage: s3, tempo: { mode: 'Distributed', chart: { version: '3.3.0' }, kafka } }],
  [
    'tempo-distributed 3.x with Kafka on azure',
    { objectStorage: azure, tempo: { mode: 'Distributed', chart: { version: '3.3.0' }, kafka: { address: 'redpanda.kafka.svc:9092' } } },
  ],
  ['Pyroscope single binary on gcs', { objectStorage: gcs, pyroscope: { route: { hostname: 'p.example.com' } } }],
  [
    'Pyroscope Microservices on s3 with a route',
    { objectStorage: s3, pyroscope: { mode: 'Microservices', retention: '10d', route: { hostname: 'p.example.com' } } },
  ],
  ['Pyroscope Microservices on azure', { objectStorage: azure, pyroscope: { mode: 'Microservices' } }],
  // The route and datasources must follow the Service names the charts derive from the final values.
  [
    'name overrides in values',
    {
      loki: { values: { fullnameOverride: 'logs' } },
      tempo: { values: { fullnameOverride: 'traces' } },
      pyroscope: { values: { pyroscope: { fullnameOverride: 'prof' } }, route: { hostname: 'p.example.com' } },
    },
  ],
  [
    'name overrides in values, scalable, Loki gateway off',
    {
      objectStorage: s3,
      loki: { mode: 'SimpleScalable', values: { gateway: { enabled: false } } },
      tempo: { mode: 'Distributed', values: { fullnameOverride: 'traces' } },
      pyroscope: { mode: 'Microservices', values: { pyroscope: { nameOverride: 'prof' } }, route: { hostname: 'p.example.com' } },
    },
  ],
  [
    'everything scalable on s3, home-ops layout',
    {
      objectStorage: s3,
      loki: { mode: 'Distributed' },
      tempo: { mode: 'Distributed' },
      pyroscope: { mode: 'Microservices', route: { hostname: 'p.${SECRET_DOMAIN}' } },
      output: { layout: 'home-ops' },
      flux: { kustomization: { path: './kubernetes/apps/observability' } },
    },
  ],
  [
    'collector with every signal, HelmRepository sources, home-ops layout',
    {
      collector: { enabled: true, logs: { events: true }, profiles: { ebpf: true }, labels: { cluster: '${CLUSTER_NAME}' } },
      output: { layout: 'home-ops' },
      flux: { sourceKind: 'HelmRepository', kustomization: { path: './kubernetes/apps/observability' } },
      objectStorage: s3,
      tempo: { mode: 'Distributed' },
    },
  ],
];

for (const [title, spec] of MODES) {
  testWith(NEEDS, `mode ${title}: renders with Helm v4 and carries the config`, (t) => expectRendered(t, spec, title));
}

/** anySpec, and sometimes Tempo 3 (tempo-distributed 3.x with Kafka) where Tempo is distributed. */
const withKafka = fc
  .tuple(anySpec, fc.boolean(), fc.integer({ min: 1, max: 4 }))
  .map(([spec, kafka, partitions]) =>
    kafka && spec.tempo?.mode === 'Distributed'
      ? { ...spec, tempo: { ...spec.tempo, chart: { version: '3.3.0' }, kafka: { address: 'kafka.kafka.svc.cluster.local:9092', partitions } } }
      : spec,
  );

testWith(NEEDS, 'random valid configs render with Helm v4 and carry the config', (t) => {
  fc.assert(
    fc.property(withKafka, (spec) => {
      const r = checkStack(spec);
      rendered += r.releases;
      if (r.problems.length) throw new Error(`${JSON.stringify(spec)}\n${r.problems.join('\n')}`);
    }),
    { numRuns: 15 },
  );
  t.pass();
});

/** Each breakage of the generated output that the checks above must catch, and what they say. */
const BREAKAGES: [string, (o: any) => void, RegExp][] = [
  [
    'sidecar folder off the ruler directory',
    (o) => {
      if (o.kind === 'HelmRelease' && o.metadata.name === 'loki') o.spec.values.sidecar.rules.folder = '/rules/other';
    },
    /FOLDER is "\/rules\/other", config asks "\/rules\/fake"/,
  ],
  [
    'an unknown Loki key',
    (o) => {
      if (o.kind === 'HelmRelease' && o.metadata.name === 'loki') o.spec.values.loki.structuredConfig = { limits_config: { retention_periods: '1d' } };
    },
    /does not accept config key limits_config\.retention_periods/,
  ],
  [
    'Tempo retention lost',
    (o) => {
      if (o.kind === 'HelmRelease' && o.metadata.name === 'tempo') o.spec.values.tempo.retention = '1h';
    },
    /block_retention \(s\) is 3600, config asks 86400/,
  ],
  [
    'a credential not set on Pyroscope',
    (o) => o.kind === 'HelmRelease' && o.metadata.name === 'pyroscope' && delete o.spec.values.pyroscope.extraEnvVars.AWS_SECRET_ACCESS_KEY,
    /pyroscope: StatefulSet\/pyroscope\/pyroscope: \$\{AWS_SECRET_ACCESS_KEY\} is not set/,
  ],
  [
    'an unknown Pyroscope key',
    (o) => {
      if (o.kind === 'HelmRelease' && o.metadata.name === 'pyroscope') o.spec.values.pyroscope.structuredConfig.storage.s3.bucket = 'x';
    },
    /pyroscope 2\.2\.1 does not accept config key storage\.s3\.bucket$/,
  ],
  [
    'Tempo without env expansion',
    (o) => o.kind === 'HelmRelease' && o.metadata.name === 'tempo' && delete o.spec.values.tempo.extraArgs,
    /StatefulSet\/tempo\/tempo reads .* without -config.expand-env=true/,
  ],
  [
    'a volume size lost',
    (o) => {
      if (o.kind === 'HelmRelease' && o.metadata.name === 'pyroscope') o.spec.values.pyroscope.persistence.size = '1Gi';
    },
    /pyroscope claim data is 1Gi, config asks 10Gi/,
  ],
  [
    'the route on a wrong port',
    (o) => {
      if (o.kind === 'HTTPRoute') o.spec.rules[0].backendRefs[0].port = 4041;
    },
    /HTTPRoute pyroscope: Service pyroscope has no port 4041/,
  ],
  [
    'a datasource on a missing Service',
    (o) => {
      if (o.kind === 'ConfigMap')
        o.data = Object.fromEntries(Object.entries(o.data).map(([k, v]) => [k, String(v).replace('http://tempo.', 'http://tempo-query.')]));
    },
    /Grafana datasource Tempo .*no Service tempo-query in namespace observability/,
  ],
];

for (const [title, breakIt, message] of BREAKAGES) {
  testWith(NEEDS, `the render checks catch ${title}`, (t) => {
    const spec = { objectStorage: s3, pyroscope: { route: { hostname: 'p.example.com' } } };
    const out = generateFor(spec);
    const broken = structuredClone(out.objects);
    broken.forEach(breakIt);
    t.deepEqual(checkGenerated(spec, out.objects, out.results).problems, []);
    const problems = checkGenerated(spec, broken, out.results).problems;
    t.true(
      problems.some((p) => message.test(p)),
      problems.join('\n'),
    );
  });
}

testWith({ reference: ['charts-src'] }, 'every pinned chart version is in the reference data', (t) => {
  const missing = Object.entries(CHART_SOURCES)
    .filter(([chart, src]) => !chartDir(chart, src.version))
    .map(([chart, src]) => `charts-src/${chart}-${src.version}`);
  t.deepEqual(missing, [], `pinned in functions/versions.ts but absent from ${REFERENCE_DIR}: ${missing.join(', ')}`);
});

testWith({ reference: ['charts-src'] }, 'a chart version absent from the reference data is named', (t) => {
  const out = generateFor({ loki: { chart: { version: '99.0.0' } }, tempo: { enabled: false }, pyroscope: { enabled: false } });
  t.deepEqual(missingCharts(out.objects), ['charts-src/loki-99.0.0']);
  const err = t.throws(() => checkStack({ loki: { chart: { version: '99.0.0' } }, tempo: { enabled: false }, pyroscope: { enabled: false } }));
  t.regex(err!.message, /charts-src\/loki-99\.0\.0/);
});

testWith(NEEDS, 'rendered releases checked (count)', (t) => {
  // Declared last and every test above is synchronous, so this runs after all of them.
  t.log(`rendered releases checked: ${rendered}`);
  t.pass();
});

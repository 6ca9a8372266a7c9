// Impossible scale-out setups are refused (or warned about) with the field path and what to do;
// credentials given inline are refused without being echoed.
import test from 'ava';
import { config, resourceList, runFn } from './support/fn.ts';
import { generateFor } from './support/transform.ts';

const s3 = { type: 's3', endpoint: 'minio.minio.svc:9000', insecure: true, forcePathStyle: true, secretRef: { name: 'objstore' } };
const gcs = { type: 'gcs', secretRef: { name: 'gcs' } };
const azure = { type: 'azure', secretRef: { name: 'az' } };

type Case = [title: string, spec: object, field: string, message: RegExp];

const errorCases: Case[] = [
  ['loki SimpleScalable on the filesystem', { loki: { mode: 'SimpleScalable' } }, 'spec.loki.mode', /needs object storage: add spec.objectStorage/],
  ['loki Distributed on the filesystem', { loki: { mode: 'Distributed' } }, 'spec.loki.mode', /needs object storage/],
  ['tempo Distributed on the filesystem', { tempo: { mode: 'Distributed' } }, 'spec.tempo.mode', /needs object storage/],
  ['pyroscope Microservices on the filesystem', { pyroscope: { mode: 'Microservices' } }, 'spec.pyroscope.mode', /needs object storage/],
  [
    'replication factor above the write replicas',
    { objectStorage: s3, loki: { mode: 'SimpleScalable', replicas: { write: 2 }, replicationFactor: 3 } },
    'spec.loki.replicationFactor',
    /above the 2 write replica\(s\).*raise spec.loki.replicas.write/,
  ],
  [
    'replication factor above the ingesters',
    { objectStorage: s3, loki: { mode: 'Distributed', replicas: { ingester: 1 }, replicationFactor: 2 } },
    'spec.loki.replicationFactor',
    /above the 1 ingester/,
  ],
  [
    'no write replicas',
    { objectStorage: s3, loki: { mode: 'SimpleScalable', replicas: { write: 0 } } },
    'spec.loki.replicas.write',
    /cannot run without a write: give it at least 1 replica \(default 3\)/,
  ],
  ['no ingesters', { objectStorage: s3, loki: { mode: 'Distributed', replicas: { ingester: 0 } } }, 'spec.loki.replicas.ingester', /at least 1 replica/],
  [
    'a SimpleScalable target in Distributed mode',
    { objectStorage: s3, loki: { mode: 'Distributed', replicas: { read: 2 } } },
    'spec.loki.replicas.read',
    /not a component of Loki mode Distributed/,
  ],
  [
    'empty loki chunks bucket',
    { objectStorage: { ...s3, buckets: { loki: { chunks: '' } } } },
    'spec.objectStorage.buckets.loki.chunks',
    /bucket name: 3-63 lowercase.*default loki-chunks/,
  ],
  ['empty tempo bucket', { objectStorage: { ...s3, buckets: { tempo: '' } } }, 'spec.objectStorage.buckets.tempo', /bucket name.*default tempo-traces/],
  ['bucket with capitals', { objectStorage: { ...s3, buckets: { pyroscope: 'Profiles' } } }, 'spec.objectStorage.buckets.pyroscope', /lowercase/],
  [
    'tempo and pyroscope share a bucket',
    { objectStorage: { ...s3, buckets: { tempo: 'shared', pyroscope: 'shared' } } },
    'spec.objectStorage.buckets.tempo',
    /also buckets.pyroscope: Tempo needs a bucket of its own/,
  ],
  [
    'pyroscope shares the loki bucket',
    { objectStorage: { ...s3, buckets: { pyroscope: 'loki-chunks' } } },
    'spec.objectStorage.buckets.pyroscope',
    /also buckets.loki.chunks/,
  ],
  [
    'no secretRef',
    { objectStorage: { type: 's3', endpoint: 'minio:9000' } },
    'spec.objectStorage.secretRef',
    /create a Secret in observability with the keys AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY and add secretRef/,
  ],
  [
    'a secretRef without a name',
    { objectStorage: { type: 'azure', secretRef: { accountKeyKey: 'key' } } },
    'spec.objectStorage.secretRef.name',
    /name the Secret in observability.*AZURE_ACCOUNT_NAME/,
  ],
  [
    'a secretRef name that is no Secret name',
    { objectStorage: { ...s3, secretRef: { name: 'My Secret' } } },
    'spec.objectStorage.secretRef.name',
    /DNS-1123 subdomain/,
  ],
  [
    'a secret key name with spaces',
    { objectStorage: { ...s3, secretRef: { name: 'x', accessKeyIdKey: 'access key' } } },
    'spec.objectStorage.secretRef.accessKeyIdKey',
    /Secret data key/,
  ],
  [
    'endpoint with a scheme',
    { objectStorage: { ...s3, endpoint: 'http://minio.minio.svc:9000' } },
    'spec.objectStorage.endpoint',
    /host\[:port\] without a scheme \("minio.minio.svc:9000"\) and set insecure: true/,
  ],
  [
    'tempo chart 3.x without kafka',
    { objectStorage: s3, tempo: { mode: 'Distributed', chart: { version: '3.3.0' } } },
    'spec.tempo.kafka',
    /tempo-distributed 3.3.0 runs Tempo 3.*add spec.tempo.kafka.address.*or remove spec.tempo.chart.version/,
  ],
  [
    'tempo 3.x with ingester replicas',
    { objectStorage: s3, tempo: { mode: 'Distributed', chart: { version: '3.3.0' }, kafka: { address: 'k:9092' }, replicas: { ingester: 3 } } },
    'spec.tempo.replicas.ingester',
    /has no ingester.*spec.tempo.kafka.partitions/,
  ],
  [
    'tempo single binary with component replicas',
    { objectStorage: s3, tempo: { replicas: { querier: 2 } } },
    'spec.tempo.replicas.querier',
    /need mode Distributed/,
  ],
  [
    'tempo without ingesters',
    { objectStorage: s3, tempo: { mode: 'Distributed', replicas: { ingester: 0 } } },
    'spec.tempo.replicas.ingester',
    /at least 1 replica/,
  ],
  [
    'kafka address without port',
    { objectStorage: s3, tempo: { mode: 'Distributed', chart: { version: '3.3.0' }, kafka: { address: 'kafka' } } },
    'spec.tempo.kafka.address',
    /host:port/,
  ],
  [
    'schema migration on the first day',
    { objectStorage: s3, loki: { schemaMigrationDate: '2024-04-01' } },
    'spec.loki.schemaMigrationDate',
    /must be after 2024-04-01/,
  ],
  [
    'schema migration before the first day',
    { objectStorage: s3, loki: { schemaMigrationDate: '2023-12-31' } },
    'spec.loki.schemaMigrationDate',
    /after 2024-04-01/,
  ],
  ['schema migration on no day', { objectStorage: s3, loki: { schemaMigrationDate: '2031-02-30' } }, 'spec.loki.schemaMigrationDate', /not a calendar date/],
  [
    'schema migration without object storage',
    { loki: { schemaMigrationDate: '2031-01-01' } },
    'spec.loki.schemaMigrationDate',
    /only applies when moving to spec.objectStorage/,
  ],
  ['storage type unknown', { objectStorage: { ...s3, type: 'minio' } }, 'spec.objectStorage.type', /one of "s3", "gcs", "azure"/],
];

for (const [title, spec, field, message] of errorCases) {
  test(`refused: ${title}`, (t) => {
    const out = generateFor(spec);
    const errors = out.results.filter((r) => r.severity === 'error');
    const hit = errors.find((r) => r.field?.path === field);
    t.truthy(hit, `an error on ${field}; got ${JSON.stringify(errors.map((r) => [r.field?.path, r.message]))}`);
    t.regex(hit!.message, message);
    t.deepEqual(
      out.objects.map((o: any) => o.kind),
      ['ObservabilityConfig'],
      'nothing generated',
    );
  });
}

const warningCases: Case[] = [
  [
    'gcs with an endpoint',
    { objectStorage: { ...gcs, endpoint: 'storage.googleapis.com' } },
    'spec.objectStorage.endpoint',
    /does not apply to gcs and is ignored/,
  ],
  ['gcs insecure', { objectStorage: { ...gcs, insecure: true } }, 'spec.objectStorage.insecure', /does not apply to gcs/],
  ['gcs path style', { objectStorage: { ...gcs, forcePathStyle: true } }, 'spec.objectStorage.forcePathStyle', /does not apply to gcs/],
  ['azure region', { objectStorage: { ...azure, region: 'westeurope' } }, 'spec.objectStorage.region', /does not apply to azure/],
  [
    'kafka on the 1.61.3 chart',
    { objectStorage: s3, tempo: { mode: 'Distributed', kafka: { address: 'k:9092' } } },
    'spec.tempo.kafka',
    /ignored: tempo-distributed 1.61.3 has no Kafka write path/,
  ],
  ['kafka on the single binary', { objectStorage: s3, tempo: { kafka: { address: 'k:9092' } } }, 'spec.tempo.kafka', /ignored/],
  [
    'maxBlockDuration on Tempo 3 (Kafka: no ingesters)',
    { objectStorage: s3, tempo: { mode: 'Distributed', chart: { version: '3.3.0' }, kafka: { address: 'k:9092' }, maxBlockDuration: '10m' } },
    'spec.tempo.maxBlockDuration',
    /ignored: tempo-distributed 3\.3\.0 runs Tempo 3, which has no ingesters/,
  ],
  [
    'schema migration together with the mode switch',
    { objectStorage: s3, loki: { mode: 'SimpleScalable', schemaMigrationDate: '2031-01-01' } },
    'spec.loki.schemaMigrationDate',
    /cannot be queried after this change.*first add spec.objectStorage and the date with mode SingleBinary/,
  ],
  [
    'distributed ruler without replicas',
    { objectStorage: s3, loki: { mode: 'Distributed', replicas: { ruler: 0 } } },
    'spec.loki.replicas.ruler',
    /never evaluated/,
  ],
  ['two compactors', { objectStorage: s3, loki: { mode: 'Distributed', replicas: { compactor: 2 } } }, 'spec.loki.replicas.compactor', /only one compactor/],
];

test('maxBlockDuration: no warning at its default on Tempo 3, none when set on Tempo 2', (t) => {
  const kafka3 = { objectStorage: s3, tempo: { mode: 'Distributed', chart: { version: '3.3.0' }, kafka: { address: 'k:9092' } } };
  const tempo2 = { objectStorage: s3, tempo: { mode: 'Distributed', maxBlockDuration: '10m' } };
  for (const spec of [kafka3, tempo2]) {
    t.deepEqual(
      generateFor(spec).results.filter((r) => r.field?.path === 'spec.tempo.maxBlockDuration'),
      [],
      JSON.stringify(spec),
    );
  }
});

for (const [title, spec, field, message] of warningCases) {
  test(`warned: ${title}`, (t) => {
    const out = generateFor(spec);
    t.deepEqual(
      out.results.filter((r) => r.severity === 'error'),
      [],
    );
    const hit = out.results.find((r) => r.severity === 'warning' && r.field?.path === field);
    t.truthy(hit, `a warning on ${field}; got ${JSON.stringify(out.results)}`);
    t.regex(hit!.message, message);
    t.truthy(out.get('HelmRelease', 'loki') ?? out.get('HelmRelease', 'tempo'), 'still generated');
  });
}

const inline: [title: string, objectStorage: object, field: string][] = [
  ['accessKeyId next to type', { ...s3, accessKeyId: 'AKIAIOSFODNN7EXAMPLE' }, 'spec.objectStorage.accessKeyId'],
  ['secretAccessKey next to type', { ...s3, secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }, 'spec.objectStorage.secretAccessKey'],
  ['password', { ...s3, password: 'hunter2-hunter2' }, 'spec.objectStorage.password'],
  ['accountKey for azure', { ...azure, accountKey: 'c2VjcmV0LWF6dXJlLWtleQ==' }, 'spec.objectStorage.accountKey'],
  [
    'inside secretRef',
    { ...s3, secretRef: { name: 'x', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' } },
    'spec.objectStorage.secretRef.secretAccessKey',
  ],
];

for (const [title, objectStorage, field] of inline) {
  test(`inline credential refused with a pointer to secretRef: ${title}`, (t) => {
    const cfg = { ...config(), spec: { objectStorage } };
    const run = runFn('observability-stack', resourceList([cfg], cfg));
    t.is(run.code, 1);
    const hit = run.list.results.find((r: any) => r.field?.path === field);
    t.truthy(hit, JSON.stringify(run.list.results));
    t.is(hit.severity, 'error');
    t.regex(hit.message, /looks like a credential.*never takes credential values.*secretRef: \{name: <secret>\}/);
    t.notRegex(hit.message, /unknown field/);
    const secret = JSON.stringify(objectStorage).match(/"(AKIA\w+|wJalr[^"]+|hunter2[^"]*|c2Vj[^"]+)"/)![1]!;
    t.false(JSON.stringify(run.list.results).includes(secret), 'the credential is not echoed in results');
    t.false(run.stderr.includes(secret), 'nor on stderr');
  });
}

test('a literal credential in the values escape hatch is refused', (t) => {
  const out = generateFor({ objectStorage: s3, loki: { values: { loki: { storage: { s3: { secretAccessKey: 'plain-text-key' } } } } } });
  const hit = out.results.find((r) => r.field?.path === 'spec.loki.values.loki.storage.s3.secretAccessKey');
  t.truthy(hit, JSON.stringify(out.results));
  t.is(hit!.severity, 'error');
  t.regex(hit!.message, /literal credential.*spec.objectStorage.secretRef/);
  t.false(JSON.stringify(out.results).includes('plain-text-key'));
  // A Flux variable (substituted from a Secret at apply time) is not a literal.
  const ok = generateFor({
    objectStorage: s3,
    pyroscope: { values: { pyroscope: { structuredConfig: { storage: { s3: { secret_access_key: '${PYRO_KEY}' } } } } } },
  });
  t.deepEqual(
    ok.results.filter((r) => r.severity === 'error'),
    [],
  );
});

test('the bundled function exits 1 on a scale-out error and keeps the items', (t) => {
  const cfg = { ...config(), spec: { loki: { mode: 'Distributed' } } };
  const run = runFn('observability-stack', resourceList([cfg], cfg));
  t.is(run.code, 1);
  t.regex(run.stderr, /^observability-stack: 1 error \(see the results/, 'kpt prints the result; stderr sums up');
  t.true(run.list.results.some((r: any) => r.severity === 'error' && r.field?.path === 'spec.loki.mode' && /needs object storage/.test(r.message)));
  t.deepEqual(run.list.items, [cfg]);
});

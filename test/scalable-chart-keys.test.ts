// Every Helm values key the scalable modes emit exists in the pinned chart's values.yaml (or is a
// block the chart passes through verbatim): Helm ignores a misplaced key without a word.
import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { ROOT } from './support/fn.ts';
import { referenceDir } from './support/crd.ts';
import { releasesOf, unknownValueKeys } from './support/chart-values.ts';
import { generateFor } from './support/transform.ts';
import { readTree } from './support/tree.ts';

/**
 * Read by the loki chart's templates but only present as a comment in values.yaml:
 * `loki.storage.bucketNames` (_helpers.tpl `dig "storage" "bucketNames" "chunks"`, CHARTS.md §1.4).
 */
const ALLOWANCES: Record<string, string[]> = { loki: ['loki.storage.bucketNames'] };

const reference = referenceDir();
const check = reference ? test : test.skip;
if (!reference) console.log('scalable-chart-keys: ../shared/reference is absent, chart key checks skipped');

function assertKnown(t: any, objects: any[], expected: number) {
  const found = releasesOf(objects);
  t.is(found.length, expected, 'every release was checked');
  for (const r of found) {
    const dir = `${r.chart}-${r.version}`;
    t.true(existsSync(join(reference!, 'charts', dir, 'values.yaml')), `reference values for ${dir}`);
    t.deepEqual(unknownValueKeys(dir, r.values, ALLOWANCES[r.chart] ?? []), [], `${r.name} (${dir}) emits keys its chart does not have`);
  }
}

const s3 = { type: 's3', endpoint: 'minio.minio.svc:9000', insecure: true, forcePathStyle: true, secretRef: { name: 'objstore' } };
const gcs = { type: 'gcs', secretRef: { name: 'gcs' } };
const azure = { type: 'azure', endpoint: 'blob.core.windows.net', secretRef: { name: 'az' } };

const configs: [string, object][] = [
  ['single binaries on s3 with a schema migration', { storageClass: 'sc', objectStorage: s3, loki: { schemaMigrationDate: '2031-01-01' }, pyroscope: { retention: '30d' } }],
  ['SimpleScalable on azure', { storageClass: 'sc', objectStorage: azure, loki: { mode: 'SimpleScalable', replicas: { read: 2, write: 3, backend: 2 } } }],
  ['Distributed everything on gcs', { storageClass: 'sc', objectStorage: gcs, loki: { mode: 'Distributed' }, tempo: { mode: 'Distributed' }, pyroscope: { mode: 'Microservices' } }],
  ['Distributed on s3 without service monitors', { objectStorage: s3, loki: { mode: 'Distributed', replicas: { ingester: 4 } }, tempo: { mode: 'Distributed', otlp: { http: false } }, monitoring: { serviceMonitors: false } }],
  ['Tempo 3 with Kafka on azure', { objectStorage: azure, tempo: { mode: 'Distributed', chart: { version: '3.3.0' }, kafka: { address: 'kafka.kafka.svc:9092' } } }],
];

for (const [title, spec] of configs) {
  check(`chart keys: ${title}`, (t) => {
    const out = generateFor(spec);
    t.deepEqual(out.results.filter((r) => r.severity === 'error'), []);
    assertKnown(t, out.objects, 3);
  });
}

for (const name of ['scalable-s3', 'distributed-gcs', 'quickstart']) {
  check(`chart keys: examples/${name}`, (t) => {
    const dir = join(ROOT, 'examples', name);
    const objects = Object.entries(readTree(dir))
      .filter(([p]) => p.endsWith('.yaml') && p !== 'Kptfile')
      .flatMap(([, text]) => YAML.parseAllDocuments(text).map((d) => d.toJS()))
      .filter(Boolean);
    assertKnown(t, objects, 3);
  });
}

check('the checker itself finds a misplaced key (tempo chart keys on tempo-distributed)', (t) => {
  t.deepEqual(unknownValueKeys('tempo-distributed-1.61.3', { tempo: { storage: { trace: { backend: 's3' } } }, persistence: { enabled: true } }), [
    'tempo.storage',
    'persistence',
  ]);
  t.truthy(readFileSync(join(reference!, 'charts', 'loki-18.11.0', 'values.yaml'), 'utf8').includes('deploymentMode'));
});

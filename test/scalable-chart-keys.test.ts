// Every Helm values key the scalable modes emit exists in the pinned chart's values.yaml (or is a
// block the chart passes through verbatim): Helm ignores a misplaced key without a word.
import type { ExecutionContext } from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { ROOT } from './support/fn.ts';
import { testWith } from './support/needs.ts';
import { mustReference, reference } from './support/reference.ts';
import { releasesOf, unknownValueKeys } from './support/chart-values.ts';
import { generateFor } from './support/transform.ts';
import { readTree } from './support/tree.ts';

/**
 * Read by the loki chart's templates but only present as a comment in values.yaml:
 * `loki.storage.bucketNames` (_helpers.tpl `dig "storage" "bucketNames" "chunks"`, CHARTS.md §1.4).
 */
const ALLOWANCES: Record<string, string[]> = { loki: ['loki.storage.bucketNames'] };

/** Needs the reference data's charts/ and charts-src/: CI=true fails without them, elsewhere a named skip. */
const check = (title: string, fn: (t: ExecutionContext) => void) => testWith({ reference: ['charts', 'charts-src'] }, title, fn);

function assertKnown(t: any, objects: any[], expected: number) {
  const found = releasesOf(objects);
  t.is(found.length, expected, 'every release was checked');
  for (const r of found) {
    const name = `${r.chart}-${r.version}`;
    // charts/ holds the values of the backends' charts; complete charts (the collector's alloy) are in charts-src/.
    const dir = reference('charts', name) ?? reference('charts-src', name);
    t.true(!!dir && existsSync(join(dir, 'values.yaml')), `reference values for ${name}`);
    t.deepEqual(unknownValueKeys(dir ?? name, r.values, ALLOWANCES[r.chart] ?? []), [], `${r.name} (${name}) emits keys its chart does not have`);
  }
}

const s3 = { type: 's3', endpoint: 'minio.minio.svc:9000', insecure: true, forcePathStyle: true, secretRef: { name: 'objstore' } };
const gcs = { type: 'gcs', secretRef: { name: 'gcs' } };
const azure = { type: 'azure', endpoint: 'blob.core.windows.net', secretRef: { name: 'az' } };

const configs: [string, object][] = [
  [
    'single binaries on s3 with a schema migration',
    { storageClass: 'sc', objectStorage: s3, loki: { schemaMigrationDate: '2031-01-01' }, pyroscope: { retention: '30d' } },
  ],
  ['SimpleScalable on azure', { storageClass: 'sc', objectStorage: azure, loki: { mode: 'SimpleScalable', replicas: { read: 2, write: 3, backend: 2 } } }],
  [
    'Distributed everything on gcs',
    { storageClass: 'sc', objectStorage: gcs, loki: { mode: 'Distributed' }, tempo: { mode: 'Distributed' }, pyroscope: { mode: 'Microservices' } },
  ],
  [
    'Distributed on s3 without service monitors',
    {
      objectStorage: s3,
      loki: { mode: 'Distributed', replicas: { ingester: 4 } },
      tempo: { mode: 'Distributed', otlp: { http: false } },
      monitoring: { serviceMonitors: false },
    },
  ],
  [
    'Tempo 3 with Kafka on azure',
    { objectStorage: azure, tempo: { mode: 'Distributed', chart: { version: '3.3.0' }, kafka: { address: 'kafka.kafka.svc:9092' } } },
  ],
];

for (const [title, spec] of configs) {
  check(`chart keys: ${title}`, (t) => {
    const out = generateFor(spec);
    t.deepEqual(
      out.results.filter((r) => r.severity === 'error'),
      [],
    );
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
    // Every HelmRelease of the example (the quickstart also runs the collector).
    assertKnown(t, objects, objects.filter((o) => o.kind === 'HelmRelease').length);
  });
}

check('the checker itself finds a misplaced key (tempo chart keys on tempo-distributed)', (t) => {
  t.deepEqual(unknownValueKeys('tempo-distributed-1.61.3', { tempo: { storage: { trace: { backend: 's3' } } }, persistence: { enabled: true } }), [
    'tempo.storage',
    'persistence',
  ]);
  t.truthy(readFileSync(mustReference('charts', 'loki-18.11.0', 'values.yaml'), 'utf8').includes('deploymentMode'));
});

// The escape hatch checked: spec.<system>.values keys the pinned chart does not have, and keys
// that override a typed field, are warnings; the key index is generated from the charts'
// values.yaml and must be fresh.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { Item } from '../functions/krm/item.ts';
import { FREE_FORM_KEYS, TEMPLATE_ONLY_KEYS, VERBATIM_BLOCKS, chartKeys } from '../functions/observability-stack/chart-keys.ts';
import { transform } from '../functions/observability-stack/transform.ts';
import { CHART_SOURCES } from '../functions/versions.ts';
import { OUTPUT, ROOT, chartKeysSource, referenceNeeds } from '../scripts/gen-chart-keys.ts';
import * as support from './support/chart-values.ts';
import { config } from './support/fn.ts';
import { testWith } from './support/needs.ts';
import { exampleDirs } from './support/pipelines.ts';

const OBJECT_STORAGE = { type: 's3', endpoint: 's3.example.com', secretRef: { name: 's3' } };

function resultsFor(spec: object) {
  const cfg = config(spec);
  return transform(Item.fromObject(cfg), [Item.fromObject(cfg)]).results;
}
/** The results about spec.<system>.values (and the chart version they were checked against). */
const about = (spec: object) => resultsFor(spec).filter((r) => /^spec\.\w+\.(values|chart\.version)/.test(r.field?.path ?? ''));

test("a key the chart does not have: a warning with its path and a did-you-mean (the issue's example)", (t) => {
  const [w, ...rest] = about({ loki: { values: { singleBinary: { replica: 2 } } } });
  t.deepEqual(rest, []);
  t.is(w!.severity, 'warning');
  t.is(w!.field?.path, 'spec.loki.values.singleBinary.replica');
  t.is(w!.field?.proposedValue, 'replicas');
  // kpt prints `<field>: <message>`: the path is in the field, said once.
  t.regex(w!.message, /^chart loki 18\.11\.0 has no such value; did you mean "replicas"\?/);
  t.like(w!.resourceRef, { kind: 'ObservabilityConfig', name: 'observability' });
});

test("a values key that overrides a typed field: a warning naming the field that lost (the issue's example)", (t) => {
  const [w, ...rest] = about({ loki: { retention: '14d', values: { loki: { limits_config: { retention_period: '30d' } } } } });
  t.deepEqual(rest, []);
  t.is(w!.severity, 'warning');
  t.is(w!.field?.path, 'spec.loki.values.loki.limits_config.retention_period');
  t.regex(w!.message, /\("30d"\) overrides spec\.loki\.retention, which generates "14d" there/);
  // The same value as the field: nothing lost, nothing said.
  t.deepEqual(about({ loki: { retention: '30d', values: { loki: { limits_config: { retention_period: '30d' } } } } }), []);
});

test('overrides are found in every system, by the value the field generated', (t) => {
  const cases: [object, string, RegExp][] = [
    [{ tempo: { values: { tempo: { retention: '1h' } } } }, 'spec.tempo.values.tempo.retention', /overrides spec\.tempo\.retention, which generates "24h"/],
    [
      { pyroscope: { replicas: 2, values: { pyroscope: { replicaCount: 3 } } } },
      'spec.pyroscope.values.pyroscope.replicaCount',
      /overrides spec\.pyroscope\.replicas/,
    ],
    [{ loki: { values: { sidecar: { rules: { label: 'mine' } } } } }, 'spec.loki.values.sidecar.rules.label', /overrides spec\.loki\.rules/],
    [
      { storageClass: 'fast', loki: { values: { singleBinary: { persistence: { storageClass: 'slow' } } } } },
      'spec.loki.values.singleBinary.persistence.storageClass',
      /overrides spec\.loki\.storage\.storageClass/,
    ],
    [
      { objectStorage: OBJECT_STORAGE, tempo: { mode: 'Distributed', values: { compactor: { config: { compaction: { block_retention: '1h' } } } } } },
      'spec.tempo.values.compactor.config.compaction.block_retention',
      /overrides spec\.tempo\.retention/,
    ],
  ];
  for (const [spec, path, message] of cases) {
    const rs = about(spec);
    t.is(rs.length, 1, JSON.stringify(rs));
    t.is(rs[0]!.field?.path, path);
    t.regex(rs[0]!.message, message);
  }
});

test('did-you-mean in every chart, subcharts included', (t) => {
  const cases: [object, string, string | undefined][] = [
    [{ tempo: { values: { tempo: { reportingEnabld: false } } } }, 'spec.tempo.values.tempo.reportingEnabld', 'reportingEnabled'],
    [{ pyroscope: { values: { pyroscope: { replicaCont: 2 } } } }, 'spec.pyroscope.values.pyroscope.replicaCont', 'replicaCount'],
    [{ loki: { values: { minio: { rootUsr: 'x' } } } }, 'spec.loki.values.minio.rootUsr', 'rootUser'],
    [{ loki: { values: { rollout_operator: { nodeSelectr: {} } } } }, 'spec.loki.values.rollout_operator.nodeSelectr', 'nodeSelector'],
    [{ objectStorage: OBJECT_STORAGE, tempo: { mode: 'Distributed', values: { ingester: { replica: 2 } } } }, 'spec.tempo.values.ingester.replica', 'replicas'],
    [{ collector: { enabled: true, values: { alloy: { clustring: { enabled: true } } } } }, 'spec.collector.values.alloy.clustring', 'clustering'],
    [{ loki: { values: { zzzUnheardOf: 1 } } }, 'spec.loki.values.zzzUnheardOf', undefined],
  ];
  for (const [spec, path, near] of cases) {
    const rs = about(spec);
    t.is(rs.length, 1, `${path}: ${JSON.stringify(rs)}`);
    t.is(rs[0]!.field?.path, path);
    t.is(rs[0]!.field?.proposedValue, near);
    t.is(rs[0]!.severity, 'warning');
  }
  // A list of mappings is checked item by item.
  const list = about({ loki: { values: { minio: { buckets: [{ name: 'a', polcy: 'none' }] } } } });
  t.deepEqual(
    list.map((r) => [r.field?.path, r.field?.proposedValue]),
    [['spec.loki.values.minio.buckets[0].polcy', 'policy']],
  );
});

test('keys under free-form blocks stay free', (t) => {
  const free = {
    loki: {
      values: {
        loki: { structuredConfig: { anything: { at: 'all' } }, limits_config: { max_query_series: 5000 }, storage_config: { tsdb_shipper: { x: 1 } } },
        singleBinary: {
          extraArgs: ['-log.level=debug'],
          extraEnv: [{ name: 'A', value: 'b' }],
          podAnnotations: { 'x.io/y': 'z' },
          nodeSelector: { disk: 'ssd' },
          resources: { limits: { memory: '1Gi' } },
        },
        sidecar: { rules: { sizeLimit: '10Mi' } }, // read by the templates, not listed in values.yaml
        global: { extraEnv: [] },
      },
    },
    tempo: {
      values: {
        tempo: { receivers: { jaeger: { protocols: { thrift_http: {} } } }, overrides: { defaults: { x: 1 } }, extraArgs: { 'log.level': 'debug' } },
        podAnnotations: { a: 'b' },
      },
    },
    pyroscope: {
      values: {
        pyroscope: { structuredConfig: { limits: { max_query_length: '1d' } }, extraArgs: { 'log.level': 'debug' }, tenantOverrides: { t1: { x: 1 } } },
      },
    },
  };
  t.deepEqual(about(free), []);
  const distributed = {
    objectStorage: OBJECT_STORAGE,
    tempo: {
      mode: 'Distributed',
      values: { traces: { otlp: { grpc: { receiverConfig: { max_recv_msg_size_mib: 8 } } } }, overrides: { defaults: { ingestion: { rate_limit_bytes: 1 } } } },
    },
  };
  t.deepEqual(about(distributed), []);
});

test('the examples produce no warnings', (t) => {
  for (const dir of exampleDirs()) {
    const cfg = Item.fromObject(YAML.parse(readFileSync(join(dir, 'config.yaml'), 'utf8')));
    const rs = transform(cfg, [cfg]).results.filter((r) => r.severity !== 'info');
    t.deepEqual(rs, [], dir);
  }
});

test('the values the function generates for every example pass its own key check', (t) => {
  const releaseOf: Record<string, string> = { loki: 'loki', tempo: 'tempo', pyroscope: 'pyroscope', collector: 'alloy' };
  let checked = 0;
  for (const dir of exampleDirs()) {
    const cfg = YAML.parse(readFileSync(join(dir, 'config.yaml'), 'utf8'));
    const first = transform(Item.fromObject(cfg), [Item.fromObject(cfg)]).items.map((i) => i.object);
    const again = structuredClone(cfg);
    for (const [system, release] of Object.entries(releaseOf)) {
      const values = first.find((o: any) => o.kind === 'HelmRelease' && o.metadata.name === release)?.spec.values;
      if (!values) continue;
      again.spec[system] = { ...again.spec[system], values };
      checked++;
    }
    const unknown = transform(Item.fromObject(again), [Item.fromObject(again)]).results.filter((r) => /has no such value|is a mapping, but/.test(r.message));
    t.deepEqual(unknown, [], dir);
  }
  t.true(checked >= 10, `${checked} releases checked`);
});

test('another chart version, which has no index: the unknown-key check is skipped with an info result', (t) => {
  const rs = about({ loki: { chart: { version: '6.55.0' }, values: { singleBinary: { replica: 2 } } } });
  t.is(rs.length, 1, JSON.stringify(rs));
  t.is(rs[0]!.severity, 'info');
  t.is(rs[0]!.field?.path, 'spec.loki.chart.version');
  t.regex(rs[0]!.message, /chart loki 6\.55\.0 has no key index.*not checked/);
  // Overrides do not need the index: still reported.
  const both = about({ loki: { chart: { version: '6.55.0' }, retention: '14d', values: { loki: { limits_config: { retention_period: '1d' } } } } });
  t.deepEqual(
    both.map((r) => r.severity),
    ['info', 'warning'],
  );
});

test('the index covers every pinned chart the stack deploys, with subchart keys, compactly', (t) => {
  for (const chart of ['loki', 'tempo', 'tempo-distributed', 'pyroscope', 'alloy'] as const) t.truthy(chartKeys(chart, CHART_SOURCES[chart].version), chart);
  const loki = chartKeys('loki', CHART_SOURCES.loki.version) as any;
  t.is(typeof loki.minio.rootUser, 'number');
  t.is(typeof loki.rollout_operator, 'object');
  t.true(Array.isArray(loki.minio.buckets));
  t.true(readFileSync(join(ROOT, OUTPUT), 'utf8').length < 120_000);
});

test('the function and the test support share one list of free-form blocks and template-only keys', (t) => {
  t.is(support.VERBATIM_BLOCKS, VERBATIM_BLOCKS);
  t.is(support.TEMPLATE_ONLY_KEYS, TEMPLATE_ONLY_KEYS);
  t.true(FREE_FORM_KEYS.has('podAnnotations'));
});

testWith({ reference: referenceNeeds() }, `${OUTPUT} is fresh (npm run chart-keys)`, (t) => {
  t.is(readFileSync(join(ROOT, OUTPUT), 'utf8'), chartKeysSource(), 'stale: run npm run chart-keys');
});

// spec.grafana.datasources.format: GrafanaDatasource. One grafana-operator CR per system, valid
// against the operator's CRD, with the same correlations as the sidecar ConfigMap, and
// `${__value.raw}` reaching Grafana literally in both forms after strict Flux substitution.
import test from 'ava';
import YAML from 'yaml';
import { FLUX_SUBSTITUTE } from '../functions/krm/annotations.ts';
import { celChecks, validateNames, validateObject } from './support/crd.ts';
import { config, resourceList, runFn } from './support/fn.ts';
import { applyToObject } from './support/flux-envsubst/substitute.ts';
import { grafanaProvisioned } from './support/grafana-provisioning.ts';
import { testWith } from './support/needs.ts';
import { generateFor } from './support/transform.ts';

const SELECTOR = { matchLabels: { dashboards: 'grafana' } };
const OPERATOR = { grafana: { datasources: { format: 'GrafanaDatasource', instanceSelector: SELECTOR } } };
const VARS = { SECRET_DOMAIN: 'example.org', CLUSTER_NAME: 'home' };
const CRDS = { reference: ['crds/grafana.integreatly.org_grafanadatasources.yaml', 'crds/grafana.integreatly.org_grafanadashboards.yaml'] };

const crs = (spec: object) => generateFor(spec).objects.filter((o: any) => o.kind === 'GrafanaDatasource');
const bySystem = (list: any[]) => Object.fromEntries(list.map((o) => [o.spec.datasource.type, o]));

test('one GrafanaDatasource per system, with the instanceSelector, uid and no ConfigMap', (t) => {
  const out = generateFor(OPERATOR);
  t.deepEqual(
    out.results.filter((r) => r.severity === 'error'),
    [],
  );
  const list = crs(OPERATOR);
  t.deepEqual(
    list.map((o: any) => o.metadata.name),
    ['observability-loki', 'observability-tempo', 'observability-pyroscope'],
  );
  for (const o of list as any[]) {
    t.is(o.apiVersion, 'grafana.integreatly.org/v1beta1');
    t.is(o.metadata.namespace, 'observability');
    t.deepEqual(o.spec.instanceSelector, SELECTOR);
    t.is(o.spec.allowCrossNamespaceImport, undefined, 'same namespace: no cross-namespace import');
    t.is(o.spec.datasource.uid, undefined, 'spec.uid, not the deprecated datasource.uid');
  }
  t.deepEqual(
    list.map((o: any) => o.spec.uid),
    ['loki', 'tempo', 'pyroscope'],
  );
  t.false(out.objects.some((o: any) => o.kind === 'ConfigMap' && o.metadata.name.endsWith('-datasources')));
});

test('the operator form carries the same datasources and correlations as the sidecar provisioning file', (t) => {
  const cm = generateFor({}).get('ConfigMap', 'observability-datasources');
  const file = YAML.parse(Object.values<string>(cm.data)[0]!).datasources;
  const ops = crs(OPERATOR).map((o: any) => ({ uid: o.spec.uid, ...o.spec.datasource }));
  // Only the spelling of Grafana's variable differs: `$${…}` in the file, `${…}` through the API.
  const unescaped = JSON.parse(JSON.stringify(file).replaceAll('$${', '${'));
  t.deepEqual(ops, unescaped);
  const tempo = bySystem(crs(OPERATOR)).tempo.spec.datasource.jsonData;
  t.is(tempo.tracesToLogsV2.datasourceUid, 'loki');
  t.is(tempo.tracesToProfiles.datasourceUid, 'pyroscope');
  t.deepEqual(tempo.serviceMap, { datasourceUid: 'prometheus' });
  t.deepEqual(tempo.nodeGraph, { enabled: true });
});

test('${__value.raw} reaches Grafana literally in both forms after strict Flux substitution', (t) => {
  // Operator: Flux skips the CR (annotation); the operator posts the JSON, which Grafana stores as is.
  for (const o of crs(OPERATOR) as any[]) {
    const after = applyToObject(o, VARS, { strict: true }) as any;
    t.deepEqual(after, o);
    for (const f of after.spec.datasource.jsonData.derivedFields ?? []) t.is(f.url, '${__value.raw}');
  }
  t.is((crs(OPERATOR)[0] as any).metadata.annotations[FLUX_SUBSTITUTE], 'disabled');
  // Sidecar: Flux skips the ConfigMap; Grafana's provisioning turns `$${…}` into `${…}`.
  const cm = generateFor({}).get('ConfigMap', 'observability-datasources');
  const after = applyToObject(cm, VARS, { strict: true }) as any;
  const fields = YAML.parse(Object.values<string>(after.data)[0]!).datasources[0].jsonData.derivedFields;
  t.true(fields.length > 0);
  for (const f of fields) t.is(grafanaProvisioned(f.url), '${__value.raw}');
});

test('allowCrossNamespaceImport only where the Grafana lives in another namespace', (t) => {
  const elsewhere = crs({ grafana: { datasources: { ...OPERATOR.grafana.datasources, instanceNamespace: 'monitoring' } } });
  t.true(elsewhere.every((o: any) => o.spec.allowCrossNamespaceImport === true));
  const beside = crs({ grafana: { datasources: { ...OPERATOR.grafana.datasources, namespace: 'monitoring', instanceNamespace: 'monitoring' } } });
  t.true(beside.every((o: any) => o.metadata.namespace === 'monitoring' && o.spec.allowCrossNamespaceImport === undefined));
});

test('the GrafanaDatasource format without instanceSelector is an error naming the field, and nothing is emitted', (t) => {
  const out = generateFor({ grafana: { datasources: { format: 'GrafanaDatasource' } } });
  const errors = out.results.filter((r) => r.severity === 'error');
  t.is(errors.length, 1);
  t.is(errors[0]!.field?.path, 'spec.grafana.datasources.instanceSelector');
  t.regex(errors[0]!.message, /matchLabels/);
  t.false(out.objects.some((o: any) => o.kind === 'GrafanaDatasource' || o.kind === 'HelmRelease'));
  // An empty selector would match every Grafana: refused by the schema.
  const empty = generateFor({ grafana: { datasources: { format: 'GrafanaDatasource', instanceSelector: {} } } });
  t.true(empty.results.some((r) => r.severity === 'error' && r.field?.path === 'spec.grafana.datasources.instanceSelector'));
  // UIDs the operator's CRD pattern refuses are caught before the cluster does.
  const uid = generateFor({ grafana: { datasources: { ...OPERATOR.grafana.datasources, uids: { loki: 'my loki' } } } });
  t.true(uid.results.some((r) => r.severity === 'error' && r.field?.path === 'spec.grafana.datasources.uids.loki'));
});

test('the bundle: a missing instanceSelector exits 1 with one error result naming the field, no stack trace', (t) => {
  const cfg = config({ grafana: { datasources: { format: 'GrafanaDatasource' } } });
  const run = runFn('observability-stack', resourceList([cfg], cfg));
  t.is(run.code, 1);
  const errors = run.list.results.filter((r: any) => r.severity === 'error');
  t.deepEqual(
    errors.map((r: any) => [r.field?.path, r.resourceRef?.kind]),
    [['spec.grafana.datasources.instanceSelector', 'ObservabilityConfig']],
  );
  t.false(/\bat .+\.(ts|cjs):\d+/.test(run.stderr + run.stdout), 'no stack trace');
});

test('every datasource UID a correlation, dashboard or alert refers to is in the output (both formats, any systems, any UIDs)', (t) => {
  const UIDS = { loki: 'my-loki', tempo: 'my-tempo', pyroscope: 'my-pyroscope', prometheus: 'kps' };
  const full = [{ grafana: { dashboards: { enabled: true } } }, { grafana: { ...OPERATOR.grafana, dashboards: { enabled: true } } }];
  const variants = full.flatMap((g) => [
    { ...g, monitoring: { alerts: true } },
    { grafana: { ...g.grafana, datasources: { ...(g.grafana as any).datasources, uids: UIDS } } },
    ...(['loki', 'tempo', 'pyroscope'] as const).map((off) => ({ ...g, [off]: { enabled: false } })),
  ]);
  for (const spec of [...full, ...variants]) {
    const out = generateFor(spec);
    const prometheusUid = (spec.grafana as any).datasources?.uids?.prometheus ?? 'prometheus';
    const emitted = new Set<string>();
    const refs = new Set<string>();
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) {
        for (const x of v) walk(x);
        return;
      }
      if (!v || typeof v !== 'object') return;
      for (const [k, x] of Object.entries(v)) {
        if (k === 'datasourceUid' && typeof x === 'string') refs.add(x);
        else if (k === 'datasource' && x && typeof x === 'object' && typeof (x as any).uid === 'string') refs.add((x as any).uid);
        else walk(x);
      }
    };
    for (const o of out.objects as any[]) {
      if (o.kind === 'GrafanaDatasource') {
        emitted.add(o.spec.uid);
        walk(o.spec.datasource);
      } else if (o.kind === 'ConfigMap' && o.metadata.name.endsWith('-datasources')) {
        for (const d of YAML.parse(Object.values<string>(o.data)[0]!).datasources) {
          emitted.add(d.uid);
          walk(d);
        }
      } else if (o.kind === 'GrafanaDashboard') walk(JSON.parse(o.spec.json));
      else if (o.kind === 'ConfigMap' && o.metadata.labels?.grafana_dashboard) walk(JSON.parse(Object.values<string>(o.data)[0]!));
      else if (o.kind === 'PrometheusRule') walk(o.spec);
    }
    if (full.includes(spec)) t.true(refs.size >= 4, [...refs].join());
    // The Prometheus datasource is the user's own (kube-prometheus-stack's uid: prometheus); every other one is ours.
    for (const uid of refs) if (uid !== prometheusUid) t.true(emitted.has(uid), `${uid} is referred to but not emitted (${JSON.stringify(spec)})`);
  }
});

testWith(CRDS, 'GrafanaDatasource and GrafanaDashboard CRs validate against the grafana-operator v5.24.0 CRDs', (t) => {
  for (const spec of [
    { ...OPERATOR, grafana: { ...OPERATOR.grafana, dashboards: { enabled: true } } },
    {
      grafana: {
        datasources: {
          format: 'GrafanaDatasource',
          instanceSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['grafana'] }] },
          instanceNamespace: 'monitoring',
        },
        dashboards: { enabled: true },
      },
    },
  ]) {
    const objects = generateFor(spec).objects.filter((o: any) => o.apiVersion?.startsWith('grafana.integreatly.org/'));
    t.is(objects.length, 5);
    for (const o of objects) {
      const after = applyToObject(o, VARS, { strict: true });
      t.deepEqual([...validateObject(after), ...celChecks(after), ...validateNames(after)], [], `${o.kind}/${o.metadata.name}`);
    }
  }
});

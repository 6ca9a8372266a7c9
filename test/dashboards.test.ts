// spec.grafana.dashboards: Tempo and Pyroscope dashboards we generate (valid JSON, our datasource
// UIDs, real metric names, PromQL and LogQL that parse, Grafana variables intact through Flux), in
// the user's format; the Loki chart's own dashboards are checked in test/grafana-helm.test.ts.
import test from 'ava';
import { checkLogQL } from '../functions/loki-rules/logql/index.ts';
import { FLUX_SUBSTITUTE } from '../functions/krm/annotations.ts';
import { applyToObject } from './support/flux-envsubst/substitute.ts';
import { VERIFIED_METRICS, grafanaInterpolated, metricNames, promqlErrors } from './support/promql.ts';
import { generateFor } from './support/transform.ts';

const OPERATOR = { format: 'GrafanaDatasource', instanceSelector: { matchLabels: { dashboards: 'grafana' } } };
const VARS = { SECRET_DOMAIN: 'example.org', CLUSTER_NAME: 'home' };

function dashboards(spec: object) {
  const out = generateFor(spec);
  const objects = out.objects.filter((o: any) => o.kind === 'GrafanaDashboard' || (o.kind === 'ConfigMap' && o.metadata.name.endsWith('-dashboard')));
  const models = objects.map((o: any) => JSON.parse(o.kind === 'GrafanaDashboard' ? o.spec.json : Object.values<string>(o.data)[0]!));
  return { out, objects, models };
}

test('off by default; on, one sidecar ConfigMap per Tempo and Pyroscope, labelled grafana_dashboard', (t) => {
  t.is(dashboards({}).objects.length, 0);
  const { objects, models, out } = dashboards({ grafana: { dashboards: { enabled: true } } });
  t.deepEqual(
    out.results.filter((r) => r.severity === 'error'),
    [],
  );
  t.deepEqual(
    objects.map((o: any) => [o.kind, o.metadata.name, o.metadata.namespace, o.metadata.labels.grafana_dashboard]),
    [
      ['ConfigMap', 'observability-tempo-dashboard', 'observability', '1'],
      ['ConfigMap', 'observability-pyroscope-dashboard', 'observability', '1'],
    ],
  );
  t.deepEqual(
    models.map((m) => [m.uid, m.title]),
    [
      ['observability-tempo', 'Tempo / Operational'],
      ['observability-pyroscope', 'Pyroscope / Operational'],
    ],
  );
  t.deepEqual(
    dashboards({ tempo: { enabled: false }, grafana: { dashboards: { enabled: true } } }).models.map((m) => m.uid),
    ['observability-pyroscope'],
  );
});

test('panels use our datasource UIDs; every PromQL and LogQL query parses and every metric name is a verified one', (t) => {
  const { models } = dashboards({ grafana: { datasources: { uids: { prometheus: 'prom', loki: 'logs' } }, dashboards: { enabled: true } } });
  let queries = 0;
  for (const m of models) {
    t.deepEqual(
      m.templating.list.map((v: any) => [v.name, v.current.value]),
      [['namespace', 'observability']],
    );
    for (const p of m.panels) {
      const ds = p.datasource;
      t.deepEqual(ds, p.type === 'logs' ? { type: 'loki', uid: 'logs' } : { type: 'prometheus', uid: 'prom' }, p.title);
      for (const target of p.targets) {
        queries++;
        t.deepEqual(target.datasource, ds);
        const expr = grafanaInterpolated(target.expr, { namespace: 'observability' });
        t.false(expr.includes('$'), `${expr}: every variable is one Grafana knows`);
        if (p.type === 'logs') {
          const r = checkLogQL(expr);
          t.true(r.ok, `${expr}: ${JSON.stringify(r)}`);
        } else {
          t.deepEqual(promqlErrors(expr), [], expr);
          for (const name of metricNames(expr)) t.truthy(VERIFIED_METRICS[name], `${name} is not a verified metric name`);
        }
      }
    }
  }
  t.true(queries >= 12);
});

test('Grafana variables ($var and ${var}) survive strict Flux substitution, opted out or escaped', (t) => {
  // Sidecar: the ConfigMap opts out of substitution, so it is applied as written.
  const cms = dashboards({ grafana: { dashboards: { enabled: true } } }).objects;
  for (const cm of cms as any[]) {
    t.is(cm.metadata.annotations[FLUX_SUBSTITUTE], 'disabled');
    t.deepEqual(applyToObject(cm, VARS, { strict: true }), cm);
  }
  const json = Object.values<string>(cms[0].data)[0]!;
  t.true(json.includes('"$namespace"') || json.includes('=\\"$namespace\\"'));
  t.true(json.includes('${namespace}') && json.includes('$__rate_interval'));
  // Operator, with a Flux variable of the user's in the same CR: every Grafana `$` is doubled and Flux halves it back.
  const spec = { grafana: { datasources: OPERATOR, dashboards: { enabled: true, folder: '${CLUSTER_NAME} observability' } } };
  const { objects } = dashboards(spec);
  for (const o of objects as any[]) {
    t.is(o.metadata.annotations?.[FLUX_SUBSTITUTE], undefined);
    const after = applyToObject(o, VARS, { strict: true }) as any;
    t.is(after.spec.folder, 'home observability');
    const model = JSON.parse(after.spec.json);
    t.true(model.panels[0].title.includes('${namespace}'), model.panels[0].title);
    t.true(model.panels[0].targets[0].expr.includes('namespace="$namespace"'));
    t.true(model.panels[0].targets[0].expr.includes('[$__rate_interval]'));
    // What Grafana gets equals what the sidecar form ships.
    t.deepEqual(model, JSON.parse(Object.values<string>(cms.find((c: any) => c.metadata.name === o.metadata.name)!.data)[0]!));
  }
});

test('operator format: GrafanaDashboard CRs with the instanceSelector and folder, in the Grafana namespace', (t) => {
  const { objects } = dashboards({
    grafana: { datasources: { ...OPERATOR, namespace: 'grafana', instanceNamespace: 'grafana' }, dashboards: { enabled: true, folder: 'Stack' } },
  });
  t.is(objects.length, 2);
  for (const o of objects as any[]) {
    t.is(o.kind, 'GrafanaDashboard');
    t.is(o.metadata.namespace, 'grafana');
    t.deepEqual(o.spec.instanceSelector, OPERATOR.instanceSelector);
    t.is(o.spec.folder, 'Stack');
    t.is(o.spec.allowCrossNamespaceImport, undefined);
  }
});

test('the Loki chart renders its own dashboards: monitoring.dashboards on, with the operator option in that format', (t) => {
  const sidecar = generateFor({ grafana: { dashboards: { enabled: true, labelValue: 'yes' } } }).get('HelmRelease', 'loki').spec.values.monitoring.dashboards;
  t.deepEqual(sidecar, {
    enabled: true,
    labels: { grafana_dashboard: 'yes' },
    'loki-bloom-build': { enabled: false },
    'loki-bloom-gateway': { enabled: false },
  });
  const operator = generateFor({ grafana: { datasources: OPERATOR, dashboards: { enabled: true } } }).get('HelmRelease', 'loki').spec.values.monitoring
    .dashboards;
  t.deepEqual(operator.grafanaOperator, { enabled: true, instanceSelector: OPERATOR.instanceSelector, folder: 'Observability' });
  t.is(generateFor({}).get('HelmRelease', 'loki').spec.values.monitoring.dashboards, undefined);
});

// What the pinned Loki chart renders from our values (Helm v4, as helm-controller would): its mixin
// dashboards as sidecar ConfigMaps or grafana-operator GrafanaDashboards, and its alerts and
// recording rules as PrometheusRules, all valid against the CRDs and parsed as PromQL.
import { celChecks, validateNames, validateObject } from './support/crd.ts';
import { HELM_TOOL, releaseOf, renderRelease } from './support/helm.ts';
import { testWith } from './support/needs.ts';
import { promqlErrors } from './support/promql.ts';
import { generateFor } from './support/transform.ts';

const S3 = { type: 's3', endpoint: 'minio.storage.svc:9000', secretRef: { name: 'object-store' } };
const SELECTOR = { matchLabels: { dashboards: 'grafana' } };
const NEEDS = {
  reference: ['charts-src/loki-18.11.0', 'crds/monitoring.coreos.com_prometheusrules.yaml', 'crds/grafana.integreatly.org_grafanadashboards.yaml'],
  tools: [HELM_TOOL],
};

function renderLoki(spec: object) {
  const out = generateFor(spec);
  return renderRelease(releaseOf(out.get('HelmRelease', 'loki'), out.objects));
}

const valid = (o: any) => [...validateObject(o), ...celChecks(o), ...validateNames(o)];

testWith(NEEDS, 'Loki chart, sidecar format: dashboards ConfigMaps with our label, valid JSON', (t) => {
  const objects = renderLoki({ grafana: { dashboards: { enabled: true, labelValue: 'yes' } }, monitoring: { alerts: false } });
  const dashboards = objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.grafana_dashboard === 'yes');
  t.true(dashboards.length >= 9, `${dashboards.length} dashboards`);
  for (const cm of dashboards) {
    for (const [key, json] of Object.entries<string>(cm.data)) {
      t.true(key.endsWith('.json'));
      const model = JSON.parse(json);
      t.truthy(model.uid, key);
      t.true((model.panels?.length ?? 0) + (model.rows?.length ?? 0) > 0, key);
    }
    t.deepEqual(valid(cm), []);
  }
  t.false(
    objects.some((o) => o.kind === 'GrafanaDashboard'),
    'no operator CRs in the sidecar format',
  );
  t.false(
    dashboards.some((cm) => Object.keys(cm.data).some((k) => k.includes('bloom'))),
    'no bloom dashboards: no bloom components',
  );
  t.false(
    objects.some((o) => o.kind === 'PrometheusRule'),
    'alerts off',
  );
});

testWith(NEEDS, 'Loki chart, operator format: a GrafanaDashboard per dashboard, valid against the CRD, pointing at its ConfigMap', (t) => {
  const spec = {
    objectStorage: S3,
    loki: { mode: 'SimpleScalable' },
    grafana: { datasources: { format: 'GrafanaDatasource', instanceSelector: SELECTOR }, dashboards: { enabled: true } },
  };
  const objects = renderLoki(spec);
  const crs = objects.filter((o) => o.kind === 'GrafanaDashboard');
  const configMaps = new Map(objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata.name, o]));
  t.true(crs.length >= 8, `${crs.length} GrafanaDashboards`);
  for (const cr of crs) {
    t.deepEqual(valid(cr), [], cr.metadata.name);
    t.deepEqual(cr.spec.instanceSelector, SELECTOR);
    t.is(cr.spec.folder, 'Observability');
    const cm = configMaps.get(cr.spec.configMapRef.name);
    t.truthy(cm, `${cr.metadata.name} refers to a ConfigMap that is rendered`);
    t.notThrows(() => JSON.parse(cm!.data[cr.spec.configMapRef.key]));
  }
});

testWith(NEEDS, 'Loki chart alerts and recording rules: PrometheusRules valid against the CRD, every expression valid PromQL', (t) => {
  const objects = renderLoki({ monitoring: { ruleLabels: { release: 'kube-prometheus-stack' } } });
  const rules = objects.filter((o) => o.kind === 'PrometheusRule');
  t.is(rules.length, 2);
  const names: string[] = [];
  for (const r of rules) {
    t.deepEqual(valid(r), [], r.metadata.name);
    t.is(r.metadata.labels.release, 'kube-prometheus-stack');
    for (const g of r.spec.groups) {
      for (const rule of g.rules) {
        names.push(rule.alert ?? rule.record);
        t.deepEqual(promqlErrors(rule.expr), [], `${rule.alert ?? rule.record}: ${rule.expr}`);
      }
    }
  }
  for (const alert of ['LokiRequestErrors', 'LokiRequestPanics', 'LokiRequestLatency', 'LokiCompactorHasNotSuccessfullyRunCompaction'])
    t.true(names.includes(alert), alert);
  // LokiRequestLatency reads a recording rule of the other PrometheusRule.
  t.true(names.includes('cluster_namespace_job_route:loki_request_duration_seconds:99quantile'));
});

// spec.monitoring.alerts: our PrometheusRule (Loki ruler and retention, Tempo discarded spans and
// errors, Pyroscope ingestion, full volumes) beside the Loki chart's own rule set. Every expression
// parses with Prometheus' grammar and uses only verified metric names.
import test from 'ava';
import { FLUX_SUBSTITUTE } from '../functions/krm/annotations.ts';
import { celChecks, validateNames, validateObject } from './support/crd.ts';
import { applyToObject } from './support/flux-envsubst/substitute.ts';
import { testWith } from './support/needs.ts';
import { VERIFIED_METRICS, metricNames, promqlErrors } from './support/promql.ts';
import { generateFor } from './support/transform.ts';

const rule = (spec: object) => generateFor(spec).objects.find((o: any) => o.kind === 'PrometheusRule');
const alertNames = (r: any) => r.spec.groups.flatMap((g: any) => g.rules.map((x: any) => x.alert));

test('on by default (ServiceMonitors are on): our rule and the Loki chart alerts and recording rules', (t) => {
  const out = generateFor({});
  const r = rule({});
  t.is(r.metadata.name, 'observability-stack-alerts');
  t.is(r.metadata.namespace, 'observability');
  t.deepEqual(alertNames(r), [
    'LokiRulerEvaluationFailures',
    'LokiRetentionNotRunning',
    'LokiRetentionFailures',
    'TempoDiscardedSpans',
    'TempoRequestErrors',
    'PyroscopeDiscardedSamples',
    'PyroscopeIngestionErrors',
    'ObservabilityVolumeAlmostFull',
    'ObservabilityVolumeFull',
  ]);
  const monitoring = out.get('HelmRelease', 'loki').spec.values.monitoring;
  t.deepEqual([monitoring.alerts, monitoring.rules], [{ enabled: true }, { enabled: true }]);
});

test('follows spec.monitoring.serviceMonitors unless set; only deployed systems get groups', (t) => {
  t.is(rule({ monitoring: { serviceMonitors: false } }), undefined);
  t.is(generateFor({ monitoring: { serviceMonitors: false } }).get('HelmRelease', 'loki').spec.values.monitoring.alerts, undefined);
  t.truthy(rule({ monitoring: { serviceMonitors: false, alerts: true } }));
  t.true(
    generateFor({ monitoring: { serviceMonitors: false, alerts: true } }).results.some(
      (r) => r.severity === 'warning' && r.field?.path === 'spec.monitoring.alerts',
    ),
  );
  t.is(rule({ monitoring: { alerts: false } }), undefined);
  const onlyTempo = rule({ loki: { enabled: false }, pyroscope: { enabled: false } });
  t.deepEqual(
    onlyTempo.spec.groups.map((g: any) => g.name),
    ['tempo-stack', 'observability-volumes'],
  );
});

test('retention alerts only while the final Loki values keep compactor retention on', (t) => {
  const retentionAlerts = (spec: object) => alertNames(rule(spec)).filter((n: string) => n.startsWith('LokiRetention'));
  t.deepEqual(retentionAlerts({}), ['LokiRetentionNotRunning', 'LokiRetentionFailures']);
  t.deepEqual(retentionAlerts({ loki: { values: { loki: { compactor: { retention_enabled: false } } } } }), []);
  t.deepEqual(retentionAlerts({ loki: { values: { loki: { structuredConfig: { compactor: { retention_enabled: false } } } } } }), []);
  // structuredConfig is merged over the chart's config: it wins over loki.compactor.
  t.deepEqual(
    retentionAlerts({ loki: { values: { loki: { compactor: { retention_enabled: false }, structuredConfig: { compactor: { retention_enabled: true } } } } } }),
    ['LokiRetentionNotRunning', 'LokiRetentionFailures'],
  );
  t.true(alertNames(rule({ loki: { values: { loki: { compactor: { retention_enabled: false } } } } })).includes('LokiRulerEvaluationFailures'));
});

test('every expression is valid PromQL (Prometheus grammar) over verified metric names, scoped to the namespace', (t) => {
  const r = rule({ namespace: 'o11y' });
  for (const g of r.spec.groups) {
    for (const a of g.rules) {
      t.deepEqual(promqlErrors(a.expr), [], `${a.alert}: ${a.expr}`);
      const names = metricNames(a.expr);
      t.true(names.length > 0, a.alert);
      for (const name of names) t.truthy(VERIFIED_METRICS[name], `${a.alert}: ${name} is not a verified metric name`);
      t.true(a.expr.includes('namespace="o11y"'), a.alert);
      t.regex(a.for, /^\d+[mh]$/);
      t.true(['warning', 'critical'].includes(a.labels.severity));
    }
  }
});

test('the parser refuses broken PromQL (the check can fail)', (t) => {
  t.notDeepEqual(promqlErrors('sum(rate(x[5m])'), []);
  t.notDeepEqual(promqlErrors('rate(x[5m]) >'), []);
  t.deepEqual(metricNames('sum(rate(a_total{x="y"}[5m])) / b'), ['a_total', 'b']);
});

test('ruleLabels reach our rule and the chart rules; $labels survives strict Flux substitution', (t) => {
  const spec = { monitoring: { ruleLabels: { release: 'kube-prometheus-stack' } } };
  const r = rule(spec);
  t.deepEqual(r.metadata.labels.release, 'kube-prometheus-stack');
  const monitoring = generateFor(spec).get('HelmRelease', 'loki').spec.values.monitoring;
  t.deepEqual(monitoring.alerts.labels, { release: 'kube-prometheus-stack' });
  t.deepEqual(monitoring.rules.labels, { release: 'kube-prometheus-stack' });
  t.is(r.metadata.annotations[FLUX_SUBSTITUTE], 'disabled');
  t.deepEqual(applyToObject(r, { CLUSTER_NAME: 'home' }, { strict: true }), r);
  t.true(JSON.stringify(r).includes('{{ $labels.namespace }}'));
});

testWith({ reference: ['crds/monitoring.coreos.com_prometheusrules.yaml'] }, 'the PrometheusRule validates against the prometheus-operator CRD', (t) => {
  for (const spec of [{}, { monitoring: { ruleLabels: { release: 'kps' } }, loki: { enabled: false } }]) {
    const r = rule(spec);
    t.deepEqual([...validateObject(r), ...celChecks(r), ...validateNames(r)], []);
  }
});

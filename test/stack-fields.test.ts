// Every config field reaches the output where the charts and Flux read it.
import test from 'ava';
import { generateFor, values } from './support/transform.ts';

test('spec.namespace moves every generated object and the default Alertmanager URL', (t) => {
  const out = generateFor({ namespace: 'monitoring' });
  const gen = out.objects.filter((o: any) => o.metadata.annotations?.['observability.krm.dev/generated-by']);
  // Every namespaced object; the Namespace itself (cluster-scoped) is named after it.
  t.true(gen.filter((o: any) => o.kind !== 'Namespace').every((o: any) => o.metadata.namespace === 'monitoring'));
  t.deepEqual(
    gen.filter((o: any) => o.kind === 'Namespace').map((o: any) => o.metadata.name),
    ['monitoring'],
  );
  t.is(out.get('HelmRelease', 'loki').spec.values.loki.rulerConfig.alertmanager_url, 'http://alertmanager-operated.monitoring.svc.cluster.local:9093');
  t.regex(out.get('HelmRelease', 'loki').metadata.annotations['internal.config.kubernetes.io/path'], /^monitoring\/loki\//);
});

test('spec.storageClass applies everywhere; a component storageClass wins for that component', (t) => {
  const out = generateFor({ storageClass: 'ceph-block', tempo: { storage: { storageClass: 'fast', size: '20Gi' } } });
  t.is(out.get('HelmRelease', 'loki').spec.values.singleBinary.persistence.storageClass, 'ceph-block');
  t.like(out.get('HelmRelease', 'tempo').spec.values.persistence, { storageClassName: 'fast', size: '20Gi' });
  t.is(out.get('HelmRelease', 'pyroscope').spec.values.pyroscope.persistence.storageClassName, 'ceph-block');
});

test('no storage class anywhere: the cluster default (key absent)', (t) => {
  const v = values({}, 'loki');
  t.false('storageClass' in v.singleBinary.persistence);
  t.false('storageClassName' in values({}, 'tempo').persistence);
});

test('spec.alertmanager.url', (t) => {
  t.is(values({ alertmanager: { url: 'http://am.mon.svc:9093' } }, 'loki').loki.rulerConfig.alertmanager_url, 'http://am.mon.svc:9093');
});

test('spec.flux: HelmRepository source kind uses chart.spec and shared repositories', (t) => {
  const out = generateFor({ flux: { sourceKind: 'HelmRepository' } });
  const loki = out.get('HelmRelease', 'loki');
  t.false('chartRef' in loki.spec);
  t.deepEqual(loki.spec.chart.spec, { chart: 'loki', version: '18.11.0', sourceRef: { kind: 'HelmRepository', name: 'grafana-community' }, interval: '30m' });
  t.is(out.get('HelmRelease', 'pyroscope').spec.chart.spec.sourceRef.name, 'grafana');
  t.is(out.get('HelmRepository', 'grafana-community').spec.url, 'https://grafana-community.github.io/helm-charts');
  t.is(out.get('HelmRepository', 'grafana').spec.url, 'https://grafana.github.io/helm-charts');
  t.is(out.objects.filter((o: any) => o.kind === 'HelmRepository').length, 2, 'loki and tempo share one repository');
  t.is(out.objects.filter((o: any) => o.kind === 'OCIRepository').length, 0);
});

test('spec.flux interval, timeout, dependsOn and remediation', (t) => {
  const out = generateFor({
    flux: { interval: '1h', timeout: '15m', dependsOn: [{ name: 'openebs', namespace: 'openebs-system' }], remediation: { retries: 5, cleanupOnFail: false } },
  });
  for (const name of ['loki', 'tempo', 'pyroscope']) {
    const hr = out.get('HelmRelease', name);
    t.is(hr.spec.interval, '1h');
    t.is(hr.spec.timeout, '15m');
    t.deepEqual(hr.spec.dependsOn, [{ name: 'openebs', namespace: 'openebs-system' }]);
    t.deepEqual(hr.spec.install.remediation, { retries: 5 });
    t.deepEqual(hr.spec.upgrade, { cleanupOnFail: false, remediation: { retries: 5 } });
  }
  t.is(out.get('OCIRepository', 'loki').spec.interval, '1h');
});

test('chart version and url overrides', (t) => {
  const out = generateFor({ loki: { chart: { version: '18.14.0', url: 'oci://registry.example.com/charts/loki' } } });
  t.is(out.get('OCIRepository', 'loki').spec.ref.tag, '18.14.0');
  t.is(out.get('OCIRepository', 'loki').spec.url, 'oci://registry.example.com/charts/loki');
});

test('spec.loki retention, storage and rules settings', (t) => {
  const v = values(
    {
      loki: {
        retention: '30d',
        storage: { size: '100Gi', storageClass: 'local-path' },
        rules: { searchNamespace: 'apps,observability', label: 'rules', labelValue: 'loki', resource: 'both' },
      },
    },
    'loki',
  );
  t.is(v.loki.limits_config.retention_period, '30d');
  t.like(v.singleBinary.persistence, { size: '100Gi', storageClass: 'local-path' });
  t.like(v.sidecar.rules, { searchNamespace: 'apps,observability', label: 'rules', labelValue: 'loki', resource: 'both' });
});

test('spec.loki.rules.enabled false: no sidecar, ruler keeps its own storage', (t) => {
  const v = values({ loki: { rules: { enabled: false } } }, 'loki');
  t.false(v.sidecar.rules.enabled);
  t.false('storage' in v.loki.rulerConfig);
});

test('spec.loki.sidecarImage: a 2.x image gets the chart probes, a digest is split out', (t) => {
  const digest = 'a'.repeat(64);
  const v = values({ loki: { sidecarImage: `docker.io/kiwigrid/k8s-sidecar:2.10.1@sha256:${digest}` } }, 'loki');
  t.deepEqual(v.sidecar.image, { registry: 'docker.io', repository: 'kiwigrid/k8s-sidecar', tag: '2.10.1', sha: digest });
  t.true(v.sidecar.readinessProbe.enabled);
});

test('spec.tempo: Go durations, receivers, block duration', (t) => {
  const v = values({ tempo: { retention: '14d', maxBlockDuration: '1h30m', otlp: { http: false } } }, 'tempo');
  t.is(v.tempo.retention, '336h');
  t.is(v.tempo.ingester.max_block_duration, '1h30m');
  t.deepEqual(v.tempo.receivers.otlp.protocols.grpc, { endpoint: '0.0.0.0:4317' });
  t.deepEqual(v.tempo.receivers.otlp.protocols.http, { endpoint: '127.0.0.1:4318' }, 'off: loopback only (Flux drops a null that would delete it)');
});

test('spec.pyroscope: replicas, retention, route gateway', (t) => {
  const out = generateFor({
    pyroscope: {
      replicas: 1,
      retention: '7d',
      storage: { size: '20Gi' },
      route: { hostname: 'profiles.example.com', gateway: { name: 'internal', namespace: 'gw', sectionName: 'web' } },
    },
  });
  const v = out.get('HelmRelease', 'pyroscope').spec.values;
  t.is(v.pyroscope.structuredConfig.limits.retention_period, '7d');
  t.is(v.pyroscope.persistence.size, '20Gi');
  t.like(out.get('HTTPRoute', 'pyroscope').spec.parentRefs[0], { name: 'internal', namespace: 'gw', sectionName: 'web' });
});

test('spec.monitoring.serviceMonitors false turns every ServiceMonitor off', (t) => {
  const s = { monitoring: { serviceMonitors: false } };
  t.false(values(s, 'loki').monitoring.serviceMonitor.enabled);
  t.false(values(s, 'tempo').serviceMonitor.enabled);
  t.false(values(s, 'pyroscope').serviceMonitor.enabled);
});

test('values: deep-merged last, maps merge and scalars replace', (t) => {
  const v = values(
    { loki: { values: { singleBinary: { resources: { requests: { cpu: '100m' } } }, lokiCanary: { enabled: true }, test: { enabled: true } } } },
    'loki',
  );
  t.deepEqual(v.singleBinary.resources, { requests: { cpu: '100m' } });
  t.is(v.singleBinary.replicas, 1, 'generated siblings survive the merge');
  t.true(v.lokiCanary.enabled);
});

test('disabling a component removes its objects', (t) => {
  const out = generateFor({ tempo: { enabled: false }, pyroscope: { enabled: false, route: { hostname: 'p.example.com' } } });
  t.truthy(out.get('HelmRelease', 'loki'));
  for (const [kind, name] of [
    ['HelmRelease', 'tempo'],
    ['OCIRepository', 'tempo'],
    ['HelmRelease', 'pyroscope'],
    ['HTTPRoute', 'pyroscope'],
  ]) {
    t.is(out.get(kind!, name!), undefined, `${kind}/${name}`);
  }
  t.true(out.results.some((r) => r.severity === 'warning' && r.field?.path === 'spec.pyroscope.route.hostname'));
});

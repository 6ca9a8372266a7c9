// The reference deployment: what a minimal config must produce (issue: core generator).
import test from 'ava';
import { generateFor } from './support/transform.ts';

const minimal = { storageClass: 'openebs-hostpath', pyroscope: { route: { hostname: 'pyroscope.example.com' } } };
const out = generateFor(minimal);
const loki = out.get('HelmRelease', 'loki');
const tempo = out.get('HelmRelease', 'tempo');
const pyro = out.get('HelmRelease', 'pyroscope');
const generated = out.objects.filter((o: any) => o.metadata.annotations?.['observability.krm.dev/generated-by'] === 'observability-stack');

test('a minimal config succeeds without errors or warnings', (t) => {
  t.deepEqual(
    out.results.filter((r) => r.severity !== 'info'),
    [],
  );
});

test('every generated object is in namespace observability, labelled and laid out in readable files', (t) => {
  t.true(generated.length >= 7);
  for (const o of generated) {
    // The Namespace is cluster-scoped: it is observability, in observability/namespace.yaml.
    const namespace = o.kind === 'Namespace';
    t.is(namespace ? o.metadata.name : o.metadata.namespace, 'observability', `${o.kind}/${o.metadata.name}`);
    t.is(o.metadata.labels['app.kubernetes.io/managed-by'], 'observability-krm');
    const path = o.metadata.annotations['internal.config.kubernetes.io/path'];
    t.regex(path, namespace ? /^observability\/namespace\.yaml$/ : /^observability\/[a-z-]+\/[a-z-]+\.yaml$/);
    t.is(o.metadata.annotations['config.kubernetes.io/path'], path, 'legacy path annotation agrees');
  }
  t.is(loki.metadata.annotations['internal.config.kubernetes.io/path'], 'observability/loki/helmrelease.yaml');
});

test('chart sources: maintained charts from OCI registries at the pinned versions', (t) => {
  const src = (name: string) => out.get('OCIRepository', name);
  t.is(src('loki').spec.url, 'oci://ghcr.io/grafana-community/helm-charts/loki');
  t.is(src('tempo').spec.url, 'oci://ghcr.io/grafana-community/helm-charts/tempo');
  t.is(src('pyroscope').spec.url, 'oci://ghcr.io/grafana/helm-charts/pyroscope');
  t.is(src('loki').spec.ref.tag, '18.11.0');
  t.deepEqual(src('loki').spec.layerSelector, { mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', operation: 'copy' });
  for (const hr of [loki, tempo, pyro]) {
    t.is(hr.apiVersion, 'helm.toolkit.fluxcd.io/v2');
    t.deepEqual(hr.spec.chartRef, { kind: 'OCIRepository', name: hr.metadata.name });
    t.is(hr.spec.interval, '30m');
    t.deepEqual(hr.spec.install, { remediation: { retries: 3 } });
    t.deepEqual(hr.spec.upgrade, { cleanupOnFail: true, remediation: { retries: 3 } });
  }
});

test('loki: single binary on a 50Gi openebs-hostpath volume, other targets at zero', (t) => {
  const v = loki.spec.values;
  t.is(v.deploymentMode, 'Monolithic');
  t.deepEqual(v.singleBinary, { replicas: 1, persistence: { enabled: true, size: '50Gi', storageClass: 'openebs-hostpath' } });
  for (const target of ['read', 'write', 'backend']) t.is(v[target].replicas, 0);
  t.is(v.loki.commonConfig.replication_factor, 1);
  t.false(v.loki.auth_enabled);
  t.deepEqual(v.loki.storage, { type: 'filesystem' });
});

test('loki: TSDB schema v13 from a fixed past date with a 24h index period', (t) => {
  const configs = loki.spec.values.loki.schemaConfig.configs;
  t.is(configs.length, 1);
  t.deepEqual(configs[0], { from: '2024-04-01', store: 'tsdb', object_store: 'filesystem', schema: 'v13', index: { prefix: 'loki_index_', period: '24h' } });
});

test('loki: 14d retention enforced by the compactor with a delete-request store', (t) => {
  const l = loki.spec.values.loki;
  t.is(l.limits_config.retention_period, '14d');
  t.true(l.compactor.retention_enabled);
  t.is(l.compactor.delete_request_store, 'filesystem');
  t.regex(l.compactor.working_directory, /^\/var\/loki\//, 'under the PVC mount; the root filesystem is read-only');
});

test('loki: ruler sends to Alertmanager and reads the folder the sidecar writes', (t) => {
  const v = loki.spec.values;
  t.true(v.ruler.enabled);
  t.is(v.loki.rulerConfig.alertmanager_url, 'http://alertmanager-operated.observability.svc.cluster.local:9093');
  t.deepEqual(v.loki.rulerConfig.storage, { type: 'local', local: { directory: '/rules' } });
  // The local rule store reads <directory>/<tenant>/; with auth off the tenant is "fake".
  t.is(v.sidecar.rules.folder, `${v.loki.rulerConfig.storage.local.directory}/fake`);
});

test('loki: rules sidecar from home-operations watches labelled ConfigMaps in all namespaces', (t) => {
  const s = loki.spec.values.sidecar;
  t.is(`${s.image.registry}/${s.image.repository}`, 'ghcr.io/home-operations/k8s-sidecar');
  t.regex(s.image.tag, /^\d+\.\d+\.\d+$/);
  t.true(s.enableUniqueFilenames);
  t.like(s.rules, { enabled: true, label: 'loki_rule', labelValue: 'true', searchNamespace: 'ALL', resource: 'configmap' });
  // The pinned 1.x image serves no /healthz: the chart's probes would never pass.
  t.false(s.readinessProbe.enabled);
  t.false(s.livenessProbe.enabled);
});

test('loki: caches, canary, gateway and chart tests off; ServiceMonitor on', (t) => {
  const v = loki.spec.values;
  t.false(v.chunksCache.enabled);
  t.false(v.resultsCache.enabled);
  t.false(v.lokiCanary.enabled);
  t.false(v.test.enabled, 'the chart test requires the canary');
  t.false(v.gateway.enabled);
  t.true(v.monitoring.serviceMonitor.enabled);
});

test('tempo: 24h retention, OTLP on 0.0.0.0, local traces on a 10Gi volume, 5m blocks', (t) => {
  const v = tempo.spec.values;
  t.is(v.tempo.retention, '24h');
  t.deepEqual(v.tempo.receivers.otlp.protocols, { grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } });
  t.is(v.tempo.storage.trace.backend, 'local');
  t.is(v.tempo.storage.trace.local.path, '/var/tempo/traces');
  t.deepEqual(v.persistence, { enabled: true, size: '10Gi', storageClassName: 'openebs-hostpath' });
  t.is(v.tempo.ingester.max_block_duration, '5m');
  t.true(v.serviceMonitor.enabled);
});

test('pyroscope: one replica with persistence, bundled collectors off', (t) => {
  const v = pyro.spec.values;
  t.is(v.pyroscope.replicaCount, 1);
  t.like(v.pyroscope.persistence, { enabled: true, storageClassName: 'openebs-hostpath' });
  t.false(v.alloy.enabled);
  t.false(v.agent.enabled);
});

test('pyroscope: HTTPRoute on the envoy-internal gateway to the service on 4040', (t) => {
  const r = out.get('HTTPRoute', 'pyroscope');
  t.is(r.apiVersion, 'gateway.networking.k8s.io/v1');
  t.deepEqual(r.spec.hostnames, ['pyroscope.example.com']);
  t.deepEqual(r.spec.parentRefs, [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'envoy-internal', namespace: 'network', sectionName: 'https' }]);
  t.deepEqual(r.spec.rules[0].backendRefs, [{ name: 'pyroscope', port: 4040 }]);
});

test('the config stays in the package as local config', (t) => {
  const cfg = out.get('ObservabilityConfig', 'observability');
  t.is(cfg.metadata.annotations['config.kubernetes.io/local-config'], 'true');
});

test('no route without a hostname', (t) => {
  t.is(generateFor({}).get('HTTPRoute', 'pyroscope'), undefined);
});

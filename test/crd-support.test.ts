// The CRD validation helpers must accept realistic objects and reject the broken samples of
// FLUX_AND_KRM.md §1.3, plus the CEL rules and name rules we check by hand.
import test, { type ExecutionContext } from 'ava';
import { celChecks, closeObjects, hasSchema, servedKinds, validateNames, validateObject } from './support/crd.ts';
import { testWith } from './support/needs.ts';

/** A test that needs the reference data's crds/: fails under CI=true without it, else a named skip. */
const withRef = (title: string, fn: (t: ExecutionContext) => void) => testWith({ reference: ['crds'] }, title, fn);

const clone = <T>(o: T): T => structuredClone(o);
const set = <T>(o: T, f: (o: any) => void): T => {
  const c = clone(o);
  f(c);
  return c;
};

const helmRelease = {
  apiVersion: 'helm.toolkit.fluxcd.io/v2',
  kind: 'HelmRelease',
  metadata: { name: 'loki', namespace: 'observability', labels: { 'app.kubernetes.io/name': 'loki' } },
  spec: {
    interval: '30m',
    timeout: '15m',
    chartRef: { kind: 'OCIRepository', name: 'loki' },
    install: { remediation: { retries: 3 } },
    upgrade: { cleanupOnFail: true, remediation: { retries: 3, strategy: 'rollback' } },
    valuesFrom: [{ kind: 'Secret', name: 'loki-s3', valuesKey: 'accessKeyId', targetPath: 'loki.storage.s3.accessKeyId' }],
    values: { deploymentMode: 'Monolithic', loki: { auth_enabled: false, schemaConfig: { configs: [{ from: '2024-04-01' }] } } },
  },
};
const ociRepository = {
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  kind: 'OCIRepository',
  metadata: { name: 'loki', namespace: 'observability' },
  spec: {
    interval: '12h',
    url: 'oci://ghcr.io/grafana-community/helm-charts/loki',
    ref: { tag: '18.11.0' },
    layerSelector: { mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', operation: 'copy' },
  },
};
const helmRepository = {
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  kind: 'HelmRepository',
  metadata: { name: 'grafana', namespace: 'flux-system' },
  spec: { type: 'oci', interval: '1h', url: 'oci://ghcr.io/grafana/helm-charts' },
};
const httpRoute = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name: 'grafana', namespace: 'observability' },
  spec: {
    parentRefs: [{ name: 'internal', namespace: 'gateway', sectionName: 'https' }],
    hostnames: ['grafana.example.com'],
    rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'grafana', port: 80 }] }],
  },
};
const serviceMonitor = {
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'ServiceMonitor',
  metadata: { name: 'tempo', namespace: 'observability' },
  spec: {
    selector: { matchLabels: { 'app.kubernetes.io/name': 'tempo' } },
    endpoints: [{ port: 'http-metrics', interval: '30s' }, { targetPort: 3200 }, { targetPort: 'metrics' }],
  },
};
const prometheusRule = {
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'PrometheusRule',
  metadata: { name: 'loki', namespace: 'observability' },
  spec: { groups: [{ name: 'loki', partial_response_strategy: 'WARN', rules: [{ alert: 'LokiDown', expr: 'up{job="loki"} == 0', for: '5m' }] }] },
};
const kustomization = {
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  metadata: { name: 'observability', namespace: 'flux-system' },
  spec: {
    interval: '10m',
    prune: true,
    path: './observability',
    sourceRef: { kind: 'GitRepository', name: 'flux-system' },
    postBuild: { substitute: { CLUSTER: 'home' }, substituteFrom: [{ kind: 'ConfigMap', name: 'vars', optional: true }] },
  },
};
const valid = { helmRelease, ociRepository, helmRepository, httpRoute, serviceMonitor, prometheusRule, kustomization };

withRef('every served CRD version compiles', (t) => {
  const kinds = servedKinds();
  t.true(kinds.length >= 11, `only ${kinds.length} served versions`);
  for (const { apiVersion, kind } of kinds) {
    t.true(hasSchema(apiVersion, kind));
    // An empty spec is enough to force compilation; errors (required fields) are expected.
    t.notThrows(() => validateObject({ apiVersion, kind, metadata: { name: 'x' } }), `${apiVersion} ${kind}`);
  }
});

withRef('realistic objects pass schema, CEL and name checks', (t) => {
  for (const [name, obj] of Object.entries(valid)) {
    t.deepEqual(validateObject(obj), [], name);
    t.deepEqual(celChecks(obj), [], name);
    t.deepEqual(validateNames(obj), [], name);
  }
  const v1beta1 = set(httpRoute, (o) => (o.apiVersion = 'gateway.networking.k8s.io/v1beta1'));
  t.deepEqual(validateObject(v1beta1), []);
});

withRef('kinds without a CRD give no schema errors', (t) => {
  t.false(hasSchema('v1', 'ConfigMap'));
  t.deepEqual(validateObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: null } }), []);
  t.false(hasSchema('example.com/v1', 'HelmRelease'), 'the group is part of the lookup');
});

withRef('broken samples are rejected with a JSON path', (t) => {
  const cases: [string, object, RegExp][] = [
    ['duration', set(helmRelease, (o) => (o.spec.interval = '10 minutes')), /^HelmRelease\/loki spec\.interval: must match pattern/],
    [
      'sourceRef enum',
      set(kustomization, (o) => (o.spec.sourceRef.kind = 'HelmRepository')),
      /spec\.sourceRef\.kind: must be equal to one of the allowed values/,
    ],
    ['unknown field', set(helmRelease, (o) => (o.spec.intervall = '1h')), /spec: field not declared in schema: "intervall"/],
    ['nested unknown field', set(ociRepository, (o) => (o.spec.ref.version = '1')), /spec\.ref: field not declared in schema: "version"/],
    ['top-level unknown field', set(httpRoute, (o) => (o.specs = {})), /\(root\): field not declared in schema: "specs"/],
    ['port maximum', set(httpRoute, (o) => (o.spec.rules[0].backendRefs[0].port = 70000)), /spec\.rules\[0\]\.backendRefs\[0\]\.port: must be <= 65535/],
    ['hostname pattern', set(httpRoute, (o) => (o.spec.hostnames = ['Grafana_Example'])), /spec\.hostnames\[0\]: must match pattern/],
    ['experimental field', set(httpRoute, (o) => (o.spec.useDefaultGateways = 'All')), /field not declared in schema: "useDefaultGateways"/],
    ['valuesFrom kind', set(helmRelease, (o) => (o.spec.valuesFrom[0].kind = 'Secrets')), /spec\.valuesFrom\[0\]\.kind: must be equal to one of/],
    ['required', set(ociRepository, (o) => delete o.spec.url), /spec: must have required property 'url'/],
    ['int-or-string', set(serviceMonitor, (o) => (o.spec.endpoints[1].targetPort = true)), /spec\.endpoints\[1\]\.targetPort: must be integer/],
    ['Go (?i) pattern', set(prometheusRule, (o) => (o.spec.groups[0].partial_response_strategy = 'maybe')), /partial_response_strategy: must match pattern/],
    [
      'not served',
      set(helmRelease, (o) => (o.apiVersion = 'helm.toolkit.fluxcd.io/v2beta2')),
      /apiVersion helm\.toolkit\.fluxcd\.io\/v2beta2 is not served \(served: v2\)/,
    ],
  ];
  for (const [name, obj, re] of cases) {
    const errors = validateObject(obj);
    t.true(
      errors.some((e) => re.test(e)),
      `${name}: ${JSON.stringify(errors)}`,
    );
  }
  t.deepEqual(validateObject(set(prometheusRule, (o) => (o.spec.groups[0].partial_response_strategy = 'abort'))), []);
});

withRef('nulls are errors, also inside preserve-unknown-fields values', (t) => {
  const ssa = 'Flux server-side apply drops nulls added on update, kustomize-controller#372; strip nulls before emitting';
  t.deepEqual(validateObject(set(helmRelease, (o) => (o.spec.values.loki.auth_enabled = null))), [
    `HelmRelease/loki spec.values.loki.auth_enabled: null is not allowed (${ssa})`,
  ]);
  const errors = validateObject(set(helmRelease, (o) => (o.spec.timeout = null)));
  t.deepEqual(errors, ['HelmRelease/loki spec.timeout: null is not allowed (the API server drops it; strip nulls before emitting)'], 'no duplicate type error');
  t.deepEqual(validateObject(set(helmRelease, (o) => (o.spec.values['a/b'] = { 'x.y': null }))), [
    `HelmRelease/loki spec.values["a/b"]["x.y"]: null is not allowed (${ssa})`,
  ]);
});

withRef('HelmRelease and Kustomization CEL rules', (t) => {
  const both = set(helmRelease, (o) => (o.spec.chart = { spec: { chart: 'loki', sourceRef: { kind: 'HelmRepository', name: 'grafana' } } }));
  t.deepEqual(validateObject(both), [], 'the schema alone accepts chart + chartRef');
  t.deepEqual(celChecks(both), ['HelmRelease/loki spec: either chart or chartRef must be set']);
  t.deepEqual(celChecks(set(helmRelease, (o) => delete o.spec.chartRef)), ['HelmRelease/loki spec: either chart or chartRef must be set']);
  t.deepEqual(celChecks(set(helmRelease, (o) => (o.spec.install.strategy = { name: 'RemediateOnFailure', retryInterval: '5m' }))), [
    "HelmRelease/loki spec.install.strategy: .retryInterval cannot be set when .name is 'RemediateOnFailure'",
  ]);
  t.deepEqual(celChecks(set(helmRelease, (o) => (o.spec.upgrade.strategy = { name: 'RetryOnFailure', retryInterval: '5m' }))), []);
  const msg = 'exactly one of spec.kubeConfig.configMapRef or spec.kubeConfig.secretRef must be specified';
  t.deepEqual(celChecks(set(kustomization, (o) => (o.spec.kubeConfig = {}))), [`Kustomization/observability spec.kubeConfig: ${msg}`]);
  t.deepEqual(celChecks(set(helmRelease, (o) => (o.spec.kubeConfig = { secretRef: { name: 'a' }, configMapRef: { name: 'b' } }))), [
    `HelmRelease/loki spec.kubeConfig: ${msg}`,
  ]);
  t.deepEqual(celChecks(set(kustomization, (o) => (o.spec.kubeConfig = { secretRef: { name: 'kc' } }))), []);
});

withRef('HTTPRoute CEL rules', (t) => {
  const parents = (refs: object[]) => celChecks(set(httpRoute, (o) => (o.spec.parentRefs = refs)));
  t.deepEqual(
    parents([
      { name: 'gw', sectionName: 'http' },
      { name: 'gw', sectionName: 'https' },
    ]),
    [],
  );
  t.deepEqual(parents([{ name: 'gw' }, { name: 'gw', namespace: 'other' }]), [], 'different namespaces are different parents');
  t.deepEqual(
    parents([{ name: 'gw' }, { name: 'gw', group: 'gateway.networking.k8s.io', kind: 'Gateway' }]),
    ['HTTPRoute/grafana spec.parentRefs: sectionName must be unique when parentRefs includes 2 or more references to the same parent'],
    'group and kind defaults make these the same parent',
  );
  t.true(
    parents([{ name: 'gw' }, { name: 'gw', namespace: '' }]).some((e) => /must be unique/.test(e)),
    'empty namespace = unset',
  );
  t.deepEqual(parents([{ name: 'gw', sectionName: 'a' }, { name: 'gw' }]), [
    'HTTPRoute/grafana spec.parentRefs: sectionName must be specified when parentRefs includes 2 or more references to the same parent',
  ]);
  t.true(
    parents([
      { name: 'gw', sectionName: 'a' },
      { name: 'gw', sectionName: 'a' },
    ]).some((e) => /must be unique/.test(e)),
  );

  const redirect = set(httpRoute, (o) => (o.spec.rules[0].filters = [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https' } }]));
  t.deepEqual(celChecks(redirect), ['HTTPRoute/grafana spec.rules[0]: RequestRedirect filter must not be used together with backendRefs']);
  t.deepEqual(celChecks(set(redirect, (o) => delete o.spec.rules[0].backendRefs)), []);

  const matches = (n: number) => Array.from({ length: n }, (_, i) => ({ path: { type: 'Exact', value: `/p${i}` } }));
  const rules = (perRule: number[]) =>
    celChecks(set(httpRoute, (o) => (o.spec.rules = perRule.map((n) => ({ matches: matches(n), backendRefs: [{ name: 'g', port: 80 }] })))));
  t.deepEqual(rules([64, 64]), [], 'the CEL rule allows exactly 128 (<= 128), although its message says "less than"');
  t.deepEqual(rules([64, 64, 1]), [
    'HTTPRoute/grafana spec.rules: While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128',
  ]);
  t.deepEqual(celChecks(set(httpRoute, (o) => delete o.spec.rules[0].backendRefs[0].port)), [
    'HTTPRoute/grafana spec.rules[0].backendRefs[0]: Must have port for Service reference',
  ]);
  t.true(celChecks(set(httpRoute, (o) => (o.spec.rules[0].matches[0].path.value = 'api//v1'))).length === 2);
  t.deepEqual(celChecks(set(httpRoute, (o) => (o.spec.rules[0].filters = [{ type: 'URLRewrite' }]))), [
    'HTTPRoute/grafana spec.rules[0].filters[0]: filter.urlRewrite must be specified for URLRewrite filter.type',
  ]);
  const prefix = { type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } };
  t.deepEqual(
    celChecks(
      set(httpRoute, (o) => {
        o.spec.rules[0].filters = [prefix];
      }),
    ),
    [],
  );
  t.deepEqual(
    celChecks(
      set(httpRoute, (o) => {
        o.spec.rules[0].filters = [prefix];
        o.spec.rules[0].matches = matches(1);
      }),
    ),
    ['HTTPRoute/grafana spec.rules[0]: When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified'],
  );
});

test('closeObjects closes only nodes with properties and no additionalProperties', (t) => {
  const schema = {
    type: 'object',
    properties: {
      a: { type: 'object', properties: { b: { type: 'string' } } },
      values: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { x: { type: 'string' } } },
      labels: { type: 'object', additionalProperties: { type: 'string' } },
      list: { type: 'array', items: { type: 'object', properties: { c: { type: 'integer' } } } },
      properties: { type: 'object', properties: {} }, // a field literally named "properties"
    },
  };
  const closed = closeObjects(schema) as any;
  t.false(closed.additionalProperties);
  t.false(closed.properties.a.additionalProperties);
  t.is(closed.properties.values.additionalProperties, undefined);
  t.deepEqual(closed.properties.labels.additionalProperties, { type: 'string' });
  t.false(closed.properties.list.items.additionalProperties);
  t.false(closed.properties.properties.additionalProperties);
  t.is((schema.properties.a as any).additionalProperties, undefined, 'the input is not mutated');
});

test('validateNames checks names, namespaces, labels, annotations and data keys', (t) => {
  const cm = (meta: object, data: object = {}) => validateNames({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ok', ...meta }, data });
  t.deepEqual(cm({}), []);
  t.deepEqual(cm({ name: 'loki.rules-1' }), [], 'dots are fine in a subdomain');
  t.deepEqual(cm({ name: 'Loki_Rules' }), ['ConfigMap/Loki_Rules metadata.name: "Loki_Rules" must be a DNS-1123 subdomain (lower case, <= 253)']);
  t.is(cm({ name: 'a'.repeat(254) }).length, 1);
  t.deepEqual(cm({ namespace: 'obs.ns' }), ['ConfigMap/ok metadata.namespace: "obs.ns" must be a DNS-1123 label (<= 63)']);
  t.deepEqual(validateNames({ kind: 'Service', metadata: { name: '1loki' } }), [
    'Service/1loki metadata.name: "1loki" must be a DNS-1035 label (lower case, starts with a letter, <= 63)',
  ]);
  t.deepEqual(validateNames({ kind: 'Service', metadata: { name: 'loki.x' } }).length, 1);
  t.deepEqual(validateNames({ kind: 'ClusterRole', metadata: { name: 'system:loki-sidecar' } }), []);
  t.deepEqual(validateNames({ kind: 'HelmRelease', metadata: {} }), ['HelmRelease/? metadata.name: is required']);
  t.deepEqual(cm({ labels: { 'app.kubernetes.io/name': 'loki', loki_rule: '', 'a/b': 'Yes.1' } }), []);
  t.is(cm({ labels: { 'Example.com/x': 'v' } }).length, 1, 'label key prefix must be lower case');
  t.is(cm({ labels: { 'a/b/c': 'v' } }).length, 1);
  t.is(cm({ labels: { x: '-v' } }).length, 1);
  t.is(cm({ labels: { x: 'v'.repeat(64) } }).length, 1);
  t.deepEqual(cm({ labels: { x: true } }), ['ConfigMap/ok metadata.labels["x"]: value must be a string']);
  t.deepEqual(cm({ annotations: { 'Kustomize.Toolkit.FluxCD.io/substitute': 'disabled', 'x/y': 'any value: ${at}' } }), []);
  t.is(cm({ annotations: { 'bad key': 'v' } }).length, 1);
  t.is(cm({ annotations: { a: 'x'.repeat(256 * 1024) } }).length, 1);
  t.deepEqual(cm({}, { 'rules.yaml': 'x', '..': 'y', 'a/b': 'z' }).length, 2);
});

// Bad input: every malformed config gets exit 1, an error result naming the field, one readable
// stderr line, no stack trace, and every input item back in the output.
import test from 'ava';
import { config, resourceList, runFn } from './support/fn.ts';

const bystander = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'bystander', namespace: 'apps', annotations: { note: 'must survive' } },
  data: { on: 'yes', mode: '0755' },
};

type Case = [title: string, spec: unknown, field: string, message: RegExp];

const cases: Case[] = [
  ['namespace not a DNS label', { namespace: 'Observability' }, 'spec.namespace', /DNS-1123 label/],
  ['namespace wrong type', { namespace: 42 }, 'spec.namespace', /must be a string/],
  ['unknown top-level field', { namespce: 'x' }, 'spec.namespce', /unknown field "namespce": did you mean "namespace"/],
  ['unknown nested field', { loki: { retenton: '14d' } }, 'spec.loki.retenton', /did you mean "retention"/],
  ['unknown field deep', { pyroscope: { route: { gateway: { sectionname: 'https' } } } }, 'spec.pyroscope.route.gateway.sectionname', /sectionName/],
  ['retention in words', { loki: { retention: 'fourteen days' } }, 'spec.loki.retention', /duration such as 14d.*"fourteen days"/],
  ['retention as number', { loki: { retention: 14 } }, 'spec.loki.retention', /must be a string, got number 14: write it with a unit, such as "14d"/],
  ['retention with space', { loki: { retention: '14 d' } }, 'spec.loki.retention', /duration/],
  ['tempo retention bad unit', { tempo: { retention: '2 weeks' } }, 'spec.tempo.retention', /duration/],
  ['tempo maxBlockDuration empty', { tempo: { maxBlockDuration: '' } }, 'spec.tempo.maxBlockDuration', /duration/],
  ['size in words', { loki: { storage: { size: '50 gigs' } } }, 'spec.loki.storage.size', /quantity such as 50Gi/],
  ['size lowercase unit', { tempo: { storage: { size: '10gi' } } }, 'spec.tempo.storage.size', /quantity/],
  ['size number', { pyroscope: { storage: { size: 10 } } }, 'spec.pyroscope.storage.size', /must be a string/],
  ['storageClass empty', { storageClass: '' }, 'spec.storageClass', /./],
  ['flux interval in words', { flux: { interval: '10 minutes' } }, 'spec.flux.interval', /Flux duration/],
  ['boolean written as a string', { collector: { enabled: 'yes' } }, 'spec.collector.enabled', /must be a boolean, got string "yes": write true or false/],
  ['label name with a space', { collector: { labels: { 'a b': 'x' } } }, 'spec.collector.labels.a b', /^key "a b" must be a label name/],
  ['flux interval with days', { flux: { interval: '1d' } }, 'spec.flux.interval', /Flux duration/],
  ['flux sourceKind unknown', { flux: { sourceKind: 'GitRepository' } }, 'spec.flux.sourceKind', /one of "OCIRepository", "HelmRepository"/],
  ['flux retries negative', { flux: { remediation: { retries: -1 } } }, 'spec.flux.remediation.retries', /./],
  ['flux dependsOn not a list', { flux: { dependsOn: 'openebs' } }, 'spec.flux.dependsOn', /must be a list/],
  ['flux dependsOn bad name', { flux: { dependsOn: [{ name: 'Open_EBS' }] } }, 'spec.flux.dependsOn.0.name', /DNS-1123/],
  ['alertmanager url without scheme', { alertmanager: { url: 'alertmanager:9093' } }, 'spec.alertmanager.url', /http:\/\//],
  ['loki mode unknown', { loki: { mode: 'Monolith' } }, 'spec.loki.mode', /one of "SingleBinary"/],
  ['loki mode part of one', { loki: { mode: 'Scalable' } }, 'spec.loki.mode', /got "Scalable": did you mean "SimpleScalable"\?$/],
  ['loki mode in lower case', { loki: { mode: 'singlebinary' } }, 'spec.loki.mode', /did you mean "SingleBinary"\?$/],
  ['loki enabled as string', { loki: { enabled: 'yes' } }, 'spec.loki.enabled', /must be a boolean/],
  ['loki searchNamespace list', { loki: { rules: { searchNamespace: ['a', 'b'] } } }, 'spec.loki.rules.searchNamespace', /must be a string/],
  ['loki searchNamespace bad', { loki: { rules: { searchNamespace: 'all namespaces' } } }, 'spec.loki.rules.searchNamespace', /ALL or a comma-separated/],
  ['loki rules label invalid', { loki: { rules: { label: 'loki rule' } } }, 'spec.loki.rules.label', /label key/],
  ['loki rules resource', { loki: { rules: { resource: 'configmaps' } } }, 'spec.loki.rules.resource', /one of "configmap"/],
  ['sidecar image without tag', { loki: { sidecarImage: 'ghcr.io/home-operations/k8s-sidecar' } }, 'spec.loki.sidecarImage', /image reference/],
  ['chart version not semver', { loki: { chart: { version: 'latest' } } }, 'spec.loki.chart.version', /chart version/],
  ['chart url scheme', { tempo: { chart: { url: 'ghcr.io/grafana/helm-charts/tempo' } } }, 'spec.tempo.chart.url', /oci:\/\//],
  ['values not a map', { loki: { values: 'replicas: 2' } }, 'spec.loki.values', /must be a (record|mapping)/],
  ['tempo otlp grpc string', { tempo: { otlp: { grpc: 'true' } } }, 'spec.tempo.otlp.grpc', /must be a boolean/],
  ['pyroscope replicas zero', { pyroscope: { replicas: 0 } }, 'spec.pyroscope.replicas', /./],
  ['pyroscope replicas fraction', { pyroscope: { replicas: 1.5 } }, 'spec.pyroscope.replicas', /int/],
  ['hostname with scheme', { pyroscope: { route: { hostname: 'https://pyroscope.example.com' } } }, 'spec.pyroscope.route.hostname', /hostname such as/],
  ['hostname uppercase', { pyroscope: { route: { hostname: 'Pyroscope.Example.com' } } }, 'spec.pyroscope.route.hostname', /hostname/],
  ['hostname with port', { pyroscope: { route: { hostname: 'pyroscope.example.com:443' } } }, 'spec.pyroscope.route.hostname', /no port/],
  ['gateway namespace invalid', { pyroscope: { route: { gateway: { namespace: 'Network' } } } }, 'spec.pyroscope.route.gateway.namespace', /DNS-1123/],
  ['monitoring flag string', { monitoring: { serviceMonitors: 'on' } }, 'spec.monitoring.serviceMonitors', /must be a boolean/],
  ['scalable loki on filesystem', { loki: { mode: 'SimpleScalable' } }, 'spec.loki.mode', /needs object storage/],
  ['two single binaries on filesystem', { loki: { replicas: { singleBinary: 2 } } }, 'spec.loki.replicas.singleBinary', /objectStorage/],
  ['replica of a component the mode lacks', { loki: { replicas: { read: 2 } } }, 'spec.loki.replicas.read', /not a component of Loki mode SingleBinary/],
  ['replication factor above replicas', { loki: { replicationFactor: 3 } }, 'spec.loki.replicationFactor', /above the 1 singleBinary/],
  ['tempo distributed on filesystem', { tempo: { mode: 'Distributed' } }, 'spec.tempo.mode', /needs object storage/],
  ['pyroscope microservices on filesystem', { pyroscope: { mode: 'Microservices' } }, 'spec.pyroscope.mode', /needs object storage/],
  ['spec not a map', 'everything', 'spec', /must be a mapping/],
  ['layout unknown', { output: { layout: 'nested' } }, 'spec.output.layout', /one of "flat", "home-ops"/],
];

for (const [title, spec, field, message] of cases) {
  test(`bad config: ${title}`, (t) => {
    const cfg = { ...config(), spec } as any;
    const run = runFn('observability-stack', resourceList([cfg, bystander], cfg));
    t.is(run.code, 1);
    t.truthy(run.list, `stdout is a ResourceList: ${run.stdout.slice(0, 200)}`);
    const errors = run.list.results.filter((r: any) => r.severity === 'error');
    const hit = errors.find((r: any) => r.field?.path === field);
    t.truthy(hit, `an error on ${field}; got ${JSON.stringify(errors.map((r: any) => [r.field?.path, r.message]))}`);
    t.regex(hit.message, message);
    // kpt prints `<field>: <message>`: the path is said once, in the field.
    t.false(
      errors.some((r: any) => r.field?.path && r.message.includes(`${r.field.path} `)),
      'no message repeats its field path',
    );
    t.like(hit.resourceRef, { kind: 'ObservabilityConfig', name: 'observability' });
    t.deepEqual(run.list.items, [cfg, bystander], 'every input item comes back unchanged, nothing generated');
    // kpt prints the results itself: stderr only sums them up (test/stderr.test.ts: kustomize gets every line).
    t.regex(run.stderr, /^observability-stack: \d+ errors?(, \d+ warnings?)? \(see the results[^\n]*\)\n$/, run.stderr);
    t.notRegex(run.stderr, /\n\s+at /, 'no stack trace');
  });
}

const wholeObject: [string, object, RegExp][] = [
  ['wrong apiVersion', { ...config(), apiVersion: 'observability.krm.dev/v1beta1' }, /^must be one of "observability.krm.dev\/v1alpha1"/],
  ['missing metadata.name', { ...config(), metadata: {} }, /^is required \(a string\)/],
  [
    'functionConfig is a ConfigMap with data',
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { namespace: 'x' } },
    /functionConfig is a ConfigMap/,
  ],
  ['functionConfig of an unrelated kind', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' } }, /takes an ObservabilityConfig/],
];

for (const [title, fc, message] of wholeObject) {
  test(`bad config: ${title}`, (t) => {
    const run = runFn('observability-stack', resourceList([bystander], fc));
    t.is(run.code, 1);
    t.true(
      run.list.results.some((r: any) => r.severity === 'error' && message.test(r.message)),
      JSON.stringify(run.list.results),
    );
    t.deepEqual(run.list.items, [bystander]);
    t.notRegex(run.stderr, /\n\s+at /);
  });
}

test('no config anywhere', (t) => {
  const run = runFn('observability-stack', resourceList([bystander]));
  t.is(run.code, 1);
  t.regex(run.list.results[0].message, /no ObservabilityConfig found/);
  t.deepEqual(run.list.items, [bystander]);
});

test('a misspelt kind is named, with the kind it is close to', (t) => {
  const near = { ...config(), kind: 'ObservabilityConf' };
  const run = runFn('observability-stack', resourceList([near, bystander]));
  t.is(run.code, 1);
  const [r] = run.list.results;
  t.regex(r.message, /did you mean kind: ObservabilityConfig/);
  t.like(r, {
    resourceRef: { kind: 'ObservabilityConf', name: 'observability' },
    field: { path: 'kind', currentValue: 'ObservabilityConf', proposedValue: 'ObservabilityConfig' },
  });
  t.deepEqual(run.list.items, [near, bystander]);
  const far = runFn('observability-stack', resourceList([bystander]));
  t.regex(far.list.results[0].message, /^no ObservabilityConfig found: give one/, 'nothing close: the plain message');
  const fc = runFn('observability-stack', resourceList([bystander], near));
  t.like(fc.list.results[0], {
    message: 'must be one of "ObservabilityConfig"; got "ObservabilityConf": did you mean "ObservabilityConfig"?',
    field: { path: 'kind' },
  });
});

test('a kind of our API group that is too far for a typo is still named', (t) => {
  const run = runFn('observability-stack', resourceList([{ ...config(), kind: 'Observability' }, bystander]));
  t.is(run.code, 1);
  t.like(run.list.results[0], { field: { path: 'kind', currentValue: 'Observability', proposedValue: 'ObservabilityConfig' } });
  t.regex(run.list.results[0].message, /item of kind Observability \(observability\): did you mean kind: ObservabilityConfig/);
  const rules = runFn('observability-stack', resourceList([{ apiVersion: 'observability.krm.dev/v1alpha1', kind: 'LokiRule', metadata: { name: 'r' } }]));
  t.regex(rules.list.results[0].message, /^no ObservabilityConfig found: give one/, 'a LokiRule is not a misspelt config');
  const typo = runFn('observability-stack', resourceList([{ apiVersion: 'observability.krm.dev/v1alpha1', kind: 'LokiRules', metadata: { name: 'r' } }]));
  t.regex(typo.list.results[0].message, /^no ObservabilityConfig found: give one/, 'nor a misspelt LokiRule');
});

test('two different ObservabilityConfigs and no functionConfig to choose', (t) => {
  const a = config({}, 'a');
  const b = config({ namespace: 'other' }, 'b');
  const run = runFn('observability-stack', resourceList([a, b, bystander]));
  t.is(run.code, 1);
  t.is(run.list.results.length, 2, 'one error per config');
  t.regex(run.list.results[0].message, /2 different ObservabilityConfigs/);
  t.deepEqual(run.list.items, [a, b, bystander]);
});

test('two copies of one config that differ only in the local-config marker are one config', (t) => {
  const marked = config();
  const unmarked = { ...config(), metadata: { name: 'observability' } };
  const run = runFn('observability-stack', resourceList([marked, unmarked]));
  t.is(run.code, 0, run.stderr);
});

test('the same config as functionConfig and as an item is normal (kpt --fn-config, kustomize generators)', (t) => {
  const cfg = config();
  const run = runFn('observability-stack', resourceList([cfg], cfg));
  t.is(run.code, 0, run.stderr);
});

const broken: [string, string, RegExp][] = [
  ['unparseable YAML', 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: [\n', /not valid YAML/],
  ['a ResourceList without items', 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n', /has no items field/],
  ['not a ResourceList', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n', /not a ResourceList: kind is "ConfigMap"/],
  ['malformed JSON', '{"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": [}', /not valid YAML/],
  ['empty input', '', /no input/],
  ['two documents', 'kind: ResourceList\nitems: []\n---\nkind: ResourceList\nitems: []\n', /exactly one YAML document/],
  ['items is a map', 'kind: ResourceList\nitems: {a: 1}\n', /items field is not a list/],
];

for (const [title, input, message] of broken) {
  test(`broken input: ${title}`, (t) => {
    const run = runFn('observability-stack', input);
    t.not(run.code, 0);
    t.regex(run.stderr, message);
    // One line; a YAML error adds the offending line and a caret under the column.
    const lines = run.stderr.trim().split('\n');
    if (/not valid YAML/.test(run.stderr)) {
      t.is(lines.length, 3, run.stderr);
      t.regex(lines[0]!, /at line \d+, column \d+:$/);
      t.regex(lines[2]!, /^ +\^$/);
    } else t.is(lines.length, 1, 'one line');
    t.notRegex(run.stderr, /\n\s+at |Error:/, 'no stack trace');
  });
}

test('valid JSON input is accepted (JSON is YAML) and answered in block YAML', (t) => {
  const cfg = config();
  const run = runFn('observability-stack', JSON.stringify(resourceList([cfg], cfg)));
  t.is(run.code, 0, run.stderr);
  t.notRegex(run.stdout, /^items: \[/m);
  t.truthy(run.list.items.find((i: any) => i.kind === 'HelmRelease'));
});

test('a YAML alias bomb is refused with a clear error, not exhausted memory', (t) => {
  let doc =
    'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: bomb}\n  data:\n    a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  for (let i = 1; i < 10; i++)
    doc += `    a${i}: &a${i} [${Array(9)
      .fill(`*a${i - 1}`)
      .join(',')}]\n`;
  const run = runFn('observability-stack', doc);
  t.not(run.code, 0);
  // The output echoes the bomb, which a YAML parser refuses to expand: read the results as text.
  t.regex(run.stderr + run.stdout.slice(run.stdout.lastIndexOf('\nresults:')), /alias/i);
  t.notRegex(run.stderr, /\n\s+at /);
});

// Ownership: owned objects are replaced, removed when disabled; user objects are never overwritten.
import test from 'ava';
import YAML from 'yaml';
import { config, find, resourceList, runFn } from './support/fn.ts';

const GEN = 'observability.krm.dev/generated-by';

test('running on its own output changes nothing (idempotent, byte for byte)', (t) => {
  const cfg = config({ pyroscope: { route: { hostname: 'p.example.com' } } });
  const once = runFn('observability-stack', resourceList([cfg], cfg));
  t.is(once.code, 0);
  const again = runFn('observability-stack', once.stdout);
  t.is(again.code, 0);
  t.is(again.stdout, once.stdout);
});

test('the same input gives byte-identical output', (t) => {
  const cfg = config({ storageClass: 'x' });
  const a = runFn('observability-stack', resourceList([cfg], cfg));
  const b = runFn('observability-stack', resourceList([cfg], cfg));
  t.is(a.stdout, b.stdout);
});

test('owned objects are replaced with fresh output, even when edited by hand', (t) => {
  const cfg = config();
  const first = runFn('observability-stack', resourceList([cfg], cfg)).list;
  const hr = find(first, 'HelmRelease', 'loki');
  hr.spec.values.loki.limits_config.retention_period = '1d';
  const second = runFn('observability-stack', resourceList(first.items, cfg)).list;
  t.is(find(second, 'HelmRelease', 'loki').spec.values.loki.limits_config.retention_period, '14d');
  t.is(second.items.length, first.items.length);
});

test('disabling a component removes the objects made for it before', (t) => {
  const on = config({ pyroscope: { route: { hostname: 'p.example.com' } } });
  const first = runFn('observability-stack', resourceList([on], on)).list;
  t.truthy(find(first, 'HTTPRoute', 'pyroscope'));
  const off = config({ pyroscope: { enabled: false } });
  const items = first.items.map((i: any) => (i.kind === 'ObservabilityConfig' ? off : i));
  const second = runFn('observability-stack', resourceList(items, off)).list;
  for (const kind of ['HelmRelease', 'OCIRepository', 'HTTPRoute']) t.falsy(find(second, kind, 'pyroscope'), kind);
  t.truthy(find(second, 'HelmRelease', 'loki'));
});

test('a user object with a generated identity is an error and is never overwritten', (t) => {
  const cfg = config();
  const mine = {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: { name: 'loki', namespace: 'observability', annotations: { 'internal.config.kubernetes.io/path': 'apps/loki.yaml' } },
    spec: { interval: '5m', chartRef: { kind: 'OCIRepository', name: 'my-loki' } },
  };
  const run = runFn('observability-stack', resourceList([cfg, mine], cfg));
  t.is(run.code, 1);
  const err = run.list.results.find((r: any) => r.severity === 'error');
  t.like(err.resourceRef, { kind: 'HelmRelease', name: 'loki', namespace: 'observability' });
  t.regex(err.message, /does not own.*apps\/loki\.yaml.*Rename or remove/);
  t.deepEqual(run.list.items, [cfg, mine]);
  t.regex(run.stderr, /^observability-stack: 1 error \(see the results/);
});

test('the clash check spans API versions of the same group', (t) => {
  const cfg = config();
  const old = { apiVersion: 'source.toolkit.fluxcd.io/v1beta2', kind: 'OCIRepository', metadata: { name: 'tempo', namespace: 'observability' }, spec: {} };
  t.is(runFn('observability-stack', resourceList([cfg, old], cfg)).code, 1);
});

test('handing an object over: the generated-by annotation makes it owned, so it is replaced', (t) => {
  const cfg = config();
  const handed = {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: { name: 'loki', namespace: 'observability', annotations: { [GEN]: 'observability-stack' } },
    spec: {},
  };
  const run = runFn('observability-stack', resourceList([cfg, handed], cfg));
  t.is(run.code, 0);
  t.truthy(find(run.list, 'HelmRelease', 'loki').spec.values);
});

test('objects owned by another function are left alone', (t) => {
  const cfg = config();
  const rule = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'r', namespace: 'apps', annotations: { [GEN]: 'loki-rules' } }, data: {} };
  const run = runFn('observability-stack', resourceList([cfg, rule], cfg));
  t.deepEqual(
    run.list.items.find((i: any) => i.metadata.name === 'r'),
    rule,
  );
});

test('unrelated items pass through with their comments and formatting', (t) => {
  const input = `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- # a comment that must survive
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: keep   # trailing comment
    namespace: apps
  data:
    answer: "yes"
    mode: '0755'
    script: |
      #!/bin/sh
      echo "$$ \${HOME}"
    empty: {}
- ${YAML.stringify(config()).trim().split('\n').join('\n  ')}
`;
  const run = runFn('observability-stack', input);
  t.is(run.code, 0, run.stderr);
  const block = input.slice(input.indexOf('- # a comment'), input.indexOf('- apiVersion: observability'));
  t.true(run.stdout.includes(block), run.stdout.slice(0, 800));
});

test('a config without the local-config annotation gets it, keeping its comments', (t) => {
  const input = `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: observability.krm.dev/v1alpha1
  kind: ObservabilityConfig
  metadata:
    name: stack # my stack
  spec:
    # keep this comment
    namespace: observability
`;
  const run = runFn('observability-stack', input);
  t.is(run.code, 0, run.stderr);
  const cfg = find(run.list, 'ObservabilityConfig', 'stack');
  t.is(cfg.metadata.annotations['config.kubernetes.io/local-config'], 'true');
  t.true(run.stdout.includes('# keep this comment'));
  t.true(run.stdout.includes('# my stack'));
});

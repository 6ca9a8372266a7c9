// Ownership per config: two ObservabilityConfigs in one package (prod.yaml, staging.yaml, one kpt
// mutator each) keep both stacks; re-running either step changes nothing; a clash names both
// configs; objects from an older version (no config annotation) are handed over, not duplicated.
// The pure transform and real `kpt fn render` (exec runtime).
import test from 'ava';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { Item } from '../functions/krm/item.ts';
import { GENERATED_BY, GENERATED_FROM } from '../functions/krm/ownership.ts';
import { transform } from '../functions/observability-stack/transform.ts';
import { transform as rulesTransform } from '../functions/loki-rules/transform.ts';
import { lokiRule } from './support/loki-rules.ts';
import { bundle, parseDocs, pipelineTest, readTree, run, show, tempDir, writeFiles } from './support/pipelines.ts';

const PATH = 'internal.config.kubernetes.io/path';

const stackConfig = (name: string, file: string, spec: object): any => ({
  apiVersion: 'observability.krm.dev/v1alpha1',
  kind: 'ObservabilityConfig',
  metadata: { name, annotations: { 'config.kubernetes.io/local-config': 'true', [PATH]: file } },
  spec,
});
const PROD = stackConfig('prod', 'prod.yaml', { namespace: 'observability', storageClass: 'fast' });
const STAGING = stackConfig('staging', 'staging.yaml', { namespace: 'obs-staging', pyroscope: { enabled: false } });

type Fn = typeof transform;
/** One kpt step: the functionConfig is the config file, the items the whole package. */
function step(fn: Fn, fc: any, items: Item[]) {
  const out = fn(fc ? Item.fromObject(structuredClone(fc)) : undefined, items);
  return { ...out, errors: out.results.filter((r) => r.severity === 'error') };
}
const objects = (items: Item[]) => items.map((i) => i.object);
const snapshot = (items: Item[]) => YAML.stringify(objects(items));
const generated = (items: Item[], fn = 'observability-stack') => objects(items).filter((o: any) => o.metadata?.annotations?.[GENERATED_BY] === fn);
const keys = (objs: any[]) => objs.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort();

test('two ObservabilityConfigs in one package: both stacks coexist, and re-running either step changes nothing', (t) => {
  const pkg = [Item.fromObject(PROD), Item.fromObject(STAGING)];
  const a = step(transform, PROD, pkg);
  t.deepEqual(a.errors, []);
  const b = step(transform, STAGING, a.items);
  t.deepEqual(b.errors, []);
  const all = generated(b.items);
  const namespaces = new Set(all.map((o: any) => o.metadata.namespace));
  t.true(namespaces.has('observability') && namespaces.has('obs-staging'), [...namespaces].join(','));
  const hr = (ns: string) =>
    all
      .filter((o: any) => o.kind === 'HelmRelease' && o.metadata.namespace === ns)
      .map((o: any) => o.metadata.name)
      .sort();
  t.deepEqual(hr('observability'), ['loki', 'pyroscope', 'tempo']);
  t.deepEqual(hr('obs-staging'), ['loki', 'tempo']);
  // Each object is written under its stack's namespace folder, and says which config made it.
  for (const o of all)
    t.is(
      o.metadata.annotations[GENERATED_FROM],
      `ObservabilityConfig/${o.metadata.annotations[PATH].startsWith('obs-staging/') ? 'staging' : 'prod'}`,
      keys([o])[0],
    );
  // The prod objects are exactly what prod alone generates.
  const alone = step(transform, PROD, [Item.fromObject(PROD)]);
  t.deepEqual(keys(all.filter((o: any) => o.metadata.annotations[GENERATED_FROM] === 'ObservabilityConfig/prod')), keys(generated(alone.items)));
  // Re-running either step, in any order, is a no-op.
  const again = step(transform, PROD, b.items);
  t.deepEqual(again.errors, []);
  t.is(snapshot(again.items), snapshot(b.items));
  const again2 = step(transform, STAGING, again.items);
  t.is(snapshot(again2.items), snapshot(b.items));
});

test('two configs generating the same object is an error naming both configs, and changes nothing', (t) => {
  const clashing = stackConfig('staging', 'staging.yaml', { namespace: 'observability' });
  const a = step(transform, PROD, [Item.fromObject(PROD), Item.fromObject(clashing)]);
  const b = step(transform, clashing, a.items);
  t.true(b.errors.length > 0);
  t.regex(
    b.errors[0]!.message,
    /ObservabilityConfig staging \(staging\.yaml\) and ObservabilityConfig prod \(prod\.yaml\) both generate HelmRelease observability\/loki/,
  );
  t.is(snapshot(b.items), snapshot(a.items));
});

test('two configs writing the same file is an error naming both (kpt keeps one generated object per file)', (t) => {
  const ks = (name: string, file: string, ns: string) =>
    stackConfig(name, file, { namespace: ns, flux: { kustomization: { enabled: true, path: `./clusters/main/${ns}` } } });
  const prod = ks('prod', 'prod.yaml', 'observability');
  const staging = ks('staging', 'staging.yaml', 'obs-staging');
  const a = step(transform, prod, [Item.fromObject(prod), Item.fromObject(staging)]);
  t.deepEqual(a.errors, []);
  const b = step(transform, staging, a.items);
  // The package-root ks.yaml is one file. (The root kustomization.yaml listing it yields to the one
  // already there, like a user's: no second error for it.)
  t.deepEqual(b.errors.map((e) => / both write (\S+) /.exec(e.message)?.[1]).sort(), ['ks.yaml']);
  t.regex(b.errors[0]!.message, /ObservabilityConfig staging \(staging\.yaml\) and ObservabilityConfig prod \(prod\.yaml\) both write ks\.yaml/);
  t.is(snapshot(b.items), snapshot(a.items));
});

test('two different configs with one name are an error: they could not own their objects apart', (t) => {
  const twin = stackConfig('prod', 'staging.yaml', { namespace: 'obs-staging' });
  const r = step(transform, twin, [Item.fromObject(PROD), Item.fromObject(twin)]);
  t.is(r.errors.length, 2);
  t.regex(r.errors[0]!.message, /2 different ObservabilityConfigs are named prod \(prod\.yaml, staging\.yaml\).*distinct metadata\.name/);
});

test('objects from an older version (no config annotation) are handed over and replaced, not duplicated', (t) => {
  const first = step(transform, PROD, [Item.fromObject(PROD), Item.fromObject(STAGING)]);
  const legacy = first.items.map((i) => {
    const o = structuredClone(i.object);
    delete o.metadata?.annotations?.[GENERATED_FROM];
    return Item.fromObject(o);
  });
  t.false(snapshot(legacy).includes(GENERATED_FROM));
  const a = step(transform, PROD, legacy);
  t.deepEqual(a.errors, []);
  t.is(snapshot(a.items), snapshot(first.items));
  // Handed over to the first run: then staging adds its own stack beside it.
  const b = step(transform, STAGING, a.items);
  t.deepEqual(b.errors, []);
  t.is(generated(b.items).length, generated(a.items).length + generated(step(transform, STAGING, [Item.fromObject(STAGING)]).items).length);
});

test('the objects of a config removed from the package are removed by the next run', (t) => {
  const both = step(transform, STAGING, step(transform, PROD, [Item.fromObject(PROD), Item.fromObject(STAGING)]).items).items;
  const withoutStaging = both.filter((i) => !(i.kind === 'ObservabilityConfig' && i.name === 'staging'));
  const r = step(transform, PROD, withoutStaging);
  t.deepEqual(r.errors, []);
  t.false(generated(r.items).some((o: any) => o.metadata.namespace === 'obs-staging'));
  t.is(generated(r.items).length, generated(step(transform, PROD, [Item.fromObject(PROD)]).items).length);
});

test("with --fn-config from outside the package, another config's objects are left alone", (t) => {
  const a = step(transform, PROD, [Item.fromObject(PROD), Item.fromObject(STAGING)]);
  const b = step(transform, STAGING, a.items);
  const noConfigs = b.items.filter((i) => i.kind !== 'ObservabilityConfig');
  const r = step(transform, PROD, noConfigs);
  t.deepEqual(r.errors, []);
  t.deepEqual(keys(generated(r.items)), keys(generated(b.items)));
});

// ---- loki-rules: one step per stack, each config's rule ConfigMaps kept apart ------------------

const RULE = lokiRule('api'); // no namespace: each stack's copy goes to that stack's namespace
const SHARED = lokiRule('edge', 'apps'); // a namespace of its own: both configs make the same object

test("loki-rules with two configs: each step keeps the other config's rule ConfigMaps; re-running changes nothing", (t) => {
  const pkg = [Item.fromObject(PROD), Item.fromObject(STAGING), Item.fromObject(RULE), Item.fromObject(SHARED)];
  const a = step(rulesTransform, PROD, pkg);
  t.deepEqual(a.errors, []);
  const b = step(rulesTransform, STAGING, a.items);
  t.deepEqual(b.errors, []);
  t.deepEqual(keys(generated(b.items, 'loki-rules')), [
    'ConfigMap apps/loki-rules-edge',
    'ConfigMap obs-staging/loki-rules-api',
    'ConfigMap observability/loki-rules-api',
  ]);
  for (const [fc, items] of [
    [PROD, b.items],
    [STAGING, b.items],
  ] as const) {
    const again = step(rulesTransform, fc, items);
    t.deepEqual(again.errors, []);
    t.is(snapshot(again.items), snapshot(b.items));
  }
});

test('loki-rules: two configs that would label the same rule ConfigMap differently is an error naming both', (t) => {
  const other = stackConfig('staging', 'staging.yaml', { namespace: 'obs-staging', loki: { rules: { label: 'other_rule' } } });
  const a = step(rulesTransform, PROD, [Item.fromObject(PROD), Item.fromObject(other), Item.fromObject(SHARED)]);
  const b = step(rulesTransform, other, a.items);
  t.is(b.errors.length, 1);
  t.regex(
    b.errors[0]!.message,
    /ObservabilityConfig staging \(staging\.yaml\) and ObservabilityConfig prod \(prod\.yaml\) both generate ConfigMap apps\/loki-rules-edge/,
  );
});

test('loki-rules: rule ConfigMaps from an older version are handed over, not duplicated', (t) => {
  const pkg = [Item.fromObject(PROD), Item.fromObject(RULE)];
  const first = step(rulesTransform, PROD, pkg);
  const legacy = first.items.map((i) => {
    const o = structuredClone(i.object);
    delete o.metadata?.annotations?.[GENERATED_FROM];
    return Item.fromObject(o);
  });
  const r = step(rulesTransform, undefined, legacy);
  t.deepEqual(r.errors, []);
  t.is(snapshot(r.items), snapshot(first.items));
});

// ---- real kpt: one package, two stacks, one mutator per config ------------------------------------

const KPTFILE = (steps: [string, string][]) =>
  `apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: two-stacks\n  annotations:\n    config.kubernetes.io/local-config: "true"\npipeline:\n  mutators:\n` +
  steps.map(([fn, cfg]) => `    - exec: ${bundle(fn)}\n      configPath: ${cfg}\n`).join('');

pipelineTest('kpt fn render: prod.yaml and staging.yaml in one package give two stacks, and a second render changes nothing', ['kpt'], (t) => {
  const pkg = tempDir('two-stacks');
  const strip = (o: any) => {
    const c = structuredClone(o);
    delete c.metadata.annotations[PATH];
    return YAML.stringify(c);
  };
  writeFiles(pkg, {
    Kptfile: KPTFILE([
      ['observability-stack', 'prod.yaml'],
      ['observability-stack', 'staging.yaml'],
      ['loki-rules', 'prod.yaml'],
      ['loki-rules', 'staging.yaml'],
    ]),
    'prod.yaml': strip(PROD),
    'staging.yaml': strip(STAGING),
    'apps/api/rules.yaml': strip(RULE),
  });
  const render = () => run('kpt', ['fn', 'render', pkg, '--allow-exec']);
  const r1 = render();
  t.is(r1.status, 0, show(r1));
  const tree = readTree(pkg);
  const made = Object.entries(tree)
    .flatMap(([, text]) => parseDocs(text))
    .filter((o) => o?.metadata?.annotations?.[GENERATED_BY]);
  const hr = (ns: string) =>
    made
      .filter((o) => o.kind === 'HelmRelease' && o.metadata.namespace === ns)
      .map((o) => o.metadata.name)
      .sort();
  t.deepEqual(hr('observability'), ['loki', 'pyroscope', 'tempo']);
  t.deepEqual(hr('obs-staging'), ['loki', 'tempo']);
  t.truthy(tree['observability/loki/helmrelease.yaml'] && tree['obs-staging/loki/helmrelease.yaml']);
  t.deepEqual(keys(made.filter((o) => o.metadata.annotations[GENERATED_BY] === 'loki-rules')), [
    'ConfigMap obs-staging/loki-rules-api',
    'ConfigMap observability/loki-rules-api',
  ]);
  const r2 = render();
  t.is(r2.status, 0, show(r2));
  t.deepEqual(readTree(pkg), tree, 'a second render changed the package');

  // A package rendered by an older version (no config annotation): handed over, nothing duplicated.
  for (const [p, text] of Object.entries(tree)) {
    if (text.includes(GENERATED_FROM)) writeFiles(pkg, { [p]: text.replace(new RegExp(`^\\s*${GENERATED_FROM.replace(/[./]/g, '\\$&')}: .*\\n`, 'gm'), '') });
  }
  t.false(Object.values(readTree(pkg)).some((text) => text.includes(GENERATED_FROM)));
  const r3 = render();
  t.is(r3.status, 0, show(r3));
  t.deepEqual(readTree(pkg), tree, 'the handover from an older version differs from a fresh render');

  // A clash: staging moved into prod's namespace.
  writeFiles(pkg, { 'staging.yaml': strip(stackConfig('staging', 'staging.yaml', { namespace: 'observability' })) });
  const r4 = render();
  t.not(r4.status, 0);
  t.regex(r4.stderr, /ObservabilityConfig staging \(staging\.yaml\) and ObservabilityConfig prod \(prod\.yaml\) both generate/);
  rmSync(join(pkg, 'staging.yaml'));
  t.truthy(readFileSync(join(pkg, 'prod.yaml'), 'utf8'));
});

test("loki-rules with one LokiRule per step (functionConfig only): each step keeps the other rules' ConfigMaps", (t) => {
  const a = lokiRule('a', 'apps');
  const b = lokiRule('b', 'apps');
  const pkg = [Item.fromObject(PROD)];
  const one = step(rulesTransform, a, pkg);
  t.deepEqual(one.errors, []);
  const two = step(rulesTransform, b, one.items);
  t.deepEqual(two.errors, []);
  t.deepEqual(keys(generated(two.items, 'loki-rules')), ['ConfigMap apps/loki-rules-a', 'ConfigMap apps/loki-rules-b']);
  t.is(snapshot(step(rulesTransform, a, two.items).items), snapshot(two.items));
  t.is(snapshot(step(rulesTransform, b, two.items).items), snapshot(two.items));
});

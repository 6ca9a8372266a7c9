// spec.createNamespace: the stack's Namespace, generated with care for namespaces shared with other
// apps (never pruned by Flux; the user's own Namespace wins; home-ops keeps it beside the apps).
import test from 'ava';
import { PATH } from '../functions/krm/annotations.ts';
import { Item } from '../functions/krm/item.ts';
import { transform } from '../functions/observability-stack/transform.ts';
import { validateNames } from './support/crd.ts';
import { config } from './support/fn.ts';
import { generateFor } from './support/transform.ts';

const namespaces = (objects: any[]) => objects.filter((o) => o.kind === 'Namespace');
const GENERATED_BY = 'observability.krm.dev/generated-by';
const HOME_OPS = { output: { layout: 'home-ops' }, flux: { kustomization: { path: './kubernetes/apps/observability' } } };

test('by default the stack Namespace is generated, valid, and never pruned by Flux', (t) => {
  const [ns, ...rest] = namespaces(generateFor({}).objects);
  t.is(rest.length, 0);
  t.is(ns.apiVersion, 'v1');
  t.is(ns.metadata.name, 'observability');
  t.is(ns.metadata.namespace, undefined, 'cluster-scoped');
  t.is(ns.metadata.annotations['kustomize.toolkit.fluxcd.io/prune'], 'disabled');
  t.is(ns.metadata.annotations[PATH], 'observability/namespace.yaml');
  t.deepEqual(validateNames(ns), []);
  t.deepEqual(Object.keys(ns).sort(), ['apiVersion', 'kind', 'metadata'], 'no spec or status');
});

test("spec.namespace names it; grafana.datasources.namespace (Grafana's own) gets none", (t) => {
  const out = generateFor({ namespace: 'telemetry', grafana: { datasources: { namespace: 'monitoring' } } });
  t.deepEqual(
    namespaces(out.objects).map((n: any) => [n.metadata.name, n.metadata.annotations[PATH]]),
    [['telemetry', 'telemetry/namespace.yaml']],
  );
});

test('spec.createNamespace: false generates none', (t) => {
  t.deepEqual(namespaces(generateFor({ createNamespace: false }).objects), []);
});

test('home-ops: kubernetes/apps/<namespace>/namespace.yaml, outside every app folder and ks.yaml', (t) => {
  const objects = generateFor(HOME_OPS).objects;
  const [ns] = namespaces(objects);
  t.is(ns.metadata.annotations[PATH], 'observability/namespace.yaml');
  const listed = objects.filter((o: any) => o.kind === 'Kustomization' && Array.isArray(o.resources)).flatMap((o: any) => o.resources);
  t.false(
    listed.some((r: string) => r.includes('namespace')),
    "no app kustomization lists it: the namespace folder's own kustomization.yaml does",
  );
});

const userNamespace = (extra: object = {}) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name: 'observability', labels: { 'pod-security.kubernetes.io/enforce': 'privileged' }, annotations: { [PATH]: 'ns.yaml' } },
  ...extra,
});

test("the user's Namespace of that name stays as it is and no second one is generated", (t) => {
  const cfg = config({});
  const mine = userNamespace();
  const out = transform(Item.fromObject(cfg), [Item.fromObject(cfg), Item.fromObject(mine)]);
  t.false(
    out.results.some((r) => r.severity === 'error'),
    JSON.stringify(out.results),
  );
  const all = namespaces(out.items.map((i) => i.object));
  t.is(all.length, 1);
  t.deepEqual(all[0], mine);
  t.true(
    out.items.some((i) => i.kind === 'HelmRelease'),
    'the stack is still generated',
  );
});

test("a Namespace we generated earlier is replaced, not mistaken for the user's (idempotent)", (t) => {
  const cfg = config({});
  const first = transform(Item.fromObject(cfg), [Item.fromObject(cfg)]);
  const again = transform(Item.fromObject(cfg), first.items);
  t.is(namespaces(again.items.map((i) => i.object)).length, 1);
  t.is(again.items.map((i) => i.toYAML()).join('---\n'), first.items.map((i) => i.toYAML()).join('---\n'));
});

test('turning createNamespace off removes the Namespace generated before', (t) => {
  const on = config({});
  const first = transform(Item.fromObject(on), [Item.fromObject(on)]);
  const off = config({ createNamespace: false });
  const second = transform(Item.fromObject(off), [Item.fromObject(off), ...first.items.filter((i) => i.kind !== 'ObservabilityConfig')]);
  t.deepEqual(namespaces(second.items.map((i) => i.object)), []);
});

test('home-ops: a namespace kustomization.yaml that does not list namespace.yaml gets a warning naming the fix', (t) => {
  const cfg = config(HOME_OPS);
  const theirs = (resources: string[]) => ({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    metadata: { annotations: { [PATH]: 'observability/kustomization.yaml' } },
    resources,
  });
  const run = (resources: string[]) => transform(Item.fromObject(cfg), [Item.fromObject(cfg), Item.fromObject(theirs(resources))]).results;
  const warned = run(['./loki/ks.yaml']).filter((r) => r.severity === 'warning');
  t.is(warned.length, 1);
  t.regex(warned[0]!.message, /observability\/kustomization\.yaml does not list \.\/namespace\.yaml.*spec\.createNamespace: false/);
  t.is(warned[0]!.file?.path, 'observability/kustomization.yaml');
  t.deepEqual(
    run(['./namespace.yaml', './loki/ks.yaml']).filter((r) => r.severity === 'warning'),
    [],
  );
  t.deepEqual(
    run(['namespace.yaml']).filter((r) => r.severity === 'warning'),
    [],
  );
  // Flat layout: the Flux Kustomization (or the user's) applies the whole folder, namespace.yaml included.
  const flat = config({});
  const flatRun = transform(Item.fromObject(flat), [Item.fromObject(flat), Item.fromObject(theirs(['./loki']))]).results;
  t.deepEqual(
    flatRun.filter((r) => r.severity === 'warning'),
    [],
  );
});

test('the Namespace carries the generated-by marker, so a later run owns it', (t) => {
  const [ns] = namespaces(generateFor({}).objects);
  t.is(ns.metadata.annotations[GENERATED_BY], 'observability-stack');
});

// Fidelity: items the function does not own come out as they went in; output reads the same
// under YAML 1.1 and 1.2; order of unrelated input never changes what is generated.
import test from 'ava';
import YAML from 'yaml';
import { config, resourceList, runFn } from './support/fn.ts';

const GEN = 'observability.krm.dev/generated-by';

/** Resources full of what YAML tools get wrong. */
function trickyItems(n: number): object[] {
  const items: object[] = [];
  for (let i = 0; i < n; i++) {
    items.push({
      apiVersion: 'v1',
      kind: i % 3 ? 'ConfigMap' : 'Secret',
      metadata: {
        name: `tricky-${i}`,
        namespace: `ns-${i % 7}`,
        labels: { 'app.kubernetes.io/name': `a${i}` },
        annotations: { note: 'on', 'x/y': '${SECRET_DOMAIN}' },
      },
      data: {
        yes: 'yes',
        no: 'NO',
        octal: '0755',
        date: '2024-04-01',
        float: '1e3',
        tilde: '~',
        empty: '',
        nullish: 'null',
        unicode: 'café ☕ 日本語 \u{1F680}',
        block: 'line one\n  indented\n\ttab\n- not a list\n---\nnot a document\n',
        dollar: 'price $$5 and ${VAR:=x} and $HOME and {{ $labels.pod }}',
        colon: 'a: b # not a comment',
        long: 'x'.repeat(300),
      },
      ...(i % 5 === 0 ? { spec: { empty: {}, list: [], nothing: null, nested: { deep: [{ a: [1, 2, { b: null }] }] } } } : {}),
    });
  }
  return items;
}

test('a large package of tricky items passes through semantically unchanged and in order', (t) => {
  const cfg = config();
  const items = trickyItems(1500);
  const run = runFn('observability-stack', resourceList([...items, cfg], cfg));
  t.is(run.code, 0, run.stderr);
  const passed = run.list.items.filter((i: any) => !i.metadata?.annotations?.[GEN] && i.kind !== 'ObservabilityConfig');
  t.is(passed.length, items.length);
  t.deepEqual(passed, items);
});

test('comments in passthrough items survive', (t) => {
  const cfg = config();
  const text = `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
# a comment before the first item
- apiVersion: v1
  kind: ConfigMap # kind comment
  metadata:
    name: commented
  data:
    # a comment inside data
    key: value
- ${YAML.stringify(cfg).trim().split('\n').join('\n  ')}
`;
  const run = runFn('observability-stack', text);
  t.is(run.code, 0, run.stderr);
  for (const c of ['# kind comment', '# a comment inside data']) t.true(run.stdout.includes(c), c);
});

test('output parsed as YAML 1.1 equals output parsed as YAML 1.2', (t) => {
  const cfg = config({
    storageClass: 'on',
    pyroscope: { route: { hostname: 'yes.example.com' } },
    loki: { values: { extra: { a: 'no', b: '0755', c: 'y', d: '2024-01-01' } } },
  });
  const run = runFn('observability-stack', resourceList([cfg], cfg));
  t.is(run.code, 0, run.stderr);
  // The passthrough config keeps the user's own (1.2-plain) spelling; everything generated must agree.
  const generated = (version: '1.1' | '1.2') => YAML.parse(run.stdout, { version }).items.filter((i: any) => i.metadata?.annotations?.[GEN]);
  t.true(generated('1.2').length > 5);
  t.deepEqual(generated('1.1'), generated('1.2'));
});

test('input order of unrelated items never changes the generated objects', (t) => {
  const cfg = config();
  const items = trickyItems(50);
  const generated = (list: any) => list.items.filter((i: any) => i.metadata?.annotations?.[GEN]);
  const a = runFn('observability-stack', resourceList([...items, cfg], cfg));
  const b = runFn('observability-stack', resourceList([cfg, ...[...items].reverse()], cfg));
  t.deepEqual(generated(a.list), generated(b.list));
  t.is(YAML.stringify(generated(a.list)), YAML.stringify(generated(b.list)));
});

test('kpt internal annotations on passthrough items stay consistent', (t) => {
  const cfg = config();
  const item = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'x',
      annotations: {
        'internal.config.kubernetes.io/path': 'apps/x.yaml',
        'internal.config.kubernetes.io/index': '2',
        'internal.config.kubernetes.io/id': '7',
        'config.kubernetes.io/path': 'apps/x.yaml',
        'config.kubernetes.io/index': '2',
        'config.k8s.io/id': '7',
      },
    },
  };
  const run = runFn('observability-stack', resourceList([item, cfg], cfg));
  t.deepEqual(run.list.items[0], item);
});

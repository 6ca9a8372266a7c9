// loki-rules as a process (dist/loki-rules.cjs), the way kpt runs it: exit codes, stdout, stderr.
import test from 'ava';
import { resourceList, runFn } from './support/fn.ts';
import { alertGroup, lokiRule, obsConfig } from './support/loki-rules.ts';

const FN = 'loki-rules';
const broken = () => lokiRule('checkout', 'shop', [{ name: 'g', rules: [{ alert: 'A', expr: 'sum(rate({app="a"}[5m])', for: '5m' }] }]);

test('exit 0: the ConfigMap is in the output and stderr is empty', (t) => {
  const r = runFn(FN, resourceList([lokiRule('a', 'shop')]));
  t.is(r.code, 0, r.stderr);
  t.is(r.stderr, '');
  const cm = r.list.items.find((i: any) => i.kind === 'ConfigMap');
  t.is(cm.metadata.name, 'loki-rules-a');
  t.is(cm.metadata.labels.loki_rule, 'true');
  t.is(r.list.results, undefined);
});

/** The environment kustomize gives container functions: it ignores results, so stderr carries each one. */
const KUSTOMIZE_ENV = { STRUCTURED_RESULTS: 'true', LOG_TO_STDERR: 'true' };

test('exit 1 under kpt: stderr sums the results up in one line (kpt prints the results themselves)', (t) => {
  const items = [obsConfig(), broken(), lokiRule('fine', 'shop')];
  const r = runFn(FN, resourceList(items));
  t.is(r.code, 1);
  t.is(r.stderr, 'loki-rules: 1 error (see the results; kpt shows them all with --truncate-output=false)\n');
  t.is(r.list.results.length, 1);
});

test('exit 1 on an invalid rule under kustomize: one stderr line with resource, file and field, no stack trace, every item returned', (t) => {
  const items = [obsConfig(), broken(), lokiRule('fine', 'shop')];
  const r = runFn(FN, resourceList(items), [], KUSTOMIZE_ENV);
  t.is(r.code, 1);
  const lines = r.stderr.trim().split('\n');
  t.is(lines.length, 1, r.stderr);
  t.regex(
    lines[0]!,
    /^loki-rules: error \[LokiRule shop\/checkout, in apps\/checkout\/rules\.yaml, field spec\.groups\.0\.rules\.0\.expr\]: group "g": alert "A": invalid LogQL: /,
  );
  t.notRegex(r.stderr, /\n\s+at |\.cjs:\d+/);
  t.deepEqual(r.list.items, items);
  t.is(r.list.results.length, 1);
  t.is(r.list.results[0].severity, 'error');
});

test('one stderr line per error, warnings too, and exit 0 with warnings only', (t) => {
  const two = lokiRule('two', 'shop', [
    {
      name: 'g',
      rules: [
        { alert: 'A', expr: '{app="a"}', for: '5m' },
        { record: 'bad name', expr: 'sum(rate({app="a"}[5m]))' },
      ],
    },
  ]);
  const r = runFn(FN, resourceList([two]), [], KUSTOMIZE_ENV);
  t.is(r.code, 1);
  t.deepEqual(
    r.stderr
      .trim()
      .split('\n')
      .map((l) => /field ([^\]]+)\]/.exec(l)?.[1]),
    ['spec.groups.0.rules.0.expr', 'spec.groups.0.rules.1.record'],
  );
  const warn = runFn(
    FN,
    resourceList([lokiRule('w', 'shop', [{ name: 'g', rules: [{ alert: 'A', expr: 'sum(rate({app="a"}[5m])) > 0' }] }])]),
    [],
    KUSTOMIZE_ENV,
  );
  t.is(warn.code, 0);
  t.regex(warn.stderr, /^loki-rules: warning \[LokiRule shop\/w.*no "for" duration/);
});

test('-d label=… becomes the functionConfig; an unknown -d key is an error', (t) => {
  const r = runFn(FN, resourceList([lokiRule('a', 'shop')]), ['-d', 'label=team.io/rules', '-d', 'labelValue=on']);
  t.is(r.code, 0, r.stderr);
  t.deepEqual(r.list.items[1].metadata.labels, { 'team.io/rules': 'on', 'app.kubernetes.io/managed-by': 'observability-krm' });
  const bad = runFn(FN, resourceList([lokiRule('a', 'shop')]), ['-d', 'namespace=x'], KUSTOMIZE_ENV);
  t.is(bad.code, 1);
  t.regex(bad.stderr, /loki-rules: error \[ConfigMap function-input, field data\.namespace\]: unknown functionConfig key "namespace"/);
});

test("kpt's empty function-input ConfigMap means the defaults; the package ObservabilityConfig still wins", (t) => {
  const fc = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'function-input' }, data: {} };
  const plain = runFn(FN, resourceList([lokiRule('a', 'shop')], fc));
  t.is(plain.code, 0, plain.stderr);
  t.is(plain.list.items[1].metadata.labels.loki_rule, 'true');
  const custom = runFn(FN, resourceList([obsConfig({ label: 'x.io/y', labelValue: 'z' }), lokiRule('a', 'shop')], fc));
  t.is(custom.list.items[2].metadata.labels['x.io/y'], 'z');
});

test('--help, --version, a bad flag and input that is not a ResourceList', (t) => {
  const help = runFn(FN, '', ['--help']);
  t.is(help.code, 0);
  t.regex(help.stdout, /^loki-rules: validate LokiRules/);
  t.regex(help.stdout, /-d KEY=VALUE .*label, labelValue/);
  t.regex(runFn(FN, '', ['--version']).stdout, /^loki-rules \d+\.\d+\.\d+\n$/);
  t.is(runFn(FN, '', ['--nope']).code, 2);
  const junk = runFn(FN, 'kind: Deployment\n');
  t.is(junk.code, 1);
  t.regex(junk.stderr, /^loki-rules: error: input is not a ResourceList/);
  t.notRegex(junk.stderr, /\n\s+at /);
});

test('a process run on its own output changes nothing', (t) => {
  const once = runFn(FN, resourceList([obsConfig({ label: 'l' }), lokiRule('a', 'shop', [alertGroup()]), lokiRule('b', 'cart')]));
  t.is(once.code, 0, once.stderr);
  const twice = runFn(FN, once.stdout);
  t.is(twice.stdout, once.stdout);
});

// What the functions print on stderr: kpt prints every result itself, so there one summary line;
// kustomize ignores results, so there one line per result. And a directory argument gets a plain
// message instead of `internal error: EISDIR`.
import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { stderrStyle, stderrText } from '../functions/krm/stderr.ts';
import { config, resourceList, ROOT, runFn } from './support/fn.ts';

const FN = 'observability-stack';
// Two errors and a warning: a bad namespace, a bad retention, and a route for a disabled Pyroscope.
const bad = () => config({ loki: { retention: 'two weeks' }, tempo: { retention: 'x' } });
const warnOnly = () => config({ pyroscope: { enabled: false, route: { hostname: 'p.example.org' } } });

test('stderrText: a summary counts errors and warnings, ignores infos; lines carry each result', (t) => {
  const results = [
    { severity: 'error' as const, message: 'a', resourceRef: { apiVersion: 'v1', kind: 'X', name: 'x' }, field: { path: 'spec.a' } },
    { severity: 'error' as const, message: 'b' },
    { severity: 'warning' as const, message: 'c' },
    { severity: 'info' as const, message: 'd' },
  ];
  t.is(stderrText('f', results, 'summary'), 'f: 2 errors, 1 warning (see the results; kpt shows them all with --truncate-output=false)\n');
  t.is(stderrText('f', results.slice(2), 'summary'), 'f: 1 warning (see the results; kpt shows them all with --truncate-output=false)\n');
  t.is(stderrText('f', results.slice(3), 'summary'), '', 'infos alone print nothing');
  t.is(stderrText('f', results, 'lines'), 'f: error [X x, field spec.a]: a\nf: error: b\nf: warning: c\n');
});

test('stderrStyle: kustomize is recognised by its environment or the function annotation; KRM_STDERR wins', (t) => {
  t.is(stderrStyle({}), 'summary');
  t.is(stderrStyle({ STRUCTURED_RESULTS: 'true', LOG_TO_STDERR: 'true' }), 'lines');
  t.is(stderrStyle({}, { 'config.kubernetes.io/function': 'exec:\n  path: ./fn\n' }), 'lines');
  t.is(stderrStyle({ KRM_STDERR: 'summary', STRUCTURED_RESULTS: 'true' }), 'summary');
  t.is(stderrStyle({ KRM_STDERR: 'lines' }), 'lines');
});

test('as kpt runs it: one summary line on stderr, every result in the ResourceList', (t) => {
  const cfg = bad();
  const r = runFn(FN, resourceList([cfg], cfg));
  t.is(r.code, 1);
  const errors = r.list.results.filter((x: any) => x.severity === 'error');
  t.true(errors.length >= 2);
  t.is(r.stderr, `${FN}: ${errors.length} errors (see the results; kpt shows them all with --truncate-output=false)\n`);
  const warn = runFn(FN, resourceList([warnOnly()], warnOnly()));
  t.is(warn.code, 0);
  t.regex(warn.stderr, /^observability-stack: 1 warning \(see the results/);
});

test('no yaml library warnings on stderr: a user item with a collection as a mapping key, on every read path', (t) => {
  // yaml warns "Keys with collection values will be stringified ..." through process.emitWarning.
  const item = '- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: odd\n  data:\n    ? [a, b]\n    : c\n';
  const cfg = warnOnly();
  const text = YAML.stringify(resourceList([cfg], cfg), { indentSeq: false, aliasDuplicateObjects: false }).replace('items:\n', `items:\n${item}`);
  for (const fn of [FN, 'loki-rules']) {
    for (const fast of ['1', '0', 'verify']) {
      const r = runFn(fn, text, [], { KRM_FAST_PATH: fast });
      t.notRegex(r.stderr, /Warning|stringified/, `${fn}, KRM_FAST_PATH=${fast}: ${r.stderr}`);
      t.true(
        r.list?.items.some((i: any) => i.metadata?.name === 'odd'),
        `${fn}, KRM_FAST_PATH=${fast}: the item passes through`,
      );
    }
  }
});

test('as kustomize runs a container (STRUCTURED_RESULTS in the environment): one full line per result', (t) => {
  const cfg = bad();
  const r = runFn(FN, resourceList([cfg], cfg), [], { STRUCTURED_RESULTS: 'true', LOG_TO_STDERR: 'true' });
  t.is(r.code, 1);
  const lines = r.stderr.trim().split('\n');
  t.is(lines.length, r.list.results.filter((x: any) => x.severity !== 'info').length);
  t.true(
    lines.some((l) => /^observability-stack: error \[ObservabilityConfig observability, field spec\.loki\.retention\]: /.test(l)),
    r.stderr,
  );
});

test('as kustomize runs an exec function (the annotation stays on the functionConfig): one full line per result', (t) => {
  const cfg: any = bad();
  cfg.metadata.annotations['config.kubernetes.io/function'] = 'exec:\n  path: ../dist/observability-stack.cjs\n';
  const r = runFn(FN, resourceList([cfg], cfg));
  t.regex(r.stderr, /^observability-stack: error \[ObservabilityConfig observability, field spec\.loki\.retention\]/m);
});

test('the legacy plugin form (config file argument, kustomize) keeps one full line per result', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'okrm-stderr-'));
  try {
    writeFileSync(join(dir, 'config.yaml'), YAML.stringify(bad()));
    const r = runFn(FN, '', [join(dir, 'config.yaml')]);
    t.is(r.code, 1);
    t.regex(r.stderr, /^observability-stack: error \[ObservabilityConfig observability, field spec\.loki\.retention\]/m);
    t.notRegex(r.stderr, /\(see the results/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const [title, args] of [
  ['a directory argument (`npx observability-stack examples/quickstart`)', ['examples/quickstart']],
  ['-i DIR', ['-i', 'examples/quickstart']],
  ['-f DIR', ['-f', 'examples']],
] as const) {
  test(`${title}: a plain usage message and exit 2, not internal error: EISDIR`, (t) => {
    for (const fn of [FN, 'loki-rules']) {
      const r = runFn(
        fn,
        '',
        [...args].map((a) => (a.startsWith('-') ? a : join(ROOT, a))),
      );
      t.is(r.code, 2, r.stderr);
      t.notRegex(r.stderr, /EISDIR|internal error|\n\s+at /);
      t.regex(r.stderr, new RegExp(`^${fn}: \\S+ is a directory; ${fn} reads a ResourceList on stdin .*kpt fn source \\S+ \\| ${fn}\\..*kpt fn render`));
      t.is(r.stderr.trim().split('\n').length, 1);
    }
  });
}

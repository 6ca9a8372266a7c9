import test from 'ava';
import { checkLogQL, matchesEmpty, type LabelMatcher } from '../functions/loki-rules/logql/index.ts';
import { BROKEN, LOG_QUERIES, METRIC_QUERIES } from './support/logql-corpus.ts';

// Independent of the module's own helper, so a wrong line/column computation there shows up.
function position(q: string, offset: number) {
  const lines = q.slice(0, offset).split('\n');
  return { line: lines.length, column: lines[lines.length - 1]!.length + 1 };
}

for (const q of LOG_QUERIES) {
  test(`accepts log query: ${q}`, (t) => {
    // With and without the recognizer: the Lezer-based checker must accept it on its own too.
    for (const r of [checkLogQL(q), checkLogQL(q, { recognizer: false })]) {
      t.true(r.ok, r.ok ? '' : r.message);
      if (r.ok) t.deepEqual([r.kind, r.warnings], ['log', undefined]);
    }
  });
}
for (const q of METRIC_QUERIES) {
  test(`accepts metric query: ${q}`, (t) => {
    for (const r of [checkLogQL(q), checkLogQL(q, { recognizer: false })]) {
      t.true(r.ok, r.ok ? '' : r.message);
      if (r.ok) t.deepEqual([r.kind, r.warnings], ['metric', undefined]);
    }
  });
}

test('corpus is large enough', (t) => {
  t.true(LOG_QUERIES.length + METRIC_QUERIES.length >= 40);
});

test('extracts the matchers of every stream selector, not pipeline label filters', (t) => {
  const r = checkLogQL('sum(rate({app="a", env=~"p.*"} | json | level="error" [5m])) / sum(rate({app!=`b\\`, x="y"}[5m]))');
  if (!r.ok) return t.fail(r.message);
  t.deepEqual(r.matchers, [
    [
      { name: 'app', op: '=', value: 'a' },
      { name: 'env', op: '=~', value: 'p.*' },
    ],
    [
      { name: 'app', op: '!=', value: 'b\\' },
      { name: 'x', op: '=', value: 'y' },
    ],
  ]);
});

test('decodes Go escapes in matcher values', (t) => {
  const r = checkLogQL('{msg="tab\\there \\"q\\" \\u00e9 \\x41 \\101"}');
  if (!r.ok) return t.fail(r.message);
  t.is(r.matchers[0]![0]!.value, 'tab\there "q" é A A');
});

for (const { q, at, msg } of BROKEN) {
  test(`rejects at the right place: ${JSON.stringify(q.length > 60 ? `${q.slice(0, 60)}…` : q)}`, (t) => {
    for (const r of [checkLogQL(q), checkLogQL(q, { recognizer: false })]) {
      if (r.ok) return t.fail('query was accepted');
      const offset = at(q);
      t.is(r.offset, offset, r.message);
      t.deepEqual({ line: r.line, column: r.column }, position(q, offset));
      t.regex(r.message, msg);
      t.true(r.message.includes(`at line ${r.line}, column ${r.column}`));
    }
  });
}

test('broken corpus is large enough', (t) => {
  t.true(BROKEN.length >= 20);
});

test('message quotes the text at the error position', (t) => {
  const q = '{app="api"} | json | status >= 500 | foo ?= 1';
  const r = checkLogQL(q);
  if (r.ok) return t.fail('accepted');
  t.is(r.offset, q.indexOf('?'));
  t.regex(r.message, /^syntax error at line 1, column \d+ near "\?= 1": unexpected "\?"/);
});

test("operator precedence is Loki's: a set operator takes what * and ^ built", (t) => {
  // Lezer's own grammar nests these as `sum * (2 or sum)` and `vector ^ (2 or vector)`.
  for (const q of ['sum(rate({a="b"}[5m])) * 2 or sum(rate({c="d"}[5m]))', 'vector(1) ^ 2 or vector(1)', 'vector(1) + 1 > 2 unless vector(1) * 3']) {
    for (const r of [checkLogQL(q), checkLogQL(q, { recognizer: false })]) t.true(r.ok, `${q}: ${r.ok ? '' : r.message}`);
  }
  // Parentheses keep their operand whole: here the set operator does get a number.
  const r = checkLogQL('vector(1) * (2 or vector(1))');
  t.false(r.ok);
  if (!r.ok) t.regex(r.message, /column 14 .*"or" is a set operator/);
});

test('label_replace: any destination parses, as in Loki; one that is not a label name warns', (t) => {
  t.deepEqual(checkLogQL('label_replace(vector(1), "", "", "", "")'), { ok: true, kind: 'metric', matchers: [] });
  const q = 'label_replace(vector(1), "1dst", "$1", "src", "(.*)")';
  const r = checkLogQL(q);
  if (!r.ok) return t.fail(r.message);
  t.is(r.warnings?.length, 1);
  t.is(r.warnings?.[0]?.offset, q.indexOf('"1dst"'));
  t.regex(r.warnings?.[0]?.message ?? '', /"1dst" is not a valid label name: Loki accepts it/);
});

test('a Loki form the grammar cannot parse is not refused: it passes with a warning, selectors still checked', (t) => {
  // Label filters joined without a space: Loki reads them, the rewrite for Lezer needs the space.
  const q = 'sum(count_over_time({app="a"} | logfmt | x="1"y="2" [5m]))';
  const r = checkLogQL(q);
  if (!r.ok) return t.fail(r.message);
  t.is(r.kind, 'metric');
  t.deepEqual(r.matchers, [[{ name: 'app', op: '=', value: 'a' }]]);
  t.is(r.warnings?.[0]?.offset, q.indexOf('y='));
  t.regex(r.warnings?.[0]?.message ?? '', /^could not be fully checked: label filters joined by a space/);
  // The selector checks still run.
  const bad = checkLogQL('sum(count_over_time({app=~".*"} | logfmt | x="1"y="2" [5m]))');
  t.false(bad.ok);
  if (!bad.ok) t.regex(bad.message, /select every stream/);
  // An error elsewhere that is not such a form stays an error.
  t.false(checkLogQL('sum(count_over_time({app="a"} | logfmt | x="1" y="2" [5m] foo))').ok);
});

const m = (op: LabelMatcher['op'], value: string): LabelMatcher => ({ name: 'app', op, value });

test('matchesEmpty: equality matchers', (t) => {
  t.true(matchesEmpty(m('=', '')));
  t.false(matchesEmpty(m('=', 'api')));
  t.true(matchesEmpty(m('!=', 'api')));
  t.false(matchesEmpty(m('!=', '')));
});

test('matchesEmpty: regex matchers are fully anchored', (t) => {
  t.true(matchesEmpty(m('=~', '.*')));
  t.false(matchesEmpty(m('=~', '.+')));
  t.true(matchesEmpty(m('=~', 'api|')));
  t.true(matchesEmpty(m('=~', 'foo|.*')));
  t.false(matchesEmpty(m('=~', 'a*b')));
  t.true(matchesEmpty(m('=~', '[[:alpha:]]*')));
  t.false(matchesEmpty(m('=~', '(?i)api')));
  t.true(matchesEmpty(m('!~', '.+')));
  t.false(matchesEmpty(m('!~', '.*')));
  t.true(matchesEmpty(m('=~', '\\Q\\E')));
  t.false(matchesEmpty(m('=~', '(')), 'invalid regex is not judged');
});

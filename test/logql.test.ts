import test from 'ava';
import { checkLogQL, matchesEmpty, translateRe2, type LabelMatcher } from '../functions/loki-rules/logql.ts';
import { BROKEN, LOG_QUERIES, METRIC_QUERIES } from './support/logql-corpus.ts';

// Independent of the module's own helper, so a wrong line/column computation there shows up.
function position(q: string, offset: number) {
  const lines = q.slice(0, offset).split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

for (const q of LOG_QUERIES) {
  test(`accepts log query: ${q}`, (t) => {
    // With and without the fast recognizer: the full checker must accept it on its own too.
    for (const r of [checkLogQL(q), checkLogQL(q, { full: true })]) {
      t.true(r.ok, r.ok ? '' : r.message);
      if (r.ok) t.is(r.kind, 'log');
    }
  });
}
for (const q of METRIC_QUERIES) {
  test(`accepts metric query: ${q}`, (t) => {
    for (const r of [checkLogQL(q), checkLogQL(q, { full: true })]) {
      t.true(r.ok, r.ok ? '' : r.message);
      if (r.ok) t.is(r.kind, 'metric');
    }
  });
}

test('corpus is large enough', (t) => {
  t.true(LOG_QUERIES.length + METRIC_QUERIES.length >= 40);
});

test('extracts the matchers of every stream selector, not pipeline label filters', (t) => {
  const r = checkLogQL('sum(rate({app="a", env=~"p.*"} | json | level="error" [5m])) / sum(rate({app!=`b\\`}[5m]))');
  if (!r.ok) return t.fail(r.message);
  t.deepEqual(r.matchers, [
    [{ name: 'app', op: '=', value: 'a' }, { name: 'env', op: '=~', value: 'p.*' }],
    [{ name: 'app', op: '!=', value: 'b\\' }],
  ]);
});

test('decodes Go escapes in matcher values', (t) => {
  const r = checkLogQL('{msg="tab\\there \\"q\\" \\u00e9 \\x41 \\101"}');
  if (!r.ok) return t.fail(r.message);
  t.is(r.matchers[0][0].value, 'tab\there "q" é A A');
});

for (const { q, at, msg } of BROKEN) {
  test(`rejects at the right place: ${JSON.stringify(q.length > 60 ? q.slice(0, 60) + '…' : q)}`, (t) => {
    const r = checkLogQL(q);
    if (r.ok) return t.fail('query was accepted');
    const offset = at(q);
    t.is(r.offset, offset, r.message);
    t.deepEqual({ line: r.line, column: r.column }, position(q, offset));
    t.regex(r.message, msg);
    t.true(r.message.includes(`at line ${r.line}, column ${r.column}`));
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
  t.false(matchesEmpty(m('=~', '(')), 'invalid regex is not judged');
});

test('translateRe2 accepts RE2-only syntax', (t) => {
  for (const re of ['(?P<code>\\d+)', '(?i)error', '(?is:a.b)', '[[:digit:]]+', '\\Qa.b*c\\E', 'abc\\z', '\\Aabc', '[]a]', '\\pL+', '\\x{263a}', 'a{2,1000}']) {
    t.is(typeof translateRe2(re), 'object', re);
  }
  const r = translateRe2('(?P<a>x)(y)(?:z)');
  t.deepEqual(typeof r === 'object' ? r.groups : r, ['a', null]);
  t.true(new RegExp(`^(?:${(translateRe2('\\Qa.b\\E') as { source: string }).source})$`).test('a.b'));
  t.false(new RegExp(`^(?:${(translateRe2('\\Qa.b\\E') as { source: string }).source})$`).test('axb'));
});

test('translateRe2 rejects what Go regexp rejects', (t) => {
  const cases: [string, RegExp][] = [
    ['(a)\\1', /backreferences/],
    ['a(?=b)', /lookahead/],
    ['(?<!a)b', /lookahead\/lookbehind/],
    ['a{1001}', /maximum of 1000/],
    ['\\y', /invalid escape/],
    ['[a', /missing closing \]/],
    ['[[:foo:]]', /invalid character class/],
    ['(?P<a>x)(?P<a>y)', /duplicate capture group name/],
    ['a**', /Nothing to repeat/],
    ['(?#comment)', /unsupported group syntax/],
  ];
  for (const [re, msg] of cases) {
    const r = translateRe2(re);
    t.is(typeof r, 'string', re);
    if (typeof r === 'string') t.regex(r, msg, re);
  }
});

import test from 'ava';
import { checkLogQL, matchesEmpty, translateRe2, type LabelMatcher } from '../functions/loki-rules/logql.ts';

// Independent of the module's own helper, so a wrong line/column computation there shows up.
function position(q: string, offset: number) {
  const lines = q.slice(0, offset).split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

const LOG_QUERIES = [
  '{app="api"}',
  '{app="api", env!="dev", cluster=~"prod-.+", team!~"infra|ops"}',
  '{app="api"} |= "error"',
  '{app="api"} != "healthcheck"',
  '{app="api"} |~ "(?i)timeout|deadline exceeded"',
  '{app="api"} !~ `^\\s*$`',
  '{app="api"} |= "error" != "expected" |~ "code=[45]\\\\d\\\\d"',
  '{app="api"} |= "error" or "fatal"',
  '{app="api"} |> "<_> level=error <_>"',
  '{app="api"} !> "<_> GET /healthz <_>"',
  '{app="api"} |= ip("10.0.0.0/8")',
  '{app="api"} | json',
  '{app="api"} | json status="response.status", method="request.method"',
  '{app="api"} | logfmt',
  '{app="api"} | logfmt --strict --keep-empty',
  '{app="api"} | logfmt --strict level, msg="message"',
  '{app="api"} | regexp `(?P<method>\\w+) (?P<path>[^ ]+) (?P<status>\\d{3})`',
  '{app="nginx"} | pattern `<ip> - - [<_>] "<method> <path> <_>" <status> <size>`',
  '{app="api"} | regexp "(?P<method>\\\\w+) (GET|POST) (\\\\d+)"',
  '{app="api"} | unpack',
  '{app="api"} | json | status >= 500',
  '{app="api"} | logfmt | duration > 1s and status != 200',
  '{app="api"} | json | size > 10KB or size <= 1MiB',
  '{app="api"} | logfmt | (level="error" or level="fatal") and latency >= 250ms',
  '{app="api"} | json | addr = ip("192.168.0.0/16")',
  '{app="api"} | json | line_format "{{.level}} {{.msg | trunc 80}}"',
  '{app="api"} | logfmt | label_format lvl=level, summary="{{ .method }} {{ .path }}"',
  '{app="api"} | json | drop __error__, __error_details__',
  '{app="api"} | json | keep level, status, app',
  '{app="api"} | drop level="debug"',
  '{app="api"} | decolorize',
  '{app="api"}\n  |= "error"\n  | json\n  | status >= 500 # server errors only',
];

const METRIC_QUERIES = [
  'rate({app="api"}[5m])',
  'count_over_time({app="api"} |= "error" [10m])',
  'bytes_over_time({app="api"}[1h])',
  'bytes_rate({app="api"}[5m])',
  'sum_over_time({app="api"} | logfmt | unwrap bytes_sent [5m])',
  'avg_over_time({app="api"} | json | unwrap duration(latency) [5m]) by (route)',
  'quantile_over_time(0.99, {app="api"} | json | unwrap latency_ms | __error__="" [5m]) by (route)',
  'max_over_time({app="api"} | logfmt | unwrap bytes(size) [1h])',
  'absent_over_time({app="api"}[15m])',
  'rate({app="api"} | json | unwrap duration_seconds(elapsed) [5m])',
  'rate({app="api"}[5m] offset 1h)',
  'sum by (namespace) (rate({app="api"} |= "error" [5m]))',
  'sum(count_over_time({app="api"}[5m])) by (pod)',
  'avg without (pod) (rate({app="api"}[5m]))',
  'topk(5, sum by (path) (rate({app="api"}[5m])))',
  'bottomk(3, sum by (path) (rate({app="api"}[5m])))',
  'count(sum by (pod) (rate({app="api"}[5m])))',
  'sort_desc(sum by (app) (rate({app="api"}[5m])))',
  'sum(rate({app="api"} |= "error" [5m])) / sum(rate({app="api"}[5m])) > 0.05',
  'sum by (app) (rate({app="api"}[5m])) > bool 10',
  'sum by (app, pod) (rate({app="api"}[5m])) / on (app) group_left sum by (app) (rate({app="api"}[5m]))',
  'sum by (app) (rate({app="api"}[5m])) * ignoring (pod) group_right (team) sum by (app, pod, team) (rate({app="web"}[5m]))',
  'sum(rate({app="api"}[5m])) and sum(rate({app="web"}[5m])) unless sum(rate({app="db"}[5m]))',
  'label_replace(rate({app="api"}[5m]), "service", "$1", "app", "(.*)-api")',
  'vector(1)',
  'vector(0) > 1',
  '2 * 3 + 1',
  '-1 + sum(rate({app="api"}[5m]))',
  '(sum(rate({app="api"}[5m])))',
  'count_over_time(({app="api"} |= "panic")[5m])',
  'sum(rate({app="api"}[5m])) # trailing comment',
  'sum by (app) (\n  count_over_time({app="api"} |= "error" [5m])\n) > 0',
];

for (const q of LOG_QUERIES) {
  test(`accepts log query: ${q}`, (t) => {
    const r = checkLogQL(q);
    t.true(r.ok, r.ok ? '' : r.message);
    if (r.ok) t.is(r.kind, 'log');
  });
}
for (const q of METRIC_QUERIES) {
  test(`accepts metric query: ${q}`, (t) => {
    const r = checkLogQL(q);
    t.true(r.ok, r.ok ? '' : r.message);
    if (r.ok) t.is(r.kind, 'metric');
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

interface Broken { q: string; at: (q: string) => number; msg: RegExp }
const BROKEN: Broken[] = [
  { q: '{app="x"} |= ', at: (q) => q.indexOf('|=') + 2, msg: /syntax error .*unexpected end of query.*line filter/ },
  { q: 'rate({app="x"}[5m]', at: (q) => q.indexOf('('), msg: /"\(" is never closed \(missing "\)"\)/ },
  { q: 'sum by (job) (rate({a="b"}[1x]))', at: (q) => q.indexOf('1x'), msg: /unexpected "1x" in range/ },
  { q: '{app="x}', at: (q) => q.indexOf('"'), msg: /unterminated string/ },
  { q: '{app="x"', at: () => 0, msg: /"\{" is never closed/ },
  { q: '', at: () => 0, msg: /empty query/ },
  { q: '  # just a comment', at: () => 0, msg: /empty query/ },
  { q: 'rate({app="x"}[5m]))', at: (q) => q.lastIndexOf(')'), msg: /without a matching opening/ },
  { q: '{app="x")', at: (q) => q.indexOf(')'), msg: /"\)" does not close "\{" opened at line 1, column 1/ },
  { q: '{app="x"} | json |', at: (q) => q.length, msg: /unexpected end of query/ },
  { q: 'count_over_time({app="x"})', at: (q) => q.indexOf('})') + 1, msg: /missing range/ },
  { q: '{app="x"}[5m]', at: (q) => q.indexOf('['), msg: /only allowed inside a range aggregation/ },
  { q: 'sum by (job) ({app="x"})', at: (q) => q.indexOf('{'), msg: /log query cannot be used here/ },
  { q: 'sum(rate({a="b"}[5m])) / {a="b"}', at: (q) => q.lastIndexOf('{'), msg: /log query cannot be an operand of "\/"/ },
  { q: 'rate(5, {a="b"}[5m])', at: (q) => q.indexOf('5,'), msg: /rate does not take a parameter/ },
  { q: 'sum(5, rate({a="b"}[5m]))', at: (q) => q.indexOf('5,'), msg: /sum does not take a parameter/ },
  { q: 'topk(rate({a="b"}[5m]))', at: () => 0, msg: /topk requires a parameter/ },
  { q: 'topk(1.5, rate({a="b"}[5m]))', at: (q) => q.indexOf('1.5'), msg: /positive integer/ },
  { q: 'count_over_time({a="b"}[5m]) by (x)', at: (q) => q.indexOf('by'), msg: /grouping is not allowed on count_over_time/ },
  { q: 'sum_over_time({a="b"}[5m])', at: () => 0, msg: /sum_over_time needs an unwrapped value/ },
  { q: 'quantile_over_time({a="b"} | unwrap x [5m])', at: () => 0, msg: /requires a quantile parameter/ },
  { q: 'count_over_time({a="b"} | unwrap x [5m])', at: (q) => q.indexOf('| unwrap'), msg: /cannot be used with unwrap/ },
  { q: 'rate({a="b"}[1.5h])', at: (q) => q.indexOf('['), msg: /invalid range duration "1.5h"/ },
  { q: 'rate({a="b"}[-5m])', at: (q) => q.indexOf('['), msg: /invalid range duration "-5m"/ },
  { q: 'rate({a="b"}[0s])', at: (q) => q.indexOf('['), msg: /greater than zero/ },
  { q: '{app=~"\\d+"}', at: (q) => q.indexOf('\\'), msg: /invalid escape sequence "\\d"/ },
  { q: '{}', at: () => 1, msg: /stream selector/ },
  { q: '{app="x"} | logfmt --foo', at: (q) => q.indexOf('--foo'), msg: /unknown parser flag "--foo"/ },
  { q: 'vector(1) or 2', at: (q) => q.indexOf('2'), msg: /"or" is a set operator/ },
  { q: '{app=~"(a"}', at: (q) => q.indexOf('"(a"'), msg: /invalid regular expression "\(a"/ },
  { q: '{a="b"} |~ "x" or "(?=y)"', at: (q) => q.indexOf('"(?='), msg: /lookahead.*not supported by RE2/ },
  { q: '{a="b"} | regexp "(\\\\w+)"', at: (q) => q.indexOf('"('), msg: /at least one named capture group/ },
  { q: '{a="b"} | pattern "<a><b>"', at: (q) => q.indexOf('"<'), msg: /<a> and <b> must be separated/ },
  { q: 'sum(rate({a="b"}[5m])) by (x) by (y)', at: (q) => q.lastIndexOf('by'), msg: /unexpected "by"/ },
  { q: 'sort by (a) (rate({a="b"}[5m]))', at: (q) => q.indexOf('by'), msg: /sort does not allow grouping/ },
  { q: 'label_replace(rate({a="b"}[5m]), "1dst", "$1", "src", "(.*)")', at: (q) => q.indexOf('"1dst"'), msg: /not a valid label name/ },
  { q: 'rate({a="b"}[5m] foo)', at: (q) => q.indexOf('foo'), msg: /unexpected "foo"/ },
  { q: 'sum by (app) (\n  rate({app="api"} | json | latency > 1x [5m])\n)', at: (q) => q.indexOf('1x'), msg: /line 2, column 39 near "1x \[5m\]\)": unexpected "1x"/ },
  { q: '{app="api"}\n  |~ `unclosed', at: (q) => q.indexOf('`'), msg: /line 2, column 6.*missing closing backtick/ },
  { q: '{app="x"} |= "' + 'a'.repeat(5200) + '"', at: () => 0, msg: /longer than Loki's limit/ },
];

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

// The fast LogQL recognizer against the full checker (Lezer + Loki's rules): wherever the
// fast one answers, its answer must be the full checker's, byte for byte; it must answer
// for the common shapes (or the speed-up is gone); it must never answer for an error.
import test from 'ava';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { checkLogQL } from '../functions/loki-rules/logql.ts';
import { fastCheckLogQL } from '../functions/loki-rules/logql-fast.ts';
import { lokiRulesList } from '../bench/generate.mjs';
import { BROKEN, LOG_QUERIES, METRIC_QUERIES } from './support/logql-corpus.ts';
import { LogQLGen, rng } from './support/logql-gen.ts';

/** Compares the two on `queries`; returns how many valid ones the fast path answered. */
function compare(queries: string[]) {
  const mismatches: string[] = [];
  let valid = 0, answered = 0;
  for (const q of queries) {
    const full = checkLogQL(q, { full: true });
    const fast = fastCheckLogQL(q);
    if (full.ok) valid++;
    if (fast === null) continue;
    answered++;
    if (JSON.stringify(fast) !== JSON.stringify(full)) mismatches.push(`${JSON.stringify(q)}\n  fast: ${JSON.stringify(fast)}\n  full: ${JSON.stringify(full)}`);
  }
  return { valid, answered, mismatches };
}

test('the test corpus: same answers, and the fast path answers nearly every valid query', (t) => {
  const valid = [...LOG_QUERIES, ...METRIC_QUERIES];
  const r = compare(valid);
  t.deepEqual(r.mismatches, []);
  t.is(r.valid, valid.length);
  t.true(r.answered >= valid.length * 0.9, `fast path answered ${r.answered} of ${valid.length}`);
});

test('the fast path never answers for a broken query', (t) => {
  for (const { q } of BROKEN) t.is(fastCheckLogQL(q), null, q);
});

test('rule queries of the examples and of the benchmark take the fast path', (t) => {
  const exprs: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith('.yaml')) {
        for (const doc of YAML.parseAllDocuments(readFileSync(join(dir, e.name), 'utf8'))) collectExprs(doc.toJS(), exprs);
      }
    }
  };
  walk('examples/loki-rules/apps');
  collectExprs(YAML.parse(lokiRulesList(8)), exprs);
  t.true(exprs.length >= 8, `found ${exprs.length} expressions`);
  for (const q of exprs) {
    const fast = fastCheckLogQL(q);
    t.not(fast, null, q);
    t.deepEqual(fast, checkLogQL(q, { full: true }), q);
  }
});

function collectExprs(v: unknown, out: string[]): void {
  if (Array.isArray(v)) for (const x of v) collectExprs(x, out);
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === 'expr' && typeof x === 'string') out.push(x);
      else collectExprs(x, out);
    }
  }
}

// Where the two parsers could plausibly part: Lezer's precedence (add tightest, pow loosest),
// "(" after group_left, log queries as operands, numbers before commas, keywords as labels,
// escapes, ranges in every position.
const TRAPS = [
  '1 + 2 or 3', 'vector(1) or 2 * 3', '2 * 3 or vector(1)', 'vector(1) and 1 + 2', '1 > 2 and vector(1)', '2 ^ 3 ^ 4',
  'vector(1) or 2 ^ vector(1)', 'vector(1) ^ 2 or vector(1)', 'vector(1) ^ vector(2) ^ 3 and vector(1)', '1 ^ 2 ^ vector(1) unless vector(1)',
  'vector(1) unless vector(2) > 1', '1 - -1', '-1', '+1 * 2', 'sum(5)', 'sum(5, vector(1))', 'topk(0, vector(1))',
  'topk(2, vector(1)) by (a)', 'sum by (a) (vector(1)) by (b)', 'sort by () (vector(1))', 'sort by (a) (vector(1))',
  'vector(1) * on (a) group_left (b) vector(2)', 'vector(1) * on (a) group_left (vector(2))', 'vector(1) * on (a,) vector(2)',
  'vector(1) > bool vector(2)', 'vector(1) + bool on () group_right vector(2)', 'vector(1) / ignoring (a, b) group_left vector(2)',
  '{a="b"} or vector(1)', 'vector(1) + {a="b"}', '{a="b"} |= "x" or "y"', '{a="b"} |= "x" or ip("y") or "z"', '{a="b"} |= ip("1.1.1.1")',
  '{a="b"} | x="1" or y="2"', '{a="b"} | x > 1 or vector(1)', '{a="b"} | (x="1", y!~"a|b") and z >= 10KB', '{a="b"} | x = ip("y")',
  '{a="b"} | x > -1', '{a="b"} | x > 1.5h', '{a="b"} | x > 1h1.5m', '{a="b"} | x > 5us', '{a="b"} | x =~ 5',
  '{on="x"}', '{duration="x"}', '{a:b="x"}', '{a="\\x41"}', '{a="\\n"}', '{a=`\\n`}', '{a="b"} | json on', '{a="b"} | json a, b="c"',
  '{a="b"} | logfmt --strict --keep-empty a', '{a="b"} | logfmt --strictx', '{a="b"} | unwrap x', '{a="b"} | drop a, b=~"(", c',
  '{a="b"} | label_format a=b, c="d"', '{a="b"} | line_format "{{.x}}"', '{a="b"} | pattern "<a> <b>"', '{a="b"} | regexp "(?P<x>a)"',
  'rate({a="b"}[5m] offset 1h)', 'rate({a="b"} | json [5m] offset 1h)', 'sum_over_time({a="b"} | unwrap x [5m] offset 1h)',
  'sum_over_time({a="b"} | json | unwrap x [5m] offset 1h)', 'sum_over_time({a="b"} | json | unwrap x | y="1" [5m])',
  'sum_over_time({a="b"}[5m] | json | unwrap x)', 'sum_over_time({a="b"}[5m] offset 5m | json | unwrap bytes(x))',
  'rate({a="b"} | json [5m] | json)', 'rate({a="b"}[5m] | unwrap x | y > 1)', 'rate(({a="b"})[5m])', 'rate({a="b"}[1h30m])',
  'rate({a="b"}[1.5h])', 'rate({a="b"}[0s])', 'rate({a="b"}[5m] offset 1.5h)', 'quantile_over_time(0.5, {a="b"} | unwrap x [5m]) by (a)',
  'rate({a="b"}[5m]) by (a)', 'label_replace(vector(1), "dst", "$1", "src", "(.*)")', 'label_replace({a="b"}, "d", "", "s", "")',
  '{a="b"} # comment', '# only a comment', '{a="b"} |= "#"', '{a="b"}\n| json\n# c\n| x="1"', 'SUM(vector(1))', 'Rate({a="b"}[5m])',
];

test('tricky queries: same answers', (t) => {
  const r = compare(TRAPS);
  t.deepEqual(r.mismatches, []);
  t.true(r.answered >= 30, `fast path answered ${r.answered} of ${TRAPS.length}`);
});

// LOGQL_FUZZ=<n> runs more (200,000 ran clean when the recognizer was written).
const FUZZ = Number(process.env.LOGQL_FUZZ ?? 8000);

test(`generated queries and mutations of them (${FUZZ}): same answers`, (t) => {
  const gen = new LogQLGen(rng(20261130));
  const queries: string[] = [];
  for (let k = 0; k < FUZZ; k++) {
    const q = gen.query();
    queries.push(k % 2 === 0 ? q : gen.mutate(k % 6 === 1 ? gen.mutate(q) : q));
  }
  const r = compare(queries);
  t.deepEqual(r.mismatches.slice(0, 5), []);
  // The generator must produce enough valid queries to mean something, and the fast path
  // must carry most of them (a recognizer that declines everything would pass the rest).
  t.true(r.valid >= FUZZ * 0.2, `${r.valid} valid of ${FUZZ}`);
  t.true(r.answered >= r.valid * 0.55, `fast path answered ${r.answered} of ${r.valid} valid`);
});

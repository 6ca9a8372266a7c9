// The LogQL recognizer against the Lezer-based checker (Lezer + Loki's rules): wherever the
// recognizer answers, its answer must be the Lezer-based checker's, byte for byte; it must
// answer for the common shapes (or the speed-up is gone); it must never answer for an error.
import test from 'ava';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { checkLogQL } from '../functions/loki-rules/logql/index.ts';
import { recognizeLogQL } from '../functions/loki-rules/logql/recognizer.ts';
import { lokiRulesList } from '../bench/generate.mjs';
import { BROKEN, LOG_QUERIES, METRIC_QUERIES } from './support/logql-corpus.ts';
import { LogQLGen, rng } from './support/logql-gen.ts';

/** Compares the two on `queries`; returns how many valid ones the recognizer answered. */
function compare(queries: string[]) {
  const mismatches: string[] = [];
  let valid = 0,
    answered = 0;
  for (const q of queries) {
    const full = checkLogQL(q, { recognizer: false });
    const fast = recognizeLogQL(q);
    if (full.ok) valid++;
    if (fast === null) continue;
    answered++;
    if (JSON.stringify(fast) !== JSON.stringify(full))
      mismatches.push(`${JSON.stringify(q)}\n  recognizer: ${JSON.stringify(fast)}\n  lezer: ${JSON.stringify(full)}`);
  }
  return { valid, answered, mismatches };
}

test('the test corpus: same answers, and the recognizer answers nearly every valid query', (t) => {
  const valid = [...LOG_QUERIES, ...METRIC_QUERIES];
  const r = compare(valid);
  t.deepEqual(r.mismatches, []);
  t.is(r.valid, valid.length);
  t.true(r.answered >= valid.length * 0.9, `recognizer answered ${r.answered} of ${valid.length}`);
});

test('the recognizer never answers for a broken query', (t) => {
  for (const { q } of BROKEN) t.is(recognizeLogQL(q), null, q);
});

test('rule queries of the examples and of the benchmark take the recognizer', (t) => {
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
    const fast = recognizeLogQL(q);
    t.not(fast, null, q);
    t.deepEqual(fast, checkLogQL(q, { recognizer: false }), q);
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

// Where the two could plausibly part: precedence (Loki's table; Lezer's own nests add tightest,
// pow loosest), "(" after group_left, log queries as operands, numbers before commas, keywords
// as labels, escapes, ranges in every position, the Loki forms Lezer's grammar lacks.
const TRAPS = [
  '1 + 2 or 3',
  'vector(1) or 2 * 3',
  '2 * 3 or vector(1)',
  'vector(1) and 1 + 2',
  '1 > 2 and vector(1)',
  '2 ^ 3 ^ 4',
  'vector(1) or 2 ^ vector(1)',
  'vector(1) ^ 2 or vector(1)',
  'vector(1) ^ vector(2) ^ 3 and vector(1)',
  '1 ^ 2 ^ vector(1) unless vector(1)',
  'vector(1) unless vector(2) > 1',
  '1 - -1',
  '-1',
  '+1 * 2',
  'sum(5)',
  'sum(5, vector(1))',
  'topk(0, vector(1))',
  'topk(2, vector(1)) by (a)',
  'sum by (a) (vector(1)) by (b)',
  'sort by () (vector(1))',
  'sort by (a) (vector(1))',
  'vector(1) * on (a) group_left (b) vector(2)',
  'vector(1) * on (a) group_left (vector(2))',
  'vector(1) * on (a,) vector(2)',
  'vector(1) > bool vector(2)',
  'vector(1) + bool on () group_right vector(2)',
  'vector(1) / ignoring (a, b) group_left vector(2)',
  '{a="b"} or vector(1)',
  'vector(1) + {a="b"}',
  '{a="b"} |= "x" or "y"',
  '{a="b"} |= "x" or ip("y") or "z"',
  '{a="b"} |= ip("1.1.1.1")',
  '{a="b"} | x="1" or y="2"',
  '{a="b"} | x > 1 or vector(1)',
  '{a="b"} | (x="1", y!~"a|b") and z >= 10KB',
  '{a="b"} | x = ip("y")',
  '{a="b"} | x > -1',
  '{a="b"} | x > 1.5h',
  '{a="b"} | x > 1h1.5m',
  '{a="b"} | x > 5us',
  '{a="b"} | x =~ 5',
  '{on="x"}',
  '{duration="x"}',
  '{a:b="x"}',
  '{a="\\x41"}',
  '{a="\\n"}',
  '{a=`\\n`}',
  '{a="b"} | json on',
  '{a="b"} | json a, b="c"',
  '{a="b"} | logfmt --strict --keep-empty a',
  '{a="b"} | logfmt --strictx',
  '{a="b"} | unwrap x',
  '{a="b"} | drop a, b=~"(", c',
  '{a="b"} | label_format a=b, c="d"',
  '{a="b"} | line_format "{{.x}}"',
  '{a="b"} | pattern "<a> <b>"',
  '{a="b"} | regexp "(?P<x>a)"',
  'rate({a="b"}[5m] offset 1h)',
  'rate({a="b"} | json [5m] offset 1h)',
  'sum_over_time({a="b"} | unwrap x [5m] offset 1h)',
  'sum_over_time({a="b"} | json | unwrap x [5m] offset 1h)',
  'sum_over_time({a="b"} | json | unwrap x | y="1" [5m])',
  'sum_over_time({a="b"}[5m] | json | unwrap x)',
  'sum_over_time({a="b"}[5m] offset 5m | json | unwrap bytes(x))',
  'rate({a="b"} | json [5m] | json)',
  'rate({a="b"}[5m] | unwrap x | y > 1)',
  'rate(({a="b"})[5m])',
  'rate({a="b"}[1h30m])',
  'rate({a="b"}[1.5h])',
  'rate({a="b"}[0s])',
  'rate({a="b"}[5m] offset 1.5h)',
  'quantile_over_time(0.5, {a="b"} | unwrap x [5m]) by (a)',
  'rate({a="b"}[5m]) by (a)',
  'label_replace(vector(1), "dst", "$1", "src", "(.*)")',
  'label_replace({a="b"}, "d", "", "s", "")',
  '{a="b"} # comment',
  '# only a comment',
  '{a="b"} |= "#"',
  '{a="b"}\n| json\n# c\n| x="1"',
  'SUM(vector(1))',
  'Rate({a="b"}[5m])',
  'sum(rate({a="b"}[5m])) * 2 or sum(rate({c="d"}[5m]))',
  'vector(1) * 2 or 3',
  '(vector(1) * 2) or vector(1)',
  'vector(1) or (1 + 2)',
  '1 < 2 and vector(1)',
  'vector(1) and vector(1) or 1 ^ vector(2)',
  'vector(1) == bool 2 unless vector(3) ^ 2 ^ 1',
  'approx_topk(3, vector(1))',
  'approx_topk(3, vector(1)) by (a)',
  'approx_topk by () (3, vector(1))',
  'approx_topk(0, vector(1))',
  '{a="b"} |= ip("x") or ip("y") or "z"',
  '{a="b"} |~ "x" or ip("y") or "(z"',
  '{a="b"} != ip("x") or "(" or ip("y")',
  '{a="b"} | x="1" y="2"',
  '{a="b"} | x="1"y="2"',
  '{a="b"} | x="1" (y="2" or z>1)',
  '{a="b"} | json x="1" y="2"',
  '{a="b"} | x="1" by="2"',
  'sum_over_time({a="b"} | unwrap x [5m] offset 1h)',
  'sum_over_time({a="b"} | json | unwrap x | y > 1 [5m] offset 1h)',
  'sum_over_time({a="b"} | json | unwrap x [5m] offset 1.5h)',
  'sum_over_time({a="b"} | json | unwrap x [5m] offset 1h | json)',
  'sum_over_time(({a="b"} | json | unwrap x)[5m])',
  'sum_over_time(({a="b"} | json | unwrap x)[5m] offset 1h)',
  'sum_over_time(({a="b"})[5m] | unwrap x)',
  'sum_over_time(({a="b"} | json)[5m] | unwrap x)',
  'rate(({a="b"} | json)[5m] offset 1h)',
  'rate(({a="b"}[5m]))',
  'rate((({a="b"} | json)[5m]))',
  'label_replace(vector(1), "", "", "", "")',
  'label_replace(vector(1), "1d", "", "", "")',
  '{a=~".*"}',
  '{a="b"} | x > 0x10',
  'vector(0x10)',
];

test('tricky queries: same answers', (t) => {
  const r = compare(TRAPS);
  t.deepEqual(r.mismatches, []);
  t.true(r.answered >= 30, `recognizer answered ${r.answered} of ${TRAPS.length}`);
});

// LOGQL_FUZZ=<n> runs more (200,000 ran clean when the recognizer was written).
const FUZZ = Number(process.env.LOGQL_FUZZ ?? 8000);

test(`generated queries and mutations of them (${FUZZ}): same answers`, (t) => {
  const gen = new LogQLGen(rng(20261203));
  const queries: string[] = [];
  for (let k = 0; k < FUZZ; k++) {
    const q = gen.query();
    queries.push(k % 2 === 0 ? q : gen.mutate(k % 6 === 1 ? gen.mutate(q) : q));
  }
  const r = compare(queries);
  t.deepEqual(r.mismatches.slice(0, 5), []);
  // The generator must produce enough valid queries to mean something, and the recognizer
  // must carry most of them (a recognizer that declines everything would pass the rest).
  t.true(r.valid >= FUZZ * 0.2, `${r.valid} valid of ${FUZZ}`);
  t.true(r.answered >= r.valid * 0.55, `recognizer answered ${r.answered} of ${r.valid} valid`);
});

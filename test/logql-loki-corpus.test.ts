// The LogQL checker measured against Loki's own parser tests: every query of grafana/loki's
// pkg/logql/syntax/*_test.go (and the engine tests that parse queries), with the verdict Loki's
// parser gives it. Where the checker's verdict differs, DISAGREEMENTS says why; the test checks
// that table exactly, so a new disagreement fails it, and so does one that went away.
import { readFileSync } from 'node:fs';
import { checkLogQL } from '../functions/loki-rules/logql/index.ts';
import { recognizeLogQL } from '../functions/loki-rules/logql/recognizer.ts';
import { testWith } from './support/needs.ts';
import { mustReference } from './support/reference.ts';

const CORPUS = 'logql/loki-parser-corpus.json';

interface Case {
  query: string;
  loki: 'ok' | 'error';
  type: 'log' | 'metric' | 'unknown';
  source: string;
  execFails?: boolean;
}

/** Our verdict differs from Loki's parser on these (keyed by the query's file:line in grafana/loki), and why. */
const DISAGREEMENTS: Record<string, string> = {
  'pkg/logql/syntax/parser_test.go:27':
    'refused: the line filter regex `error\\` is invalid RE2 (trailing backslash). Loki compiles line-filter regexes only when it builds the pipeline, so its parser accepts the query but every evaluation fails; a rule with it would never work.',
};

function load(): Case[] {
  const all = JSON.parse(readFileSync(mustReference(CORPUS), 'utf8')) as unknown[];
  return all.filter((c): c is Case => typeof c === 'object' && c !== null && 'query' in c);
}

testWith({ reference: [CORPUS] }, "agreement with Loki's parser tests: every disagreement is listed with its reason", (t) => {
  const cases = load();
  t.true(cases.length >= 900, `${cases.length} queries`);
  const differ: Record<string, string> = {};
  let validAccepted = 0,
    valid = 0,
    invalidRefused = 0,
    invalid = 0;
  for (const c of cases) {
    const r = checkLogQL(c.query);
    if (c.loki === 'ok') {
      valid++;
      if (r.ok) validAccepted++;
      else differ[c.source] = `${c.type} query refused: ${r.message}`;
      if (r.ok && c.type !== 'unknown') t.is(r.kind, c.type, c.query);
    } else {
      invalid++;
      if (!r.ok) invalidRefused++;
      else differ[c.source] = 'accepted';
    }
  }
  t.log(`valid accepted ${validAccepted}/${valid}, invalid refused ${invalidRefused}/${invalid}`);
  t.deepEqual(Object.keys(differ).sort(), Object.keys(DISAGREEMENTS).sort(), JSON.stringify(differ, null, 1));
  // No false rejection of a metric query that Loki can evaluate.
  const bySource = new Map(cases.map((c) => [c.source, c]));
  for (const source of Object.keys(differ)) {
    const c = bySource.get(source)!;
    if (c.loki === 'ok' && c.type === 'metric') t.true(c.execFails, `${source}: a valid metric query is refused`);
  }
});

testWith({ reference: [CORPUS] }, "on Loki's parser tests the recognizer answers for 90 % of the valid queries, never for an invalid one, and agrees", (t) => {
  const cases = load();
  let valid = 0,
    answered = 0;
  for (const c of cases) {
    const fast = recognizeLogQL(c.query);
    if (c.loki === 'ok') valid++;
    if (!fast) continue;
    t.is(c.loki, 'ok', `recognizer accepted what Loki refuses: ${c.query}`);
    if (c.loki === 'ok') answered++;
    t.deepEqual(fast, checkLogQL(c.query, { recognizer: false }), c.query);
  }
  t.log(`recognizer answered ${answered}/${valid} valid queries`);
  t.true(answered >= valid * 0.9, `recognizer answered ${answered} of ${valid}`);
});

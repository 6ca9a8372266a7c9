// Where Lezer's LogQL grammar (@grafana/lezer-logql 0.3.0) lacks a form Loki's own grammar has.
// The recognizer follows Loki and accepts these forms itself. For the Lezer-based checker,
// rewriteForLezer turns each known form into one Lezer parses, of the same length and with the
// same offsets (so positions in messages stay right), and the checks run on the original text.
// Should Lezer still stop at a known gap (a form the rewrite did not catch), the query is not
// refused for what the grammar library cannot parse: it passes with a warning that it could
// not be fully checked, after the checks that need no parse tree (the stream selectors).
// (Version 0.4.2 of the grammar parses approx_topk but none of the other forms, and declares
// Node 24 and an exact @lezer/lr peer; the rewrite covers approx_topk, so 0.3.0 stays.)
import { decodeString } from './go-strings.ts';
import { PROM_DURATION, anchoredRegexProblem, selectorProblem } from './parser-rules.ts';
import { QueryError, errorResult, invalid } from './query-error.ts';
import { COMPARISONS, DECLINE, KEYWORDS, LINE_FILTERS, MATCH_OPS, RANGE_OPS, tokenize, type Token } from './tokens.ts';
import type { LabelMatcher, LogQLResult, MatchOp } from './types.ts';

/**
 * `q` with Loki-only forms replaced by equivalents of the same length that Lezer parses:
 * approx_topk as topk (the checker reads the operator from the original text), an offset
 * after an unwrapped range blanked (its duration checked here), `or` in a line filter chain
 * with ip() as the chain's own operator, the parentheses of `({...} | unwrap x)[5m]` blanked,
 * and a comma for the space between label filters.
 */
export function rewriteForLezer(q: string): string {
  let toks: Token[];
  try {
    toks = tokenize(q);
  } catch (e) {
    if (e === DECLINE) return q;
    throw e;
  }
  const out = q.split('');
  const put = (at: number, text: string) => {
    for (let j = 0; j < text.length; j++) out[at + j] = text[j]!;
  };
  const blank = (t: Token) => put(t.s, ' '.repeat(t.e - t.s));
  const word = (k: number) => (toks[k]?.t === 'id' ? q.slice(toks[k]!.s, toks[k]!.e) : toks[k]?.t);
  // `|= "a" or ip("b") or "c"`: with an ip() in the chain, each `or` becomes the chain's operator.
  const rewriteIpChain = (k: number, filterOp: string) => {
    const ors: Token[] = [];
    let hasIp = false;
    for (let j = k + 1; ; ) {
      if (toks[j]?.t === 'str') j++;
      else if (word(j) === 'ip' && word(j + 1) === '(' && toks[j + 2]?.t === 'str' && word(j + 3) === ')') {
        hasIp = true;
        j += 4;
      } else break;
      if (word(j) !== 'or') break;
      ors.push(toks[j]!);
      j++;
    }
    if (hasIp) for (const o of ors) put(o.s, filterOp);
  };
  const parens: number[] = [];
  let unwrapSince = -1; // index of the last unwrap in the current range aggregation
  let labelFilterDepth = -1; // paren depth of the label filter stage being read, else -1
  for (let k = 0; k < toks.length; k++) {
    const w = word(k)!;
    const t = toks[k]!;
    if (RANGE_OPS.has(w)) unwrapSince = -1;
    if (w === 'unwrap') unwrapSince = k;
    if (w === 'approx_topk' && (word(k + 1) === '(' || word(k + 1) === 'by' || word(k + 1) === 'without')) put(t.s, 'topk'.padEnd(11));
    if (w === '(') parens.push(k);
    if (w === ')') {
      const open = parens.pop();
      if (parens.length < labelFilterDepth) labelFilterDepth = -1;
      // `({...} ... | unwrap x)[5m]`: Lezer has the form without the parentheses.
      if (open !== undefined && word(open + 1) === '{' && word(k + 1) === '[' && unwrapSince > open) {
        blank(toks[open]!);
        blank(t);
      }
    }
    const dur = toks[k + 1];
    if (w === 'offset' && word(k - 1) === ']' && unwrapSince >= 0 && dur?.t === 'num' && PROM_DURATION.test(q.slice(dur.s, dur.e))) {
      blank(t);
      blank(dur);
    }
    // `!=` and `!~` after a label name compare a label; elsewhere they filter lines.
    if (LINE_FILTERS.has(w) && toks[k - 1]?.t !== 'id') {
      rewriteIpChain(k, w);
      labelFilterDepth = -1;
    }
    if (w === '|') labelFilterDepth = word(k + 1) === '(' || (toks[k + 1]?.t === 'id' && !KEYWORDS.has(word(k + 1)!.toLowerCase())) ? parens.length : -1;
    if (['[', ']', '{', '}'].includes(w)) labelFilterDepth = -1;
    const op = word(k + 1);
    const filterStarts = (t.t === 'id' && op && (COMPARISONS.has(op) || MATCH_OPS.has(op))) || w === '(';
    if (labelFilterDepth >= 0 && filterStarts && k > 0 && ['str', 'num', ')'].includes(toks[k - 1]!.t) && /\s/.test(q[t.s - 1] ?? '')) {
      put(t.s - 1, ',');
    }
  }
  return out.join('');
}

/** The Loki form Lezer stopped at, named for the user, or null when the error is not a known gap. */
export function grammarGap(q: string, errorOffset: number): string | null {
  let toks: Token[];
  try {
    toks = tokenize(q);
  } catch (e) {
    if (e === DECLINE) return null;
    throw e;
  }
  const word = (k: number) => (toks[k]?.t === 'id' ? q.slice(toks[k]!.s, toks[k]!.e) : toks[k]?.t);
  let k = toks.findIndex((t) => t.e > errorOffset);
  if (k < 0) k = toks.length;
  const before = (from: number, stop: (w: string | undefined) => boolean, want: string) => {
    for (let j = from; j >= 0 && !stop(word(j)); j--) if (word(j) === want) return true;
    return false;
  };
  if (word(k) === 'approx_topk') return 'approx_topk (Loki 3.3 and later)';
  if (word(k) === 'offset' && word(k - 1) === ']' && before(k - 1, (w) => RANGE_OPS.has(w ?? ''), 'unwrap')) {
    return 'an offset after an unwrapped range (| unwrap x [5m] offset 1h)';
  }
  if (word(k - 1) === 'or' && before(k - 1, (w) => LINE_FILTERS.has(w ?? '') || w === '|', 'ip')) {
    return 'a line filter that chains ip(...) with "or"';
  }
  if (word(k) === ')' && word(k + 1) === '[' && before(k, (w) => w === '(' || RANGE_OPS.has(w ?? ''), 'unwrap')) {
    return 'a parenthesized log range with unwrap (({...} | unwrap x)[5m])';
  }
  const op = word(k + 1);
  if (toks[k]?.t === 'id' && op && (COMPARISONS.has(op) || MATCH_OPS.has(op)) && ['str', 'num', ')'].includes(toks[k - 1]?.t ?? '')) {
    // Only inside a label filter stage: `| json a="1" b="2"` is an error in Loki too.
    let j = k - 1;
    while (j >= 0 && word(j) !== '|' && !['{', '[', ']'].includes(word(j) ?? '') && !(LINE_FILTERS.has(word(j) ?? '') && toks[j - 1]?.t !== 'id')) j--;
    const first = word(j + 1);
    if (word(j) === '|' && (first === '(' || (toks[j + 1]?.t === 'id' && !KEYWORDS.has(first!.toLowerCase())))) {
      return 'label filters joined by a space (| a="1" b="2")';
    }
  }
  return null;
}

/** The result for a query Lezer stopped at a known gap: selectors checked, the rest left to Loki, a warning. */
export function partialCheck(q: string, gap: string, errorOffset: number): LogQLResult {
  try {
    const toks = tokenize(q);
    const selectors: LabelMatcher[][] = [];
    for (let k = 0; k < toks.length; k++) {
      if (toks[k]!.t !== '{') continue;
      const start = toks[k]!.s;
      const sel: LabelMatcher[] = [];
      for (k++; toks[k]?.t === 'id' && MATCH_OPS.has(toks[k + 1]?.t ?? '') && toks[k + 2]?.t === 'str'; k += 3) {
        const [name, op, value] = [toks[k]!, toks[k + 1]!, toks[k + 2]!];
        const m: LabelMatcher = { name: q.slice(name.s, name.e), op: op.t as MatchOp, value: decodeString(q, value.s).value };
        if (m.op === '=~' || m.op === '!~') {
          const r = anchoredRegexProblem(m.value, 'matcher');
          if (r) invalid(value.s, r);
        }
        sel.push(m);
        if (toks[k + 3]?.t === ',') k++;
      }
      const problem = selectorProblem(sel);
      if (problem) invalid(start, problem);
      selectors.push(sel);
    }
    let first = 0;
    while (toks[first]?.t === '(') first++;
    return {
      ok: true,
      kind: toks[first]?.t === '{' ? 'log' : 'metric',
      matchers: selectors,
      warnings: [
        {
          message: `could not be fully checked: ${gap} is valid LogQL, but the LogQL grammar used here does not parse it, so only the stream selectors were checked (Loki checks the rest when the ruler loads the rule)`,
          offset: errorOffset,
        },
      ],
    };
  } catch (e) {
    if (e instanceof QueryError) return errorResult(q, e);
    throw e;
  }
}

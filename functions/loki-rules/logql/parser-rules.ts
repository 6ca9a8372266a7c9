// The rules Loki's own parser (pkg/logql/syntax: syntax.y, ast.go, parser.go) applies, as
// pure data and predicates over the parts of a query. Both checkers use them: the Lezer-based
// one (lezer-checker.ts) turns a problem into an error at the part's position, the recognizer
// (recognizer.ts) hands the query to the Lezer-based one. One place, so they cannot drift.
import { PROM_LABEL_NAME } from '../../common/formats.ts';
import { anchored, compileRe2, isLiteral, matchesEmpty, type Re2 } from './re2.ts';
import type { LabelMatcher } from './types.ts';

/**
 * Loki 3 refuses queries of this many bytes or more: syntax.maxInputSize is 131072 (128 KiB)
 * since Loki 3.0 (it was 5120 in Loki 2), checked as `len(input) >= maxInputSize` in
 * https://github.com/grafana/loki/blob/main/pkg/logql/syntax/parser.go.
 */
export const MAX_QUERY_BYTES = 131072;

/** Label names in selectors, label filters and label_replace: Prometheus label syntax. */
export const LABEL_NAME = PROM_LABEL_NAME;
/** Operators Loki treats as set operations: a plain number is never an operand. */
export const SET_OPS = new Set(['and', 'or', 'unless']);
/** Go's one-letter string escapes (strconv.Unquote in a double-quoted string). */
export const GO_SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"' };

/**
 * Binary operators by Loki's precedence (syntax.y, lowest first): or < and, unless <
 * comparisons < + - < * / % < ^, all left-associative except ^.
 */
export const BIN_PREC: Record<string, number> = {
  or: 1,
  and: 2,
  unless: 2,
  '==': 3,
  '!=': 3,
  '>': 3,
  '>=': 3,
  '<': 3,
  '<=': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '%': 5,
  '^': 6,
};
export const RIGHT_ASSOC = new Set(['^']);

/** What the set-operator rule needs of an operand: whether Loki folds it into a plain number. */
export interface Operand {
  literal: boolean;
  at: number;
}
export interface BinOp {
  op: string;
  at: number;
}

/**
 * Re-associates a chain `a op b op c …` (operands without parentheses between them) by Loki's
 * table and applies mustNewBinOpExpr's rule: a set operator never takes a number (number-op-number
 * folds into one). Returns the offending operand's offset and message, or null.
 */
export function binOpChainProblem(operands: Operand[], ops: BinOp[]): { at: number; message: string } | null {
  let i = 0;
  let problem: { at: number; message: string } | null = null;
  const climb = (minPrec: number): Operand => {
    let left = operands[i]!;
    while (i < ops.length && !problem) {
      const { op } = ops[i]!;
      const prec = BIN_PREC[op]!;
      if (prec < minPrec) break;
      i++;
      const right = climb(RIGHT_ASSOC.has(op) ? prec : prec + 1);
      if (SET_OPS.has(op) && !problem) {
        const lit = left.literal ? left : right.literal ? right : null;
        if (lit) problem = { at: lit.at, message: `"${op}" is a set operator and needs vectors on both sides, not a number` };
      }
      left = { literal: left.literal && right.literal, at: left.at };
    }
    return left;
  };
  climb(0);
  return problem;
}

/** Go's strconv.ParseFloat syntax (Loki parses every number with it): decimal, hex only with a p exponent. */
const GO_FLOAT =
  /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|0[xX](?=[0-9a-fA-F_.]*[0-9a-fA-F])[0-9a-fA-F_]*\.?[0-9a-fA-F_]*[pP][+-]?\d+|inf(?:inity)?|nan)$/i;

export function numberProblem(n: string): string | null {
  return GO_FLOAT.test(n) ? null : `"${n}" is not a number Loki reads: use decimal notation such as 16 or 1.5e3 (hexadecimal needs a p exponent, like 0x10p0)`;
}

const UNWRAP_REQUIRED = new Set([
  'avg_over_time',
  'sum_over_time',
  'min_over_time',
  'max_over_time',
  'stddev_over_time',
  'stdvar_over_time',
  'quantile_over_time',
  'first_over_time',
  'last_over_time',
  'rate_counter',
]);
const UNWRAP_FORBIDDEN = new Set(['count_over_time', 'bytes_over_time', 'bytes_rate']);
const GROUPING_ALLOWED = new Set([
  'avg_over_time',
  'stddev_over_time',
  'stdvar_over_time',
  'quantile_over_time',
  'max_over_time',
  'min_over_time',
  'first_over_time',
  'last_over_time',
]);
// Ranges go through Prometheus' model.ParseDuration in Loki: integers only, no sign, no µs/ns.
export const PROM_DURATION = /^(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$/;

/** Which part of an aggregation a problem is about (the Lezer-based checker reports it there). */
type Part = 'op' | 'param' | 'grouping' | 'unwrap' | 'expr';
export type Problem = [Part, string] | null;

/** `d`: the text between the brackets of a range, trimmed. */
export function rangeProblem(d: string): string | null {
  if (!PROM_DURATION.test(d) || d === '') return `invalid range duration "${d}": use whole units like [5m], [1h30m] (no fractions, signs or µs/ns)`;
  if (!/[1-9]/.test(d)) return `range duration "${d}" must be greater than zero`;
  return null;
}

export function rangeAggregationProblem(op: string, param: boolean, grouping: boolean, unwrap: boolean): Problem {
  if (param && op !== 'quantile_over_time') return ['param', `${op} does not take a parameter; only quantile_over_time(φ, ...) does`];
  if (!param && op === 'quantile_over_time') return ['op', 'quantile_over_time requires a quantile parameter, e.g. quantile_over_time(0.99, ...)'];
  if (grouping && !GROUPING_ALLOWED.has(op))
    return ['grouping', `grouping is not allowed on ${op}; put by/without on an outer aggregation such as sum by (...) (${op}(...))`];
  if (unwrap && UNWRAP_FORBIDDEN.has(op)) return ['unwrap', `${op} cannot be used with unwrap; use sum_over_time/avg_over_time/... for unwrapped values`];
  if (!unwrap && UNWRAP_REQUIRED.has(op)) return ['op', `${op} needs an unwrapped value, e.g. ${op}({...} | unwrap <label> [5m])`];
  return null;
}

const WITH_K = new Set(['topk', 'bottomk', 'approx_topk']);

/** `op` lower-cased; `param` the parameter's text; `grouping` absent, empty `()` or with labels. */
export function vectorAggregationProblem(op: string, param: string | null, grouping: 'none' | 'empty' | 'labels'): Problem {
  if (WITH_K.has(op)) {
    if (param === null) return ['expr', `${op} requires a parameter, e.g. ${op}(10, ...)`];
    if (!/^\d+$/.test(param) || Number(param) <= 0) return ['param', `${op} parameter must be a positive integer`];
    if (op === 'approx_topk' && grouping !== 'none') return ['grouping', 'approx_topk does not allow grouping: aggregate with sum by (...) inside it'];
  } else if (param !== null) {
    return ['param', `${op} does not take a parameter; only topk, bottomk and approx_topk do`];
  }
  if ((op === 'sort' || op === 'sort_desc') && grouping === 'labels') return ['grouping', `${op} does not allow grouping`];
  return null;
}

export function regexProblem(re: string): string | Re2 {
  const r = compileRe2(re);
  if (typeof r !== 'string') return r;
  // Go's wording, plus what a JavaScript or PCRE habit usually meant.
  const hint = /`\(\?<?[=!]/.test(r) ? ' (RE2 has no lookahead or lookbehind)' : /escape sequence: `\\[1-9]`/.test(r) ? ' (RE2 has no backreferences)' : '';
  return `invalid regular expression ${JSON.stringify(re)}: ${r}${hint}`;
}

/**
 * A regex Loki also compiles wrapped: label matchers as ^(?s:re)$ (Prometheus), label_replace as
 * ^(?:re)$. The wrap can break a regex that compiles alone: `\Qa` swallows the closing parenthesis.
 */
export function anchoredRegexProblem(re: string, kind: 'matcher' | 'label_replace'): string | null {
  if (isLiteral(re)) return null;
  const r = regexProblem(re);
  if (typeof r === 'string') return r;
  const wrapped = kind === 'matcher' ? anchored(re) : `^(?:${re})$`;
  const w = compileRe2(wrapped);
  return typeof w === 'string' ? `invalid regular expression ${JSON.stringify(re)}: Loki compiles it as ${wrapped}, which fails: ${w}` : null;
}

/** The argument of `| regexp "..."`: a valid regex whose named groups become labels. */
export function regexpParserProblem(re: string): string | null {
  const r = regexProblem(re);
  if (typeof r === 'string') return r;
  // Unnamed groups are allowed (and ignored) by Loki's regexp parser; named ones become labels.
  if (!r.groups.some((g) => g !== null)) return 'regexp parser needs at least one named capture group, e.g. (?P<status>\\d+)';
  const bad = r.groups.find((g) => g !== null && !LABEL_NAME.test(g));
  return bad ? `capture name "${bad}" is not a valid label name` : null;
}

/** The argument of `| pattern "..."`. */
export function patternProblem(pattern: string): string | null {
  const parts = pattern.split(/(<[A-Za-z_][A-Za-z0-9_]*>)/).filter((p) => p !== '');
  const isCapture = (p: string) => /^<[A-Za-z_][A-Za-z0-9_]*>$/.test(p);
  const named = parts.filter((p) => isCapture(p) && p !== '<_>');
  if (named.length === 0) return 'pattern needs at least one named capture such as <status>';
  for (let i = 1; i < parts.length; i++) {
    if (isCapture(parts[i - 1]!) && isCapture(parts[i]!)) return `pattern captures ${parts[i - 1]} and ${parts[i]} must be separated by literal text`;
  }
  const dup = named.find((p, i) => named.indexOf(p) !== i);
  return dup ? `pattern capture ${dup} is used twice` : null;
}

/**
 * Loki's parser takes any label_replace destination (an empty one sets nothing); a name that is
 * not a label name parses but yields series Prometheus-compatible consumers refuse: a warning.
 */
export function labelReplaceWarning(dst: string): string | null {
  return dst === '' || LABEL_NAME.test(dst)
    ? null
    : `label_replace destination "${dst}" is not a valid label name: Loki accepts it, but the resulting series carry a label that Prometheus-compatible storage refuses`;
}

/**
 * Loki's validateMatchers: a selector needs a matcher that does not match the empty value
 * (util.SplitFiltersAndMatchers), otherwise it would select every stream.
 */
export function selectorProblem(sel: LabelMatcher[]): string | null {
  if (!sel.every(matchesEmpty)) return null;
  const shown = `{${sel.map((m) => `${m.name}${m.op}${JSON.stringify(m.value)}`).join(', ')}}`;
  return `stream selector ${shown} only has matchers that also match an empty value, so it would select every stream, which Loki refuses: add a matcher like app="name" or app=~".+"`;
}

// The rules Loki's own parser (pkg/logql/syntax) applies on top of the grammar, as pure
// predicates over the parts of a query. Both LogQL checkers use them: the full one
// (logql.ts, over Lezer's tree) turns a problem into an error at the part's position, the
// fast one (logql-fast.ts) gives the query to the full one. One place, so they cannot drift.
import { translateRe2, type Re2 } from './re2.ts';

export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Operators Loki treats as set operations: a plain number is never an operand. */
export const SET_OPS = new Set(['and', 'or', 'unless']);
/** Go's one-letter string escapes (strconv.Unquote in a double-quoted string). */
export const GO_SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"' };

const UNWRAP_REQUIRED = new Set(['avg_over_time', 'sum_over_time', 'min_over_time', 'max_over_time', 'stddev_over_time',
  'stdvar_over_time', 'quantile_over_time', 'first_over_time', 'last_over_time', 'rate_counter']);
const UNWRAP_FORBIDDEN = new Set(['count_over_time', 'bytes_over_time', 'bytes_rate']);
const GROUPING_ALLOWED = new Set(['avg_over_time', 'stddev_over_time', 'stdvar_over_time', 'quantile_over_time',
  'max_over_time', 'min_over_time', 'first_over_time', 'last_over_time']);
// Ranges go through Prometheus' model.ParseDuration in Loki: integers only, no sign, no µs/ns.
export const PROM_DURATION = /^(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$/;

/** Which part of an aggregation a problem is about (the full checker reports it there). */
export type Part = 'op' | 'param' | 'grouping' | 'unwrap' | 'expr';
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
  if (grouping && !GROUPING_ALLOWED.has(op)) return ['grouping', `grouping is not allowed on ${op}; put by/without on an outer aggregation such as sum by (...) (${op}(...))`];
  if (unwrap && UNWRAP_FORBIDDEN.has(op)) return ['unwrap', `${op} cannot be used with unwrap; use sum_over_time/avg_over_time/... for unwrapped values`];
  if (!unwrap && UNWRAP_REQUIRED.has(op)) return ['op', `${op} needs an unwrapped value, e.g. ${op}({...} | unwrap <label> [5m])`];
  return null;
}

/** `op` lower-cased; `param` the parameter's text; `groupingLabels` whether by/without lists labels. */
export function vectorAggregationProblem(op: string, param: string | null, groupingLabels: boolean): Problem {
  if (op === 'topk' || op === 'bottomk') {
    if (param === null) return ['expr', `${op} requires a parameter, e.g. ${op}(10, ...)`];
    if (!/^\d+$/.test(param) || Number(param) <= 0) return ['param', `${op} parameter must be a positive integer`];
  } else if (param !== null) {
    return ['param', `${op} does not take a parameter; only topk and bottomk do`];
  }
  if ((op === 'sort' || op === 'sort_desc') && groupingLabels) return ['grouping', `${op} does not allow grouping`];
  return null;
}

export function regexProblem(re: string): string | Re2 {
  const r = translateRe2(re);
  return typeof r === 'string' ? `invalid regular expression ${JSON.stringify(re)}: ${r}` : r;
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
    if (isCapture(parts[i - 1]) && isCapture(parts[i])) return `pattern captures ${parts[i - 1]} and ${parts[i]} must be separated by literal text`;
  }
  const dup = named.find((p, i) => named.indexOf(p) !== i);
  return dup ? `pattern capture ${dup} is used twice` : null;
}

export function labelReplaceProblem(dst: string): string | null {
  return LABEL_NAME.test(dst) ? null : `label_replace destination "${dst}" is not a valid label name`;
}

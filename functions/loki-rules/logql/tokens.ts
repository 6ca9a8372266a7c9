// The recognizer's tokenizer: one sticky regex reads each token; the group that matched is its
// kind. Words and numbers run as far as Lezer's identifier and number/duration/bytes tokens
// could, so a word read whole here is one token for Lezer too, or one the recognizer declines.

export interface Token {
  t: string;
  s: number;
  e: number;
}

export const DECLINE = Symbol('decline');
export const decline = (): never => {
  throw DECLINE;
};

const TOKEN = new RegExp(
  [
    /([ \t\n\r]+|#[^\n]*)/,
    /([A-Za-z_:][A-Za-z0-9_:]*)/,
    /([0-9][A-Za-z0-9_.µ]*)/,
    /("(?:[^"\\\n]|\\[^\n])*"|`[^`]*`)/,
    /(--(?:strict|keep-empty)(?![\w-]))/,
    /(\|[=~>]|![=~>]|=[~=]|[<>]=|[|=<>{}()[\],+\-*/%^])/,
  ]
    .map((r) => r.source)
    .join('|'),
  'y',
);
const KINDS = ['', 'id', 'num', 'str', 'flag'];

/** Tokens of `q`, with `t` the kind (id, num, str, flag) or the operator itself; declines on anything else. */
export function tokenize(q: string): Token[] {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < q.length) {
    const s = TOKEN.lastIndex;
    const m = TOKEN.exec(q) ?? decline();
    if (m[1] !== undefined) continue;
    const kind = m[2] !== undefined ? 2 : m[3] !== undefined ? 3 : m[4] !== undefined ? 4 : m[5] !== undefined ? 5 : 6;
    out.push({ t: kind === 6 ? m[0] : KINDS[kind - 1]!, s, e: TOKEN.lastIndex });
  }
  return out;
}

export const RANGE_OPS = new Set([
  'count_over_time',
  'rate',
  'rate_counter',
  'bytes_over_time',
  'bytes_rate',
  'avg_over_time',
  'sum_over_time',
  'min_over_time',
  'max_over_time',
  'stdvar_over_time',
  'stddev_over_time',
  'quantile_over_time',
  'first_over_time',
  'last_over_time',
  'absent_over_time',
]);
export const VECTOR_OPS = new Set(['sum', 'avg', 'count', 'max', 'min', 'stddev', 'stdvar', 'bottomk', 'topk', 'sort', 'sort_desc', 'approx_topk']);
// Every word the grammars give a meaning (compared lower-cased): never accepted as a label name
// by the recognizer, because Lezer turns some of them into keywords wherever they appear.
export const KEYWORDS = new Set([
  'json',
  'logfmt',
  'unpack',
  'pattern',
  'regexp',
  'label_format',
  'line_format',
  'label_replace',
  'vector',
  'offset',
  'bool',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'unwrap',
  'decolorize',
  'drop',
  'keep',
  'by',
  'without',
  'and',
  'or',
  'unless',
  'ip',
  'bytes',
  'duration',
  'duration_seconds',
  'xml',
  'variants',
  'of',
  ...RANGE_OPS,
  ...VECTOR_OPS,
]);
export const LINE_FILTERS = new Set(['|=', '|~', '|>', '!=', '!~', '!>']);
export const MATCH_OPS = new Set(['=', '!=', '=~', '!~']);
export const COMPARISONS = new Set(['>', '>=', '<', '<=', '!=', '=', '==']);

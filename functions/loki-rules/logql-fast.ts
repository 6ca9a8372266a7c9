// A fast recognizer for the common shapes of LogQL rule queries.
//
// Parsing every rule expression with Lezer dominated loki-rules on large rule sets
// (Lezer's LR machinery runs mostly unoptimized in a short process). Most rule queries
// are a handful of shapes: selectors, line filters, parsers, label filters, range and
// vector aggregations, binary operations with numbers. This recursive-descent
// recognizer covers those and answers only when it can prove the query valid under
// the same grammar (Lezer's, @grafana/lezer-logql 0.3.0, including its odd operator
// precedence) and the same Loki rules (logql-rules.ts); it then returns exactly what
// the full checker returns. Anything else, however harmless (an unusual escape, a label
// named like a keyword, a parenthesized range, any error), returns null and goes to
// the full checker, which decides and words the message. So it may decline freely but
// must never accept what the full checker rejects: test/logql-fast.test.ts compares
// the two on the test corpora, generated queries and mutations of them.
import type { LabelMatcher, LogQLResult, MatchOp } from './logql.ts';
import {
  GO_SIMPLE_ESCAPES, LABEL_NAME, PROM_DURATION, SET_OPS, labelReplaceProblem, patternProblem, rangeAggregationProblem, rangeProblem, regexpParserProblem,
  regexProblem, vectorAggregationProblem,
} from './logql-rules.ts';

type Ok = Extract<LogQLResult, { ok: true }>;
interface Token { t: string; s: number; e: number }
/** What the precedence climb needs of an operand: log query (never an operand) or plain number. */
interface Operand { log: boolean; literal: boolean }

const DECLINE = Symbol('decline');
const decline = (): never => { throw DECLINE; };

const RANGE_OPS = new Set(['count_over_time', 'rate', 'rate_counter', 'bytes_over_time', 'bytes_rate', 'avg_over_time',
  'sum_over_time', 'min_over_time', 'max_over_time', 'stdvar_over_time', 'stddev_over_time', 'quantile_over_time',
  'first_over_time', 'last_over_time', 'absent_over_time']);
const VECTOR_OPS = new Set(['sum', 'avg', 'count', 'max', 'min', 'stddev', 'stdvar', 'bottomk', 'topk', 'sort', 'sort_desc']);
// Every word the grammar gives a meaning (compared lower-cased): never accepted as a label name
// here, because Lezer turns some of them into keywords wherever they appear.
const KEYWORDS = new Set(['json', 'logfmt', 'unpack', 'pattern', 'regexp', 'label_format', 'line_format', 'label_replace',
  'vector', 'offset', 'bool', 'on', 'ignoring', 'group_left', 'group_right', 'unwrap', 'decolorize', 'drop', 'keep', 'by',
  'without', 'and', 'or', 'unless', 'ip', 'bytes', 'duration', 'duration_seconds', ...RANGE_OPS, ...VECTOR_OPS]);
const LINE_FILTERS = new Set(['|=', '|~', '|>', '!=', '!~', '!>']);
const MATCH_OPS = new Set(['=', '!=', '=~', '!~']);
const COMPARISONS = new Set(['>', '>=', '<', '<=', '!=', '=', '==']);
// Binary operators by Lezer's precedence (@precedence in its grammar: add binds tightest, pow loosest).
const BIN_PREC: Record<string, number> = {
  '+': 6, '-': 6, '==': 5, '!=': 5, '>': 5, '>=': 5, '<': 5, '<=': 5, and: 4, unless: 4, or: 3, '*': 2, '/': 2, '%': 2, '^': 1,
};
const NUMBER = /^\d+(\.\d+)?$/;
const DURATION = /^(?=\d)(\d+y)?(\d+w)?(\d+d)?(\d+(\.\d+)?h)?(\d+(\.\d+)?m)?(\d+(\.\d+)?s)?(\d+(\.\d+)?ms)?$/;
const BYTES = /^\d+(\.\d+)?(B|kB|KB|KiB|MB|MiB|GB|GiB|TB|TiB|PB|PiB)$/;
/** A query this long may reach Loki's size limit: the full checker counts its bytes. */
const MAX_FAST_LENGTH = 1700;

export function fastCheckLogQL(q: string): Ok | null {
  if (q.length > MAX_FAST_LENGTH) return null;
  try {
    return new Recognizer(q).query();
  } catch (e) {
    if (e === DECLINE) return null;
    throw e;
  }
}

// One sticky regex reads each token; the group that matched is its kind. Words and numbers
// run as far as Lezer's identifier and number/duration/bytes tokens could, so a word this
// tokenizer reads whole is one Lezer token or one the recognizer declines.
const TOKEN = new RegExp([
  /([ \t\n\r]+|#[^\n]*)/, /([A-Za-z_:][A-Za-z0-9_:]*)/, /([0-9][A-Za-z0-9_.µ]*)/, /("(?:[^"\\\n]|\\[^\n])*"|`[^`]*`)/,
  /(--(?:strict|keep-empty)(?![\w-]))/, /(\|[=~>]|![=~>]|=[~=]|[<>]=|[|=<>{}()[\],+\-*/%^])/,
].map((r) => r.source).join('|'), 'y');
const KINDS = ['', 'id', 'num', 'str', 'flag'];

function tokenize(q: string): Token[] {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < q.length) {
    const s = TOKEN.lastIndex;
    const m = TOKEN.exec(q) ?? decline();
    if (m[1] !== undefined) continue;
    const kind = m[2] !== undefined ? 2 : m[3] !== undefined ? 3 : m[4] !== undefined ? 4 : m[5] !== undefined ? 5 : 6;
    out.push({ t: kind === 6 ? m[0] : KINDS[kind - 1], s, e: TOKEN.lastIndex });
  }
  return out;
}

class Recognizer {
  private readonly toks: Token[];
  private i = 0;
  private readonly selectors: LabelMatcher[][] = [];

  constructor(private readonly q: string) {
    this.toks = tokenize(q);
  }

  query(): Ok {
    if (this.toks.length === 0) decline();
    const top = this.expr(0);
    if (this.i !== this.toks.length) decline();
    return { ok: true, kind: top.log ? 'log' : 'metric', matchers: this.selectors };
  }

  // ------------------------------------------------------------ tokens

  private peek(ahead = 0): Token | undefined { return this.toks[this.i + ahead]; }
  private text(tok: Token | undefined): string { return tok ? this.q.slice(tok.s, tok.e) : ''; }
  private is(t: string, ahead = 0): boolean { return this.peek(ahead)?.t === t; }
  private isWord(word: string, ahead = 0): boolean { return this.is('id', ahead) && this.text(this.peek(ahead)) === word; }
  private next(): Token { return this.toks[this.i++] ?? decline(); }
  private expect(t: string): Token { return this.is(t) ? this.next() : decline(); }

  /** A label name Lezer reads as a plain identifier. */
  private labelName(): string {
    const name = this.text(this.expect('id'));
    if (!LABEL_NAME.test(name) || KEYWORDS.has(name.toLowerCase())) decline();
    return name;
  }

  /** A string literal's value, for the escapes every Go version reads the same way. */
  private string(): string {
    const raw = this.text(this.expect('str'));
    if (raw[0] === '`') return raw.slice(1, -1);
    if (!raw.includes('\\')) return raw.slice(1, -1);
    let value = '';
    for (let i = 1; i < raw.length - 1; i++) {
      if (raw[i] !== '\\') { value += raw[i]; continue; }
      value += GO_SIMPLE_ESCAPES[raw[++i]] ?? decline();
    }
    return value;
  }

  private number(): string {
    const n = this.text(this.expect('num'));
    return NUMBER.test(n) ? n : decline();
  }

  private regex(re: string): void {
    if (typeof regexProblem(re) === 'string') decline();
  }

  // ------------------------------------------------------------ expressions

  /** Precedence climbing with Lezer's table, so set operations see the operands Lezer gives them. */
  private expr(minPrec: number): Operand {
    let left = this.operand();
    for (;;) {
      const tok = this.peek();
      const op = tok && (tok.t === 'id' ? this.text(tok) : tok.t);
      const prec = op === undefined ? undefined : BIN_PREC[op];
      if (prec === undefined || prec < minPrec) return left;
      this.i++;
      this.binOpModifier();
      const right = this.expr(op === '^' ? prec : prec + 1);
      if (left.log || right.log) decline();
      if (SET_OPS.has(op!) && (left.literal || right.literal)) decline();
      left = { log: false, literal: left.literal && right.literal };
    }
  }

  private binOpModifier(): void {
    if (this.isWord('bool')) this.i++;
    if (!this.isWord('on') && !this.isWord('ignoring')) return;
    this.i++;
    this.groupingLabels();
    if (!this.isWord('group_left') && !this.isWord('group_right')) return;
    this.i++;
    // Lezer takes a "(" right after group_left/group_right as its label list.
    if (this.is('(')) this.groupingLabels();
  }

  /** `(a, b)` of on/ignoring/group_left/group_right: Lezer's GroupingLabels allows a trailing comma. */
  private groupingLabels(): void {
    this.expect('(');
    this.labelList(true);
  }

  /** Label names up to and including ")"; whether there were any. */
  private labelList(trailingComma: boolean): boolean {
    let labels = false;
    while (!this.is(')')) {
      this.labelName();
      labels = true;
      if (!this.is(')')) { this.expect(','); if (!trailingComma && this.is(')')) decline(); }
    }
    this.i++;
    return labels;
  }

  private operand(): Operand {
    const tok = this.peek() ?? decline();
    switch (tok.t) {
      case '{':
        this.logQuery();
        return { log: true, literal: false };
      case '(': {
        this.i++;
        const inner = this.expr(0);
        this.expect(')');
        if (inner.log) decline();
        return inner;
      }
      case '+': case '-':
        this.i++;
        this.number();
        return { log: false, literal: true };
      case 'num':
        this.number();
        return { log: false, literal: true };
      case 'id': {
        const word = this.text(tok);
        this.i++;
        if (RANGE_OPS.has(word)) this.rangeAggregation(word);
        else if (VECTOR_OPS.has(word)) this.vectorAggregation(word);
        else if (word === 'vector') { this.expect('('); this.number(); this.expect(')'); }
        else if (word === 'label_replace') this.labelReplace();
        else decline();
        return { log: false, literal: false };
      }
      default:
        return decline();
    }
  }

  private metric(): void {
    if (this.expr(0).log) decline();
  }

  /** `by (...)`/`without (...)`: null when absent, else whether it lists labels. */
  private grouping(): boolean | null {
    if (!(this.isWord('by') || this.isWord('without')) || !this.is('(', 1)) return null;
    this.i += 2;
    return this.labelList(false);
  }

  /** The number before the first comma of an aggregation, such as topk(5, ...). */
  private parameter(): string | null {
    if (!this.is('num') || !this.is(',', 1)) return null;
    const n = this.number();
    this.i++;
    return n;
  }

  private vectorAggregation(op: string): void {
    const before = this.grouping();
    this.expect('(');
    const param = this.parameter();
    this.metric();
    this.expect(')');
    // Lezer's grammar has no form with a grouping on both sides.
    const labels = before ?? this.grouping();
    if (vectorAggregationProblem(op, param, labels === true)) decline();
  }

  private rangeAggregation(op: string): void {
    this.expect('(');
    const param = this.parameter() !== null;
    // Selector, then the stages before and after the range, in the combinations Lezer's LogRangeExpr lists.
    this.selector();
    const before = this.pipeline(true);
    this.expect('[');
    const duration = this.text(this.expect('num'));
    this.expect(']');
    if (rangeProblem(duration)) decline();
    const offset = this.isWord('offset');
    if (offset) {
      this.i++;
      if (!PROM_DURATION.test(this.text(this.expect('num')))) decline();
    }
    const after = this.pipeline(true);
    if ((before.stages || before.unwrap) && (after.stages || after.unwrap)) decline();
    if (before.stages && before.unwrap && offset) decline();
    this.expect(')');
    const grouped = this.grouping() !== null;
    if (rangeAggregationProblem(op, param, grouped, before.unwrap || after.unwrap)) decline();
  }

  private labelReplace(): void {
    this.expect('(');
    this.metric();
    const args: string[] = [];
    for (let k = 0; k < 4; k++) { this.expect(','); args.push(this.string()); }
    this.expect(')');
    if (labelReplaceProblem(args[0])) decline();
    this.regex(args[3]);
  }

  // ------------------------------------------------------------ log queries

  private logQuery(): void {
    this.selector();
    if (this.pipeline(false).unwrap) decline();
  }

  private selector(): void {
    this.expect('{');
    const matchers: LabelMatcher[] = [];
    do matchers.push(this.matcher(this.labelName())); while (this.is(',') && ++this.i);
    this.expect('}');
    this.selectors.push(matchers);
  }

  /** `name` read; an operator and a string follow. */
  private matcher(name: string): LabelMatcher {
    const op = this.next().t;
    if (!MATCH_OPS.has(op)) decline();
    const value = this.string();
    if (op === '=~' || op === '!~') this.regex(value);
    return { name, op: op as MatchOp, value };
  }

  /** Stages up to the first token that is not one; an unwrap (and its label filters) only when allowed, and last. */
  private pipeline(unwrapAllowed: boolean): { stages: boolean; unwrap: boolean } {
    let stages = false;
    for (;;) {
      const tok = this.peek();
      if (tok && LINE_FILTERS.has(tok.t)) { this.lineFilter(); stages = true; continue; }
      if (!tok || tok.t !== '|') return { stages, unwrap: false };
      this.i++;
      if (this.isWord('unwrap')) {
        if (!unwrapAllowed) decline();
        this.unwrap();
        return { stages, unwrap: true };
      }
      this.stage();
      stages = true;
    }
  }

  private lineFilter(): void {
    const op = this.next().t;
    const regex = op === '|~' || op === '!~';
    for (;;) {
      if (this.isWord('ip')) { this.i++; this.expect('('); this.string(); this.expect(')'); return; }
      const value = this.string();
      if (regex) this.regex(value);
      if (!this.isWord('or')) return;
      this.i++;
    }
  }

  /** After `|`. */
  private stage(): void {
    const word = this.is('id') ? this.text(this.peek()) : '';
    switch (word) {
      case 'json': this.i++; this.extractions(); return;
      case 'logfmt':
        this.i++;
        while (this.is('flag')) this.i++;
        this.extractions();
        return;
      case 'regexp': {
        this.i++;
        if (regexpParserProblem(this.string())) decline();
        return;
      }
      case 'pattern':
        this.i++;
        if (patternProblem(this.string())) decline();
        return;
      case 'unpack': case 'decolorize': this.i++; return;
      case 'line_format': this.i++; this.string(); return;
      case 'label_format':
        this.i++;
        do {
          this.labelName();
          this.expect('=');
          if (this.is('str')) this.string(); else this.labelName();
        } while (this.is(',') && ++this.i);
        return;
      case 'drop': case 'keep':
        this.i++;
        do {
          const name = this.labelName();
          if (this.peek() && MATCH_OPS.has(this.peek()!.t)) this.matcher(name);
        } while (this.is(',') && ++this.i);
        return;
      default:
        this.labelFilter();
    }
  }

  /** `| json a, b="c"`: an optional list, present when a label name follows. */
  private extractions(): void {
    if (!this.is('id')) return;
    do {
      this.labelName();
      if (this.is('=')) { this.i++; this.string(); }
    } while (this.is(',') && ++this.i);
  }

  /** After `| unwrap`: a label or a conversion of one, then only label filters. */
  private unwrap(): void {
    this.i++;
    const conv = this.isWord('bytes') || this.isWord('duration') || this.isWord('duration_seconds');
    if (conv) { this.i++; this.expect('('); }
    this.labelName();
    if (conv) this.expect(')');
    while (this.is('|')) { this.i++; this.labelFilter(); }
  }

  private labelFilter(): void {
    for (;;) {
      if (this.is('(')) {
        this.i++;
        this.labelFilter();
        this.expect(')');
      } else {
        this.labelPredicate();
      }
      if (!(this.is(',') || this.isWord('and') || this.isWord('or'))) return;
      this.i++;
    }
  }

  private labelPredicate(): void {
    const name = this.labelName();
    const op = this.peek()?.t ?? decline();
    if (this.is('str', 1)) { this.matcher(name); return; }
    this.i++;
    if ((op === '=' || op === '!=') && this.isWord('ip')) {
      this.i++;
      this.expect('(');
      this.string();
      this.expect(')');
      return;
    }
    const value = this.text(this.expect('num'));
    if (!COMPARISONS.has(op) || !(NUMBER.test(value) || DURATION.test(value) || BYTES.test(value))) decline();
  }
}

// A recognizer for the common shapes of LogQL rule queries, ahead of the Lezer-based checker.
//
// Parsing every rule expression with Lezer dominated loki-rules on large rule sets (Lezer's LR
// machinery runs mostly unoptimized in a short process). Most rule queries are a handful of
// shapes: selectors, line filters, parsers, label filters, range and vector aggregations,
// binary operations with numbers. This recursive-descent recognizer follows Loki's grammar
// (syntax.y, with its operator precedence) and Loki's rules (parser-rules.ts), and answers
// only when it can prove the query valid; it then returns exactly what the Lezer-based checker
// returns, except where Lezer's grammar lacks a form Loki has (index.ts: grammar gaps).
// Anything else, however harmless (an unusual escape, a label named like a keyword, any
// error, anything that would warn), returns null and goes to the Lezer-based checker, which
// decides and words the message. So it may decline freely but must never accept what Loki
// refuses: test/logql-recognizer.test.ts compares the two on the test corpora, generated queries and
// mutations of them, and test/logql-loki-corpus.test.ts both against Loki's own parser tests.
import {
  BIN_PREC,
  GO_SIMPLE_ESCAPES,
  anchoredRegexProblem,
  LABEL_NAME,
  MAX_QUERY_BYTES,
  PROM_DURATION,
  RIGHT_ASSOC,
  SET_OPS,
  labelReplaceWarning,
  patternProblem,
  rangeAggregationProblem,
  rangeProblem,
  regexpParserProblem,
  regexProblem,
  selectorProblem,
  vectorAggregationProblem,
} from './parser-rules.ts';
import { COMPARISONS, DECLINE, KEYWORDS, LINE_FILTERS, MATCH_OPS, RANGE_OPS, VECTOR_OPS, decline, tokenize, type Token } from './tokens.ts';
import type { LabelMatcher, LogQLOk, MatchOp } from './types.ts';

/** What the precedence climb needs of an operand: log query (never an operand) or plain number. */
interface Operand {
  log: boolean;
  literal: boolean;
}
interface Stages {
  stages: boolean;
  unwrap: boolean;
}

const NUMBER = /^\d+(\.\d+)?$/;
const DURATION = /^(?=\d)(\d+y)?(\d+w)?(\d+d)?(\d+(\.\d+)?h)?(\d+(\.\d+)?m)?(\d+(\.\d+)?s)?(\d+(\.\d+)?ms)?$/;
const BYTES = /^\d+(\.\d+)?(B|kB|KB|KiB|MB|MiB|GB|GiB|TB|TiB|PB|PiB)$/;

export function recognizeLogQL(q: string): LogQLOk | null {
  // A UTF-16 unit is at most 3 UTF-8 bytes: a query that could reach Loki's limit goes to the Lezer-based checker, which counts.
  if (q.length * 3 >= MAX_QUERY_BYTES) return null;
  try {
    return new Recognizer(q).query();
  } catch (e) {
    if (e === DECLINE) return null;
    throw e;
  }
}

class Recognizer {
  private readonly toks: Token[];
  private i = 0;
  private readonly selectors: LabelMatcher[][] = [];

  constructor(private readonly q: string) {
    this.toks = tokenize(q);
  }

  query(): LogQLOk {
    if (this.toks.length === 0) decline();
    const top = this.expr(0);
    if (this.i !== this.toks.length) decline();
    return { ok: true, kind: top.log ? 'log' : 'metric', matchers: this.selectors };
  }

  // ------------------------------------------------------------ tokens

  private peek(ahead = 0): Token | undefined {
    return this.toks[this.i + ahead];
  }
  private text(tok: Token | undefined): string {
    return tok ? this.q.slice(tok.s, tok.e) : '';
  }
  private is(t: string, ahead = 0): boolean {
    return this.peek(ahead)?.t === t;
  }
  private isWord(word: string, ahead = 0): boolean {
    return this.is('id', ahead) && this.text(this.peek(ahead)) === word;
  }
  private next(): Token {
    return this.toks[this.i++] ?? decline();
  }
  private expect(t: string): Token {
    return this.is(t) ? this.next() : decline();
  }

  /** A label name Lezer reads as a plain identifier. */
  private labelName(): string {
    const name = this.text(this.expect('id'));
    if (!LABEL_NAME.test(name) || KEYWORDS.has(name.toLowerCase())) decline();
    return name;
  }

  /** A string literal's value, for the escapes every Go version reads the same way. */
  private string(): string {
    const raw = this.text(this.expect('str'));
    if (raw[0] === '`' || !raw.includes('\\')) return raw.slice(1, -1);
    let value = '';
    for (let i = 1; i < raw.length - 1; i++) {
      if (raw[i] !== '\\') {
        value += raw[i];
        continue;
      }
      value += GO_SIMPLE_ESCAPES[raw[++i]!] ?? decline();
    }
    return value;
  }

  private number(): string {
    const n = this.text(this.expect('num'));
    return NUMBER.test(n) ? n : decline();
  }

  /** A line filter's regex, or (`anchored`) a matcher's or label_replace's, which Loki also compiles anchored. */
  private regex(re: string, anchored?: 'matcher' | 'label_replace'): void {
    if (anchored ? anchoredRegexProblem(re, anchored) : typeof regexProblem(re) === 'string') decline();
  }

  // ------------------------------------------------------------ expressions

  /** Precedence climbing with Loki's table, so set operations see the operands Loki gives them. */
  private expr(minPrec: number): Operand {
    let left = this.operand();
    for (;;) {
      const tok = this.peek();
      const op = tok && (tok.t === 'id' ? this.text(tok) : tok.t);
      const prec = op === undefined ? undefined : BIN_PREC[op];
      if (prec === undefined || prec < minPrec) return left;
      this.i++;
      this.binOpModifier();
      const right = this.expr(RIGHT_ASSOC.has(op!) ? prec : prec + 1);
      if (left.log || right.log) decline();
      if (SET_OPS.has(op!) && (left.literal || right.literal)) decline();
      left = { log: false, literal: left.literal && right.literal };
    }
  }

  private binOpModifier(): void {
    if (this.isWord('bool')) this.i++;
    if (!this.isWord('on') && !this.isWord('ignoring')) return;
    this.i++;
    this.expect('(');
    this.labelList();
    if (!this.isWord('group_left') && !this.isWord('group_right')) return;
    this.i++;
    // Both grammars take a "(" right after group_left/group_right as its label list.
    if (this.is('(')) {
      this.i++;
      this.labelList();
    }
  }

  /** Label names up to and including ")" (no trailing comma, as in Loki); whether there were any. */
  private labelList(): boolean {
    let labels = false;
    while (!this.is(')')) {
      this.labelName();
      labels = true;
      if (!this.is(')')) {
        this.expect(',');
        if (this.is(')')) decline();
      }
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
      case '+':
      case '-':
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
        else if (word === 'vector') {
          this.expect('(');
          this.number();
          this.expect(')');
        } else if (word === 'label_replace') this.labelReplace();
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

  /** `by (...)`/`without (...)`. */
  private grouping(): 'none' | 'empty' | 'labels' {
    if (!(this.isWord('by') || this.isWord('without')) || !this.is('(', 1)) return 'none';
    this.i += 2;
    return this.labelList() ? 'labels' : 'empty';
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
    // Neither grammar has a form with a grouping on both sides.
    const grouping = before !== 'none' ? before : this.grouping();
    if (vectorAggregationProblem(op, param, grouping)) decline();
  }

  private rangeAggregation(op: string): void {
    this.expect('(');
    const param = this.parameter() !== null;
    const { unwrap } = this.logRange();
    this.expect(')');
    const grouped = this.grouping() !== 'none';
    if (rangeAggregationProblem(op, param, grouped, unwrap)) decline();
  }

  /** Loki's logRangeExpr: a selector, the range, an offset, stages before or after the range, parentheses. */
  private logRange(): { unwrap: boolean } {
    if (!this.is('(')) {
      this.selector();
      return this.rangeAndAfter(this.pipeline(true));
    }
    this.i++;
    if (!this.is('{')) {
      const inner = this.logRange();
      this.expect(')');
      return inner;
    }
    this.selector();
    const inside = this.pipeline(true);
    if (!this.is(')')) {
      const r = this.rangeAndAfter(inside);
      this.expect(')');
      return r;
    }
    // `(selector stages) [5m] offset 1h`: after the range only an unwrap, and only when nothing was inside.
    this.i++;
    this.range();
    const after = this.pipeline(true);
    if (after.stages || (after.unwrap && (inside.stages || inside.unwrap))) decline();
    return { unwrap: inside.unwrap || after.unwrap };
  }

  /** The range, an optional offset, then stages unless there were some before the range. */
  private rangeAndAfter(before: Stages): { unwrap: boolean } {
    this.range();
    const after = this.pipeline(true);
    if ((before.stages || before.unwrap) && (after.stages || after.unwrap)) decline();
    return { unwrap: before.unwrap || after.unwrap };
  }

  private range(): void {
    this.expect('[');
    const duration = this.text(this.expect('num'));
    this.expect(']');
    if (rangeProblem(duration)) decline();
    if (!this.isWord('offset')) return;
    this.i++;
    if (!PROM_DURATION.test(this.text(this.expect('num')))) decline();
  }

  private labelReplace(): void {
    this.expect('(');
    this.metric();
    const args: string[] = [];
    for (let k = 0; k < 4; k++) {
      this.expect(',');
      args.push(this.string());
    }
    this.expect(')');
    if (labelReplaceWarning(args[0]!)) decline();
    this.regex(args[3]!, 'label_replace');
  }

  // ------------------------------------------------------------ log queries

  private logQuery(): void {
    this.selector();
    if (this.pipeline(false).unwrap) decline();
  }

  private selector(): void {
    this.expect('{');
    const matchers: LabelMatcher[] = [];
    do matchers.push(this.matcher(this.labelName()));
    while (this.is(',') && ++this.i);
    this.expect('}');
    if (selectorProblem(matchers)) decline();
    this.selectors.push(matchers);
  }

  /** `name` read; an operator and a string follow. */
  private matcher(name: string): LabelMatcher {
    const op = this.next().t;
    if (!MATCH_OPS.has(op)) decline();
    const value = this.string();
    if (op === '=~' || op === '!~') this.regex(value, 'matcher');
    return { name, op: op as MatchOp, value };
  }

  /** Stages up to the first token that is not one; an unwrap (and its label filters) only when allowed, and last. */
  private pipeline(unwrapAllowed: boolean): Stages {
    let stages = false;
    for (;;) {
      const tok = this.peek();
      if (tok && LINE_FILTERS.has(tok.t)) {
        this.lineFilter();
        stages = true;
        continue;
      }
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

  /** `|= "a" or ip("b") or "c"`: strings and ip() in any order (Loki's lineFilter/orFilter). */
  private lineFilter(): void {
    const op = this.next().t;
    const regex = op === '|~' || op === '!~';
    for (;;) {
      if (this.isWord('ip')) {
        this.i++;
        this.expect('(');
        this.string();
        this.expect(')');
      } else {
        const value = this.string();
        if (regex) this.regex(value);
      }
      if (!this.isWord('or')) return;
      this.i++;
    }
  }

  /** After `|`. */
  private stage(): void {
    const word = this.is('id') ? this.text(this.peek()) : '';
    switch (word) {
      case 'json':
        this.i++;
        this.extractions();
        return;
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
      case 'unpack':
      case 'decolorize':
        this.i++;
        return;
      case 'line_format':
        this.i++;
        this.string();
        return;
      case 'label_format':
        this.i++;
        do {
          this.labelName();
          this.expect('=');
          if (this.is('str')) this.string();
          else this.labelName();
        } while (this.is(',') && ++this.i);
        return;
      case 'drop':
      case 'keep':
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
      if (this.is('=')) {
        this.i++;
        this.string();
      }
    } while (this.is(',') && ++this.i);
  }

  /** After `| unwrap`: a label or a conversion of one, then only label filters. */
  private unwrap(): void {
    this.i++;
    const conv = this.isWord('bytes') || this.isWord('duration') || this.isWord('duration_seconds');
    if (conv) {
      this.i++;
      this.expect('(');
    }
    this.labelName();
    if (conv) this.expect(')');
    while (this.is('|')) {
      this.i++;
      this.labelFilter();
    }
  }

  /** Label filters joined by `,`, `and`, `or` or (Loki's `labelFilter labelFilter`) nothing. */
  private labelFilter(): void {
    for (;;) {
      if (this.is('(')) {
        this.i++;
        this.labelFilter();
        this.expect(')');
      } else {
        this.labelPredicate();
      }
      if (this.is(',') || this.isWord('and') || this.isWord('or')) {
        this.i++;
        continue;
      }
      const next = this.peek(1);
      // Without a space between them the Lezer-based checker cannot rewrite the pair (grammar-gaps.ts).
      const spaced = /\s/.test(this.q[(this.peek()?.s ?? 1) - 1] ?? '');
      const juxtaposed =
        spaced && this.is('id') && !KEYWORDS.has(this.text(this.peek()).toLowerCase()) && next && (COMPARISONS.has(next.t) || MATCH_OPS.has(next.t));
      if (!juxtaposed && !(spaced && this.is('('))) return;
    }
  }

  private labelPredicate(): void {
    const name = this.labelName();
    const op = this.peek()?.t ?? decline();
    if (this.is('str', 1)) {
      this.matcher(name);
      return;
    }
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

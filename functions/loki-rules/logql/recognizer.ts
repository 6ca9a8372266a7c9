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
//
// By role: recognizer-cursor.ts reads tokens and literals, recognizer-pipeline.ts log queries
// (selector and pipeline stages), and this file the metric side: binary operations with Loki's
// precedence, aggregations, log ranges and label_replace.
import {
  BIN_PREC,
  MAX_QUERY_BYTES,
  PROM_DURATION,
  RIGHT_ASSOC,
  SET_OPS,
  labelReplaceWarning,
  rangeAggregationProblem,
  rangeProblem,
  vectorAggregationProblem,
} from './parser-rules.ts';
import { LogQueryRecognizer, type Stages } from './recognizer-pipeline.ts';
import { DECLINE, RANGE_OPS, VECTOR_OPS, decline } from './tokens.ts';
import type { LogQLOk } from './types.ts';

/** What the precedence climb needs of an operand: log query (never an operand) or plain number. */
interface Operand {
  log: boolean;
  literal: boolean;
}

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

class Recognizer extends LogQueryRecognizer {
  query(): LogQLOk {
    if (this.toks.length === 0) decline();
    const top = this.expr(0);
    if (this.i !== this.toks.length) decline();
    return { ok: true, kind: top.log ? 'log' : 'metric', matchers: this.selectors };
  }

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
}

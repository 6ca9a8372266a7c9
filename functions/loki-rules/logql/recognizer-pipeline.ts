// Log queries for the LogQL recognizer (recognizer.ts): the stream selector, its matchers and the
// pipeline after it (line filters, parsers, formatters, label filters, unwrap), following Loki's
// syntax.y and rules (parser-rules.ts). Declines whatever it cannot prove valid.
import { patternProblem, regexpParserProblem, selectorProblem } from './parser-rules.ts';
import { NUMBER, TokenCursor } from './recognizer-cursor.ts';
import { COMPARISONS, KEYWORDS, LINE_FILTERS, MATCH_OPS, decline } from './tokens.ts';
import type { LabelMatcher, MatchOp } from './types.ts';

/** What a pipeline held: any stage, and an unwrap (last). */
export interface Stages {
  stages: boolean;
  unwrap: boolean;
}

const DURATION = /^(?=\d)(\d+y)?(\d+w)?(\d+d)?(\d+(\.\d+)?h)?(\d+(\.\d+)?m)?(\d+(\.\d+)?s)?(\d+(\.\d+)?ms)?$/;
const BYTES = /^\d+(\.\d+)?(B|kB|KB|KiB|MB|MiB|GB|GiB|TB|TiB|PB|PiB)$/;

export class LogQueryRecognizer extends TokenCursor {
  protected readonly selectors: LabelMatcher[][] = [];

  protected logQuery(): void {
    this.selector();
    if (this.pipeline(false).unwrap) decline();
  }

  protected selector(): void {
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
  protected pipeline(unwrapAllowed: boolean): Stages {
    let stages = false;
    for (;;) {
      const tok = this.peek();
      if (tok && LINE_FILTERS.has(tok.t)) {
        this.lineFilter();
        stages = true;
        continue;
      }
      if (tok?.t !== '|') return { stages, unwrap: false };
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

// The token cursor under the LogQL recognizer (recognizer.ts): reading tokens, and the literals
// (label names, strings, numbers, regexes) every part of a query uses. Anything it cannot prove
// Loki reads the same way declines.
import { GO_SIMPLE_ESCAPES, LABEL_NAME, anchoredRegexProblem, regexProblem } from './parser-rules.ts';
import { KEYWORDS, decline, tokenize, type Token } from './tokens.ts';

export const NUMBER = /^\d+(\.\d+)?$/;

export class TokenCursor {
  protected readonly toks: Token[];
  protected i = 0;

  constructor(protected readonly q: string) {
    this.toks = tokenize(q);
  }

  protected peek(ahead = 0): Token | undefined {
    return this.toks[this.i + ahead];
  }

  protected text(tok: Token | undefined): string {
    return tok ? this.q.slice(tok.s, tok.e) : '';
  }

  protected is(t: string, ahead = 0): boolean {
    return this.peek(ahead)?.t === t;
  }

  protected isWord(word: string, ahead = 0): boolean {
    return this.is('id', ahead) && this.text(this.peek(ahead)) === word;
  }

  protected next(): Token {
    return this.toks[this.i++] ?? decline();
  }

  protected expect(t: string): Token {
    return this.is(t) ? this.next() : decline();
  }

  /** A label name Lezer reads as a plain identifier. */
  protected labelName(): string {
    const name = this.text(this.expect('id'));
    if (!LABEL_NAME.test(name) || KEYWORDS.has(name.toLowerCase())) decline();
    return name;
  }

  /** A string literal's value, for the escapes every Go version reads the same way. */
  protected string(): string {
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

  protected number(): string {
    const n = this.text(this.expect('num'));
    return NUMBER.test(n) ? n : decline();
  }

  /** A line filter's regex, or (`anchored`) a matcher's or label_replace's, which Loki also compiles anchored. */
  protected regex(re: string, anchored?: 'matcher' | 'label_replace'): void {
    if (anchored ? anchoredRegexProblem(re, anchored) : typeof regexProblem(re) === 'string') decline();
  }
}

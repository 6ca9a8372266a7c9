// Scanner and parser of fluxcd/pkg envsubst v1.7.0 (parse/scan.go, parse/parse.go) and its node
// types: what Flux post-build substitution reads as a `${...}` expression. The evaluator (template.go,
// funcs.go) is only needed to check our output and lives in test/support/flux-envsubst/.

// ---- scanner (parse/scan.go) -------------------------------------------------------------

const EOF = 0;
const DOLLAR = 0x24, // $
  LBRACE = 0x7b, // {
  RBRACE = 0x7d, // }
  SLASH = 0x2f, // /
  COLON = 0x3a; // :
export const BSLASH = 0x5c; // \
const M_IDENT = 1,
  M_LBRACK = 2,
  M_RBRACK = 4,
  M_ESCAPE = 8;
const E_DOLLAR = 1,
  E_BACKSLASH = 2;
enum Tok {
  Illegal,
  Eof,
  Ident,
  Lbrack,
  Rbrack,
}
type Accept = (r: number, i: number) => boolean;

const LETTER = /\p{L}/u,
  DIGIT = /\p{Nd}/u;
const ch = (r: number) => String.fromCodePoint(r);
const acceptRune: Accept = () => true;
const acceptIdent: Accept = (r) => r === 0x5f || LETTER.test(ch(r)) || DIGIT.test(ch(r));
const acceptColon: Accept = (r) => r === COLON;
const acceptOneHash: Accept = (r, i) => r === 0x23 && i === 1;
const acceptNotClosing: Accept = (r) => r !== RBRACE;
const acceptHashFunc: Accept = (r, i) => r === 0x23 && i < 3;
const acceptPercentFunc: Accept = (r, i) => r === 0x25 && i < 3;
const acceptDefaultFunc: Accept = (r, i) => (i === 1 && r === COLON) || (i === 2 && '=-?+'.includes(ch(r)));
const acceptReplaceFunc: Accept = (r, i) => (i === 1 && r === SLASH) || (i === 2 && '/#%'.includes(ch(r)));
const acceptOneEqual: Accept = (r, i) => i === 1 && r === 0x3d;
const acceptOneColon: Accept = (r, i) => i === 1 && r === COLON;
const rejectColonClose: Accept = (r) => r !== COLON && r !== RBRACE;
const acceptSlash: Accept = (r) => r === SLASH;
const acceptNotSlash: Accept = (r) => r !== SLASH;
const acceptCasingFunc: Accept = (r, i) => (r === 0x2c || r === 0x5e) && i < 3;

export const encoder = new TextEncoder();
export const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** utf8.DecodeRune: invalid or truncated input gives (RuneError, 1). */
export function decodeRune(b: Uint8Array, p: number): [number, number] {
  const b0 = b[p];
  if (b0 === undefined) return [0xfffd, 1];
  const n = b0 < 0x80 ? 1 : b0 < 0xc2 ? 0 : b0 < 0xe0 ? 2 : b0 < 0xf0 ? 3 : b0 < 0xf5 ? 4 : 0;
  if (n === 1) return [b0, 1];
  if (n === 0 || p + n > b.length) return [0xfffd, 1];
  // Allowed range of the second byte excludes overlongs, surrogates and values above U+10FFFF.
  const lo = b0 === 0xe0 ? 0xa0 : b0 === 0xf0 ? 0x90 : 0x80;
  const hi = b0 === 0xed ? 0x9f : b0 === 0xf4 ? 0x8f : 0xbf;
  // p + n <= b.length (checked above), so the continuation bytes are all there.
  const b1 = b[p + 1]!;
  if (b1 < lo || b1 > hi) return [0xfffd, 1];
  let r = b0 & (0xff >> (n + 1));
  for (let i = 1; i < n; i++) {
    const bi = b[p + i]!;
    if (i > 1 && (bi & 0xc0) !== 0x80) return [0xfffd, 1];
    r = (r << 6) | (bi & 0x3f);
  }
  return [r, n];
}

/** Functions that supply a default, so an unset variable is no strict-mode error (template.go). */
export const DEFAULT_OPS = new Set(['-', '+', '=', '?', ':-', ':+', ':=', ':?']);

export type Node = { text: Uint8Array } | FuncNode;
export interface FuncNode {
  param: string;
  name: string;
  args: Node[];
  start: number; // byte offsets in the unescaped input, for findReferences
  end: number;
}

export class ParseError extends Error {
  constructor(
    readonly reason: string,
    readonly exprStart = -1,
  ) {
    super(reason);
  }
}

export class Parser {
  pos = 0;
  start = 0;
  width = 0;
  mode = 0;
  escapeChars = 0;
  accept: Accept = acceptRune;
  /** Buffer indices removed by skip(), to map positions back to the input. */
  readonly skips: number[] = [];
  /** Top-level nodes parsed so far; kept when a later expression fails. */
  readonly root: Node[] = [];

  constructor(private buf: Uint8Array) {}

  read(): number {
    if (this.pos >= this.buf.length) {
      this.width = 0;
      return EOF;
    }
    const [r, w] = decodeRune(this.buf, this.pos);
    this.width = w;
    this.pos += w;
    return r;
  }
  unread() {
    this.pos -= this.width;
  }
  /** Drops the byte before pos (always an escaping `$` or `\`); pos is not moved. */
  skip() {
    const b = new Uint8Array(this.buf.length - 1);
    b.set(this.buf.subarray(0, this.pos - 1));
    b.set(this.buf.subarray(this.pos), this.pos - 1);
    this.buf = b;
    this.skips.push(this.pos - 1);
  }
  peek(): number {
    const r = this.read();
    this.unread();
    return r;
  }
  token(): Uint8Array {
    return this.buf.slice(this.start, this.pos);
  }
  /** Maps a buffer index back to a byte offset in the parser's input. */
  orig(p: number): number {
    for (let i = this.skips.length - 1; i >= 0; i--) if (p >= this.skips[i]!) p++;
    return p;
  }

  scan(): Tok {
    this.start = this.pos;
    const r = this.read();
    if (r === EOF) return Tok.Eof;
    if (this.scanLbrack(r)) return Tok.Lbrack;
    if (this.scanRbrack(r)) return Tok.Rbrack;
    if (this.scanIdent(r)) return Tok.Ident;
    return Tok.Illegal;
  }
  scanIdent(r: number): boolean {
    if (!(this.mode & M_IDENT)) return false;
    if (this.scanEscaped(r)) this.skip();
    else if (!this.accept(r, this.pos - this.start)) return false;
    for (;;) {
      const r = this.read();
      if (r === EOF) {
        this.unread();
        break;
      }
      if (this.scanLbrack(r)) {
        this.unread();
        this.unread();
        break;
      }
      if (this.scanEscaped(r)) {
        this.skip();
        continue;
      }
      if (!this.accept(r, this.pos - this.start)) {
        this.unread();
        break;
      }
    }
    return true;
  }
  scanLbrack(r: number): boolean {
    if (!(this.mode & M_LBRACK)) return false;
    if (r === DOLLAR) {
      if (this.read() === LBRACE) return true;
      this.unread();
    }
    return false;
  }
  scanRbrack(r: number): boolean {
    return (this.mode & M_RBRACK) !== 0 && r === RBRACE;
  }
  scanEscaped(r: number): boolean {
    if (!(this.mode & M_ESCAPE)) return false;
    if (r === DOLLAR && this.escapeChars & E_DOLLAR && this.peek() === DOLLAR) return true;
    if (r === BSLASH && this.escapeChars & E_BACKSLASH) {
      const n = this.peek();
      return n === SLASH || n === BSLASH;
    }
    return false;
  }

  // ---- parser (parse/parse.go); parseAny is a loop here instead of Go's recursion ----------

  parseAny(): Node[] {
    for (;;) {
      this.accept = acceptRune;
      this.mode = M_IDENT | M_LBRACK | M_ESCAPE;
      this.escapeChars = E_DOLLAR;
      const tok = this.scan();
      if (tok === Tok.Ident) this.root.push({ text: this.token() });
      else if (tok === Tok.Eof) return this.root;
      else if (tok === Tok.Lbrack) {
        const start = this.start;
        try {
          this.root.push(this.parseFunc(start));
        } catch (e) {
          throw e instanceof ParseError ? new ParseError(e.reason, this.orig(start)) : e;
        }
      } else throw new ParseError('bad substitution');
    }
  }

  parseFunc(start: number): FuncNode {
    this.escapeChars = E_DOLLAR | E_BACKSLASH;
    if (this.peek() === 0x23) return this.done(this.parseLenFunc(start));
    this.accept = acceptIdent;
    this.mode = M_IDENT;
    if (this.scan() !== Tok.Ident) throw new ParseError('unable to parse variable name');
    const name = decoder.decode(this.token());
    const node: FuncNode = { param: name, name: '', args: [], start, end: 0 };
    switch (ch(this.peek())) {
      case ':':
        return this.done(this.parseDefaultOrSubstr(node));
      case '=':
        return this.done(this.parseDefaultFunc(node));
      case ',':
      case '^':
        this.parseOperator(node, acceptCasingFunc, 'bad substitution');
        this.consumeRbrack();
        return this.done(node);
      case '/':
        return this.done(this.parseReplaceFunc(node));
      case '#':
        return this.done(this.parseRemoveFunc(node, acceptHashFunc));
      case '%':
        return this.done(this.parseRemoveFunc(node, acceptPercentFunc));
    }
    this.accept = acceptIdent;
    this.mode = M_RBRACK;
    if (this.scan() !== Tok.Rbrack) throw new ParseError('missing closing brace');
    return this.done(node);
  }
  /** Every successful parse*Func ends right after its `}`. */
  done(node: FuncNode): FuncNode {
    node.start = this.orig(node.start);
    node.end = this.orig(this.pos - 1) + 1;
    return node;
  }

  parseParam(accept: Accept, mode: number): Node {
    this.accept = accept;
    this.mode = mode | M_LBRACK;
    switch (this.scan()) {
      case Tok.Lbrack:
        return this.parseFunc(this.start);
      case Tok.Ident:
      case Tok.Rbrack:
        return { text: this.token() };
      default:
        throw new ParseError('unable to parse substitution within function');
    }
  }
  /** Scans the operator (e.g. `:-`, `//`, `^^`) into node.name. */
  parseOperator(node: FuncNode, accept: Accept, err: string): FuncNode {
    this.accept = accept;
    this.mode = M_IDENT;
    if (this.scan() !== Tok.Ident) throw new ParseError(err);
    node.name = decoder.decode(this.token());
    return node;
  }
  parseDefaultOrSubstr(node: FuncNode): FuncNode {
    // Go reads ':', peeks, then unreads with the width of the *peeked* rune (a byte-width quirk).
    this.read();
    const r = this.peek();
    this.unread();
    return '=-?+'.includes(ch(r)) ? this.parseDefaultFunc(node) : this.parseSubstrFunc(node);
  }
  parseSubstrFunc(node: FuncNode): FuncNode {
    this.parseOperator(node, acceptOneColon, 'bad substitution');
    node.args.push(this.parseParam(rejectColonClose, M_IDENT));
    this.accept = acceptColon;
    this.mode = M_IDENT | M_RBRACK;
    const tok = this.scan();
    if (tok === Tok.Rbrack) return node;
    if (tok !== Tok.Ident) throw new ParseError('bad substitution');
    node.args.push(this.parseParam(acceptNotClosing, M_IDENT));
    this.consumeRbrack();
    return node;
  }
  parseRemoveFunc(node: FuncNode, accept: Accept): FuncNode {
    this.parseOperator(node, accept, 'bad substitution');
    node.args.push(this.parseParam(acceptNotClosing, M_IDENT));
    this.consumeRbrack();
    return node;
  }
  parseReplaceFunc(node: FuncNode): FuncNode {
    this.parseOperator(node, acceptReplaceFunc, 'bad substitution');
    node.args.push(this.parseParam(acceptNotSlash, M_IDENT | M_ESCAPE));
    this.accept = acceptSlash;
    this.mode = M_IDENT;
    if (this.scan() !== Tok.Ident) throw new ParseError('bad substitution');
    if (this.peek() !== RBRACE) node.args.push(this.parseParam(acceptNotClosing, M_IDENT | M_ESCAPE));
    this.consumeRbrack();
    return node;
  }
  parseDefaultFunc(node: FuncNode): FuncNode {
    const accept = this.peek() === 0x3d ? acceptOneEqual : acceptDefaultFunc;
    this.parseOperator(node, accept, 'unable to parse default function');
    while (this.peek() !== RBRACE) node.args.push(this.parseParam(acceptNotClosing, M_IDENT));
    this.consumeRbrack();
    return node;
  }
  parseLenFunc(start: number): FuncNode {
    const node: FuncNode = { param: '', name: '', args: [], start, end: 0 };
    this.parseOperator(node, acceptOneHash, 'bad substitution');
    this.accept = acceptIdent;
    this.mode = M_IDENT;
    if (this.scan() !== Tok.Ident) throw new ParseError('bad substitution');
    node.param = decoder.decode(this.token());
    this.consumeRbrack();
    return node;
  }
  consumeRbrack() {
    this.mode = M_RBRACK;
    if (this.scan() !== Tok.Rbrack) throw new ParseError('bad substitution');
  }
}

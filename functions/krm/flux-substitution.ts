// Flux kustomize-controller post-build substitution, so the emitter can predict what Flux does
// to our output (FLUX_AND_KRM.md §2). This is a port of fluxcd/pkg envsubst v1.7.0 (a fork of
// drone/envsubst; parse/scan.go, parse/parse.go, template.go, funcs.go, path/match.go) plus the
// per-resource wrapper kustomize/kustomize_varsub.go. The scanner runs on UTF-8 bytes like the Go
// one, because its quirks depend on byte widths: `${#v}` and `${v:n:m}` count bytes, a NUL byte
// ends the text (Go's scanner uses rune 0 as EOF), and `${v:é}` is a bad substitution.
// Known deviations, outside ASCII only: case mapping uses JavaScript's tables, and a result that
// is not valid UTF-8 (a cut through a character) decodes to U+FFFD per WHATWG, not per byte.
import YAML from 'yaml';
import { FLUX_SUBSTITUTE } from './annotations.ts';
import { OUTPUT_OPTIONS } from './yaml.ts';

export type FluxErrorReason =
  | 'bad substitution'
  | 'missing closing brace'
  | 'unable to parse variable name'
  | 'unable to parse substitution within function'
  | 'unable to parse default function'
  | 'variable not set'
  | 'invalid var name'
  | 'panic'
  | 'yaml';

/** A substitution failure; `message` follows the Go error text. */
export class FluxSubstitutionError extends Error {
  constructor(message: string, readonly reason: FluxErrorReason) {
    super(message);
    this.name = 'FluxSubstitutionError';
  }
}

export interface SubstituteOptions {
  /** The StrictPostBuildSubstitutions feature gate. On by default since kustomize-controller v1.9. */
  strict?: boolean;
}

export interface FluxReference {
  /** Variable name as Flux looks it up (any run of Unicode letters, digits and `_`). */
  name: string;
  /** True for `:-`, `=`, `:=`, `:?`, `:+`: an unset variable is no strict-mode error. (Bare `-`, `?`, `+` do not parse.) */
  hasDefault: boolean;
  /** Source text of the whole `${...}` expression. */
  raw: string;
  /** Offset of the `$` in the input string (UTF-16 code units). */
  offset: number;
}

export interface MalformedReference {
  raw: string;
  offset: number;
  /** The Go parser error, e.g. `missing closing brace`. */
  reason: string;
}

// ---- scanner (parse/scan.go) -------------------------------------------------------------

const EOF = 0;
const [DOLLAR, LBRACE, RBRACE, BSLASH, SLASH, COLON] = [...'${}\\/:'].map((c) => c.charCodeAt(0));
const M_IDENT = 1, M_LBRACK = 2, M_RBRACK = 4, M_ESCAPE = 8;
const E_DOLLAR = 1, E_BACKSLASH = 2;
const enum Tok { Illegal, Eof, Ident, Lbrack, Rbrack }
type Accept = (r: number, i: number) => boolean;

const LETTER = /\p{L}/u, DIGIT = /\p{Nd}/u;
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

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** utf8.DecodeRune: invalid or truncated input gives (RuneError, 1). */
function decodeRune(b: Uint8Array, p: number): [number, number] {
  const b0 = b[p], n = b0 < 0x80 ? 1 : b0 < 0xc2 ? 0 : b0 < 0xe0 ? 2 : b0 < 0xf0 ? 3 : b0 < 0xf5 ? 4 : 0;
  if (n === 1) return [b0, 1];
  if (n === 0 || p + n > b.length) return [0xfffd, 1];
  // Allowed range of the second byte excludes overlongs, surrogates and values above U+10FFFF.
  const lo = b0 === 0xe0 ? 0xa0 : b0 === 0xf0 ? 0x90 : 0x80;
  const hi = b0 === 0xed ? 0x9f : b0 === 0xf4 ? 0x8f : 0xbf;
  if (b[p + 1] < lo || b[p + 1] > hi) return [0xfffd, 1];
  let r = b0 & (0xff >> (n + 1));
  for (let i = 1; i < n; i++) {
    if (i > 1 && (b[p + i] & 0xc0) !== 0x80) return [0xfffd, 1];
    r = (r << 6) | (b[p + i] & 0x3f);
  }
  return [r, n];
}

type Node = { text: Uint8Array } | FuncNode;
interface FuncNode {
  param: string;
  name: string;
  args: Node[];
  start: number; // byte offsets in the unescaped input, for findReferences
  end: number;
}

class ParseError extends Error {
  constructor(readonly reason: string, readonly exprStart = -1) {
    super(reason);
  }
}

class Parser {
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
  unread() { this.pos -= this.width; }
  /** Drops the byte before pos (always an escaping `$` or `\`); pos is not moved. */
  skip() {
    const b = new Uint8Array(this.buf.length - 1);
    b.set(this.buf.subarray(0, this.pos - 1));
    b.set(this.buf.subarray(this.pos), this.pos - 1);
    this.buf = b;
    this.skips.push(this.pos - 1);
  }
  peek(): number { const r = this.read(); this.unread(); return r; }
  token(): Uint8Array { return this.buf.slice(this.start, this.pos); }
  /** Maps a buffer index back to a byte offset in the parser's input. */
  orig(p: number): number {
    for (let i = this.skips.length - 1; i >= 0; i--) if (p >= this.skips[i]) p++;
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

// ---- evaluation (template.go, funcs.go) ------------------------------------------------------

const DEFAULT_OPS = new Set(['-', '+', '=', '?', ':-', ':+', ':=', ':?']);
type Lookup = (name: string) => [string, boolean];

function evalNodes(nodes: Node[], lookup: Lookup): string {
  let out = '';
  for (const n of nodes) out += 'text' in n ? decoder.decode(n.text) : evalFunc(n, lookup);
  return out;
}

function evalFunc(node: FuncNode, lookup: Lookup): string {
  const args = node.args.map((a) => evalNodes([a], lookup)); // evaluated even when unused, as in Go
  const [v, exists] = lookup(node.param);
  if (!exists && !DEFAULT_OPS.has(node.name))
    throw new FluxSubstitutionError(`variable not set (strict mode): ${JSON.stringify(node.param)}`, 'variable not set');
  return applyFunc(node.name, v, args);
}

function applyFunc(name: string, s: string, args: string[]): string {
  const [a, b] = args;
  switch (name) {
    case ',': return mapFirst(s, (c) => c.toLowerCase());
    case ',,': return mapAll(s, (c) => c.toLowerCase());
    case '^': return mapFirst(s, (c) => c.toUpperCase());
    case '^^': return mapAll(s, (c) => c.toUpperCase());
    case '#': return args.length === 0 ? String(encoder.encode(s).length) : trim(s, a, false, false);
    case '##': return args.length ? trim(s, a, true, false) : s;
    case '%': return args.length ? trim(s, a, false, true) : s;
    case '%%': return args.length ? trim(s, a, true, true) : s;
    case ':': return toSubstr(s, args);
    case '/#': return args.length === 2 && s.startsWith(a) ? goReplace(s, a, b, 1) : s;
    case '/%': return args.length === 2 && s.endsWith(a) ? s.slice(0, s.length - a.length) + b : s;
    case '/': return args.length ? goReplace(s, a, b ?? '', 1) : s;
    case '//': return args.length ? goReplace(s, a, b ?? '', -1) : s;
    default: return s === '' && args.length ? args.join('') : s; // toDefault, also for ':?', ':+' ...
  }
}

/** unicode.ToUpper/ToLower are 1:1 mappings: keep a character whose JS mapping is not. */
function mapCp(c: string, f: (c: string) => string): string {
  const m = f(c);
  return [...m].length === 1 ? m : c;
}
const mapAll = (s: string, f: (c: string) => string) => [...s].map((c) => mapCp(c, f)).join('');
function mapFirst(s: string, f: (c: string) => string): string {
  const first = [...s][0];
  return first === undefined ? s : mapCp(first, f) + s.slice(first.length);
}

/** strings.Replace: n < 0 means all; an empty `old` matches before every character. */
function goReplace(s: string, old: string, nw: string, n: number): string {
  if (old === '') {
    const cps = [...s];
    const k = n < 0 ? cps.length + 1 : Math.min(n, cps.length + 1);
    return cps.map((c, i) => (i < k ? nw : '') + c).join('') + (k > cps.length ? nw : '');
  }
  return n < 0 ? s.split(old).join(nw) : s.replace(old, () => nw);
}

function goAtoi(s: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  if (n > 0x7fffffffffffffffn || n < -0x8000000000000000n) return undefined;
  const cap = BigInt(Number.MAX_SAFE_INTEGER); // strings are far shorter; clamping keeps the outcome
  return Number(n > cap ? cap : n < -cap ? -cap : n);
}

/** ${v:pos[:len]} on bytes, like Go's s[pos:pos+len]. */
function toSubstr(s: string, args: string[]): string {
  const b = encoder.encode(s);
  let pos = goAtoi(args[0]);
  if (pos === undefined) return s;
  if (pos < 0) pos = Math.max(0, b.length + pos);
  if (args.length === 1) return pos < b.length ? decoder.decode(b.subarray(pos)) : '';
  const len = goAtoi(args[1]);
  if (len === undefined) return s;
  if (pos + len >= b.length) return pos < b.length ? decoder.decode(b.subarray(pos)) : '';
  if (len < 0) {
    throw new FluxSubstitutionError(`panic: runtime error: slice bounds out of range [${pos}:${pos + len}]`, 'panic');
  }
  return decoder.decode(b.subarray(pos, pos + len));
}

/** ${v#p} ${v##p} ${v%p} ${v%%p} on bytes; suffix forms reverse value and pattern by runes, as Go does. */
function trim(s: string, pattern: string, longest: boolean, suffix: boolean): string {
  let b: Uint8Array = encoder.encode(s), pat: Uint8Array = encoder.encode(pattern);
  if (suffix) [b, pat] = [reverseRunes(b), reverseRunes(pat)];
  let rest = b;
  for (let i = 0; i < b.length; i++) {
    const m = globMatch(pat, b.subarray(0, b.length - i));
    if (m === undefined) return s; // ErrBadPattern: value unchanged
    if (m) {
      rest = b.subarray(b.length - i);
      if (longest) break;
    }
  }
  return decoder.decode(suffix ? reverseRunes(rest) : rest);
}

/** Go's []rune round trip: every invalid byte becomes U+FFFD. */
function reverseRunes(b: Uint8Array): Uint8Array {
  const runes: number[] = [];
  for (let p = 0; p < b.length; ) {
    const [r, w] = decodeRune(b, p);
    runes.push(r);
    p += w;
  }
  return encoder.encode(runes.reverse().map((r) => String.fromCodePoint(r)).join(''));
}

const [STAR, QMARK, LSQ, RSQ, CARET, DASH] = [...'*?[]^-'].map((c) => c.charCodeAt(0));
type Bytes = Uint8Array;

/** envsubst/path.Match on bytes; undefined stands for ErrBadPattern. A trailing `*` also matches `/`. */
function globMatch(pattern: Bytes, name: Bytes): boolean | undefined {
  outer: while (pattern.length > 0) {
    let star = false;
    while (pattern.length > 0 && pattern[0] === STAR) {
      pattern = pattern.subarray(1);
      star = true;
    }
    let i = 0, inrange = false;
    for (; i < pattern.length; i++) {
      const c = pattern[i];
      if (c === BSLASH) {
        if (i + 1 < pattern.length) i++;
      } else if (c === LSQ) inrange = true;
      else if (c === RSQ) inrange = false;
      else if (c === STAR && !inrange) break;
    }
    const chunk = pattern.subarray(0, i);
    pattern = pattern.subarray(i);
    if (star && chunk.length === 0) return true;
    const first = matchChunk(chunk, name);
    if (first.rest && (first.rest.length === 0 || pattern.length > 0)) {
      name = first.rest;
      continue;
    }
    if (first.bad) return undefined;
    if (star) {
      for (let j = 0; j < name.length; j++) {
        const m = matchChunk(chunk, name.subarray(j + 1));
        if (m.rest) {
          if (pattern.length === 0 && m.rest.length > 0) continue;
          name = m.rest;
          continue outer;
        }
        if (m.bad) return undefined;
      }
    }
    return false;
  }
  return name.length === 0;
}

function matchChunk(chunk: Bytes, s: Bytes): { rest?: Bytes; bad?: boolean } {
  const BAD = { bad: true };
  while (chunk.length > 0) {
    if (s.length === 0) return {};
    const c = chunk[0];
    if (c === LSQ) {
      const [r, n] = decodeRune(s, 0);
      s = s.subarray(n);
      chunk = chunk.subarray(1);
      let notNegated = true;
      if (chunk.length > 0 && chunk[0] === CARET) {
        notNegated = false;
        chunk = chunk.subarray(1);
      }
      let match = false;
      for (let nrange = 0; ; nrange++) {
        if (chunk.length > 0 && chunk[0] === RSQ && nrange > 0) {
          chunk = chunk.subarray(1);
          break;
        }
        const lo = getEsc(chunk);
        if (!lo) return BAD;
        const hi = lo.rest[0] === DASH ? getEsc(lo.rest.subarray(1)) : lo;
        if (!hi) return BAD;
        chunk = hi.rest;
        if (lo.r <= r && r <= hi.r) match = true;
      }
      if (match !== notNegated) return {};
    } else if (c === QMARK) {
      s = s.subarray(decodeRune(s, 0)[1]);
      chunk = chunk.subarray(1);
    } else {
      if (c === BSLASH) {
        chunk = chunk.subarray(1);
        if (chunk.length === 0) return BAD;
      }
      if (chunk[0] !== s[0]) return {};
      s = s.subarray(1);
      chunk = chunk.subarray(1);
    }
  }
  return { rest: s };
}

function getEsc(chunk: Bytes): { r: number; rest: Bytes } | undefined {
  if (chunk.length === 0 || chunk[0] === DASH || chunk[0] === RSQ) return undefined;
  if (chunk[0] === BSLASH) {
    chunk = chunk.subarray(1);
    if (chunk.length === 0) return undefined;
  }
  const [r, n] = decodeRune(chunk, 0);
  const rest = chunk.subarray(n);
  return (r === 0xfffd && n === 1) || rest.length === 0 ? undefined : { r, rest };
}

// ---- public API -----------------------------------------------------------------------------

/** envsubst.Eval with Flux's mapper. Throws FluxSubstitutionError with the Go error text. */
export function substitute(text: string, vars: Record<string, string>, opts: SubstituteOptions = {}): string {
  const strict = opts.strict ?? true;
  const parser = new Parser(encoder.encode(text));
  let nodes: Node[];
  try {
    nodes = parser.parseAny();
  } catch (e) {
    if (e instanceof ParseError) throw new FluxSubstitutionError(e.reason, e.reason as FluxErrorReason);
    throw e;
  }
  const has = (k: string) => Object.prototype.hasOwnProperty.call(vars, k);
  return evalNodes(nodes, (name) => [has(name) ? vars[name] : '', strict ? has(name) : true]);
}

interface ScanResult {
  references: FluxReference[];
  malformed: MalformedReference[];
}

/** Parses like Flux, but after a malformed `${` carries on behind it to report everything. */
function scanText(text: string): ScanResult {
  const bytes = encoder.encode(text);
  let lastByte = 0, lastUnit = 0; // offsets mostly grow, so decode only the new stretch
  const toOffset = (byteOff: number) => {
    if (byteOff < lastByte) [lastByte, lastUnit] = [0, 0];
    lastUnit += decoder.decode(bytes.subarray(lastByte, byteOff)).length;
    lastByte = byteOff;
    return lastUnit;
  };
  const out: ScanResult = { references: [], malformed: [] };
  const collect = (nodes: Node[], base: number) => {
    for (const n of nodes) {
      if ('text' in n) continue;
      const raw = decoder.decode(bytes.subarray(base + n.start, base + n.end));
      out.references.push({ name: n.param, hasDefault: DEFAULT_OPS.has(n.name), raw, offset: toOffset(base + n.start) });
      collect(n.args, base);
    }
  };
  for (let base = 0; ; ) {
    const parser = new Parser(bytes.subarray(base));
    try {
      collect(parser.parseAny(), base);
      return out;
    } catch (e) {
      if (!(e instanceof ParseError) || e.exprStart < 0) throw e;
      collect(parser.root, base);
      const start = base + e.exprStart;
      const line = text.slice(toOffset(start)).split('\n')[0];
      const close = line.indexOf('}');
      const raw = close >= 0 ? line.slice(0, close + 1) : line.slice(0, 80);
      out.malformed.push({ raw, offset: toOffset(start), reason: e.reason });
      base = start + 2; // treat this `${` as text, as if it had been escaped
    }
  }
}

/** The variables a text expects, in order of appearance (nested default expressions included). */
export function findReferences(text: string): FluxReference[] {
  return scanText(text).references;
}

/** Every `${` that Flux cannot parse; any one of them fails the whole Flux Kustomization. */
export function findMalformed(text: string): MalformedReference[] {
  return scanText(text).malformed;
}

/** The emitter rule of FLUX_AND_KRM.md §2.5: text Flux substitution would change or reject. */
export function needsProtection(text: string): boolean {
  return text.includes('${') || text.includes('$$');
}

/**
 * Escapes text so that substitution gives it back: `${` → `$${`, `$$` → `$$$$`. A run of `$`
 * is doubled when it is followed by `{` or is longer than one; a lone `$` (as in `$1`) is kept.
 * Does not survive a U+0000 character: Flux's scanner stops reading there.
 */
export function escapeForFlux(text: string): string {
  return text.replace(/\$+(?=\{)|\$\$+/g, (run) => run + run);
}

export interface ApplyOptions extends SubstituteOptions {
  /** spec.postBuild.substituteStrategy: Always; by default nothing happens without variables. */
  always?: boolean;
}

/** Parse like go-yaml v2 (sigs.k8s.io/yaml): YAML 1.1 scalars, but dates and `12:30` stay strings. */
const YAML_V2: YAML.ParseOptions & YAML.DocumentOptions & YAML.SchemaOptions = {
  version: '1.1',
  customTags: (tags) =>
    tags.filter((t) => typeof t === 'string' || (t.tag !== 'tag:yaml.org,2002:timestamp' && t.format !== 'TIME')),
};

const VAR_NAME = /^[_A-Za-z][_A-Za-z0-9]*$/; // Go's ^[_[:alpha:]][_[:alpha:][:digit:]]*$ (ASCII classes)

/**
 * What kustomize-controller does to one resource of a Flux Kustomization with postBuild
 * (fluxcd/pkg kustomize_varsub.go): skip opted-out objects, validate names, drop newlines from
 * values, substitute in the whole YAML text (keys too) and parse it again (YAML 1.1, like
 * sigs.k8s.io/yaml). Returns the input object when Flux would leave it alone.
 */
export function applyToObject<T extends object>(obj: T, vars: Record<string, string>, opts: ApplyOptions = {}): T {
  const meta = (obj as { metadata?: { labels?: Record<string, unknown>; annotations?: Record<string, unknown> } })
    .metadata;
  if (meta?.labels?.[FLUX_SUBSTITUTE] === 'disabled' || meta?.annotations?.[FLUX_SUBSTITUTE] === 'disabled') return obj;
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(vars)) {
    if (!VAR_NAME.test(k)) {
      throw new FluxSubstitutionError(
        `'${k}' var name is invalid, must match '^[_[:alpha:]][_[:alpha:][:digit:]]*$'`,
        'invalid var name',
      );
    }
    clean[k] = v.replaceAll('\n', '');
  }
  if (Object.keys(clean).length === 0 && !opts.always) return obj;
  const text = YAML.stringify(obj, OUTPUT_OPTIONS);
  let out: string;
  try {
    out = substitute(text, clean, opts);
  } catch (e) {
    if (e instanceof FluxSubstitutionError) {
      throw new FluxSubstitutionError(`envsubst error: variable substitution failed: ${e.message}`, e.reason);
    }
    throw e;
  }
  const doc = YAML.parseDocument(out, YAML_V2);
  if (doc.errors.length) {
    throw new FluxSubstitutionError(`envsubst error: YAMLToJSON: ${doc.errors[0].message}`, 'yaml');
  }
  return doc.toJS() as T;
}

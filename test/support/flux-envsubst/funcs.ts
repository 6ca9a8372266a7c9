// Evaluation of fluxcd/pkg envsubst v1.7.0 (template.go) and its string functions (funcs.go).
import { FluxSubstitutionError } from './errors.ts';
import { globMatch } from './glob.ts';
import { DEFAULT_OPS, decodeRune, decoder, encoder, type FuncNode, type Node } from '../../../functions/flux/envsubst-parse.ts';

// ---- evaluation (template.go, funcs.go) ------------------------------------------------------

export type Lookup = (name: string) => [string, boolean];

export function evalNodes(nodes: Node[], lookup: Lookup): string {
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
    case ',':
      return mapFirst(s, (c) => c.toLowerCase());
    case ',,':
      return mapAll(s, (c) => c.toLowerCase());
    case '^':
      return mapFirst(s, (c) => c.toUpperCase());
    case '^^':
      return mapAll(s, (c) => c.toUpperCase());
    case '#':
      return a === undefined ? String(encoder.encode(s).length) : trim(s, a, false, false);
    case '##':
      return a !== undefined ? trim(s, a, true, false) : s;
    case '%':
      return a !== undefined ? trim(s, a, false, true) : s;
    case '%%':
      return a !== undefined ? trim(s, a, true, true) : s;
    case ':':
      return toSubstr(s, args);
    case '/#':
      return args.length === 2 && a !== undefined && b !== undefined && s.startsWith(a) ? goReplace(s, a, b, 1) : s;
    case '/%':
      return args.length === 2 && a !== undefined && b !== undefined && s.endsWith(a) ? s.slice(0, s.length - a.length) + b : s;
    case '/':
      return a !== undefined ? goReplace(s, a, b ?? '', 1) : s;
    case '//':
      return a !== undefined ? goReplace(s, a, b ?? '', -1) : s;
    default:
      return s === '' && args.length ? args.join('') : s; // toDefault, also for ':?', ':+' ...
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

function goAtoi(s: string | undefined): number | undefined {
  if (s === undefined || !/^[+-]?[0-9]+$/.test(s)) return undefined;
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
  let b: Uint8Array = encoder.encode(s),
    pat: Uint8Array = encoder.encode(pattern);
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
  return encoder.encode(
    runes
      .reverse()
      .map((r) => String.fromCodePoint(r))
      .join(''),
  );
}

// What one line of block YAML holds, read without a parser: the key and how its value starts
// (nested block, block scalar, one-line plain or quoted scalar, flow collection). The entry
// splitter reads the ResourceList's top-level keys with it; the entry-head reader reads an item's
// identity. Whatever is not plainly delimited gives undefined: the caller then asks yaml.

export type Value =
  /** Nested lines follow (a block mapping or sequence, or null when there are none). */
  | { t: 'block'; key: string; from: number; to: number; content: boolean }
  /** A block scalar (`|`, `>`): its lines follow. */
  | { t: 'literal'; key: string }
  /** A one-line plain scalar; more-indented lines would continue it. */
  | { t: 'plain'; key: string; v: string; continued: boolean }
  /** A closed one-line value: a quoted scalar (v known when it has no escapes) or a flow collection. */
  | { t: 'closed'; key: string; v?: string; emptyMap?: boolean };

export const SPACE = 32;
export const HASH = 35;
export const DASH = 45;
/** Plain words YAML 1.2 (core schema) reads as null or booleans, not strings. */
const RESERVED = new Set(['null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE', '__proto__']);

/** `key: value` at keyAt; undefined unless the key is a simple plain word and the value well delimited. */
export function keyLine(raw: string, keyAt: number, end: number): Value | undefined {
  let i = keyAt;
  const c0 = raw.charCodeAt(i);
  if (!(isAlpha(c0) || c0 === 95)) return undefined;
  while (i < end && isKeyChar(raw.charCodeAt(i))) i++;
  if (raw.charCodeAt(i) !== 58 /* : */ || (i + 1 < end && raw.charCodeAt(i + 1) !== SPACE)) return undefined;
  const key = raw.slice(keyAt, i);
  if (RESERVED.has(key)) return undefined;
  let v = i + 1 + spaces(raw, i + 1, end);
  // An anchor names the value without changing it (the list reader checks aliases resolve).
  if (raw.charCodeAt(v) === 38 /* & */) {
    const a = anchorEnd(raw, v, end);
    if (a < 0 || (a < end && raw.charCodeAt(a) !== SPACE)) return undefined;
    v = a + spaces(raw, a, end);
    if ('&*!'.includes(raw[v] ?? '')) return undefined;
  }
  if (raw.charCodeAt(v) === 42 /* * */) {
    // An alias: its value is not read here, but it is well delimited.
    const a = anchorEnd(raw, v, end);
    return a > 0 && restIsComment(raw, a, end) ? { t: 'closed', key } : undefined;
  }
  if (v >= end || raw.charCodeAt(v) === HASH) return { t: 'block', key, from: 0, to: 0, content: false };
  const ch = raw[v]!;
  if (ch === '|' || ch === '>') return /^[|>]([1-9][+-]?|[+-][1-9]?)?( +#.*)? *$/.test(raw.slice(v, end)) ? { t: 'literal', key } : undefined;
  if (ch === '"' || ch === "'") return quoted(raw, key, v, end);
  if (ch === '{' || ch === '[') {
    const close = flowEnd(raw, v, end);
    if (close < 0 || !restIsComment(raw, close, end)) return undefined;
    return { t: 'closed', key, emptyMap: raw.slice(v, close) === '{}' };
  }
  if ('&*!?%@`,]}#:'.includes(ch) || (ch === '-' && (v + 1 === end || raw.charCodeAt(v + 1) === SPACE))) return undefined;
  let e = v;
  while (e < end) {
    const c = raw.charCodeAt(e);
    if (c === 9 /* tab */) return undefined;
    if (c === HASH && raw.charCodeAt(e - 1) === SPACE) break;
    e++;
  }
  // YAML trims only spaces here (tabs were refused above): NBSP, U+3000, U+FEFF... are content.
  while (e > v && raw.charCodeAt(e - 1) === SPACE) e--;
  const value = raw.slice(v, e);
  if (value.includes(': ') || value.endsWith(':')) return undefined; // a nested mapping: invalid here
  return { t: 'plain', key, v: value, continued: false };
}

function quoted(raw: string, key: string, v: number, end: number): Value | undefined {
  const close = quoteEnd(raw, v, end);
  if (close < 0 || !restIsComment(raw, close + 1, end)) return undefined;
  const body = raw.slice(v + 1, close);
  if (raw.charCodeAt(v) === 39) return { t: 'closed', key, v: body.replaceAll("''", "'") };
  return { t: 'closed', key, v: body.includes('\\') ? undefined : body };
}

/** Index of the quote closing the scalar that opens at `v`, on this line; -1 when it does not close. */
function quoteEnd(raw: string, v: number, end: number): number {
  const q = raw.charCodeAt(v);
  for (let i = v + 1; i < end; i++) {
    const c = raw.charCodeAt(i);
    if (q === 34 && c === 92 /* \ */) i++;
    else if (c === q) {
      if (q === 39 && raw.charCodeAt(i + 1) === 39) i++;
      else return i;
    }
  }
  return -1;
}

/** Index after the flow collection opening at `v` when it closes on this line, else -1. */
function flowEnd(raw: string, v: number, end: number): number {
  let depth = 0;
  for (let i = v; i < end; i++) {
    const c = raw.charCodeAt(i);
    if (c === 34 || c === 39) {
      i = quoteEnd(raw, i, end);
      if (i < 0) return -1;
    } else if (c === 91 || c === 123) depth++;
    else if (c === 93 || c === 125) {
      if (--depth === 0) return i + 1;
    } else if (c === HASH && raw.charCodeAt(i - 1) === SPACE) return -1;
  }
  return -1;
}

/** Index after the anchor or alias name starting at `at` (its `&` or `*`); -1 when the name is empty. */
function anchorEnd(raw: string, at: number, end: number): number {
  let i = at + 1;
  while (i < end && !' \t,[]{}'.includes(raw[i]!)) i++;
  return i > at + 1 ? i : -1;
}

function restIsComment(raw: string, from: number, end: number): boolean {
  const s = from + spaces(raw, from, end);
  return s === end || (raw.charCodeAt(s) === HASH && s > from);
}

/** A plain scalar YAML 1.2 reads as a string: not null, a boolean or a number. */
export function isPlainString(v: string): boolean {
  if (!v || RESERVED.has(v)) return false;
  const c = v.charCodeAt(0);
  return !((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46 || c === 126); // 0-9 + - . ~
}

const isAlpha = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isKeyChar = (c: number) => isAlpha(c) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 47 || c === DASH;

export function lineEnd(s: string, pos: number): number {
  const e = s.indexOf('\n', pos);
  return e < 0 ? s.length : e;
}

export function spaces(s: string, from: number, end: number): number {
  let i = from;
  while (i < end && s.charCodeAt(i) === SPACE) i++;
  return i - from;
}

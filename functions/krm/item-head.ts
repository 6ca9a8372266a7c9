// An item's identity (apiVersion, kind, metadata name, namespace, labels, annotations) read
// straight from its text, without a YAML parser: ownership and conflict checks need only these,
// and a package can hold thousands of items that are otherwise copied through untouched.
// Only plain block YAML is read this way. Anything else (flow style, anchors, aliases, tags,
// quoted or complex keys, escapes, duplicate keys, values YAML would not read as strings,
// multi-line values in these fields) gives undefined and the caller parses the item in full:
// a wrong answer is worse than a slow one, so every doubt means giving up.

export interface Head {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
  annotations: Record<string, string>;
  labels: Record<string, string>;
}

export type Value =
  /** Nested lines follow (a block mapping or sequence, or null when there are none). */
  | { t: 'block'; key: string; from: number; to: number; content: boolean }
  /** A block scalar (`|`, `>`): its lines follow. */
  | { t: 'literal'; key: string }
  /** A one-line plain scalar; more-indented lines would continue it. */
  | { t: 'plain'; key: string; v: string; continued: boolean }
  /** A closed one-line value: a quoted scalar (v known when it has no escapes) or a flow collection. */
  | { t: 'closed'; key: string; v?: string; emptyMap?: boolean };

const SPACE = 32;
const HASH = 35;
const DASH = 45;
const TOP = new Set(['apiVersion', 'kind', 'metadata']);
const META = new Set(['name', 'namespace', 'labels', 'annotations']);
/** Plain words YAML 1.2 (core schema) reads as null or booleans, not strings. */
const RESERVED = new Set(['null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE', '__proto__']);

export function scanHead(raw: string): Head | undefined {
  // Comment lines may come before the dash (the first item of a list keeps the list's comments).
  let pos = 0;
  for (;;) {
    if (pos >= raw.length) return undefined;
    const end = lineEnd(raw, pos);
    const ind = spaces(raw, pos, end);
    if (pos + ind < end && raw.charCodeAt(pos + ind) !== HASH) break;
    pos = end + 1;
  }
  const end = lineEnd(raw, pos);
  const c = spaces(raw, pos, end);
  const dash = pos + c;
  if (raw.charCodeAt(dash) !== DASH || (dash + 1 < end && raw.charCodeAt(dash + 1) !== SPACE)) return undefined;
  const key = dash + 1 + spaces(raw, dash + 1, end);
  const top =
    key < end && raw.charCodeAt(key) !== HASH
      ? scanMap(raw, end + 1, raw.length, c, TOP, { m: key - pos, keyAt: key, end })
      : scanMap(raw, end + 1, raw.length, c, TOP);
  if (!top) return undefined;
  const apiVersion = scalar(top.get('apiVersion'));
  const kind = scalar(top.get('kind'));
  if (apiVersion === undefined || kind === undefined) return undefined;
  const head: Head = { apiVersion, kind, name: '', namespace: '', annotations: {}, labels: {} };
  const md = top.get('metadata');
  if (!md) return head;
  if (md.t !== 'block' || !md.content) return undefined;
  const meta = scanMap(raw, md.from, md.to, -1, META);
  if (!meta) return undefined;
  const name = scalar(meta.get('name'));
  const namespace = scalar(meta.get('namespace'));
  const annotations = stringMap(raw, meta.get('annotations'));
  const labels = stringMap(raw, meta.get('labels'));
  if (name === undefined || namespace === undefined || !annotations || !labels) return undefined;
  return { ...head, name, namespace, annotations, labels };
}

/** A wanted scalar: '' when absent, undefined when not a one-line string. */
function scalar(v: Value | undefined): string | undefined {
  if (!v) return '';
  if (v.t === 'closed') return v.emptyMap ? undefined : v.v;
  if (v.t === 'plain' && !v.continued && isPlainString(v.v)) return v.v;
  return undefined;
}

/** Labels or annotations: a block mapping of one-line strings, `{}`, or absent. */
function stringMap(raw: string, v: Value | undefined): Record<string, string> | undefined {
  if (!v) return {};
  if (v.t === 'closed' && v.emptyMap) return {};
  if (v.t !== 'block' || !v.content) return undefined;
  const map = scanMap(raw, v.from, v.to, -1, null);
  if (!map) return undefined;
  const out: Record<string, string> = {};
  for (const [k, val] of map) {
    const s = val.t === 'plain' || val.t === 'closed' ? scalar(val) : undefined;
    if (s === undefined) return undefined;
    out[k] = s;
  }
  return out;
}

/**
 * The keys of the block mapping in lines [from, to), all more indented than `parent` (-1: take
 * the first line's indentation). `wanted` keys get values a caller can read; null: every key is
 * wanted and must be a one-line scalar. Undefined when the mapping is not simple enough.
 */
function scanMap(
  raw: string,
  from: number,
  to: number,
  parent: number,
  wanted: Set<string> | null,
  first?: { m: number; keyAt: number; end: number },
): Map<string, Value> | undefined {
  const out = new Map<string, Value>();
  let m = first ? first.m : -1;
  let cur: Value | undefined;
  const add = (keyAt: number, end: number, lineStart: number): boolean => {
    const v = keyLine(raw, keyAt, end);
    if (!v || out.has(v.key)) return false;
    if (cur?.t === 'block') cur.to = lineStart;
    if (v.t === 'block') v.from = end + 1;
    out.set(v.key, v);
    cur = v;
    return true;
  };
  if (first && !add(first.keyAt, first.end, first.keyAt)) return undefined;
  for (let pos = from; pos < to; ) {
    const end = Math.min(lineEnd(raw, pos), to);
    const ind = spaces(raw, pos, end);
    const ch = raw.charCodeAt(pos + ind);
    if (pos + ind === end || ch === HASH) {
      pos = end + 1;
      continue;
    }
    if (m < 0) {
      if (ind <= parent) return undefined;
      m = ind;
    }
    if (ind < m) return undefined;
    if (ind === m) {
      if (ch === DASH && (pos + ind + 1 === end || raw.charCodeAt(pos + ind + 1) === SPACE)) {
        // A block sequence at the key's own indentation (`key:\n- a`): only for unwanted keys.
        if (cur?.t !== 'block' || !wanted || wanted.has(cur.key)) return undefined;
        cur.content = true;
      } else if (!add(pos + ind, end, pos)) return undefined;
    } else {
      if (!cur) return undefined;
      if (cur.t === 'block') cur.content = true;
      else if (cur.t === 'plain') cur.continued = true;
      else if (cur.t === 'closed') return undefined;
      if (cur.t === 'plain' && (!wanted || wanted.has(cur.key))) return undefined;
    }
    pos = end + 1;
  }
  if (cur?.t === 'block') cur.to = to;
  if (m < 0) return undefined;
  return out;
}

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
  const value = raw.slice(v, e).trimEnd();
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
function isPlainString(v: string): boolean {
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

// ---------------------------------------------------------------- whole items as plain data

/** The YAML 1.2 core schema's tests for plain scalars that are not strings (yaml's own regexes). */
const NOT_STRING = [
  /^(?:~|[Nn]ull|NULL)?$/,
  /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
  /^0o[0-7]+$/,
  /^[-+]?[0-9]+$/,
  /^0x[0-9a-fA-F]+$/,
];
const KEY_LINE = /^([A-Za-z_][A-Za-z0-9_./-]*):(?: +(.*))?$/;
const INDICATOR = /^[-?:,[\]{}#&*!|>'"%@`]/;
class Decline extends Error {}
const decline = (): never => { throw new Decline(); };

/**
 * One sequence entry's text as plain data, when it is the plainest block YAML: printable ASCII,
 * no comments, block maps with simple unique keys, block sequences, one-line plain scalars that
 * YAML reads as strings, one-line quoted strings without escapes. The same object yaml's
 * parseDocument + toJS gives; anything else gives undefined and the caller parses it with yaml.
 */
export function readPlainEntry(raw: string): unknown {
  if (!/^[\x20-\x7e\n]*$/.test(raw) || raw.includes('#')) return undefined;
  const lines: { ind: number; s: string }[] = [];
  for (const line of raw.split('\n')) {
    const s = line.trimEnd();
    if (s !== '') lines.push({ ind: line.length - line.trimStart().length, s: s.trimStart() });
  }
  if (lines.length === 0 || !lines[0]!.s.startsWith('- ')) return undefined;
  let i = 0;
  const isEntry = (s: string) => s.startsWith('- ') || s === '-';

  const scalar = (v: string): string => {
    const q = v[0];
    if (q === '"') return v.length >= 2 && v.endsWith('"') && !/["\\]/.test(v.slice(1, -1)) ? v.slice(1, -1) : decline();
    if (q === "'") return v.length >= 2 && v.endsWith("'") && /^(?:[^']|'')*$/.test(v.slice(1, -1)) ? v.slice(1, -1).replace(/''/g, "'") : decline();
    if (INDICATOR.test(v) || v.includes(': ') || v.endsWith(':') || NOT_STRING.some((re) => re.test(v)) || v === '__proto__') decline();
    return v;
  };
  // A one-line value: a more indented line after it would continue it (or be an error).
  const ended = (n: number) => { if (i < lines.length && lines[i]!.ind > n) decline(); };

  const seq = (n: number): unknown[] => {
    const out: unknown[] = [];
    while (i < lines.length && lines[i]!.ind === n && isEntry(lines[i]!.s)) {
      const s = lines[i]!.s;
      const rest = s.slice(1).trimStart();
      if (rest === '' || isEntry(rest)) decline();
      if (KEY_LINE.test(rest)) {
        lines[i] = { ind: n + s.length - rest.length, s: rest }; // `- key: v` starts a map at the key's column
        out.push(map(lines[i]!.ind));
      } else {
        out.push(scalar(rest));
        i++;
        ended(n);
      }
    }
    ended(n);
    return out;
  };

  const map = (n: number): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    while (i < lines.length && lines[i]!.ind === n) {
      const m = KEY_LINE.exec(lines[i]!.s) ?? decline();
      const key = m[1]!;
      if (key.length > 1000 || key === '__proto__' || Object.prototype.hasOwnProperty.call(out, key) || NOT_STRING.some((re) => re.test(key))) decline();
      i++;
      if (m[2] !== undefined) {
        out[key] = scalar(m[2]);
        ended(n);
      } else if (i < lines.length && lines[i]!.ind > n) {
        out[key] = isEntry(lines[i]!.s) ? seq(lines[i]!.ind) : map(lines[i]!.ind);
      } else if (i < lines.length && lines[i]!.ind === n && isEntry(lines[i]!.s)) {
        out[key] = seq(n); // a sequence may sit at its key's indentation
      } else {
        out[key] = null;
      }
    }
    ended(n);
    return out;
  };

  try {
    const n = lines[0]!.ind;
    const list = seq(n);
    return list.length === 1 && i === lines.length ? list[0] : undefined;
  } catch (e) {
    if (e instanceof Decline) return undefined;
    throw e;
  }
}

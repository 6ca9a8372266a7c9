// An item's identity (identity.ts) read straight from its entry text, without a YAML parser:
// ownership and conflict checks need only these, and a package can hold thousands of items that
// are otherwise copied through untouched.
// Only plain block YAML is read this way. Anything else (flow style, anchors, aliases, tags,
// quoted or complex keys, escapes, duplicate keys, values YAML would not read as strings,
// multi-line values in these fields) gives undefined and the caller parses the item in full:
// a wrong answer is worse than a slow one, so every doubt means giving up.
import type { Identity } from './identity.ts';
import { DASH, HASH, SPACE, isPlainString, keyLine, lineEnd, spaces, type Value } from './yaml-lines.ts';

const TOP = new Set(['apiVersion', 'kind', 'metadata']);
const META = new Set(['name', 'namespace', 'labels', 'annotations']);

export function readEntryHead(raw: string): Identity | undefined {
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
  const head: Identity = { apiVersion, kind, name: '', namespace: '', annotations: {}, labels: {}, isResource: !!apiVersion && !!kind };
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

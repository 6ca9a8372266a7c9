// The entry splitter: where each item of a ResourceList starts and ends, found by a line scanner
// instead of a YAML document of the whole package (entries of the block sequence under
// `items:`). Each item then keeps its exact text. It reads the top-level keys it needs and the
// functionConfig (read alone: by the plain-entry reader, else yaml); it never decides whether an
// item is valid YAML (resource-list.ts asks yaml, item by item).
// Whenever the list itself is not the plain block layout kpt and kustomize write (directives,
// several documents, flow style at the top, CRLF line ends, ...) this gives up and the caller
// parses the whole text. An entry whose own lines are odd (a line left of its content) is marked,
// and only that entry is left to the full parser.
import YAML from 'yaml';
import { Item } from './item.ts';
import { blockStyle } from './entry-text.ts';
import { readPlainEntry } from './plain-entry.ts';
import { DASH, HASH, SPACE, keyLine, lineEnd, spaces } from './yaml-lines.ts';

export interface Entry {
  /** The exact text, comment lines around it included. */
  raw: string;
  /** Its offset in the list's text. */
  start: number;
  /** The column of its dash. */
  indent: number;
  /** Its lines do not share one indentation: the scanner cannot tell it is one item. */
  odd: boolean;
}

interface Split {
  entries: Entry[];
  functionConfig?: Item;
}

export function splitEntries(text: string): Split | undefined {
  if (text.charCodeAt(0) === 0xfeff || text.includes('\r')) return undefined;
  const len = text.length;
  const seen = new Set<string>();
  let entries: Entry[] | undefined;
  let functionConfig: Item | undefined;
  let kindOk = false;
  let started = false;
  for (let pos = 0; pos < len; ) {
    const end = lineEnd(text, pos);
    const ind = spaces(text, pos, end);
    if (pos + ind === end || text.charCodeAt(pos + ind) === HASH) {
      pos = end + 1;
      continue;
    }
    if (ind > 0) return undefined;
    // One document start before the first key; a second `---` is a second document.
    if (!seen.size && !started && end === pos + 3 && text.startsWith('---', pos)) {
      started = true;
      pos = end + 1;
      continue;
    }
    const v = keyLine(text, pos, end);
    if (!v || seen.has(v.key)) return undefined;
    seen.add(v.key);
    if (v.key === 'items') {
      if (v.t === 'closed' && /^items: *\[\] *(#.*)?$/.test(text.slice(pos, end))) {
        entries = [];
        pos = end + 1;
        continue;
      }
      if (v.t !== 'block') return undefined;
      const read = readEntries(text, end + 1);
      if (!read) return undefined;
      entries = read.entries;
      pos = read.end;
      continue;
    }
    // Any other top-level key: its value is the following indented lines (or a sequence at column 0).
    let next = end + 1;
    let valueEnd = next;
    while (next < len) {
      const e = lineEnd(text, next);
      const i = spaces(text, next, e);
      const blankOrComment = next + i === e || text.charCodeAt(next + i) === HASH;
      if (!blankOrComment && i === 0 && !(v.t === 'block' && isEntry(text, next, e))) break;
      next = e + 1;
      if (!blankOrComment) valueEnd = next;
    }
    if (v.key === 'kind') {
      const value = v.t === 'plain' || v.t === 'closed' ? v.v : undefined;
      if (valueEnd !== end + 1 || (value !== 'ResourceList' && value !== 'List')) return undefined;
      kindOk = true;
    } else if (v.key === 'functionConfig') {
      const plain = /^functionConfig: *$/.test(text.slice(pos, end)) ? plainConfig(text.slice(end + 1, Math.min(valueEnd, len))) : undefined;
      if (plain) functionConfig = plain;
      else {
        const doc = standalone(text.slice(pos, Math.min(valueEnd, len)));
        if (!doc || !YAML.isMap(doc.contents)) return undefined;
        const node = doc.contents.get('functionConfig', true) as YAML.Node | undefined;
        if (node && !(YAML.isScalar(node) && node.value === null)) functionConfig = Item.fromNode(blockStyle(node));
      }
    }
    pos = next;
  }
  if (!entries || !kindOk) return undefined;
  return { entries, functionConfig };
}

/**
 * The entries of the block sequence starting at `from`. Comment and blank lines go with the entry
 * before them (the first entry also takes those before it), so every byte stays with an item.
 * Returns where the sequence ends: the next line at column 0 that is not an entry, comment or blank.
 */
function readEntries(text: string, from: number): { entries: Entry[]; end: number } | undefined {
  const len = text.length;
  const bounds: number[] = [];
  const odd: boolean[] = [];
  let c = -1;
  let m = -1; // the column of the current item's content: none of its lines may start left of it
  let pos = from;
  for (; pos < len; ) {
    const end = lineEnd(text, pos);
    const ind = spaces(text, pos, end);
    if (pos + ind === end || text.charCodeAt(pos + ind) === HASH) {
      pos = end + 1;
      continue;
    }
    const entry = isEntry(text, pos + ind, end);
    if (c < 0 && !entry) return undefined; // `items:` with no entries (null) or a mapping
    if ((c < 0 || ind === c) && entry) {
      bounds.push(c < 0 ? from : pos);
      odd.push(false);
      c = ind;
      const content = pos + ind + 1 + spaces(text, pos + ind + 1, end);
      m = content < end && text.charCodeAt(content) !== HASH ? content - pos : -1;
    } else if (ind > c) {
      if (m < 0) m = ind;
      else if (ind < m) odd[odd.length - 1] = true;
    } else if (ind === 0) break;
    else return undefined; // a line between the list's indentation and column 0
    pos = end + 1;
  }
  if (c < 0) return undefined;
  pos = Math.min(pos, len);
  bounds.push(pos);
  const entries: Entry[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    entries.push({ raw: text.slice(bounds[i], bounds[i + 1]), start: bounds[i]!, indent: c, odd: odd[i]! });
  }
  return { entries, end: pos };
}

/**
 * A functionConfig mapping at column 2 read by the plain-entry reader, as the list entry it would
 * be (`  apiVersion: ...` becomes `- apiVersion: ...`): the same data, and yaml's parser, whose
 * first use costs a cold start ~2 ms, does not run for a plain package. Undefined when the reader
 * declines; then yaml parses it.
 */
function plainConfig(value: string): Item | undefined {
  if (!value.startsWith('  ') || ' #-'.includes(value[2] ?? ' ')) return undefined;
  const entry = `- ${value.slice(2)}`;
  const data = readPlainEntry(entry);
  return data && typeof data === 'object' && !Array.isArray(data) ? Item.fromEntry(entry, 0, { data }) : undefined;
}

/** The text parsed on its own; undefined when it has errors or an alias it cannot resolve. */
function standalone(text: string): YAML.Document.Parsed | undefined {
  const doc = YAML.parseDocument(text, { uniqueKeys: false, logLevel: 'error' });
  if (doc.errors.length) return undefined;
  let ok = true;
  if (text.includes('*')) {
    YAML.visit(doc, {
      Alias(_, a) {
        if (a.resolve(doc)) return undefined;
        ok = false;
        return YAML.visit.BREAK;
      },
    });
  }
  return ok ? doc : undefined;
}

/** A block sequence entry indicator at `at`: `-` then a space or the end of the line. */
function isEntry(text: string, at: number, end: number): boolean {
  return text.charCodeAt(at) === DASH && (at + 1 === end || text.charCodeAt(at + 1) === SPACE);
}

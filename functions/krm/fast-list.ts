// Reading a ResourceList without building a YAML document of the whole package: a line scanner
// finds where each item starts and ends (entries of the block sequence under `items:`), and each
// item keeps its exact text. Item identity is read from that text (item-head.ts); only the
// functionConfig and items too complex for that are parsed here, and items that may hold aliases
// are lexed to prove each alias resolves inside its own item.
// Whenever the input is not the plain block layout kpt and kustomize write (directives, several
// documents, flow style at the top, CRLF line ends, aliases between items, ...) this gives up
// and the caller parses the whole text as before.
import YAML from 'yaml';
import { Item, blockStyle, parseEntry } from './item.ts';
import { keyLine, lineEnd, scanHead, spaces } from './item-head.ts';

const SPACE = 32;
const HASH = 35;
const DASH = 45;
/** What may be a `*alias` (also matches inside scalars and comments: only a hint). */
const MAYBE_ALIAS = /(?:^|[\s[{,])\*[^\s[\]{},]/;

export function fastReadResourceList(text: string): { items: Item[]; functionConfig?: Item } | undefined {
  if (text.charCodeAt(0) === 0xfeff || text.includes('\r')) return undefined;
  const len = text.length;
  const seen = new Set<string>();
  let items: Item[] | undefined;
  let functionConfig: Item | undefined;
  let kindOk = false;
  for (let pos = 0; pos < len; ) {
    const end = lineEnd(text, pos);
    const ind = spaces(text, pos, end);
    if (pos + ind === end || text.charCodeAt(pos + ind) === HASH) {
      pos = end + 1;
      continue;
    }
    if (ind > 0) return undefined;
    if (!seen.size && end === pos + 3 && text.startsWith('---', pos)) {
      pos = end + 1;
      continue;
    }
    const v = keyLine(text, pos, end);
    if (!v || seen.has(v.key)) return undefined;
    seen.add(v.key);
    if (v.key === 'items') {
      if (v.t === 'closed' && /^items: *\[\] *(#.*)?$/.test(text.slice(pos, end))) {
        items = [];
        pos = end + 1;
        continue;
      }
      if (v.t !== 'block') return undefined;
      const read = readItems(text, end + 1);
      if (!read) return undefined;
      items = read.items;
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
      const doc = standalone(text.slice(pos, Math.min(valueEnd, len)));
      if (!doc || !YAML.isMap(doc.contents)) return undefined;
      const node = doc.contents.get('functionConfig', true) as YAML.Node | undefined;
      if (node && !(YAML.isScalar(node) && node.value === null)) functionConfig = Item.fromNode(blockStyle(node));
    }
    pos = next;
  }
  if (!items || !kindOk) return undefined;
  return { items, functionConfig };
}

/**
 * The entries of the block sequence starting at `from`. Comment and blank lines go with the entry
 * before them (the first entry also takes those before it), so every byte stays with an item.
 * Returns where the sequence ends: the next line at column 0 that is not an entry, comment or blank.
 */
function readItems(text: string, from: number): { items: Item[]; end: number } | undefined {
  const len = text.length;
  const bounds: number[] = [];
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
      if (c < 0) bounds.push(from);
      else bounds.push(pos);
      c = ind;
      const content = pos + ind + 1 + spaces(text, pos + ind + 1, end);
      m = content < end && text.charCodeAt(content) !== HASH ? content - pos : -1;
    } else if (ind > c) {
      if (m < 0) m = ind;
      else if (ind < m) return undefined;
    } else if (ind === 0) break;
    else return undefined; // a line between the list's indentation and column 0
    pos = end + 1;
  }
  if (c < 0) return undefined;
  pos = Math.min(pos, len);
  bounds.push(pos);
  const items: Item[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const raw = text.slice(bounds[i], bounds[i + 1]);
    // Anchors and aliases must resolve within the item, so it still means the same when it is
    // written alone, moved, or its neighbours replaced.
    if (MAYBE_ALIAS.test(raw) && !aliasesResolveWithin(raw)) return undefined;
    const head = scanHead(raw);
    if (head) {
      items.push(Item.fromEntry(raw, c, undefined, head));
      continue;
    }
    // Not simple enough to read its identity from text: parse it now, as the full reader would,
    // so invalid YAML is reported as such (by the full reader, with its line numbers).
    let node: YAML.Node | null;
    try {
      node = parseEntry(raw);
    } catch {
      return undefined;
    }
    items.push(Item.fromEntry(raw, c, node, null));
  }
  return { items, end: pos };
}

/** True when every alias in the text follows an anchor of its name in the text (YAML's own lexer says which are real). */
function aliasesResolveWithin(raw: string): boolean {
  const anchors = new Set<string>();
  let scalar = false;
  for (const token of new YAML.Lexer().lex(raw)) {
    if (scalar) scalar = false; // a scalar's text: `*` and `&` in it are characters
    else if (token === YAML.CST.SCALAR) scalar = true;
    else if (token.charCodeAt(0) === 38 /* & */) anchors.add(token.slice(1));
    else if (token.charCodeAt(0) === 42 /* * */ && !anchors.has(token.slice(1))) return false;
  }
  return true;
}

/** The text parsed on its own; undefined when it has errors or an alias it cannot resolve. */
function standalone(text: string): YAML.Document.Parsed | undefined {
  const doc = YAML.parseDocument(text, { uniqueKeys: false });
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


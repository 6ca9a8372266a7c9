// The full reader: the whole ResourceList parsed as one YAML document (yaml's parser), each item
// keeping its node (and so its comments). Used for input the entry splitter does not handle, for
// the entries it leaves to the parser, and as the other half of KRM_FAST_PATH=verify.
import YAML from 'yaml';
import { Item } from './item.ts';
import { blockStyle } from './entry-text.ts';
import { InputError, itemError, showPosition, yamlReason } from './read-errors.ts';

export interface DocumentList {
  items: Item[];
  functionConfig?: Item;
  /** Where each item's node starts in the text (-1 for an empty entry). */
  starts: number[];
}

export function readDocument(text: string): DocumentList {
  // (Warnings such as an unknown tag are no reason to print: the item passes through as it is.)
  const docs = YAML.parseAllDocuments(text, { uniqueKeys: false, logLevel: 'error' });
  if (!Array.isArray(docs)) throw new InputError('input is not YAML');
  for (const doc of docs) {
    const e = doc.errors[0];
    if (!e) continue;
    // An exhausted stack is no syntax error: the caller reports input nested too deeply.
    if (/Maximum call stack size exceeded/.test(e.message)) throw new RangeError(e.message);
    throw errorAt(text, doc, e);
  }
  const real = docs.filter((d) => d.contents !== null);
  if (real.length !== 1) {
    throw new InputError(`expected exactly one YAML document (a ResourceList), got ${real.length}`);
  }
  const doc = real[0]!;
  const aliases = text.includes('*');
  const root = doc.contents;
  if (!YAML.isMap(root)) throw new InputError('input is not a ResourceList: the document is not a mapping');
  const kind: unknown = root.get('kind');
  if (kind !== 'ResourceList' && kind !== 'List') {
    throw new InputError(`input is not a ResourceList: kind is ${JSON.stringify(kind ?? null)}, expected "ResourceList"`);
  }
  if (!root.has('items')) throw new InputError('the ResourceList has no items field (use items: [] for an empty list)');
  const itemsNode = root.get('items', true);
  let items: Item[] = [];
  let starts: number[] = [];
  if (YAML.isSeq(itemsNode)) {
    items = itemsNode.items.map((n) => itemOf(n as YAML.Node, doc, aliases));
    starts = itemsNode.items.map((n) => (YAML.isNode(n) && n.range ? n.range[0] : -1));
  } else if (!(YAML.isScalar(itemsNode) && itemsNode.value === null)) {
    throw new InputError('the ResourceList items field is not a list');
  }
  const fc = root.get('functionConfig', true) as YAML.Node | undefined;
  const functionConfig = fc && !(YAML.isScalar(fc) && fc.value === null) ? itemOf(fc, doc, aliases) : undefined;
  return { items, functionConfig, starts };
}

/** A syntax error: inside an item, an error result naming it; elsewhere, one line with a caret. */
function errorAt(text: string, doc: YAML.Document.Parsed, e: YAML.YAMLError): InputError {
  const offset = unclosedQuoteAt(doc, e) ?? e.pos[0];
  const seq = YAML.isMap(doc.contents) ? doc.contents.get('items', true) : undefined;
  const entry = YAML.isSeq(seq) && seq.range ? entryAt(text, seq.range[0], offset) : undefined;
  if (entry) {
    // yaml's node of that item, when its reading of the list still lines up with the text.
    const node = (seq as unknown as YAML.YAMLSeq).items[entry.index] as YAML.Node | undefined;
    const lined = node?.range && node.range[0] >= entry.start && node.range[0] < entry.end;
    return itemError(text, offset, e, entry.index, lined ? node : undefined, text.slice(entry.start, entry.end));
  }
  return new InputError(`input is not valid YAML (${yamlReason(e)}) at ${showPosition(text, offset)}`);
}

/** yaml reports a quote left open where the text ends: the quote itself is the place to show. */
function unclosedQuoteAt(doc: YAML.Document.Parsed, e: YAML.YAMLError): number | undefined {
  if (e.code !== 'MISSING_CHAR' || !/quote/.test(e.message)) return undefined;
  let at: number | undefined;
  YAML.visit(doc, {
    Scalar(_, s) {
      const quoted = s.type === 'QUOTE_DOUBLE' || s.type === 'QUOTE_SINGLE';
      if (quoted && s.range && s.range[0] < e.pos[0] && s.range[1] >= e.pos[0]) at = s.range[0];
    },
  });
  return at;
}

/**
 * The entry of the list (its first dash at `list`) holding `offset`, by indentation alone: where
 * yaml's reading of a broken item ends says little. An entry runs from its dash line to the next
 * line at or left of the dash's column that is not blank or a comment.
 */
function entryAt(text: string, list: number, offset: number): { index: number; start: number; end: number } | undefined {
  const col = list - (text.lastIndexOf('\n', list - 1) + 1);
  let index = -1;
  let start = -1;
  for (let pos = text.lastIndexOf('\n', list - 1) + 1; pos < text.length; ) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const line = text.slice(pos, end);
    const ind = line.search(/[^ ]/);
    if (ind === col && line[ind] === '-' && (line.length === ind + 1 || line[ind + 1] === ' ')) {
      // (An error at an entry's very dash is yaml ending the entry before: it belongs there.)
      if (pos + col >= offset) break;
      index++;
      start = pos;
    } else if (ind >= 0 && ind <= col && line[ind] !== '#') {
      // The list ended: an error after it is not in an item.
      return pos > offset && start >= 0 ? { index, start, end: pos } : undefined;
    }
    pos = end + 1;
  }
  if (start < 0) return undefined;
  let end = text.indexOf('\n', offset);
  for (; end >= 0 && end < text.length; end = text.indexOf('\n', end + 1)) {
    const line = text.slice(end + 1, text.indexOf('\n', end + 1) >>> 0);
    const ind = line.search(/[^ ]/);
    if (ind >= 0 && ind <= col && line[ind] !== '#') break;
  }
  return { index, start, end: end < 0 ? text.length : end };
}

/**
 * An item of a parsed list. One with an alias to an anchor outside it would mean nothing on its
 * own (nor once its neighbours move): it becomes plain data, its aliases resolved (and bounded).
 */
function itemOf(node: YAML.Node, doc: YAML.Document.Parsed, aliases: boolean): Item {
  if (!node || !aliases || !hasOuterAlias(node)) return Item.fromNode(node ? blockStyle(node) : node);
  try {
    return Item.fromObject(node.toJS(doc, { maxAliasCount: 100 }));
  } catch (e) {
    throw new InputError(`input is not usable YAML: ${(e as Error).message}`);
  }
}

function hasOuterAlias(node: YAML.Node): boolean {
  const anchors = new Set<string>();
  let outer = false;
  YAML.visit(node, (_, n) => {
    if (YAML.isAlias(n)) {
      if (!anchors.has(n.source)) outer = true;
    } else if (YAML.isNode(n) && n.anchor) anchors.add(n.anchor);
    return outer ? YAML.visit.BREAK : undefined;
  });
  return outer;
}

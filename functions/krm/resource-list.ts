// ResourceList (config.kubernetes.io/v1) I/O. Items the function does not touch are written back
// with their comments and formatting: read by entries (entry-splitter.ts), each item keeps its
// exact text; what the splitter does not handle is parsed whole (document-reader.ts), keeping each
// item's node. Every item is checked to be valid YAML either way, with the parser's verdict.
import YAML from 'yaml';
import { Item } from './item.ts';
import { splitEntries, type Entry } from './entry-splitter.ts';
import { readDocument } from './document-reader.ts';
import { entryNode, parseEntryDocument } from './entry-text.ts';
import { readPlainEntry } from './plain-entry.ts';
import { readEntryHead } from './entry-head.ts';
import { differenceBetween } from './verify.ts';
import { InputError, ItemError } from './read-errors.ts';
import type { Result } from './types.ts';
import { asSequenceEntry, stringify } from './yaml.ts';

export { InputError, ItemError } from './read-errors.ts';

export interface ResourceList {
  items: Item[];
  functionConfig?: Item;
}

export const MAX_INPUT_BYTES = Number(process.env.KRM_MAX_INPUT_BYTES) || 64 * 1024 * 1024;

/**
 * How the list is read: `entries` (the line readers, falling back to the parser per item or for
 * the whole list), `parser` (yaml's parser only), `verify` (both; any difference is an error).
 */
export type ReadMode = 'entries' | 'parser' | 'verify';

/** KRM_FAST_PATH=0 reads with the parser only (to compare, or to rule the line readers out); =verify checks them. */
const READ_MODE: ReadMode = process.env.KRM_FAST_PATH === '0' ? 'parser' : process.env.KRM_FAST_PATH === 'verify' ? 'verify' : 'entries';

export function readResourceList(text: string, options: { mode?: ReadMode } = {}): ResourceList {
  if (Buffer.byteLength(text) > MAX_INPUT_BYTES) {
    throw new InputError(
      `input is ${Buffer.byteLength(text)} bytes, over the limit of ${MAX_INPUT_BYTES} bytes; split the package or raise KRM_MAX_INPUT_BYTES`,
    );
  }
  if (!text.trim()) throw new InputError('no input: expected a ResourceList (config.kubernetes.io/v1) on stdin');
  const mode = options.mode ?? READ_MODE;
  if (mode === 'parser') return readDocument(text);
  if (mode === 'entries') return readByEntries(text);
  const [byEntries, byParser] = [attempt(() => readByEntries(text)), attempt(() => readDocument(text))];
  // A disagreement is an error result (exit 1), naming the item when there is one.
  if (byEntries instanceof Error || byParser instanceof Error) {
    if (byEntries instanceof Error && byParser instanceof Error && byEntries.message === byParser.message) throw byEntries;
    const say = (r: unknown) => (r instanceof Error ? `refused it (${r.message.split('\n')[0]})` : 'read it');
    throw new ItemError({ severity: 'error', message: `KRM_FAST_PATH=verify: the line reader ${say(byEntries)}, the YAML parser ${say(byParser)}` });
  }
  const diff = differenceBetween(byEntries, byParser);
  if (diff) {
    const result: Result = { severity: 'error', message: `KRM_FAST_PATH=verify: the line reader and the YAML parser disagree: ${diff.what}` };
    if (diff.item?.isResource) result.resourceRef = diff.item.ref;
    if (diff.item?.file) result.file = diff.item.file;
    throw new ItemError(result);
  }
  return byEntries;
}

function attempt<T>(read: () => T): T | Error {
  try {
    return read();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
}

/** What may be a `*alias` (also matches inside scalars and comments: only a hint). */
const MAYBE_ALIAS = /(?:^|[\s[{,])\*[^\s[\]{},]/;

/**
 * The list read by entries. An entry yaml refuses alone, or one whose lines the splitter cannot
 * follow, goes to the parser with the whole list: its verdict (an error naming the item) stands,
 * and when it reads the same items, only the odd entries take its reading.
 */
function readByEntries(text: string): ResourceList {
  const split = splitEntries(text);
  if (!split) return readDocument(text);
  const items: (Item | undefined)[] = [];
  for (const e of split.entries) {
    // Anchors and aliases must resolve within the item, so it still means the same when it is
    // written alone, moved, or its neighbours replaced; else the parser resolves them.
    if (MAYBE_ALIAS.test(e.raw) && !aliasesResolveWithin(e.raw)) return readDocument(text);
    items.push(e.odd ? undefined : entryItem(e));
  }
  if (items.every((i) => i !== undefined)) return { items: items as Item[], functionConfig: split.functionConfig };
  const parsed = readDocument(text);
  if (!aligned(split.entries, parsed.starts)) return parsed;
  return { items: items.map((i, n) => i ?? parsed.items[n]!), functionConfig: split.functionConfig };
}

/** The item of an entry yaml accepts; undefined when yaml refuses the entry read alone. */
function entryItem(e: Entry): Item | undefined {
  // The plain-entry reader accepts only what yaml reads, and reads it the same: proof enough,
  // and the item's data (kept: reading it again would cost more than holding it).
  const data = readPlainEntry(e.raw);
  if (data !== undefined) return Item.fromEntry(e.raw, e.indent, { data });
  const doc = parseEntryDocument(e.raw);
  if (doc.errors.length) return undefined;
  // An identity the text does not show is read now, from the node just parsed.
  return readEntryHead(e.raw) ? Item.fromEntry(e.raw, e.indent) : Item.fromEntry(e.raw, e.indent, { node: entryNode(doc) });
}

/** The parser's items are the splitter's entries: as many, each starting inside its entry. */
function aligned(entries: Entry[], starts: number[]): boolean {
  if (entries.length !== starts.length) return false;
  return entries.every((e, i) => starts[i]! >= e.start && starts[i]! < e.start + e.raw.length);
}

/** True when every alias in the text follows an anchor of its name in the text (YAML's own lexer says which are real). */
function aliasesResolveWithin(raw: string): boolean {
  const anchors = new Set<string>();
  let scalar = false;
  for (const token of new YAML.Lexer().lex(raw)) {
    if (scalar)
      scalar = false; // a scalar's text: `*` and `&` in it are characters
    else if (token === YAML.CST.SCALAR) scalar = true;
    else if (token.charCodeAt(0) === 38 /* & */) anchors.add(token.slice(1));
    else if (token.charCodeAt(0) === 42 /* * */ && !anchors.has(token.slice(1))) return false;
  }
  return true;
}

export function writeResourceList(items: Item[], results: Result[], functionConfig?: Item): string {
  let out = 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n';
  out += items.length ? `items:\n${items.map((i) => i.sequenceEntry() ?? asSequenceEntry(i.toYAML())).join('')}` : 'items: []\n';
  if (functionConfig) out += `functionConfig:\n${indent(functionConfig.toYAML())}`;
  if (results.length) out += stringify({ results });
  return out;
}

/** Items only, as a multi-document YAML stream: what legacy kustomize exec plugins print. */
export function writeDocuments(items: Item[]): string {
  return items.map((i) => i.toYAML()).join('---\n');
}

function indent(text: string): string {
  return `${text
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => (l ? `  ${l}` : l))
    .join('\n')}\n`;
}

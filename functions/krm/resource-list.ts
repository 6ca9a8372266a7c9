// ResourceList (config.kubernetes.io/v1) I/O. Items the function does not touch are written back
// with their comments and formatting: the fast reader (fast-list.ts) keeps each item's exact text;
// input it does not handle is parsed as one YAML document, keeping each item's node.
import YAML from 'yaml';
import { Item, blockStyle } from './item.ts';
import { fastReadResourceList } from './fast-list.ts';
import type { Result } from './types.ts';
import { asSequenceEntry, stringify } from './yaml.ts';

export interface ResourceList {
  items: Item[];
  functionConfig?: Item;
}

/** Input the function cannot use at all: reported on stderr, exit code 1, no stack trace. */
export class InputError extends Error {}

export const MAX_INPUT_BYTES = Number(process.env.KRM_MAX_INPUT_BYTES) || 64 * 1024 * 1024;

/** KRM_FAST_PATH=0 turns the fast reader off (to compare, or to rule it out). */
const FAST = process.env.KRM_FAST_PATH !== '0';

export function readResourceList(text: string, options: { fast?: boolean } = {}): ResourceList {
  if (Buffer.byteLength(text) > MAX_INPUT_BYTES) {
    throw new InputError(
      `input is ${Buffer.byteLength(text)} bytes, over the limit of ${MAX_INPUT_BYTES} bytes; split the package or raise KRM_MAX_INPUT_BYTES`,
    );
  }
  if (!text.trim()) throw new InputError('no input: expected a ResourceList (config.kubernetes.io/v1) on stdin');
  if (options.fast ?? FAST) {
    const list = fastReadResourceList(text);
    if (list) return list;
  }
  const docs = YAML.parseAllDocuments(text, { uniqueKeys: false, prettyErrors: true });
  if (!Array.isArray(docs)) throw new InputError('input is not YAML');
  const docErrors = docs.flatMap((d) => d.errors);
  if (docErrors.length) {
    const why = firstLine(docErrors[0]!.message);
    // An exhausted stack is no syntax error: the caller reports input nested too deeply.
    if (/Maximum call stack size exceeded/.test(why)) throw new RangeError(why);
    throw new InputError(`input is not valid YAML: ${why}`);
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
  if (YAML.isSeq(itemsNode)) {
    items = itemsNode.items.map((n) => itemOf(n as YAML.Node, doc, aliases));
  } else if (!(YAML.isScalar(itemsNode) && itemsNode.value === null)) {
    throw new InputError('the ResourceList items field is not a list');
  }
  const fc = root.get('functionConfig', true) as YAML.Node | undefined;
  const functionConfig = fc && !(YAML.isScalar(fc) && fc.value === null) ? itemOf(fc, doc, aliases) : undefined;
  return { items, functionConfig };
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

export function writeResourceList(items: Item[], results: Result[], functionConfig?: Item): string {
  let out = 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n';
  out += items.length ? 'items:\n' + items.map((i) => i.sequenceEntry() ?? asSequenceEntry(i.toYAML())).join('') : 'items: []\n';
  if (functionConfig) out += 'functionConfig:\n' + indent(functionConfig.toYAML());
  if (results.length) out += stringify({ results });
  return out;
}

/** Items only, as a multi-document YAML stream: what legacy kustomize exec plugins print. */
export function writeDocuments(items: Item[]): string {
  return items.map((i) => i.toYAML()).join('---\n');
}

function indent(text: string): string {
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => (l ? `  ${l}` : l))
    .join('\n') + '\n';
}

function firstLine(s: string): string {
  return s.split('\n')[0]!;
}

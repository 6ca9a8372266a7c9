// One resource in a ResourceList, read-only once read. It comes from one of three sources: an
// entry of the input list (its exact text, written back byte for byte, parsed only when a
// function reads more than its identity), a parsed YAML node (input the entry splitter left to
// the full parser: written back with its comments), or data a function generated.
import YAML from 'yaml';
import type { KrmObject, ResourceRef } from './types.ts';
import { ORCHESTRATOR_ANNOTATIONS } from './annotations.ts';
import { stringify, NODE_OUTPUT_OPTIONS } from './yaml.ts';
import { readEntryHead } from './entry-head.ts';
import { readPlainEntry } from './plain-entry.ts';
import { fileOf, identityOfData, type Identity } from './identity.ts';
import { dedentEntry, parseEntry, shiftLeft } from './entry-text.ts';

const MAX_ALIASES = 100;

type Source =
  /** The exact text of one block sequence entry of the input list, its dash at column `indent`. */
  | { from: 'entry'; raw: string; indent: number; data?: unknown }
  | { from: 'node'; node: YAML.Node | null }
  /** Generated data; `text` when it is written with a header. */
  | { from: 'data'; data: unknown; text?: string };

export class Item {
  // Caches of what the source says; each is computed at most once and never changes.
  private node?: YAML.Node | null;
  private data?: unknown;
  private id?: Identity;

  private constructor(private readonly source: Source) {
    if (source.from === 'node') this.node = source.node;
    if (source.from === 'data') this.data = source.data;
  }

  /** An item read from input: its YAML node is kept for faithful passthrough. */
  static fromNode(node: YAML.Node | null): Item {
    return new Item({ from: 'node', node });
  }

  /**
   * An item from the exact text of one block sequence entry (`- ...` lines, the dash at column
   * `indent`, with any comment lines around it). Written back byte for byte unless replaced;
   * parsed only when read beyond its identity. `node` when the reader already parsed it, or
   * `data` when the plain-entry reader read it (what yaml reads, so the item's data).
   */
  static fromEntry(raw: string, indent: number, read?: { node: YAML.Node | null } | { data: unknown }): Item {
    const item = new Item(read && 'data' in read ? { from: 'entry', raw, indent, data: read.data } : { from: 'entry', raw, indent });
    if (read && 'node' in read) item.node = read.node;
    return item;
  }

  /** An item created by a function. */
  static fromObject(obj: KrmObject | Record<string, unknown>): Item {
    return new Item({ from: 'data', data: obj });
  }

  /** An item created by a function, written after `header` (comment lines, each ending in a newline). */
  static fromObjectWithHeader(obj: KrmObject, header: string): Item {
    return new Item({ from: 'data', data: obj, text: header + stringify(obj) });
  }

  /**
   * The item as plain data. Aliases are expanded with a bound, so alias bombs fail fast. Data
   * read from input is frozen: an item never changes once read (use withAnnotation for a copy).
   */
  // biome-ignore lint/suspicious/noExplicitAny: arbitrary user YAML; callers narrow with zod or explicit checks, and unknown here would only move the casts to every reader
  get object(): any {
    if (this.data === undefined) {
      // Plain block entries are read without yaml's document model (same data, several times faster).
      const s = this.source;
      let data = s.from === 'entry' ? (s.data ?? (this.node === undefined ? readPlainEntry(s.raw) : undefined)) : undefined;
      if (data === undefined) {
        // logLevel 'error': yaml's warnings (a collection as a mapping key is stringified, as the
        // plain reader does too) would go to stderr, which is for the function's own messages.
        const doc = new YAML.Document(undefined, { logLevel: 'error' });
        doc.contents = this.yamlNode() ?? null;
        data = doc.toJS({ maxAliasCount: MAX_ALIASES }) ?? null;
      }
      this.data = deepFreeze(data);
    }
    return this.data;
  }

  /** The parsed node of input, parsing the entry text on first use; undefined for generated data. */
  private yamlNode(): YAML.Node | null | undefined {
    if (this.node === undefined && this.source.from === 'entry') this.node = parseEntry(this.source.raw);
    return this.node;
  }

  /**
   * The identity: read from the entry text when it is plain enough, else from the data. Both
   * readings give the same answer for every input, so the order of reads never changes it.
   */
  get identity(): Identity {
    if (!this.id) {
      // (Data the reader already read is the cheaper source; else the entry-head reader saves parsing.)
      const s = this.source;
      const fromText = s.from === 'entry' && s.data === undefined ? readEntryHead(s.raw) : undefined;
      this.id = fromText ?? identityOfData(this.object);
    }
    return this.id;
  }

  get apiVersion(): string {
    return this.identity.apiVersion;
  }
  get kind(): string {
    return this.identity.kind;
  }
  get name(): string {
    return this.identity.name;
  }
  get namespace(): string {
    return this.identity.namespace;
  }
  get annotations(): Record<string, string> {
    return this.identity.annotations;
  }
  get labels(): Record<string, string> {
    return this.identity.labels;
  }
  /** True when the item is a mapping with apiVersion, kind and a name. */
  get isResource(): boolean {
    return this.identity.isResource;
  }
  get group(): string {
    const v = this.apiVersion;
    return v.includes('/') ? v.slice(0, v.lastIndexOf('/')) : '';
  }

  /** Identity across API versions of the same group: group, kind, namespace, name. */
  get key(): string {
    return `${this.group}|${this.kind}|${this.namespace}|${this.name}`;
  }

  get ref(): ResourceRef {
    const r: ResourceRef = { apiVersion: this.apiVersion, kind: this.kind, name: this.name };
    if (this.namespace) r.namespace = this.namespace;
    return r;
  }

  /** Where the orchestrator read this item from, for results. */
  get file(): { path: string; index?: number } | undefined {
    return fileOf(this.annotations);
  }

  /** The item as YAML text (not indented). Untouched input keeps its original text and comments. */
  toYAML(): string {
    const s = this.source;
    if (s.from === 'data') return s.text ?? stringify(s.data);
    if (s.from === 'entry') {
      const text = dedentEntry(s.raw, s.indent);
      if (text !== undefined) return text;
    }
    const doc = new YAML.Document(undefined, NODE_OUTPUT_OPTIONS);
    doc.contents = this.yamlNode() ?? null;
    return doc.toString(NODE_OUTPUT_OPTIONS);
  }

  /**
   * The item as a block sequence entry at column 0, byte for byte as it was read, when it came
   * from a list entry (undefined otherwise: then write `asSequenceEntry(toYAML())`).
   */
  sequenceEntry(): string | undefined {
    if (this.source.from !== 'entry') return undefined;
    const { raw, indent } = this.source;
    const text = indent === 0 ? raw : shiftLeft(raw, indent);
    return text.endsWith('\n') ? text : `${text}\n`;
  }

  /** A copy with one annotation set; YAML input keeps its comments and layout. */
  withAnnotation(key: string, value: string): Item {
    const node = this.yamlNode();
    if (node && YAML.isMap(node)) {
      const doc = new YAML.Document();
      doc.contents = node.clone() as YAML.Node;
      doc.setIn(['metadata', 'annotations', key], doc.createNode(value));
      const ann = doc.getIn(['metadata', 'annotations'], true);
      if (YAML.isMap(ann)) ann.flow = false;
      return Item.fromNode(doc.contents as YAML.Node);
    }
    const obj = structuredClone(this.object);
    obj.metadata = { ...obj.metadata, annotations: { ...obj.metadata?.annotations, [key]: value } };
    return Item.fromObject(obj);
  }

  /** The object without orchestrator annotations: what the item means. */
  semantic(): unknown {
    const o = structuredClone(this.object);
    const a = o?.metadata?.annotations;
    if (a && typeof a === 'object') {
      for (const k of ORCHESTRATOR_ANNOTATIONS) delete a[k];
      if (Object.keys(a).length === 0) delete o.metadata.annotations;
    }
    return o;
  }
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v) && !ArrayBuffer.isView(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

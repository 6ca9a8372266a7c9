// One resource in a ResourceList. Input items keep their original YAML (and so their comments)
// unless a function replaces them; generated items start as plain objects.
// Items read by the fast ResourceList reader keep their exact entry text: written back byte for
// byte, and parsed only when a function reads more than their identity (item-head.ts).
import YAML from 'yaml';
import type { KrmObject, ResourceRef } from './types.ts';
import { ORCHESTRATOR_ANNOTATIONS, PATH, INDEX } from './annotations.ts';
import { stringify, OUTPUT_OPTIONS } from './yaml.ts';
import { readPlainEntry, scanHead, type Head } from './item-head.ts';

const MAX_ALIASES = 100;

/** An item's exact text as a block sequence entry of the input list, indented by `indent`. */
interface Entry {
  raw: string;
  indent: number;
}

export class Item {
  private obj?: any;
  /** Identity read from the entry text; null when that text is not simple enough to read so. */
  private head?: Head | null;
  private constructor(
    private node?: YAML.Node | null,
    obj?: unknown,
    private readonly sourceText?: string,
    private readonly entry?: Entry,
  ) {
    if (obj !== undefined) this.obj = obj;
  }

  /** An item read from input: its YAML node is kept for faithful passthrough. */
  static fromNode(node: YAML.Node | null): Item {
    return new Item(node);
  }

  /** An item from a raw YAML text block (one mapping, not indented). Parsed only when read. */
  static fromText(text: string): Item {
    return new Item(undefined, undefined, text);
  }

  /**
   * An item from the exact text of one block sequence entry (`- ...` lines, the dash at column
   * `indent`, with any comment lines around it). Written back byte for byte unless replaced;
   * parsed only when read beyond its identity. `node` and `head` when already read (head null:
   * the identity is not simple enough to read from text).
   */
  static fromEntry(raw: string, indent: number, node?: YAML.Node | null, head?: Head | null): Item {
    const item = new Item(node, undefined, undefined, { raw, indent });
    if (head !== undefined) item.head = head;
    return item;
  }

  /** An item created by a function. */
  static fromObject(obj: KrmObject | Record<string, unknown>): Item {
    return new Item(undefined, obj);
  }

  /** The item as plain data. Aliases are expanded with a bound, so alias bombs fail fast. */
  get object(): any {
    // Plain block entries are read without yaml's document model (same data, several times faster).
    if (this.obj === undefined && this.node === undefined && this.entry) this.obj = readPlainEntry(this.entry.raw);
    if (this.obj === undefined) {
      const doc = new YAML.Document();
      doc.contents = this.yamlNode() ?? null;
      this.obj = doc.toJS({ maxAliasCount: MAX_ALIASES }) ?? null;
    }
    return this.obj;
  }

  /** The parsed node, parsing the source or entry text on first use. */
  private yamlNode(): YAML.Node | null | undefined {
    if (this.node === undefined && this.sourceText !== undefined) {
      const doc = YAML.parseDocument(this.sourceText, { uniqueKeys: false });
      if (doc.errors.length) throw new Error(doc.errors[0]!.message);
      this.node = doc.contents;
    }
    if (this.node === undefined && this.entry) this.node = parseEntry(this.entry.raw);
    return this.node;
  }

  /** The identity fields, from the entry text when it is simple, else from the parsed object. */
  private fast(): Head | undefined {
    if (this.head === undefined) this.head = this.entry && this.obj === undefined ? (scanHead(this.entry.raw) ?? null) : null;
    return this.head ?? undefined;
  }

  get apiVersion(): string {
    const h = this.fast();
    return h ? h.apiVersion : str(this.object?.apiVersion);
  }
  get kind(): string {
    const h = this.fast();
    return h ? h.kind : str(this.object?.kind);
  }
  get name(): string {
    const h = this.fast();
    return h ? h.name : str(this.object?.metadata?.name);
  }
  get namespace(): string {
    const h = this.fast();
    return h ? h.namespace : str(this.object?.metadata?.namespace);
  }
  get annotations(): Record<string, string> {
    const h = this.fast();
    if (h) return h.annotations;
    const a = this.object?.metadata?.annotations;
    return a && typeof a === 'object' ? a : {};
  }
  get labels(): Record<string, string> {
    const h = this.fast();
    if (h) return h.labels;
    const l = this.object?.metadata?.labels;
    return l && typeof l === 'object' ? l : {};
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
    const p = this.annotations[PATH] ?? this.annotations['config.kubernetes.io/path'];
    if (!p) return undefined;
    const idx = Number(this.annotations[INDEX] ?? this.annotations['config.kubernetes.io/index'] ?? 0);
    return { path: p, index: Number.isFinite(idx) ? idx : 0 };
  }

  /** True when the item is a mapping with apiVersion, kind and a name. */
  get isResource(): boolean {
    if (this.fast()) return !!this.kind && !!this.apiVersion; // a head is only read from a mapping
    const o = this.object;
    return !!o && typeof o === 'object' && !Array.isArray(o) && !!this.kind && !!this.apiVersion;
  }

  /** The item as YAML text (not indented). Untouched input keeps its original text and comments. */
  toYAML(): string {
    if (this.sourceText !== undefined) return this.sourceText;
    if (this.entry) {
      const text = dedentEntry(this.entry.raw, this.entry.indent);
      if (text !== undefined) return text;
    }
    const node = this.yamlNode();
    if (node !== undefined) {
      const doc = new YAML.Document(undefined, OUTPUT_OPTIONS);
      doc.contents = node;
      return doc.toString(OUTPUT_OPTIONS);
    }
    return stringify(this.object);
  }

  /**
   * The item as a block sequence entry at column 0, byte for byte as it was read, when it came
   * from a list entry (undefined otherwise: then write `asSequenceEntry(toYAML())`).
   */
  sequenceEntry(): string | undefined {
    if (!this.entry) return undefined;
    const { raw, indent } = this.entry;
    const text = indent === 0 ? raw : shiftLeft(raw, indent);
    return text.endsWith('\n') ? text : text + '\n';
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
      return new Item(doc.contents as YAML.Node);
    }
    const obj = structuredClone(this.object);
    obj.metadata = { ...obj.metadata, annotations: { ...obj.metadata?.annotations, [key]: value } };
    return new Item(undefined, obj);
  }

  /** A new item with new content (e.g. an annotation added); the original text is not kept. */
  withObject(obj: unknown): Item {
    return new Item(undefined, obj);
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

function str(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

/** JSON input arrives as flow collections; our output is block style (empty ones stay `{}`/`[]`). */
export function blockStyle<T extends YAML.Node | null>(node: T): T {
  // A plain walk: YAML.visit builds a frozen path array per node, which shows on large packages.
  if (YAML.isCollection(node)) {
    if (node.items.length) node.flow = false;
    for (const it of node.items as unknown[]) {
      if (YAML.isPair(it)) {
        blockStyle(it.key as YAML.Node | null);
        blockStyle(it.value as YAML.Node | null);
      } else blockStyle(it as YAML.Node | null);
    }
  }
  return node;
}

/** The node of a sequence entry's text, parsed on its own (the entry is one block sequence). */
export function parseEntry(raw: string): YAML.Node | null {
  const doc = YAML.parseDocument(raw, { uniqueKeys: false });
  // (The fast reader does not validate items it only passes through: this is where errors show.)
  if (doc.errors.length) throw new Error(`an item is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  const seq = doc.contents;
  if (!YAML.isSeq(seq) || seq.items.length !== 1) throw new Error('internal error: an item entry is not one sequence entry');
  const node = seq.items[0] as YAML.Node | null;
  return node ? blockStyle(node) : node;
}

const spacesAt = (s: string, from: number) => {
  let i = from;
  while (s.charCodeAt(i) === 32) i++;
  return i - from;
};

/** Lines with at least `n` leading spaces lose n; shorter ones are blank or comments (the list reader checks). */
function shiftLeft(raw: string, n: number): string {
  return raw
    .split('\n')
    .map((l) => (spacesAt(l, 0) >= n ? l.slice(n) : l.trimStart()))
    .join('\n');
}

/** The entry's mapping as standalone text; undefined when its lines do not share one indentation. */
function dedentEntry(raw: string, indent: number): string | undefined {
  const lines = raw.split('\n');
  let i = 0;
  while (i < lines.length && !(spacesAt(lines[i]!, 0) === indent && lines[i]!.charCodeAt(indent) === 45)) i++;
  if (i === lines.length) return undefined;
  const out = lines.slice(0, i).map((l) => l.trimStart());
  const dash = lines[i]!;
  const gap = spacesAt(dash, indent + 1);
  const rest = dash.slice(indent + 1 + gap);
  let m = rest && !rest.startsWith('#') ? indent + 1 + gap : -1;
  out.push(rest);
  for (const l of lines.slice(i + 1)) {
    const sp = spacesAt(l, 0);
    if (sp === l.length) {
      out.push(m >= 0 && sp > m ? l.slice(m) : '');
      continue;
    }
    if (l.charCodeAt(sp) === 35 /* # */ && (m < 0 || sp < m)) {
      out.push(l.slice(sp));
      continue;
    }
    if (m < 0) m = sp;
    if (sp < m || sp <= indent) return undefined;
    out.push(l.slice(m));
  }
  return out.join('\n');
}

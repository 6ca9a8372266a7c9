// One resource in a ResourceList. Input items keep their original YAML (and so their comments)
// unless a function replaces them; generated items start as plain objects.
import YAML from 'yaml';
import type { KrmObject, ResourceRef } from './types.ts';
import { ORCHESTRATOR_ANNOTATIONS, PATH, INDEX } from './annotations.ts';
import { stringify, OUTPUT_OPTIONS } from './yaml.ts';

const MAX_ALIASES = 100;

export class Item {
  private obj?: any;
  private constructor(
    private node?: YAML.Node | null,
    obj?: unknown,
    private readonly sourceText?: string,
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

  /** An item created by a function. */
  static fromObject(obj: KrmObject | Record<string, unknown>): Item {
    return new Item(undefined, obj);
  }

  /** The item as plain data. Aliases are expanded with a bound, so alias bombs fail fast. */
  get object(): any {
    if (this.obj === undefined) {
      if (this.node === undefined && this.sourceText !== undefined) {
        const doc = YAML.parseDocument(this.sourceText, { uniqueKeys: false });
        if (doc.errors.length) throw new Error(doc.errors[0]!.message);
        this.node = doc.contents;
      }
      const doc = new YAML.Document();
      doc.contents = this.node ?? null;
      this.obj = doc.toJS({ maxAliasCount: MAX_ALIASES }) ?? null;
    }
    return this.obj;
  }

  get apiVersion(): string {
    return str(this.object?.apiVersion);
  }
  get kind(): string {
    return str(this.object?.kind);
  }
  get name(): string {
    return str(this.object?.metadata?.name);
  }
  get namespace(): string {
    return str(this.object?.metadata?.namespace);
  }
  get annotations(): Record<string, string> {
    const a = this.object?.metadata?.annotations;
    return a && typeof a === 'object' ? a : {};
  }
  get labels(): Record<string, string> {
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
    const o = this.object;
    return !!o && typeof o === 'object' && !Array.isArray(o) && !!this.kind && !!this.apiVersion;
  }

  /** The item as YAML text (not indented). Untouched input keeps its original text and comments. */
  toYAML(): string {
    if (this.sourceText !== undefined) return this.sourceText;
    if (this.node !== undefined) {
      const doc = new YAML.Document(undefined, OUTPUT_OPTIONS);
      doc.contents = this.node;
      return doc.toString(OUTPUT_OPTIONS);
    }
    return stringify(this.object);
  }

  /** A copy with one annotation set; YAML input keeps its comments and layout. */
  withAnnotation(key: string, value: string): Item {
    let node = this.node;
    if (node === undefined && this.sourceText !== undefined) node = YAML.parseDocument(this.sourceText).contents;
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

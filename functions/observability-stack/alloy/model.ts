// A small typed model of an Alloy configuration: components with their arguments and the
// references between them. render.ts turns it into Alloy syntax; nothing here is text.

/**
 * The components the collector uses and the exports each one has (Alloy reference docs).
 * A reference can only name an export listed here, so `loki.write.default.receiver` type-checks
 * and `loki.source.file.pods.receiver` does not.
 */
export const EXPORTS = {
  'discovery.kubernetes': ['targets'],
  'discovery.relabel': ['output', 'rules'],
  'local.file_match': ['targets'],
  'loki.source.file': [],
  'loki.source.kubernetes_events': [],
  'loki.process': ['receiver'],
  'loki.relabel': ['receiver', 'rules'],
  'loki.write': ['receiver'],
  'otelcol.receiver.otlp': [],
  'otelcol.processor.batch': ['input'],
  'otelcol.exporter.otlp': ['input'],
  'otelcol.exporter.otlphttp': ['input'],
  'pyroscope.scrape': [],
  'pyroscope.ebpf': [],
  'pyroscope.write': ['receiver'],
} as const satisfies Record<string, readonly string[]>;

export type ComponentType = keyof typeof EXPORTS;
export type ExportOf<T extends ComponentType> = (typeof EXPORTS)[T][number];

/** A component: `<type> "<label>" { body }`. */
export interface Component<T extends ComponentType = ComponentType> {
  kind: 'component';
  type: T;
  label: string;
  body: Statement[];
}

/** A reference to a component's export: `loki.write.default.receiver`. */
export interface Ref {
  kind: 'ref';
  component: Component;
  export: string;
}

/** A call of one of the standard library functions the collector uses. */
export interface Call {
  kind: 'call';
  fn: 'sys.env' | 'concat' | 'coalesce';
  args: Expr[];
}

/** String concatenation: `"spec.nodeName=" + sys.env("HOSTNAME")`. */
export interface Add {
  kind: 'add';
  operands: Expr[];
}

/** An object literal `{ "key" = value }`; keys keep their order. */
export interface ObjectExpr {
  kind: 'object';
  entries: [string, Expr][];
}

/**
 * Text from the user's config: rendered escaped like any string, but its `${VAR}` stay Flux
 * variables (generated strings are Flux-literal, see render.ts).
 */
export interface UserText {
  kind: 'user';
  text: string;
}

export type Expr = string | number | boolean | Ref | Call | Add | ObjectExpr | UserText | Expr[];

interface Attribute {
  kind: 'attr';
  name: string;
  value: Expr;
}

/** A nested block (`endpoint { … }`, `rule { … }`) or a top-level one (`logging { … }`). */
export interface Block {
  kind: 'block';
  name: string;
  body: Statement[];
}

export type Statement = Attribute | Block;

/** The whole file: top-level blocks first, then components in order. */
export interface AlloyConfig {
  blocks: Block[];
  components: Component[];
}

// ---- builders -------------------------------------------------------------------------------

/** Body shorthand: attributes from an object (undefined values left out), then nested blocks. */
export type BodySpec = Record<string, Expr | undefined>;

function body(attrs: BodySpec, ...blocks: Block[]): Statement[] {
  const out: Statement[] = [];
  for (const [name, value] of Object.entries(attrs)) if (value !== undefined) out.push({ kind: 'attr', name, value });
  return [...out, ...blocks];
}

export const block = (name: string, attrs: BodySpec = {}, ...blocks: Block[]): Block => ({ kind: 'block', name, body: body(attrs, ...blocks) });

export function component<T extends ComponentType>(type: T, label: string, attrs: BodySpec = {}, ...blocks: Block[]): Component<T> {
  return { kind: 'component', type, label, body: body(attrs, ...blocks) };
}

export const ref = <T extends ComponentType>(c: Component<T>, exp: ExportOf<T>): Ref => ({ kind: 'ref', component: c, export: exp });
export const call = (fn: Call['fn'], ...args: Expr[]): Call => ({ kind: 'call', fn, args });
export const add = (...operands: Expr[]): Add => ({ kind: 'add', operands });
export const object = (entries: [string, Expr][]): ObjectExpr => ({ kind: 'object', entries });
export const userText = (text: string): UserText => ({ kind: 'user', text });

/** `<type>.<label>`, the name a component is declared and referenced by. */
export const componentId = (c: Component) => `${c.type}.${c.label}`;

// A checker for Alloy configuration files, for tests: Alloy's scanner and parser rules (Go-style
// terminators, string escapes, `missing ','` in lists and objects) and the loader's checks
// (duplicate components, missing labels, references to components that do not exist or are out
// of scope, cycles). Messages follow Alloy's wording, `FILE:LINE:COL: <kind> error: <message>`,
// and are checked against the upstream-generated syntax-cases fixtures. The parser stops at the
// first syntax error (Alloy's recovers and may report more). No component schema is checked.

export interface Pos {
  line: number;
  col: number;
}
export interface AlloyError extends Pos {
  kind: 'syntax' | 'duplicate' | 'label' | 'reference' | 'cycle';
  message: string;
}

type TokKind = 'ident' | 'string' | 'number' | 'punct' | 'term' | 'eof';
interface Tok extends Pos {
  kind: TokKind;
  text: string;
  /** Decoded value of a string token. */
  value?: string;
}

class SyntaxError_ extends Error {
  constructor(
    readonly pos: Pos,
    message: string,
  ) {
    super(message);
  }
}

const PUNCT = ['==', '!=', '<=', '>=', '&&', '||', '{', '}', '[', ']', '(', ')', ',', '.', '=', '<', '>', '+', '-', '*', '/', '%', '^', '!', ':'];
const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"' };

/** Alloy's scanner: a terminator is inserted at a newline (or EOF) after an identifier, literal or closing bracket. */
export function scan(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  let line = 1;
  let col = 1;
  const needsTerm = () => {
    const last = toks[toks.length - 1];
    return (
      !!last && (last.kind === 'ident' || last.kind === 'string' || last.kind === 'number' || (last.kind === 'punct' && [')', ']', '}'].includes(last.text)))
    );
  };
  const advance = (n: number) => {
    for (let k = 0; k < n; k++) {
      if (src[i] === '\n') {
        line++;
        col = 1;
      } else col++;
      i++;
    }
  };
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === '\n') {
      if (needsTerm()) toks.push({ kind: 'term', text: '\n', line, col });
      advance(1);
    } else if (ch === ' ' || ch === '\t' || ch === '\r') advance(1);
    else if (src.startsWith('//', i)) {
      while (i < src.length && src[i] !== '\n') advance(1);
    } else if (src.startsWith('/*', i)) {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) throw new SyntaxError_({ line, col }, 'comment not terminated');
      advance(end + 2 - i);
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))![0];
      toks.push({ kind: 'ident', text: m, line, col });
      advance(m.length);
    } else if (/[0-9]/.test(ch)) {
      const m = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(src.slice(i))![0];
      toks.push({ kind: 'number', text: m, line, col });
      advance(m.length);
    } else if (ch === '"') {
      const start = { line, col };
      let j = i + 1;
      let value = '';
      for (;;) {
        const c = src[j];
        if (c === undefined || c === '\n') throw new SyntaxError_(start, 'string literal not terminated');
        if (c === '"') break;
        if (c === '\\') {
          const e = src[j + 1] ?? '';
          if (e in ESCAPES) {
            value += ESCAPES[e];
            j += 2;
          } else if (e === 'u' || e === 'U' || e === 'x') {
            const n = e === 'u' ? 4 : e === 'U' ? 8 : 2;
            const hex = src.slice(j + 2, j + 2 + n);
            if (!new RegExp(`^[0-9A-Fa-f]{${n}}$`).test(hex)) throw new SyntaxError_({ line, col: col + (j - i) }, 'illegal character in escape sequence');
            const cp = parseInt(hex, 16);
            if (e !== 'x' && (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)))
              throw new SyntaxError_({ line, col: col + (j - i) }, 'escape sequence is invalid Unicode code point');
            value += String.fromCodePoint(cp);
            j += 2 + n;
          } else if (/[0-7]/.test(e)) {
            const oct = src.slice(j + 1, j + 4);
            if (!/^[0-7]{3}$/.test(oct)) throw new SyntaxError_({ line, col: col + (j - i) }, 'illegal character in escape sequence');
            value += String.fromCharCode(parseInt(oct, 8));
            j += 4;
          } else throw new SyntaxError_({ line, col: col + (j - i) }, 'unknown escape sequence');
        } else {
          value += c;
          j++;
        }
      }
      toks.push({ kind: 'string', text: src.slice(i, j + 1), value, line, col });
      advance(j + 1 - i);
    } else if (ch === '`') {
      const end = src.indexOf('`', i + 1);
      if (end < 0) throw new SyntaxError_({ line, col }, 'raw string literal not terminated');
      toks.push({ kind: 'string', text: src.slice(i, end + 1), value: src.slice(i + 1, end), line, col });
      advance(end + 1 - i);
    } else {
      const p = PUNCT.find((x) => src.startsWith(x, i));
      if (!p) throw new SyntaxError_({ line, col }, `illegal character ${JSON.stringify(ch)}`);
      toks.push({ kind: 'punct', text: p, line, col });
      advance(p.length);
    }
  }
  if (needsTerm()) toks.push({ kind: 'term', text: '\n', line, col });
  toks.push({ kind: 'eof', text: 'EOF', line, col });
  return toks;
}

/** A reference in an expression: the dotted traversal and where it starts. */
export interface Traversal extends Pos {
  path: string[];
}
export interface AttrNode extends Pos {
  type: 'attr';
  name: string;
  refs: Traversal[];
  /** The value when it is a plain string literal. */
  stringValue?: string;
  strings: string[];
}
export interface BlockNode extends Pos {
  type: 'block';
  name: string;
  label?: string;
  body: Node[];
}
export type Node = AttrNode | BlockNode;

const describe = (t: Tok) =>
  t.kind === 'term' ? 'TERMINATOR' : t.kind === 'eof' ? 'EOF' : t.kind === 'string' ? 'STRING' : t.kind === 'number' ? 'NUMBER' : t.text;

class Parser {
  private p = 0;
  constructor(private toks: Tok[]) {}
  private get t() {
    return this.toks[this.p]!;
  }
  private next() {
    return this.toks[this.p++]!;
  }
  private is(text: string) {
    return this.t.kind === 'punct' && this.t.text === text;
  }
  /** The current token's kind, read afresh (TypeScript would keep a narrowing of this.t across calls). */
  private kind(): TokKind {
    return this.toks[this.p]!.kind;
  }
  private expect(text: string): Tok {
    if (!this.is(text)) throw new SyntaxError_(this.t, `expected ${text}, got ${describe(this.t)}`);
    return this.next();
  }

  body(closing: string | null): Node[] {
    const out: Node[] = [];
    for (;;) {
      while (this.t.kind === 'term') this.next();
      if (closing === null ? this.t.kind === 'eof' : this.is(closing)) return out;
      if (this.t.kind === 'eof') throw new SyntaxError_(this.t, `expected ${closing}, got EOF`);
      out.push(this.statement());
      if (this.kind() === 'term') this.next();
      else if (!(closing !== null && this.is(closing)) && this.kind() !== 'eof') throw new SyntaxError_(this.t, `expected TERMINATOR, got ${describe(this.t)}`);
    }
  }

  private statement(): Node {
    const start = this.t;
    if (start.kind !== 'ident') throw new SyntaxError_(start, `expected identifier, got ${describe(start)}`);
    const name = [this.next().text];
    while (this.is('.')) {
      this.next();
      if (this.t.kind !== 'ident') throw new SyntaxError_(this.t, `expected identifier, got ${describe(this.t)}`);
      name.push(this.next().text);
    }
    if (this.is('=') && name.length === 1) {
      this.next();
      const refs: Traversal[] = [];
      const strings: string[] = [];
      const first = this.t;
      this.expr(refs, strings);
      const after: Tok = this.toks[this.p]!;
      const single =
        first.kind === 'string' &&
        this.toks[this.p - 1] === first &&
        (after.kind === 'term' || after.kind === 'eof' || (after.kind === 'punct' && after.text === '}'));
      return { type: 'attr', name: name[0]!, refs, strings, stringValue: single ? first.value : undefined, line: start.line, col: start.col };
    }
    let label: string | undefined;
    if (this.t.kind === 'string') label = this.next().value;
    this.expect('{');
    const body = this.body('}');
    this.expect('}');
    return { type: 'block', name: name.join('.'), label, body, line: start.line, col: start.col };
  }

  private expr(refs: Traversal[], strings: string[], minPrec = 0): void {
    this.unary(refs, strings);
    for (;;) {
      const prec = this.t.kind === 'punct' ? BINARY[this.t.text] : undefined;
      if (prec === undefined || prec < minPrec) return;
      this.next();
      this.expr(refs, strings, prec + 1);
    }
  }

  private unary(refs: Traversal[], strings: string[]): void {
    if (this.is('-') || this.is('!')) {
      this.next();
      this.unary(refs, strings);
      return;
    }
    this.primary(refs, strings);
  }

  private primary(refs: Traversal[], strings: string[]): void {
    const t = this.t;
    if (t.kind === 'string') {
      strings.push(this.next().value!);
    } else if (t.kind === 'number') {
      this.next();
    } else if (t.kind === 'ident') {
      const path = [this.next().text];
      while (this.is('.') && this.toks[this.p + 1]?.kind === 'ident') {
        this.next();
        path.push(this.next().text);
      }
      if (this.is('(')) {
        this.next();
        this.list(')', 'argument list', refs, strings);
      } else if (!['true', 'false', 'null'].includes(path[0]!) || path.length > 1) {
        refs.push({ path, line: t.line, col: t.col });
      }
    } else if (this.is('[')) {
      this.next();
      this.list(']', 'expression list', refs, strings);
    } else if (this.is('{')) {
      this.next();
      this.object(refs, strings);
    } else if (this.is('(')) {
      this.next();
      this.expr(refs, strings);
      this.expect(')');
    } else {
      throw new SyntaxError_(t, `expected expression, got ${describe(t)}`);
    }
    // Postfix: indexing and field access after any primary.
    while (this.is('[') || this.is('.')) {
      if (this.next().text === '[') {
        this.expr(refs, strings);
        this.expect(']');
      } else if (this.t.kind === 'ident') this.next();
      else throw new SyntaxError_(this.t, `expected identifier, got ${describe(this.t)}`);
    }
  }

  private list(closing: string, what: string, refs: Traversal[], strings: string[]): void {
    for (;;) {
      if (this.is(closing)) {
        this.next();
        return;
      }
      this.expr(refs, strings);
      if (this.is(',')) {
        this.next();
        continue;
      }
      if (this.is(closing)) continue;
      throw new SyntaxError_(this.t, `missing ',' in ${what}`);
    }
  }

  private object(refs: Traversal[], strings: string[]): void {
    for (;;) {
      if (this.is('}')) {
        this.next();
        return;
      }
      const key = this.t;
      if (key.kind !== 'ident' && key.kind !== 'string') throw new SyntaxError_(key, `expected field name, got ${describe(key)}`);
      this.next();
      if (!this.is('=') && !this.is(':')) throw new SyntaxError_(this.t, `expected =, got ${describe(this.t)}`);
      this.next();
      this.expr(refs, strings);
      if (this.is(',')) {
        this.next();
        continue;
      }
      if (this.is('}')) continue;
      throw new SyntaxError_(this.t, `missing ',' in field list`);
    }
  }
}

const BINARY: Record<string, number> = { '||': 1, '&&': 2, '==': 3, '!=': 3, '<': 3, '<=': 3, '>': 3, '>=': 3, '+': 4, '-': 4, '*': 5, '/': 5, '%': 5, '^': 6 };

/** Top-level blocks that configure Alloy itself rather than declare a component. */
const CONFIG_BLOCKS = new Set([
  'logging',
  'tracing',
  'http',
  'remotecfg',
  'livedebugging',
  'foreach',
  'declare',
  'argument',
  'export',
  'import.file',
  'import.git',
  'import.http',
  'import.string',
]);

export interface ComponentNode {
  id: string;
  block: BlockNode;
  deps: Traversal[];
}

export interface Checked {
  errors: AlloyError[];
  /** Top-level components, by id (`loki.write.default`), in file order. */
  components: ComponentNode[];
  /** For each component, the component ids it references (resolved references only). */
  edges: Map<string, string[]>;
  /** Every reference with the component id and the rest of its path (the export). */
  resolved: { from: string; to: string; rest: string[]; at: Pos }[];
}

export function parse(src: string): { nodes: Node[]; error?: AlloyError } {
  try {
    return { nodes: new Parser(scan(src)).body(null) };
  } catch (e) {
    if (e instanceof SyntaxError_) return { nodes: [], error: { kind: 'syntax', message: e.message, line: e.pos.line, col: e.pos.col } };
    throw e;
  }
}

const refsIn = (nodes: Node[], skipTemplates = false): Traversal[] =>
  nodes.flatMap((n) => (n.type === 'attr' ? n.refs : skipTemplates && n.name === 'template' ? [] : refsIn(n.body, skipTemplates)));

/** The loader's checks over one scope (the file, or a declare body). */
function checkScope(nodes: Node[], file: string, scopeArgs: Set<string> | undefined, out: Checked, kinds: Record<AlloyError['kind'], AlloyError[]>): void {
  const declared = new Map<string, BlockNode>();
  const comps: ComponentNode[] = [];
  for (const n of nodes) {
    if (n.type !== 'block' || CONFIG_BLOCKS.has(n.name) || (scopeArgs && n.name === 'argument')) continue;
    if (n.label === undefined) {
      kinds.label.push({ kind: 'label', message: `component "${n.name}" must have a label`, line: n.line, col: n.col });
      continue;
    }
    const id = `${n.name}.${n.label}`;
    const prior = declared.get(id);
    if (prior) {
      kinds.duplicate.push({ kind: 'duplicate', message: `block ${id} already declared at ${file}:${prior.line}:${prior.col}`, line: n.line, col: n.col });
      continue;
    }
    declared.set(id, n);
    comps.push({ id, block: n, deps: refsIn(n.body) });
  }
  const ids = [...declared.keys()];
  for (const c of comps) {
    const deps: string[] = [];
    for (const r of c.deps) {
      if (r.path[0] === 'argument' && scopeArgs?.has(r.path[1] ?? '')) continue;
      const to = ids.filter((id) => r.path.join('.').startsWith(`${id}.`) || r.path.join('.') === id).sort((a, b) => b.length - a.length)[0];
      if (!to) {
        kinds.reference.push({ kind: 'reference', message: `component "${r.path.join('.')}" does not exist or is out of scope`, line: r.line, col: r.col });
        continue;
      }
      deps.push(to);
      if (!scopeArgs) out.resolved.push({ from: c.id, to, rest: r.path.slice(to.split('.').length), at: r });
    }
    out.edges.set(c.id, deps);
  }
  // Cycles, reported once from the first component (in file order) that closes one.
  const seen = new Set<string>();
  for (const c of comps) {
    const stack: string[] = [];
    const walk = (id: string): string[] | undefined => {
      if (stack.includes(id)) return [...stack.slice(stack.indexOf(id)), id];
      if (seen.has(id)) return undefined;
      stack.push(id);
      for (const d of out.edges.get(id) ?? []) {
        const cyc = walk(d);
        if (cyc) return cyc;
      }
      stack.pop();
      seen.add(id);
      return undefined;
    };
    const cycle = walk(c.id);
    if (cycle) {
      kinds.cycle.push({ kind: 'cycle', message: `cycle: ${cycle.join(' -> ')}`, line: c.block.line, col: c.block.col });
      for (const id of cycle) seen.add(id);
    }
  }
  if (!scopeArgs) out.components.push(...comps);
  // Declare bodies are their own scope: their arguments, their components, nothing outside.
  for (const n of nodes) {
    if (n.type === 'block' && n.name === 'declare') {
      const args = new Set(n.body.filter((b): b is BlockNode => b.type === 'block' && b.name === 'argument' && !!b.label).map((b) => b.label!));
      const inner: Checked = { errors: [], components: [], edges: new Map(), resolved: [] };
      checkScope(n.body, file, args, inner, kinds);
    }
  }
}

/** Parse and check a whole file: syntax errors, or the loader's errors in Alloy's order. */
export function check(src: string, file = 'config.alloy'): Checked {
  const parsed = parse(src);
  const out: Checked = { errors: [], components: [], edges: new Map(), resolved: [] };
  if (parsed.error) {
    out.errors.push(parsed.error);
    return out;
  }
  const kinds: Record<AlloyError['kind'], AlloyError[]> = { syntax: [], duplicate: [], label: [], reference: [], cycle: [] };
  // foreach template bodies are not reference-checked (experimental upstream).
  const nodes = parsed.nodes.map((n) => (n.type === 'block' && n.name === 'foreach' ? { ...n, body: [] } : n));
  checkScope(nodes, file, undefined, out, kinds);
  out.errors.push(...kinds.duplicate, ...kinds.label, ...kinds.reference, ...kinds.cycle);
  return out;
}

export const formatError = (file: string, e: AlloyError) => `${file}:${e.line}:${e.col}: ${e.kind} error: ${e.message}`;

/** Every string literal value in a parsed body (attribute values), in order. */
export function stringsOf(nodes: Node[]): string[] {
  return nodes.flatMap((n) => (n.type === 'attr' ? n.strings : stringsOf(n.body)));
}

/** Every block of a name, at any depth. */
export function findBlocks(nodes: Node[], name: string): BlockNode[] {
  return nodes.flatMap((n) => (n.type === 'block' ? [...(n.name === name ? [n] : []), ...findBlocks(n.body, name)] : []));
}

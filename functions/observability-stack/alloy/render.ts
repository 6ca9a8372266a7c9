// Alloy syntax from the model (model.ts). Every string is written by one escaper, so no value can
// end a string literal or start a block; references are written from the component they point at.
import { literal } from '../../flux/protect.ts';
import { type AlloyConfig, type Block, type Component, type Expr, type Statement, componentId } from './model.ts';

const INDENT = '  ';
/** Alloy identifiers (attribute names, block name segments). */
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/**
 * A double-quoted Alloy string. Alloy unquotes with Go's rules: `\"`, `\\`, `\n`, `\r`, `\t` and
 * `\uXXXX` are escapes, everything else printable is literal UTF-8. Control and invisible
 * separator characters are written as \u escapes; a lone surrogate (no UTF-8 form) as U+FFFD.
 */
export function alloyString(s: string): string {
  // Most strings are plain printable ASCII: nothing to escape.
  if (PLAIN.test(s)) return `"${s}"`;
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c === 0x2028 || c === 0x2029 || c === 0xfeff) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else if (c >= 0xd800 && c <= 0xdfff) out += '\uFFFD';
    else out += ch;
  }
  return `${out}"`;
}

/**
 * Generated text keeps every `$` through Flux post-build substitution (relabel `$1`); the user's
 * own text keeps its `${VAR}` for Flux to fill in.
 */
const generatedString = (s: string) => literal(alloyString(s));

function expr(e: Expr, depth: number): string {
  if (typeof e === 'string') return generatedString(e);
  if (typeof e === 'number') {
    if (!Number.isFinite(e)) throw new Error(`internal error: ${e} is not an Alloy number`);
    return String(e);
  }
  if (typeof e === 'boolean') return String(e);
  if (Array.isArray(e)) return list(e, depth);
  switch (e.kind) {
    case 'user':
      return alloyString(e.text);
    case 'ref':
      return `${componentId(e.component)}.${e.export}`;
    case 'call':
      return `${e.fn}(${e.args.map((a) => expr(a, depth)).join(', ')})`;
    case 'add':
      return e.operands.map((o) => expr(o, depth)).join(' + ');
    case 'object': {
      if (!e.entries.length) return '{}';
      const pad = INDENT.repeat(depth + 1);
      const lines = e.entries.map(([k, v]) => `${pad}${alloyString(k)} = ${expr(v, depth + 1)},`);
      return `{\n${lines.join('\n')}\n${INDENT.repeat(depth)}}`;
    }
  }
}

/** Short lists of plain values on one line; anything else one item per line. */
function list(items: Expr[], depth: number): string {
  const inline = items.map((i) => expr(i, depth));
  const oneLine = `[${inline.join(', ')}]`;
  if (oneLine.length <= 100 && !oneLine.includes('\n')) return oneLine;
  const pad = INDENT.repeat(depth + 1);
  return `[\n${items.map((i) => `${pad}${expr(i, depth + 1)},`).join('\n')}\n${INDENT.repeat(depth)}]`;
}

function statements(body: Statement[], depth: number): string[] {
  const pad = INDENT.repeat(depth);
  const out: string[] = [];
  for (const s of body) {
    if (s.kind === 'attr') {
      if (!IDENT.test(s.name)) throw new Error(`internal error: "${s.name}" is not an Alloy attribute name`);
      out.push(`${pad}${s.name} = ${expr(s.value, depth)}`);
    } else {
      out.push(...blockLines(s.name, undefined, s.body, depth));
    }
  }
  return out;
}

function blockLines(name: string, label: string | undefined, body: Statement[], depth: number): string[] {
  if (!name.split('.').every((p) => IDENT.test(p))) throw new Error(`internal error: "${name}" is not an Alloy block name`);
  const pad = INDENT.repeat(depth);
  const head = label === undefined ? name : `${name} ${alloyString(label)}`;
  if (!body.length) return [`${pad}${head} { }`];
  return [`${pad}${head} {`, ...statements(body, depth + 1), `${pad}}`];
}

const renderBlock = (b: Block) => blockLines(b.name, undefined, b.body, 0).join('\n');
const renderComponent = (c: Component) => blockLines(c.type, c.label, c.body, 0).join('\n');

/** The configuration file, one blank line between blocks, ending in a newline. */
export function render(config: AlloyConfig): string {
  return `${[...config.blocks.map(renderBlock), ...config.components.map(renderComponent)].join('\n\n')}\n`;
}

/**
 * The Alloy chart passes alloy.configMap.content through Helm's `tpl`, which would run any `{{`
 * as a template action. In Alloy text `{{` can only occur inside a string literal, so every one
 * is written as the action that prints it.
 */
export const forHelmTpl = (text: string) => text.replaceAll('{{', '{{ "{{" }}');

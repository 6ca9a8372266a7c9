// Writing a generated object (plain JSON data) as YAML without building a yaml Document: the
// same text as YAML.stringify with yaml.ts's OUTPUT_OPTIONS, by the same rules the yaml library
// applies with them (block style, sequences not indented, no line folding, YAML 1.1 quoting), for the
// shapes it covers; undefined for anything else (keep-chomped or indented block scalars, control
// characters, document markers, long keys, non-plain objects), and the caller asks yaml.
// Why: yaml's document model is the costliest code a short run executes (BENCHMARKS.md).
// test/yaml-writer.test.ts compares the two on random data.
import YAML from 'yaml';

const STEP = '  ';
/** yaml's plainString(): text that cannot be a plain scalar as it is. */
const PLAIN_UNSAFE = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
/** yaml's stringifyString(): characters only double quotes with escapes can hold. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point: they need double-quoted escapes
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;

let nonString: RegExp[] | undefined;
/** Plain text the output schema (YAML 1.1) would read as null, a boolean, a number, a date... */
function readsAsNonString(s: string): boolean {
  if (!nonString) {
    const { tags, compat } = new YAML.Document(null, { version: '1.1' }).schema as unknown as { tags: Tag[]; compat?: Tag[] | null };
    nonString = [...tags, ...(compat ?? [])].filter((t) => t.default && t.tag !== 'tag:yaml.org,2002:str' && t.test).map((t) => t.test!);
  }
  return nonString.some((re) => re.test(s));
}
interface Tag {
  default?: unknown;
  tag: string;
  test?: RegExp;
}

export function writePlainYaml(value: unknown): string | undefined {
  if (!isPlainObject(value)) return undefined;
  const body = collection(value, '');
  return body === undefined ? undefined : `${body}\n`;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

const isEmpty = (v: unknown) => (Array.isArray(v) ? v.length === 0 : isPlainObject(v) && !Object.keys(v).some((k) => v[k] !== undefined));

/** A non-empty map or sequence whose lines sit at `indent` (the first line is placed by the caller). */
function collection(v: Record<string, unknown> | unknown[], indent: string): string | undefined {
  const lines: string[] = [];
  if (Array.isArray(v)) {
    for (const item of v) {
      if (item === undefined) return undefined;
      const s = node(item, indent + STEP);
      if (s === undefined) return undefined;
      lines.push(`- ${s}`);
    }
  } else {
    for (const key of Object.keys(v)) {
      const item = v[key];
      if (item === undefined) continue; // yaml leaves undefined values out
      const k = keyText(key);
      if (k === undefined) return undefined;
      if (isEmpty(item) || !(Array.isArray(item) || isPlainObject(item))) {
        const s = node(item, indent + STEP);
        if (s === undefined) return undefined;
        lines.push(`${k}: ${s}`);
      } else {
        // Nested maps go one step in; sequences stay at the key's indentation (indentSeq: false).
        const inner = Array.isArray(item) ? indent : indent + STEP;
        const s = collection(item, inner);
        if (s === undefined) return undefined;
        lines.push(`${k}:\n${inner}${s}`);
      }
    }
  }
  return lines.length ? lines.join(`\n${indent}`) : Array.isArray(v) ? '[]' : '{}';
}

/** Any value at `indent` (its own lines, for block scalars and collections). */
function node(v: unknown, indent: string): string | undefined {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : Number.isFinite(v) ? JSON.stringify(v) : undefined;
  if (typeof v === 'string') return v.includes('\n') ? literal(v, indent) : scalar(v);
  if (Array.isArray(v) || isPlainObject(v)) return collection(v, indent);
  return undefined;
}

function keyText(k: string): string | undefined {
  return k.length > 1000 || k.includes('\n') ? undefined : scalar(k);
}

/** A one-line string: plain when YAML reads it back as this string, else quoted as yaml does. */
function scalar(s: string): string | undefined {
  // (yaml gives `<<` the YAML 1.1 merge tag, written its own way.)
  if (s === '<<' || CONTROL.test(s) || DOCUMENT_MARKER.test(s)) return undefined;
  if (!PLAIN_UNSAFE.test(s) && !readsAsNonString(s)) return s;
  // quotedString(): single quotes only for text with " and no '; else JSON's double quotes.
  return s.includes('"') && !s.includes("'") ? `'${s}'` : JSON.stringify(s);
}

/** A multi-line string as a literal block scalar (blockString() with lineWidth 0). */
function literal(value: string, indent: string): string | undefined {
  if (CONTROL.test(value) || DOCUMENT_MARKER.test(value) || /\n[\t ]+$/.test(value)) return undefined;
  let endStart = value.length;
  while (endStart > 0 && '\n\t '.includes(value[endStart - 1]!)) endStart--;
  let end = value.substring(endStart);
  const nl = end.indexOf('\n');
  if (nl !== -1 && (value === end || nl !== end.length - 1)) return undefined; // keep chomping (|+)
  const chomp = nl === -1 ? '-' : '';
  if (end) {
    value = value.slice(0, -end.length);
    if (end.endsWith('\n')) end = end.slice(0, -1);
  }
  let startWithSpace = false;
  let startNl = -1;
  let i = 0;
  for (; i < value.length; i++) {
    if (value[i] === ' ') startWithSpace = true;
    else if (value[i] === '\n') startNl = i;
    else break;
  }
  let start = value.substring(0, startNl < i ? startNl + 1 : i);
  if (start) {
    value = value.substring(start.length);
    start = start.replace(/\n+/g, `$&${indent}`);
  }
  const header = (startWithSpace ? '2' : '') + chomp;
  return `|${header}\n${indent}${start}${value.replace(/\n+/g, `$&${indent}`)}${end}`;
}

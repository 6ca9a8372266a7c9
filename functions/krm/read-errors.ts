// Input a function cannot read, and how it is reported: the whole input (one stderr line and
// exit 1), or one item whose YAML is broken (an error result naming the item and the line).
import type YAML from 'yaml';
import type { Result, ResourceRef } from './types.ts';
import { fileOf } from './identity.ts';

/** Input the function cannot use at all: reported on stderr, exit code 1, no stack trace. */
export class InputError extends Error {}

/** Reported as an error result, exit code 1: an item that is not valid YAML, or the readers disagreeing (verify mode). */
export class ItemError extends InputError {
  constructor(readonly result: Result) {
    super(result.message);
  }
}

/** `line L, column C:` then the offending line and a caret under the column. */
export function showPosition(text: string, offset: number): string {
  // An error at the end of the input (an unclosed bracket) is shown at the end of its last line.
  if (!text.slice(offset).trim()) offset = text.trimEnd().length;
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let lineEnd = text.indexOf('\n', lineStart);
  if (lineEnd < 0) lineEnd = text.length;
  const line = (text.slice(0, lineStart).match(/\n/g)?.length ?? 0) + 1;
  const col = Math.min(offset, lineEnd) - lineStart;
  // Long lines are cut around the column, so the message stays readable.
  const from = Math.max(0, col - 60);
  const shown = text.slice(lineStart + from, Math.min(lineEnd, lineStart + from + 100)).replace(/\t/g, ' ');
  return `line ${line}, column ${col + 1}:\n  ${from ? '...' : ''}${shown}\n  ${' '.repeat(col - from + (from ? 3 : 0))}^`;
}

/** The first line of a yaml error, without yaml's own position and context. */
export function yamlReason(e: YAML.YAMLError): string {
  return e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * The error for item `index` of the list (its node as far as yaml read it) when `e`, at `offset`
 * of `text`, is inside it. Named by the file and index the orchestrator gave it, and its identity
 * when yaml read that much.
 */
export function itemError(text: string, offset: number, e: YAML.YAMLError, index: number, node: unknown, source: string): ItemError {
  const get = (path: string[]): unknown => {
    const n = node as { getIn?: (p: string[]) => unknown } | null;
    try {
      return typeof n?.getIn === 'function' ? n.getIn(path) : undefined;
    } catch {
      return undefined;
    }
  };
  const annotations = get(['metadata', 'annotations']) as { toJSON?: () => unknown } | undefined;
  const file = fileOf(annotationsOf(annotations)) ?? fileOf(annotationLines(source));
  const [apiVersion, kind, name, namespace] = [get(['apiVersion']), get(['kind']), get(['metadata', 'name']), get(['metadata', 'namespace'])];
  const where = file ? `${file.path}, index ${file.index ?? 0}` : `item ${index + 1} of the list`;
  const result: Result = {
    severity: 'error',
    message: `${file ? `the item from ${where}` : where} is not valid YAML (${yamlReason(e)}) at ${showPosition(text, offset)}`,
  };
  if (typeof apiVersion === 'string' && typeof kind === 'string' && typeof name === 'string') {
    const ref: ResourceRef = { apiVersion, kind, name };
    if (typeof namespace === 'string' && namespace) ref.namespace = namespace;
    result.resourceRef = ref;
  }
  if (file) result.file = file;
  return new ItemError(result);
}

/** Where yaml stopped reading before the annotations: the orchestrator's, as it writes them (one plain line each). */
function annotationLines(source: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of source.matchAll(/^[ \t]+((?:internal\.)?config\.kubernetes\.io\/(?:path|index)): *(?:'([^'\n]*)'|"([^"\\\n]*)"|([^\s'"#][^#\n]*?)) *$/gm)) {
    out[m[1]!] ??= m[2] ?? m[3] ?? m[4]!;
  }
  return out;
}

function annotationsOf(node: unknown): Record<string, unknown> {
  try {
    const js = (node as { toJSON?: () => unknown } | undefined)?.toJSON?.();
    return js && typeof js === 'object' && !Array.isArray(js) ? (js as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

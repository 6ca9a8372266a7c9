// YAML output rules shared by every function.
import YAML from 'yaml';
import { writePlainYaml } from './yaml-writer.ts';

/**
 * Stringify options for everything we generate: block style, no line folding, and YAML 1.1
 * quoting so `yes`, `on`, `0755` and dates stay strings for 1.1 readers (Helm, PyYAML, Go yaml.v2).
 */
export const OUTPUT_OPTIONS = {
  version: '1.1',
  lineWidth: 0,
  minContentWidth: 0,
  indentSeq: false,
  aliasDuplicateObjects: false,
} as const satisfies YAML.DocumentOptions & YAML.ToStringOptions & YAML.CreateNodeOptions;

export function stringify(value: unknown): string {
  // The same text, without building a yaml Document when the data is plain (startup: yaml-writer.ts).
  return writePlainYaml(value) ?? YAML.stringify(value, OUTPUT_OPTIONS);
}

/**
 * OUTPUT_OPTIONS for re-writing parsed input nodes. yaml cannot write a `!!binary` scalar with
 * lineWidth 0 (it splits the base64 into lineWidth-wide lines); no input line is this long, so
 * nothing is folded either way.
 */
export const NODE_OUTPUT_OPTIONS = { ...OUTPUT_OPTIONS, lineWidth: Number.MAX_SAFE_INTEGER } as const;

/** Indent a block of YAML text as one entry of a block sequence. */
export function asSequenceEntry(text: string): string {
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const lines = body.split('\n');
  return `${lines.map((l, i) => (i === 0 ? `- ${l}` : l === '' ? '' : `  ${l}`)).join('\n')}\n`;
}

/** Remove keys whose value is undefined, recursively, so generated objects carry no nulls. */
export function prune<T>(value: T): T {
  if (Array.isArray(value)) return value.map(prune) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = prune(v);
    return out as T;
  }
  return value;
}

// What Flux kustomize-controller post-build substitution substitutes: the one reference finder
// every check uses (protection of generated text, the variables info result, value formats,
// loki-rules validation). It runs the port of the fluxcd/pkg envsubst v1.7.0 parser
// (envsubst-parse.ts) on UTF-8 bytes like the Go one, because its quirks depend on byte widths.
// The evaluator (what a substitution yields) is only needed by tests: test/support/flux-envsubst/.
import { DEFAULT_OPS, ParseError, Parser, decoder, encoder, type Node } from './envsubst-parse.ts';

export interface FluxReference {
  /** Variable name as Flux looks it up (any run of Unicode letters, digits and `_`). */
  name: string;
  /** True for `:-`, `=`, `:=`, `:?`, `:+`: an unset variable is no strict-mode error. (Bare `-`, `?`, `+` do not parse.) */
  hasDefault: boolean;
  /** Source text of the whole `${...}` expression. */
  raw: string;
  /** Offset of the `$` in the input string (UTF-16 code units). */
  offset: number;
  /** True for an expression nested in another one's arguments (`${A:-${B}}`: B). */
  nested: boolean;
}

export interface MalformedReference {
  raw: string;
  offset: number;
  /** The Go parser error, e.g. `missing closing brace`. */
  reason: string;
}

interface ScanResult {
  references: FluxReference[];
  malformed: MalformedReference[];
}

/** Parses like Flux, but after a malformed `${` carries on behind it to report everything. */
function scanText(text: string): ScanResult {
  const out: ScanResult = { references: [], malformed: [] };
  if (!text.includes('${')) return out; // the common case: nothing for Flux to read
  const bytes = encoder.encode(text);
  let lastByte = 0,
    lastUnit = 0; // offsets mostly grow, so decode only the new stretch
  const toOffset = (byteOff: number) => {
    if (byteOff < lastByte) [lastByte, lastUnit] = [0, 0];
    lastUnit += decoder.decode(bytes.subarray(lastByte, byteOff)).length;
    lastByte = byteOff;
    return lastUnit;
  };
  const collect = (nodes: Node[], base: number, nested: boolean) => {
    for (const n of nodes) {
      if ('text' in n) continue;
      const raw = decoder.decode(bytes.subarray(base + n.start, base + n.end));
      out.references.push({ name: n.param, hasDefault: DEFAULT_OPS.has(n.name), raw, offset: toOffset(base + n.start), nested });
      collect(n.args, base, true);
    }
  };
  for (let base = 0; ; ) {
    const parser = new Parser(bytes.subarray(base));
    try {
      collect(parser.parseAny(), base, false);
      return out;
    } catch (e) {
      if (!(e instanceof ParseError) || e.exprStart < 0) throw e;
      collect(parser.root, base, false);
      const start = base + e.exprStart;
      const line = text.slice(toOffset(start)).split('\n')[0] ?? '';
      const close = line.indexOf('}');
      const raw = close >= 0 ? line.slice(0, close + 1) : line.slice(0, 80);
      out.malformed.push({ raw, offset: toOffset(start), reason: e.reason });
      base = start + 2; // treat this `${` as text, as if it had been escaped
    }
  }
}

/** The variables a text expects, in order of appearance (nested default expressions included). */
export function findReferences(text: string): FluxReference[] {
  return scanText(text).references;
}

/** Every `${` that Flux cannot parse; any one of them fails the whole Flux Kustomization. */
export function findMalformed(text: string): MalformedReference[] {
  return scanText(text).malformed;
}

/** Names of the variables a text expects Flux to substitute, each once, in order of appearance. */
export function fluxVariables(text: string): string[] {
  return [...new Set(findReferences(text).map((r) => r.name))];
}

/**
 * The text as it will look after Flux substitutes a plausible value (`x`) for each variable:
 * what format checks test. Each whole top-level expression is replaced, nested defaults included.
 */
export function withSampleVariables(text: string): string {
  const top = findReferences(text).filter((r) => !r.nested);
  let out = '';
  let at = 0;
  for (const r of top) {
    out += `${text.slice(at, r.offset)}x`;
    at = r.offset + r.raw.length;
  }
  return out + text.slice(at);
}

/** Text Flux substitution would change or reject: it contains `${` or `$$`. */
export function needsProtection(text: string): boolean {
  return text.includes('${') || text.includes('$$');
}

// Flux kustomize-controller post-build substitution, so the emitter can predict what Flux does
// to our output (FLUX_AND_KRM.md §2). This is a port of fluxcd/pkg envsubst v1.7.0 (a fork of
// drone/envsubst; parse/scan.go, parse/parse.go, template.go, funcs.go, path/match.go) plus the
// per-resource wrapper kustomize/kustomize_varsub.go. The scanner runs on UTF-8 bytes like the Go
// one, because its quirks depend on byte widths: `${#v}` and `${v:n:m}` count bytes, a NUL byte
// ends the text (Go's scanner uses rune 0 as EOF), and `${v:é}` is a bad substitution.
// Known deviations, outside ASCII only: case mapping uses JavaScript's tables, and a result that
// is not valid UTF-8 (a cut through a character) decodes to U+FFFD per WHATWG, not per byte.
import YAML from 'yaml';
import { FLUX_SUBSTITUTE } from './annotations.ts';
import { OUTPUT_OPTIONS } from './yaml.ts';
import { FluxSubstitutionError, type FluxErrorReason } from './envsubst/errors.ts';
import { DEFAULT_OPS, evalNodes } from './envsubst/funcs.ts';
import { ParseError, Parser, decoder, encoder, type Node } from './envsubst/parse.ts';

// Defined beside the port (which throws them) to avoid an import cycle; re-exported unchanged.
export { FluxSubstitutionError, type FluxErrorReason } from './envsubst/errors.ts';

export interface SubstituteOptions {
  /** The StrictPostBuildSubstitutions feature gate. On by default since kustomize-controller v1.9. */
  strict?: boolean;
}

export interface FluxReference {
  /** Variable name as Flux looks it up (any run of Unicode letters, digits and `_`). */
  name: string;
  /** True for `:-`, `=`, `:=`, `:?`, `:+`: an unset variable is no strict-mode error. (Bare `-`, `?`, `+` do not parse.) */
  hasDefault: boolean;
  /** Source text of the whole `${...}` expression. */
  raw: string;
  /** Offset of the `$` in the input string (UTF-16 code units). */
  offset: number;
}

export interface MalformedReference {
  raw: string;
  offset: number;
  /** The Go parser error, e.g. `missing closing brace`. */
  reason: string;
}

// ---- public API -----------------------------------------------------------------------------

/** envsubst.Eval with Flux's mapper. Throws FluxSubstitutionError with the Go error text. */
export function substitute(text: string, vars: Record<string, string>, opts: SubstituteOptions = {}): string {
  const strict = opts.strict ?? true;
  const parser = new Parser(encoder.encode(text));
  let nodes: Node[];
  try {
    nodes = parser.parseAny();
  } catch (e) {
    if (e instanceof ParseError) throw new FluxSubstitutionError(e.reason, e.reason as FluxErrorReason);
    throw e;
  }
  const has = (k: string) => Object.prototype.hasOwnProperty.call(vars, k);
  return evalNodes(nodes, (name) => [has(name) ? vars[name] : '', strict ? has(name) : true]);
}

interface ScanResult {
  references: FluxReference[];
  malformed: MalformedReference[];
}

/** Parses like Flux, but after a malformed `${` carries on behind it to report everything. */
function scanText(text: string): ScanResult {
  const bytes = encoder.encode(text);
  let lastByte = 0, lastUnit = 0; // offsets mostly grow, so decode only the new stretch
  const toOffset = (byteOff: number) => {
    if (byteOff < lastByte) [lastByte, lastUnit] = [0, 0];
    lastUnit += decoder.decode(bytes.subarray(lastByte, byteOff)).length;
    lastByte = byteOff;
    return lastUnit;
  };
  const out: ScanResult = { references: [], malformed: [] };
  const collect = (nodes: Node[], base: number) => {
    for (const n of nodes) {
      if ('text' in n) continue;
      const raw = decoder.decode(bytes.subarray(base + n.start, base + n.end));
      out.references.push({ name: n.param, hasDefault: DEFAULT_OPS.has(n.name), raw, offset: toOffset(base + n.start) });
      collect(n.args, base);
    }
  };
  for (let base = 0; ; ) {
    const parser = new Parser(bytes.subarray(base));
    try {
      collect(parser.parseAny(), base);
      return out;
    } catch (e) {
      if (!(e instanceof ParseError) || e.exprStart < 0) throw e;
      collect(parser.root, base);
      const start = base + e.exprStart;
      const line = text.slice(toOffset(start)).split('\n')[0];
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

/** The emitter rule of FLUX_AND_KRM.md §2.5: text Flux substitution would change or reject. */
export function needsProtection(text: string): boolean {
  return text.includes('${') || text.includes('$$');
}

/**
 * Escapes text so that substitution gives it back: `${` → `$${`, `$$` → `$$$$`. A run of `$`
 * is doubled when it is followed by `{` or is longer than one; a lone `$` (as in `$1`) is kept.
 * Does not survive a U+0000 character: Flux's scanner stops reading there.
 */
export function escapeForFlux(text: string): string {
  return text.replace(/\$+(?=\{)|\$\$+/g, (run) => run + run);
}

export interface ApplyOptions extends SubstituteOptions {
  /** spec.postBuild.substituteStrategy: Always; by default nothing happens without variables. */
  always?: boolean;
}

/** Parse like go-yaml v2 (sigs.k8s.io/yaml): YAML 1.1 scalars, but dates and `12:30` stay strings. */
const YAML_V2: YAML.ParseOptions & YAML.DocumentOptions & YAML.SchemaOptions = {
  version: '1.1',
  customTags: (tags) =>
    tags.filter((t) => typeof t === 'string' || (t.tag !== 'tag:yaml.org,2002:timestamp' && t.format !== 'TIME')),
};

const VAR_NAME = /^[_A-Za-z][_A-Za-z0-9]*$/; // Go's ^[_[:alpha:]][_[:alpha:][:digit:]]*$ (ASCII classes)

/**
 * What kustomize-controller does to one resource of a Flux Kustomization with postBuild
 * (fluxcd/pkg kustomize_varsub.go): skip opted-out objects, validate names, drop newlines from
 * values, substitute in the whole YAML text (keys too) and parse it again (YAML 1.1, like
 * sigs.k8s.io/yaml). Returns the input object when Flux would leave it alone.
 */
export function applyToObject<T extends object>(obj: T, vars: Record<string, string>, opts: ApplyOptions = {}): T {
  const meta = (obj as { metadata?: { labels?: Record<string, unknown>; annotations?: Record<string, unknown> } })
    .metadata;
  if (meta?.labels?.[FLUX_SUBSTITUTE] === 'disabled' || meta?.annotations?.[FLUX_SUBSTITUTE] === 'disabled') return obj;
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(vars)) {
    if (!VAR_NAME.test(k)) {
      throw new FluxSubstitutionError(
        `'${k}' var name is invalid, must match '^[_[:alpha:]][_[:alpha:][:digit:]]*$'`,
        'invalid var name',
      );
    }
    clean[k] = v.replaceAll('\n', '');
  }
  if (Object.keys(clean).length === 0 && !opts.always) return obj;
  const text = YAML.stringify(obj, OUTPUT_OPTIONS);
  let out: string;
  try {
    out = substitute(text, clean, opts);
  } catch (e) {
    if (e instanceof FluxSubstitutionError) {
      throw new FluxSubstitutionError(`envsubst error: variable substitution failed: ${e.message}`, e.reason);
    }
    throw e;
  }
  const doc = YAML.parseDocument(out, YAML_V2);
  if (doc.errors.length) {
    throw new FluxSubstitutionError(`envsubst error: YAMLToJSON: ${doc.errors[0].message}`, 'yaml');
  }
  return doc.toJS() as T;
}

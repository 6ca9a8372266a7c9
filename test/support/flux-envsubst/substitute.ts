// Flux kustomize-controller post-build substitution, evaluated: what Flux does to our output, so
// tests can apply strict substitution. This is the evaluating half of a port of fluxcd/pkg
// envsubst v1.7.0 (template.go, funcs.go, path/match.go) plus the per-resource wrapper
// kustomize/kustomize_varsub.go; the parser and the reference finder are production code in
// functions/flux/. Known deviations, outside ASCII only: case mapping uses JavaScript's tables, and
// a result that is not valid UTF-8 (a cut through a character) decodes to U+FFFD per WHATWG.
import YAML from 'yaml';
import { FLUX_SUBSTITUTE } from '../../../functions/krm/annotations.ts';
import { OUTPUT_OPTIONS } from '../../../functions/krm/yaml.ts';
import { ParseError, Parser, encoder, type Node } from '../../../functions/flux/envsubst-parse.ts';
import { FluxSubstitutionError, type FluxErrorReason } from './errors.ts';
import { evalNodes } from './funcs.ts';

export { FluxSubstitutionError, type FluxErrorReason } from './errors.ts';
export { findMalformed, findReferences, needsProtection } from '../../../functions/flux/references.ts';

export interface SubstituteOptions {
  /** The StrictPostBuildSubstitutions feature gate. On by default since kustomize-controller v1.9. */
  strict?: boolean;
}

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
  return evalNodes(nodes, (name) => {
    const value = Object.hasOwn(vars, name) ? vars[name] : undefined;
    return [value ?? '', strict ? value !== undefined : true];
  });
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
  customTags: (tags) => tags.filter((t) => typeof t === 'string' || (t.tag !== 'tag:yaml.org,2002:timestamp' && t.format !== 'TIME')),
};

const VAR_NAME = /^[_A-Za-z][_A-Za-z0-9]*$/; // Go's ^[_[:alpha:]][_[:alpha:][:digit:]]*$ (ASCII classes)

/**
 * What kustomize-controller does to one resource of a Flux Kustomization with postBuild
 * (fluxcd/pkg kustomize_varsub.go): skip opted-out objects, validate names, drop newlines from
 * values, substitute in the whole YAML text (keys too) and parse it again (YAML 1.1, like
 * sigs.k8s.io/yaml). Returns the input object when Flux would leave it alone.
 */
export function applyToObject<T extends object>(obj: T, vars: Record<string, string>, opts: ApplyOptions = {}): T {
  const meta = (obj as { metadata?: { labels?: Record<string, unknown>; annotations?: Record<string, unknown> } }).metadata;
  if (meta?.labels?.[FLUX_SUBSTITUTE] === 'disabled' || meta?.annotations?.[FLUX_SUBSTITUTE] === 'disabled') return obj;
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(vars)) {
    if (!VAR_NAME.test(k)) {
      throw new FluxSubstitutionError(`'${k}' var name is invalid, must match '^[_[:alpha:]][_[:alpha:][:digit:]]*$'`, 'invalid var name');
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
  const [firstError] = doc.errors;
  if (firstError) {
    throw new FluxSubstitutionError(`envsubst error: YAMLToJSON: ${firstError.message}`, 'yaml');
  }
  return doc.toJS() as T;
}

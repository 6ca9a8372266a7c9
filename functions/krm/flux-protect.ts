// Keeping generated text intact through Flux post-build substitution (FLUX_AND_KRM.md §2).
//
// Generators wrap text that must reach the cluster with a literal `${` (Loki -config.expand-env
// references, Grafana `${__value.raw}` links) in `literal()`. User values keep their `${VAR}`,
// which Flux is meant to substitute. Per object, after generation:
//   - literal text only: restore `${` and opt the object out of substitution (annotation);
//   - literal text and user variables: escape the literal as `$${`, which Flux turns back into `${`;
//   - user variables only: leave as is.
import { FLUX_SUBSTITUTE } from './annotations.ts';
import type { KrmObject } from './types.ts';

const MARK = '\u{F0000}{';
const MARK_RE = /\u{F0000}\{/gu;

/** Text that must contain a literal `${`, not a Flux variable. */
export const literal = (text: string) => text.replaceAll('${', MARK);

/** Variables a text expects Flux to substitute (`${NAME}`, `${NAME:=default}`). */
export function fluxVariables(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(/(^|[^$])\$\{([_a-zA-Z][_a-zA-Z0-9]*)/g)) names.add(m[2]!);
  return [...names];
}

export function protect(obj: KrmObject): { object: KrmObject; variables: string[] } {
  const json = JSON.stringify(obj);
  const hasLiteral = json.includes(MARK);
  const variables = fluxVariables(json.replace(MARK_RE, ''));
  if (!hasLiteral) return { object: obj, variables };
  if (variables.length) {
    return { object: JSON.parse(json.replace(MARK_RE, '$${')), variables };
  }
  const out: KrmObject = JSON.parse(json.replace(MARK_RE, '${'));
  out.metadata.annotations = { ...out.metadata.annotations, [FLUX_SUBSTITUTE]: 'disabled' };
  return { object: out, variables };
}

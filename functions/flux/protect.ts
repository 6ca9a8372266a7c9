// Keeping generated text intact through Flux post-build substitution.
//
// Generators wrap text that must reach the cluster with its `$` as written (Loki -config.expand-env
// references, Grafana `${__value.raw}` links) in `literal()`. User values keep their `${VAR}`,
// which Flux is meant to substitute. Per object, after generation:
//   - literal text only: write it as is and opt the object out of substitution (annotation);
//   - literal text and user variables: double every literal `$`, which Flux halves back;
//   - user variables only: leave as is.
import { FLUX_SUBSTITUTE } from '../krm/annotations.ts';
import type { KrmObject } from '../krm/types.ts';
import { fluxVariables } from './references.ts';

// Every `$` of literal text becomes a private-use character until protect() decides its spelling.
const DOLLAR = '\u{F0000}';
const DOLLAR_RE = /\u{F0000}/gu;

/** Text that must reach the cluster exactly as written (`${__value.raw}`, `${S3_KEY}`), not a Flux variable. */
export const literal = (text: string) => text.replaceAll('$', DOLLAR);

export function protect(obj: KrmObject): { object: KrmObject; variables: string[] } {
  const json = JSON.stringify(obj);
  // The user's text as Flux reads it: literal dollars are not there yet.
  const variables = fluxVariables(json.replace(DOLLAR_RE, ''));
  if (!json.includes(DOLLAR)) return { object: obj, variables };
  if (variables.length) {
    // Flux turns `$$` into `$` and leaves everything else alone, so doubling every literal `$`
    // is an exact escape. (A replacer function: in a replacement string `$$` means one `$`.)
    return { object: JSON.parse(json.replace(DOLLAR_RE, () => '$$')), variables };
  }
  const out: KrmObject = JSON.parse(json.replace(DOLLAR_RE, () => '$'));
  out.metadata.annotations = { ...out.metadata.annotations, [FLUX_SUBSTITUTE]: 'disabled' };
  return { object: out, variables };
}

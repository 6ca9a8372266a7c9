// Error type of the envsubst port (Go error texts of fluxcd/pkg envsubst and kustomize_varsub.go).

export type FluxErrorReason =
  | 'bad substitution'
  | 'missing closing brace'
  | 'unable to parse variable name'
  | 'unable to parse substitution within function'
  | 'unable to parse default function'
  | 'variable not set'
  | 'invalid var name'
  | 'panic'
  | 'yaml';

/** A substitution failure; `message` follows the Go error text. */
export class FluxSubstitutionError extends Error {
  constructor(
    message: string,
    readonly reason: FluxErrorReason,
  ) {
    super(message);
    this.name = 'FluxSubstitutionError';
  }
}

// What a function prints on stderr besides the ResourceList. kpt shows every result itself and
// then the function's stderr, so there one summary line is enough; kustomize ignores `results`,
// so there stderr must carry each result in full (resource, field, message).
import { formatResult } from './results.ts';
import type { Result } from './types.ts';
import { FUNCTION } from './annotations.ts';

export type StderrStyle = 'lines' | 'summary';

/**
 * kustomize is recognised by what it hands a function: container functions get
 * STRUCTURED_RESULTS/LOG_TO_STDERR in their environment, and the functionConfig of container and
 * exec functions keeps its config.kubernetes.io/function annotation. KRM_STDERR=lines|summary
 * overrides the guess.
 */
export function stderrStyle(env: NodeJS.ProcessEnv, functionConfigAnnotations: Record<string, string> = {}): StderrStyle {
  if (env.KRM_STDERR === 'lines' || env.KRM_STDERR === 'summary') return env.KRM_STDERR;
  if (env.STRUCTURED_RESULTS || env.LOG_TO_STDERR) return 'lines';
  return FUNCTION in functionConfigAnnotations ? 'lines' : 'summary';
}

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** The stderr text for `results` (empty when there is nothing to say): one line per result, or one line in all. */
export function stderrText(fn: string, results: Result[], style: StderrStyle): string {
  const shown = results.filter((r) => r.severity !== 'info');
  if (!shown.length) return '';
  if (style === 'lines') return shown.map((r) => `${formatResult(fn, r)}\n`).join('');
  const errors = shown.filter((r) => r.severity === 'error').length;
  const parts = [errors ? count(errors, 'error') : '', shown.length - errors ? count(shown.length - errors, 'warning') : ''].filter(Boolean);
  return `${fn}: ${parts.join(', ')} (see the results; kpt shows them all with --truncate-output=false)\n`;
}

// Where the upstream reference data (charts, CRDs, corpora) lives for the tests, and what a test
// does when a piece of it or a tool is missing (see needs.ts for the test wrapper).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** `REFERENCE_DIR`, else `../shared/reference` beside the repository. */
export const REFERENCE_DIR = resolve(process.env.REFERENCE_DIR ?? join(REPO_ROOT, '../shared/reference'));

export const IN_CI = process.env.CI === 'true';

/** Absolute path of a file or folder under the reference directory, or undefined when absent. */
export function reference(...parts: string[]): string | undefined {
  const p = join(REFERENCE_DIR, ...parts);
  return existsSync(p) ? p : undefined;
}

/** Like `reference`, but throws (naming what is missing) when absent: for use inside a guarded test. */
export function mustReference(...parts: string[]): string {
  const p = reference(...parts);
  if (!p) throw new Error(`missing reference data: ${join(REFERENCE_DIR, ...parts)}`);
  return p;
}

/** What a test needs: reference paths (relative to REFERENCE_DIR) and/or named tools with a check. */
export interface Needs {
  reference?: string[];
  tools?: { name: string; present: () => boolean; how: string }[];
}

/** The missing needs, as one sentence, or undefined when all are there. */
export function missing(needs: Needs): string | undefined {
  const out: string[] = [];
  for (const r of needs.reference ?? []) {
    if (!reference(r)) out.push(`${join(REFERENCE_DIR, r)} (set REFERENCE_DIR to the reference data folder)`);
  }
  for (const tool of needs.tools ?? []) if (!tool.present()) out.push(`${tool.name} (${tool.how})`);
  return out.length ? `missing ${out.join('; ')}` : undefined;
}

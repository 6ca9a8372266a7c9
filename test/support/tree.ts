// Comparing example packages file by file.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

export function copyToTemp(dir: string): string {
  const tmp = mkdtempSync(join(tmpdir(), 'okrm-'));
  cpSync(dir, tmp, { recursive: true });
  return tmp;
}

/** Remove every file a function generated, leaving the package's own sources. */
export function removeGenerated(dir: string): void {
  for (const [path, text] of Object.entries(readTree(dir))) {
    if (text.includes('observability.krm.dev/generated-by:')) rmSync(join(dir, path));
  }
}

export const examplesDir = (root: string) => join(root, 'examples');
export const exampleNames = (root: string) =>
  readdirSync(examplesDir(root)).filter((d) => {
    try {
      return statSync(join(examplesDir(root), d, 'Kptfile')).isFile();
    } catch {
      return false;
    }
  });

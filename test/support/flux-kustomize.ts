// What kustomize-controller does with a Kustomization's spec.path before building it: without a
// kustomization file of its own, the folder gets a generated one (fluxcd/pkg kustomize_generator.go).
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import YAML from 'yaml';

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const hasKustomization = (d: string) => KUSTOMIZATION_FILES.some((k) => existsSync(join(d, k)));

/** The generated kustomization.yaml's resources: every .yaml/.yml file, sub-kustomizations as directories. */
function fluxResources(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) {
        if (hasKustomization(p)) out.push(`./${relative(dir, p)}`);
        else walk(p);
      } else if (/\.ya?ml$/.test(e)) out.push(`./${relative(dir, p)}`);
    }
  };
  walk(dir);
  return out;
}

/** Writes the kustomization.yaml Flux would generate for `dir` when it has none; true when it wrote one. */
export function writeFluxKustomization(dir: string): boolean {
  if (hasKustomization(dir)) return false;
  writeFileSync(
    join(dir, 'kustomization.yaml'),
    YAML.stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: fluxResources(dir) }),
  );
  return true;
}

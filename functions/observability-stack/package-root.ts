// The flat layout with spec.flux.kustomization.enabled: the package root holds ks.yaml (a Flux
// Kustomization for the rendered <namespace>/ folder) and a kustomization.yaml listing only that
// file. A parent Kustomization that applies the package folder then builds that kustomization.yaml
// and sees ks.yaml alone; without it, Flux would list every YAML file below the folder and apply
// the HelmReleases itself as well, so two Kustomizations would own each of them.
import { LOCAL_CONFIG } from '../krm/annotations.ts';
import type { Item } from '../krm/item.ts';
import { warning } from '../krm/results.ts';
import type { KrmObject, Result } from '../krm/types.ts';
import { KUSTOMIZATION_FILE, ROOT_KS_PATH, type Generated } from './layout.ts';
import type { Resolved } from './resolve.ts';

const ROOT_KUSTOMIZATION_PATH = KUSTOMIZATION_FILE;

/** The package root's kustomization.yaml (local config, like home-ops' app/kustomization.yaml) beside `ks`. */
export function withPackageRoot(r: Resolved, ks: Generated): Generated[] {
  const root: Generated = {
    object: {
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      metadata: { name: r.name, annotations: { [LOCAL_CONFIG]: 'true' } },
      resources: [`./${ks.path}`],
    },
    path: ROOT_KUSTOMIZATION_PATH,
  };
  return [ks, root];
}

/**
 * A kustomization.yaml the user keeps at the package root wins over ours (two documents in one
 * kustomization.yaml would break every build). It must then do what ours would: list ks.yaml and
 * nothing below the rendered folder, or a parent applying the package applies the releases too.
 */
export function yieldToUserRoot<G extends { object: KrmObject; path: string }>(
  r: Resolved,
  generated: G[],
  items: Item[],
  mine: (i: Item) => boolean,
): { generated: G[]; results: Result[] } {
  const theirs = items.find((i) => i.file?.path === ROOT_KUSTOMIZATION_PATH && !mine(i));
  if (!theirs || !generated.some((g) => g.path === ROOT_KUSTOMIZATION_PATH)) return { generated, results: [] };
  const kept = generated.filter((g) => g.path !== ROOT_KUSTOMIZATION_PATH);
  const listed = (Array.isArray(theirs.object?.resources) ? theirs.object.resources : [])
    .filter((x: unknown): x is string => typeof x === 'string')
    .map((x: string) => x.replace(/^\.\//, '').replace(/\/+$/, ''));
  const ns = r.namespace;
  if (listed.includes(ROOT_KS_PATH) && !listed.some((x: string) => x === ns || x.startsWith(`${ns}/`))) return { generated: kept, results: [] };
  return {
    generated: kept,
    results: [
      warning(
        `${ROOT_KUSTOMIZATION_PATH} at the package root is yours, so ${ROOT_KS_PATH} is not listed in a generated one: list ./${ROOT_KS_PATH} in it and nothing under ${ns}/, or a Kustomization that applies the package folder applies the HelmReleases a second time beside ${ROOT_KS_PATH}.`,
        { resourceRef: theirs.ref, file: theirs.file, field: 'resources' },
      ),
    ],
  };
}

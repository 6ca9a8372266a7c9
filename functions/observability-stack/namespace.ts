// The stack's Namespace (spec.createNamespace): Flux's first apply fails on a fresh cluster without
// it. In home-ops clusters the namespace often already holds other apps (kube-prometheus-stack),
// so it is generated with care: Flux never prunes it, and a Namespace the user keeps in the package
// wins over ours.
import { FLUX_PRUNE } from '../krm/annotations.ts';
import type { Item } from '../krm/item.ts';
import { warning } from '../krm/results.ts';
import type { KrmObject, Result } from '../krm/types.ts';
import type { Resolved } from './resolve.ts';

/** Beside the app folders, where home-ops repositories keep `kubernetes/apps/<namespace>/namespace.yaml`. */
const NAMESPACE_FILE = 'namespace.yaml';

const namespacePath = (namespace: string) => `${namespace}/${NAMESPACE_FILE}`;

export function namespaceObject(r: Resolved): { object: KrmObject; path: string } | undefined {
  if (!r.spec.createNamespace) return undefined;
  return {
    object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: r.namespace, annotations: { [FLUX_PRUNE]: 'disabled' } } },
    path: namespacePath(r.namespace),
  };
}

const isNamespace = (i: Item, name: string) => i.kind === 'Namespace' && i.group === '' && i.name === name;

/**
 * Drops our Namespace when the package already holds one of that name that this run did not
 * generate (`mine`): the user's, or another config's. Theirs stays.
 */
export function withoutUserNamespace<G extends { object: KrmObject }>(generated: G[], items: Item[], mine: (i: Item) => boolean): G[] {
  const theirs = (name: string) => items.some((i) => isNamespace(i, name) && !mine(i));
  return generated.filter((g) => !(g.object.kind === 'Namespace' && g.object.apiVersion === 'v1' && theirs(g.object.metadata.name)));
}

/**
 * home-ops: the namespace folder's kustomization.yaml is the user's (it lists the apps' ks.yaml).
 * When it exists and does not list namespace.yaml, Flux would never apply our Namespace: say so.
 */
export function unlistedNamespace(r: Resolved, items: Item[]): Result[] {
  if (r.spec.output.layout !== 'home-ops') return [];
  const file = `${r.namespace}/kustomization.yaml`;
  const theirs = items.find((i) => i.file?.path === file && i.kind === 'Kustomization');
  if (!theirs) return [];
  const resources: unknown = theirs.object?.resources;
  const listed = Array.isArray(resources) && resources.some((x) => typeof x === 'string' && x.replace(/^\.\//, '') === NAMESPACE_FILE);
  if (listed) return [];
  return [
    warning(
      `${file} does not list ./${NAMESPACE_FILE}, so Flux never applies the generated Namespace ${r.namespace}: add it to resources, or set spec.createNamespace: false if the namespace comes from elsewhere.`,
      {
        resourceRef: theirs.ref,
        file: theirs.file,
        field: 'resources',
      },
    ),
  ];
}

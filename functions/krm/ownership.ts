// Which objects a function owns, and how its fresh output replaces the old.
import { Item } from './item.ts';
import { error } from './results.ts';
import type { KrmObject, Result } from './types.ts';
import { PATH, INDEX, LEGACY_PATH, LEGACY_INDEX } from './annotations.ts';

/** Annotation naming the function that generated an object; its value is the function name. */
export const GENERATED_BY = 'observability.krm.dev/generated-by';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'observability-krm';

export const isOwnedBy = (item: Item, fn: string) => item.annotations[GENERATED_BY] === fn;

/** Stamp a generated object: ownership marker, managed-by label and the file kpt writes it to. */
export function stamp(obj: KrmObject, fn: string, path?: string): KrmObject {
  const md = obj.metadata;
  md.labels = { ...md.labels, [MANAGED_BY_LABEL]: MANAGED_BY_VALUE };
  const annotations: Record<string, string> = { ...md.annotations, [GENERATED_BY]: fn };
  if (path) Object.assign(annotations, { [PATH]: path, [INDEX]: '0', [LEGACY_PATH]: path, [LEGACY_INDEX]: '0' });
  md.annotations = annotations;
  return obj;
}

/**
 * Replace everything `fn` generated before with `generated`. Input items the function does not
 * own stay in place, in order. A user object with the identity of a generated one is an error:
 * it is never overwritten.
 */
export function replaceOwned(
  items: Item[],
  generated: Item[],
  fn: string,
): { items: Item[]; results: Result[] } {
  const kept = items.filter((i) => !isOwnedBy(i, fn));
  const byKey = new Map<string, Item>();
  for (const i of kept) if (i.isResource) byKey.set(i.key, i);
  const results: Result[] = [];
  const seen = new Set<string>();
  for (const g of generated) {
    if (seen.has(g.key)) throw new Error(`internal error: ${fn} generated ${g.kind} ${g.namespace}/${g.name} twice`);
    seen.add(g.key);
    const clash = byKey.get(g.key);
    if (clash) {
      const ns = g.namespace ? `${g.namespace}/` : '';
      results.push(
        error(
          `${fn} generates ${g.kind} ${ns}${g.name}, but the package already has an object with that identity that ${fn} does not own` +
            `${clash.file ? ` (${clash.file.path})` : ''}. Rename or remove your object, or add the annotation ${GENERATED_BY}: ${fn} to hand it over.`,
          { resourceRef: clash.ref, file: clash.file },
        ),
      );
    }
  }
  if (results.length) return { items, results };
  return { items: [...kept, ...generated], results };
}

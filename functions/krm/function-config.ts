// What every function needs to know about its functionConfig and config items.
import { LOCAL_CONFIG } from './annotations.ts';
import type { Item } from './item.ts';

const isEmptyConfigMap = (fc: Item) => {
  const empty = (v: unknown) => !v || (typeof v === 'object' && Object.keys(v).length === 0);
  return fc.kind === 'ConfigMap' && empty(fc.object?.data) && empty(fc.object?.binaryData);
};

/** A functionConfig that says nothing: absent, `{}`, or the empty `function-input` ConfigMap `kpt fn eval` sends. */
export const isEmptyFunctionConfig = (fc: Item | undefined) =>
  !fc?.object || typeof fc.object !== 'object' || Object.keys(fc.object).length === 0 || isEmptyConfigMap(fc);

/**
 * The same config arriving twice (kpt configPath and the package item, kustomize's generator
 * config) is one config: orchestrator annotations and the local-config marker (which the
 * functions add themselves) do not make two copies different.
 */
export function sameObject(a: Item, b: Item): boolean {
  const key = (i: Item) => {
    const o = i.semantic() as { metadata?: { annotations?: Record<string, unknown> } } | null | undefined;
    delete o?.metadata?.annotations?.[LOCAL_CONFIG];
    if (o?.metadata?.annotations && Object.keys(o.metadata.annotations).length === 0) delete o.metadata.annotations;
    return JSON.stringify(o);
  };
  return key(a) === key(b);
}

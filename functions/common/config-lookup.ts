// Finding the ObservabilityConfig a run is about: the functionConfig, or the one in the package.
// Both functions use this, so "several configs" means the same thing and reads the same in both.
import { isEmptyFunctionConfig, sameObject } from '../krm/function-config.ts';
import type { Item } from '../krm/item.ts';
import { error, type warning } from '../krm/results.ts';
import type { Result } from '../krm/types.ts';
import { closest } from './closest.ts';
import { CONFIG_API_VERSION, CONFIG_GROUP, CONFIG_KIND } from './contract.ts';

/** "a Deployment (apps/v1)", for messages about a functionConfig of the wrong kind. */
export const describeKind = (i: Item) => (i.kind ? `a ${i.kind}${i.apiVersion ? ` (${i.apiVersion})` : ''}` : 'an object without kind');

/** By kind only, so a config with a wrong apiVersion is found and its apiVersion refused by the schema. */
const isConfigKind = (i: Item) => i.kind === CONFIG_KIND;

/**
 * The ObservabilityConfig of a run: the functionConfig when it is one, else the one in the
 * package. The same config arriving twice (kpt configPath and the package item, kustomize's
 * generator config) is one config; several different ones are an error on each. No config is
 * not an error here: each function decides what that means.
 */
export function lookupConfig(fc: Item | undefined, items: Item[]): { config?: Item; results: Result[] } {
  if (fc && !isEmptyFunctionConfig(fc) && (isConfigKind(fc) || fc.group === CONFIG_GROUP)) return { config: fc, results: [] };
  const candidates = items.filter(isConfigKind);
  const distinct = candidates.filter((c, i) => candidates.findIndex((o) => sameObject(o, c)) === i);
  if (distinct.length <= 1) return { config: distinct[0], results: [] };
  const names = distinct.map((c) => `${c.name || '(unnamed)'}${c.file ? ` (${c.file.path})` : ''}`).join(', ');
  return {
    results: distinct.map((c) =>
      error(
        `the package has ${distinct.length} different ObservabilityConfigs (${names}) and no functionConfig says which to use: keep one, or name it with --fn-config / configPath.`,
        { resourceRef: c.ref, file: c.file },
      ),
    ),
  };
}

/** The kinds of our API group: the config and the rules loki-rules reads. */
const LOKI_RULE_KIND = 'LokiRule';
const OUR_KINDS = new Set([CONFIG_KIND, LOKI_RULE_KIND]);

/**
 * A package item whose kind looks like a misspelt ObservabilityConfig (`ObservabilityConf`), as
 * a result of the given severity; `consequence` says what the function does without a config.
 */
export function misspeltConfig(items: Item[], severity: typeof error | typeof warning, consequence: string): Result | undefined {
  const near = new Map<string, boolean>(); // packages hold thousands of items of a few kinds
  const isNear = (kind: string) => near.get(kind) ?? near.set(kind, kind !== CONFIG_KIND && !!closest(kind, [CONFIG_KIND])).get(kind)!;
  // Also another kind of our API group (`kind: Observability`), too far for a typo of the config's
  // kind, unless it is close to LokiRule's.
  const ours = (i: Item) => i.group === CONFIG_GROUP && !OUR_KINDS.has(i.kind) && !closest(i.kind, [LOKI_RULE_KIND]);
  const item = items.find((i) => i.kind && (isNear(i.kind) || ours(i)));
  if (!item) return undefined;
  return severity(
    `no ObservabilityConfig found, but there is an item of kind ${item.kind}${item.name ? ` (${item.name})` : ''}: did you mean kind: ${CONFIG_KIND} (apiVersion: ${CONFIG_API_VERSION})? ${consequence}`,
    { resourceRef: item.ref, file: item.file, field: 'kind', currentValue: item.kind, proposedValue: CONFIG_KIND },
  );
}

/**
 * For a function that needs a config (observability-stack): the lookup above, plus errors for a
 * functionConfig of another kind and for no config at all. `fn` names the function in messages.
 */
export function findConfig(fn: string, fc: Item | undefined, items: Item[]): { config?: Item; results: Result[] } {
  if (!isEmptyFunctionConfig(fc) && !isConfigKind(fc!) && fc!.group !== CONFIG_GROUP) {
    const near = fc!.kind && closest(fc!.kind, [CONFIG_KIND]) ? ` (did you mean kind: ${CONFIG_KIND}?)` : '';
    return {
      results: [
        error(
          `the functionConfig is ${describeKind(fc!)}${near}; ${fn} takes an ObservabilityConfig (apiVersion: ${CONFIG_API_VERSION}). ` +
            'Give one with --fn-config, configPath or a kustomize generators entry.',
          fc!.kind ? { resourceRef: fc!.ref, field: 'kind', currentValue: fc!.kind, proposedValue: CONFIG_KIND } : {},
        ),
      ],
    };
  }
  const found = lookupConfig(fc, items);
  if (found.config || found.results.length) return found;
  const near = misspeltConfig(items, error, 'Nothing is generated without one.');
  if (near) return { results: [near] };
  return {
    results: [
      error(
        `no ObservabilityConfig found: give one as the functionConfig (kpt --fn-config or configPath) or put one in the package (apiVersion: ${CONFIG_API_VERSION}, kind: ${CONFIG_KIND}).`,
      ),
    ],
  };
}

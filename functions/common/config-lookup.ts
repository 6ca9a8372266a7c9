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
const OUR_KINDS = [CONFIG_KIND, LOKI_RULE_KIND];

/**
 * The kind of ours an item of another kind probably means: the one its kind is a likely typo of
 * (`ObservabilityConf`, `LokiRules`), else, for any other kind of our API group (`kind:
 * Observability`), the config's. Kinds of other groups that are not close mean nothing.
 */
export function meantKind(kind: string, group: string): string | undefined {
  if (!kind || OUR_KINDS.includes(kind)) return undefined;
  return closest(kind, OUR_KINDS) ?? (group === CONFIG_GROUP ? CONFIG_KIND : undefined);
}

/** The package items that probably mean `kind` but spell it otherwise, in package order. */
export function nearMisses(items: Item[], kind: string): Item[] {
  const meant = new Map<string, string | undefined>(); // packages hold thousands of items of a few kinds
  const means = (i: Item) => {
    const key = `${i.group}/${i.kind}`;
    if (!meant.has(key)) meant.set(key, meantKind(i.kind, i.group));
    return meant.get(key) === kind;
  };
  return items.filter(means);
}

/** "<lead> an item of kind X (name): did you mean kind: K (apiVersion: A)? <consequence>", on the item's kind. */
export function nearKindResult(
  item: Item,
  kind: string,
  apiVersion: string,
  severity: typeof error | typeof warning,
  lead: string,
  consequence: string,
): Result {
  return severity(
    `${lead} an item of kind ${item.kind}${item.name ? ` (${item.name})` : ''}: did you mean kind: ${kind} (apiVersion: ${apiVersion})? ${consequence}`,
    { resourceRef: item.ref, file: item.file, field: 'kind', currentValue: item.kind, proposedValue: kind },
  );
}

/**
 * A package item whose kind looks like a misspelt ObservabilityConfig (`ObservabilityConf`), as
 * a result of the given severity; `consequence` says what the function does without a config.
 */
export function misspeltConfig(items: Item[], severity: typeof error | typeof warning, consequence: string): Result | undefined {
  const [item] = nearMisses(items, CONFIG_KIND);
  return item && nearKindResult(item, CONFIG_KIND, CONFIG_API_VERSION, severity, 'no ObservabilityConfig found, but there is', consequence);
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

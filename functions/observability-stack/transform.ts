// observability-stack: ObservabilityConfig -> Flux manifests for Loki, Tempo and Pyroscope.
// Pure: items in, items and results out.
import { LOCAL_CONFIG } from '../krm/annotations.ts';
import { protect } from '../flux/protect.ts';
import { Item } from '../krm/item.ts';
import { configScope, ownedByRun, replaceOwned, stamp } from '../krm/ownership.ts';
import { hasErrors, info } from '../krm/results.ts';
import type { Result } from '../krm/types.ts';
import { findConfig } from '../common/config-lookup.ts';
import { parseConfig } from './config.ts';
import { generate } from './generate.ts';
import { unlistedNamespace, withoutUserNamespace } from './namespace.ts';
import { headerOf } from './provenance.ts';
import { yieldToUserRoot } from './package-root.ts';
import { resolve } from './resolve.ts';
import { validate } from './validate.ts';
import { checkValues } from './values-check.ts';

export const FN = 'observability-stack';

export function transform(functionConfig: Item | undefined, items: Item[]): { items: Item[]; results: Result[] } {
  const found = findConfig(FN, functionConfig, items);
  if (!found.config) return { items, results: found.results };
  const configItem = found.config;
  const parsed = parseConfig(configItem);
  if (!parsed.config) return { items, results: parsed.results };
  // parse -> resolve -> validate -> generate: validation reads what resolution decided.
  const resolved = resolve(parsed.config);
  const results = validate(resolved, configItem.ref, configItem.file);
  if (!hasErrors(results)) results.push(...checkValues(resolved, configItem.ref, configItem.file));
  // Ownership is per config: several ObservabilityConfigs may share a package (one kpt step each).
  const { scope, results: scopeErrors } = configScope(
    configItem,
    items.filter((i) => i.kind === configItem.kind),
  );
  results.push(...scopeErrors);
  if (hasErrors(results)) return { items, results };

  const variables = new Set<string>();
  const mine = (i: Item) => ownedByRun(i, FN, scope);
  // The header names the config's file: the package's copy when the functionConfig has no path.
  const source = configItem.file ? configItem : (items.find((i) => i.key === configItem.key && i.file) ?? configItem);
  const root = yieldToUserRoot(resolved, withoutUserNamespace(generate(resolved), items, mine), items, mine);
  results.push(...root.results);
  const generated = root.generated.map(({ object, path }) => {
    const p = protect(object);
    for (const v of p.variables) variables.add(v);
    return Item.fromObjectWithHeader(stamp(p.object, FN, path, scope), headerOf(FN, source, p.object));
  });
  results.push(...unlistedNamespace(resolved, items));
  const replaced = replaceOwned(markLocalConfig(items, configItem), generated, FN, scope);
  results.push(...replaced.results);
  if (hasErrors(results)) return { items, results };
  if (variables.size) {
    const names = [...variables].sort();
    results.push(
      info(
        `the output expects Flux post-build variables: ${names.join(', ')}. Define them in the applying Kustomization's postBuild.substitute or substituteFrom.`,
        {
          resourceRef: configItem.ref,
          tags: { variables: names.join(',') },
        },
      ),
    );
  }
  return { items: replaced.items, results };
}

/** The config stays in the package as local config: kustomize and kpt never apply it. */
function markLocalConfig(items: Item[], config: Item): Item[] {
  return items.map((i) =>
    i.key === config.key && i.kind === config.kind && i.annotations[LOCAL_CONFIG] !== 'true' ? i.withAnnotation(LOCAL_CONFIG, 'true') : i,
  );
}

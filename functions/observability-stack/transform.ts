// observability-stack: ObservabilityConfig -> Flux manifests for Loki, Tempo and Pyroscope.
// Pure: items in, items and results out.
import { LOCAL_CONFIG } from '../krm/annotations.ts';
import { protect } from '../krm/flux-protect.ts';
import { Item } from '../krm/item.ts';
import { replaceOwned, stamp } from '../krm/ownership.ts';
import { hasErrors, info } from '../krm/results.ts';
import type { Result } from '../krm/types.ts';
import { findConfig, parseConfig } from './config.ts';
import { generate } from './generate.ts';
import { resolve } from './resolve.ts';
import { validate } from './validate.ts';

export const FN = 'observability-stack';

export function transform(functionConfig: Item | undefined, items: Item[]): { items: Item[]; results: Result[] } {
  const found = findConfig(functionConfig, items);
  if (!found.config) return { items, results: found.results };
  const configItem = found.config;
  const parsed = parseConfig(configItem);
  if (!parsed.config) return { items, results: parsed.results };
  const config = parsed.config;
  const results = validate(config, configItem.ref, configItem.file);
  if (hasErrors(results)) return { items, results };

  const variables = new Set<string>();
  const generated = generate(resolve(config)).map(({ object, path }) => {
    const p = protect(object);
    p.variables.forEach((v) => variables.add(v));
    return Item.fromObject(stamp(p.object, FN, path));
  });
  const replaced = replaceOwned(markLocalConfig(items, configItem), generated, FN);
  results.push(...replaced.results);
  if (hasErrors(results)) return { items, results };
  if (variables.size) {
    const names = [...variables].sort();
    results.push(
      info(`the output expects Flux post-build variables: ${names.join(', ')}. Define them in the applying Kustomization's postBuild.substitute or substituteFrom.`, {
        resourceRef: configItem.ref,
        tags: { variables: names.join(',') },
      }),
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

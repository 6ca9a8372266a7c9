// loki-rules: LokiRules -> ConfigMaps the Loki rules sidecar loads. Pure: items in, items and
// results out. Every rule is validated before anything is generated.
import { LOCAL_CONFIG } from '../krm/annotations.ts';
import { headerFor } from '../krm/header.ts';
import { Item } from '../krm/item.ts';
import { configScope, isOwnedBy, ownedByRun, replaceOwned, stamp } from '../krm/ownership.ts';
import { error, hasErrors, warning } from '../krm/results.ts';
import type { Result } from '../krm/types.ts';
import { MAX_CONFIGMAP_BYTES, configMapName, configMapPath, dataBytes, ruleConfigMap, type RuleSource } from './configmap.ts';
import { API_VERSION, GROUP, KIND } from './schema.ts';
import { isEmptyFunctionConfig, sameObject } from '../krm/function-config.ts';
import { describeKind, lookupConfig, meantKind, misspeltConfig, nearKindResult, nearMisses } from '../common/config-lookup.ts';
import { isObservabilityConfig } from '../common/contract.ts';
import { resolveSettings, type Settings } from './settings.ts';
import { validateLokiRule, validateRuleConfigMap } from './validate.ts';

export const FN = 'loki-rules';

const isLokiRule = (i: Item) => i.kind === KIND && i.group === GROUP;
const isConfigMap = (i: Item) => i.kind === 'ConfigMap' && i.apiVersion === 'v1';

export function transform(functionConfig: Item | undefined, items: Item[]): { items: Item[]; results: Result[] } {
  const fc = isEmptyFunctionConfig(functionConfig) ? undefined : functionConfig;
  let fcRule: Item | undefined;
  let fcConfigMap: Item | undefined;
  let fcConfig: Item | undefined;
  if (fc && isLokiRule(fc))
    fcRule = fc; // kustomize plugins and `kpt fn eval --fn-config rule.yaml`
  else if (fc && isObservabilityConfig(fc)) fcConfig = fc;
  else if (fc && isConfigMap(fc)) fcConfigMap = fc;
  else if (fc) {
    const what = describeKind(fc);
    const meant = meantKind(fc.kind, fc.group);
    const near = meant ? ` (did you mean kind: ${meant}?)` : '';
    return {
      items,
      results: [
        error(
          `the functionConfig is ${what}${near}; ${FN} takes a ConfigMap (data.label, data.labelValue), an ObservabilityConfig or a ${KIND} (${API_VERSION})`,
          fc.kind ? { resourceRef: fc.ref, field: 'kind', currentValue: fc.kind, proposedValue: meant } : {},
        ),
      ],
    };
  }

  const lookup = lookupConfig(fcConfig, items);
  if (lookup.results.length) return { items, results: lookup.results };
  const { settings, results } = resolveSettings(lookup.config, fcConfigMap);
  if (!settings) return { items, results };
  if (!lookup.config) {
    const near = misspeltConfig(
      items,
      warning,
      `Using ${settings.source} for the rules sidecar label (${settings.label}=${JSON.stringify(settings.labelValue)}).`,
    );
    if (near) results.push(near);
  }
  // Ownership is per ObservabilityConfig (one step per stack); a run without one owns all.
  const scoped = lookup.config ? configScope(lookup.config, items.filter(isObservabilityConfig)) : undefined;
  const scope = scoped?.scope;
  results.push(...(scoped?.results ?? []));

  const rules = items.filter(isLokiRule);
  // An item that means a LokiRule but is not one would otherwise generate nothing, silently.
  for (const near of nearMisses(items, KIND)) {
    results.push(nearKindResult(near, KIND, API_VERSION, warning, `${FN} ignores`, `Only ${KIND}s generate rule ConfigMaps.`));
  }
  // The right kind in another API group (a typo in the group, an old copy) is as silent otherwise.
  for (const other of items.filter((i) => i.kind === KIND && i.group !== GROUP)) {
    results.push(
      warning(
        `${FN} ignores the ${KIND} ${other.name || '(unnamed)'}: its apiVersion is ${JSON.stringify(other.apiVersion)}, not ${API_VERSION}, so it generates no rule ConfigMap.`,
        { resourceRef: other.ref, file: other.file, field: 'apiVersion', currentValue: other.apiVersion, proposedValue: API_VERSION },
      ),
    );
  }
  // A rule given only as functionConfig generates its ConfigMap and leaves the other generated ones alone.
  let single = false;
  if (fcRule) {
    const same = rules.find((r) => r.key === fcRule!.key);
    if (!same) {
      rules.push(fcRule);
      single = true;
    } else if (!sameObject(same, fcRule)) {
      results.push(
        error(
          `the functionConfig ${KIND} ${fcRule.name} differs from the one in the package${same.file ? ` (${same.file.path})` : ''}; pass the package's file as configPath, or rename one`,
          {
            resourceRef: same.ref,
            file: same.file,
          },
        ),
      );
    }
  }

  for (const r of rules) results.push(...validateLokiRule(r));
  for (const cm of items) {
    if (isConfigMap(cm) && !isOwnedBy(cm, FN) && settings.label in cm.labels) results.push(...validateRuleConfigMap(cm, settings));
  }
  const sources = rules
    .map((item) => ({ item, src: sourceOf(item, settings) }))
    .sort((a, b) => cmp(a.src.namespace, b.src.namespace) || cmp(a.src.name, b.src.name));
  results.push(...duplicates(sources), ...sidecarWarnings(sources, settings));
  if (hasErrors(results)) return { items, results };

  const generated: Item[] = [];
  for (const { item, src } of sources) {
    const cm = ruleConfigMap(src, settings);
    const bytes = dataBytes(cm);
    if (bytes > MAX_CONFIGMAP_BYTES) {
      results.push(
        error(`the rules are ${bytes} bytes, over the ${MAX_CONFIGMAP_BYTES}-byte ConfigMap limit: split them over several ${KIND}s`, {
          resourceRef: item.ref,
          file: item.file,
          field: 'spec.groups',
        }),
      );
    }
    const from = { fn: FN, config: `${KIND} ${item.namespace ? `${item.namespace}/` : ''}${item.name}`, configFile: item.file?.path, change: 'spec.groups' };
    generated.push(Item.fromObjectWithHeader(stamp(cm, FN, configMapPath(src), scope), headerFor(cm.apiVersion, cm.kind, from)));
  }
  if (hasErrors(results)) return { items, results };

  const marked = items.map((i) => (isLokiRule(i) && i.annotations[LOCAL_CONFIG] !== 'true' ? i.withAnnotation(LOCAL_CONFIG, 'true') : i));
  const fresh = new Set(generated.map((g) => g.key));
  const keep = single ? marked.filter((i) => ownedByRun(i, FN, scope) && !fresh.has(i.key)) : [];
  // One rule per run: kept and fresh ConfigMaps in the order the package had them, so a re-run changes nothing.
  const at = new Map(marked.map((i, n) => [i.key, n]));
  const pos = (i: Item) => at.get(i.key) ?? marked.length;
  const next = single ? [...keep, ...generated].sort((x, y) => pos(x) - pos(y)) : generated;
  const replaced = replaceOwned(marked, next, FN, scope);
  results.push(...replaced.results);
  if (hasErrors(results)) return { items, results };
  return { items: replaced.items, results };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function sourceOf(item: Item, s: Settings): RuleSource {
  return { name: item.name, namespace: item.namespace || s.namespace, groups: item.object?.spec?.groups, file: item.file?.path };
}

/** Two LokiRules that would generate the same ConfigMap. */
function duplicates(sources: { item: Item; src: RuleSource }[]): Result[] {
  const first = new Map<string, Item>();
  const out: Result[] = [];
  for (const { item, src } of sources) {
    const id = `${src.namespace}/${src.name}`;
    const prev = first.get(id);
    if (!prev) {
      first.set(id, item);
      continue;
    }
    const defaulted = !item.namespace || !prev.namespace ? ` (a ${KIND} without metadata.namespace goes to ${src.namespace})` : '';
    out.push(
      error(
        `${KIND} ${id} is defined twice${prev.file ? ` (also in ${prev.file.path})` : ''}${defaulted}: both would generate ConfigMap ${src.namespace}/${configMapName(src.name)}. Rename one or merge their groups.`,
        { resourceRef: item.ref, file: item.file, field: 'metadata.name', currentValue: item.name },
      ),
    );
  }
  return out;
}

/** Rules the sidecar, as the ObservabilityConfig sets it up, would never load. */
function sidecarWarnings(sources: { item: Item; src: RuleSource }[], s: Settings): Result[] {
  const sc = s.sidecar;
  if (!sc || sources.length === 0) return [];
  if (!sc.enabled) {
    return [
      warning(`is false, so no sidecar loads the ${sources.length} rule ConfigMap(s) loki-rules generates`, {
        ...sc.where,
        field: 'spec.loki.rules.enabled',
      }),
    ];
  }
  if (sc.resource === 'secret') {
    return [
      warning('is secret, so the sidecar ignores the rule ConfigMaps loki-rules generates; use configmap or both', {
        ...sc.where,
        field: 'spec.loki.rules.resource',
      }),
    ];
  }
  if (sc.searchNamespace === 'ALL') return [];
  const searched = sc.searchNamespace.split(',');
  return sources
    .filter(({ src }) => !searched.includes(src.namespace))
    .map(({ item, src }) =>
      warning(
        `the rule ConfigMap goes to namespace ${src.namespace}, but the sidecar only searches ${sc.searchNamespace} (${s.source}, spec.loki.rules.searchNamespace), so these rules are not loaded`,
        { resourceRef: item.ref, file: item.file, field: 'metadata.namespace', currentValue: src.namespace },
      ),
    );
}

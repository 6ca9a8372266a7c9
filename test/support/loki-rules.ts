// Building LokiRule inputs and running the loki-rules transform in-process.
import { Item } from '../../functions/krm/item.ts';
import { readResourceList, writeResourceList } from '../../functions/krm/resource-list.ts';
import { transform } from '../../functions/loki-rules/transform.ts';

export const PATH = 'internal.config.kubernetes.io/path';
export const GEN = 'observability.krm.dev/generated-by';
export const LOCAL = 'config.kubernetes.io/local-config';
export const FLUX = 'kustomize.toolkit.fluxcd.io/substitute';

export const alertGroup = (name = 'errors', expr = 'sum by (pod) (count_over_time({app="api"} |~ "error$" [5m])) > 0') => ({
  name,
  rules: [{ alert: 'ApiErrors', expr, for: '5m', labels: { severity: 'warning' }, annotations: { summary: '{{ $labels.pod }} logs errors' } }],
});
export const recordGroup = (name = 'rates') => ({
  name,
  interval: '1m',
  rules: [{ record: 'app:lines:rate5m', expr: 'sum by (app) (rate({app=~".+"}[5m]))' }],
});

/** A LokiRule; `file` is where kpt read it from (null: no path annotation). */
export function lokiRule(name: string, namespace?: string, groups: unknown[] = [alertGroup()], file: string | null = `apps/${name}/rules.yaml`): any {
  const metadata: any = { name };
  if (namespace) metadata.namespace = namespace;
  if (file) metadata.annotations = { [PATH]: file };
  return { apiVersion: 'observability.krm.dev/v1alpha1', kind: 'LokiRule', metadata, spec: { groups } };
}

export function obsConfig(rules: object = {}, extra: object = {}, name = 'observability'): any {
  return {
    apiVersion: 'observability.krm.dev/v1alpha1',
    kind: 'ObservabilityConfig',
    metadata: { name, annotations: { [LOCAL]: 'true', [PATH]: 'config.yaml' } },
    spec: { loki: { rules }, ...extra },
  };
}

export const fnConfigMap = (data: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'function-input' }, data });

export function run(items: object[], fc?: object) {
  const out = transform(
    fc ? Item.fromObject(fc as any) : undefined,
    items.map((o) => Item.fromObject(structuredClone(o) as any)),
  );
  const objects = out.items.map((i) => i.object);
  const errors = out.results.filter((r) => r.severity === 'error');
  const warnings = out.results.filter((r) => r.severity === 'warning');
  const generated = objects.filter((o: any) => o.metadata?.annotations?.[GEN] === 'loki-rules');
  return {
    ...out,
    objects,
    errors,
    warnings,
    generated,
    cm: (ns: string, name: string) => generated.find((o: any) => o.metadata.namespace === ns && o.metadata.name === name),
  };
}

/** One pass through ResourceList text, as kpt runs it: text in, text out. */
export function runText(text: string): { text: string; errors: number } {
  const list = readResourceList(text);
  const out = transform(list.functionConfig, list.items);
  return { text: writeResourceList(out.items, out.results), errors: out.results.filter((r) => r.severity === 'error').length };
}

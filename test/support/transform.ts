// In-process use of the pure transform: fast unit tests without a process per case.
import YAML from 'yaml';
import { Item } from '../../functions/krm/item.ts';
import { transform } from '../../functions/observability-stack/transform.ts';
import { config } from './fn.ts';

export function generateFor(spec: object) {
  const cfg = config(spec);
  const out = transform(Item.fromObject(cfg), [Item.fromObject(cfg)]);
  const objects = out.items.map((i) => i.object);
  return { ...out, objects, get: (kind: string, name: string) => objects.find((o: any) => o.kind === kind && o.metadata.name === name) };
}

export const values = (spec: object, release: string) => generateFor(spec).get('HelmRelease', release)?.spec.values;
export const yamlOf = (o: unknown) => YAML.stringify(o);

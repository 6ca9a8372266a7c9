// Deep merge with Helm's semantics for values: maps merge, everything else replaces.
import { isMap } from '../common/data.ts';

export type Values = Record<string, unknown>;

export function deepMerge(base: Values, over: Values): Values {
  const out: Values = { ...base };
  for (const [k, v] of Object.entries(over)) {
    out[k] = isMap(v) && isMap(out[k]) ? deepMerge(out[k] as Values, v) : v;
  }
  return out;
}

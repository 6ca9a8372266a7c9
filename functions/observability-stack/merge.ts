// Deep merge with Helm's semantics for values: maps merge, everything else replaces.
export type Values = Record<string, unknown>;

const isMap = (v: unknown): v is Values => !!v && typeof v === 'object' && !Array.isArray(v);

export function deepMerge(base: Values, over: Values): Values {
  const out: Values = { ...base };
  for (const [k, v] of Object.entries(over)) {
    out[k] = isMap(v) && isMap(out[k]) ? deepMerge(out[k] as Values, v) : v;
  }
  return out;
}

/** Sort map keys recursively so output order never depends on how values were assembled. */
export function sortKeys<T>(v: T): T {
  if (Array.isArray(v)) return v.map(sortKeys) as T;
  if (isMap(v)) {
    const out: Values = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
    return out as T;
  }
  return v;
}

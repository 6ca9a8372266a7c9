// Plain parsed data (YAML/JSON) as both functions walk it.

/** A mapping: not null, not a list. */
export const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

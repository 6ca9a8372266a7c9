// Zod issues -> KRM results, one wording for both functions. kpt prints `<field>: <message>`, so
// the field path goes in the result's field and never into its message.
import type { z } from 'zod';
import { error } from '../krm/results.ts';
import type { ResourceRef, Result } from '../krm/types.ts';
import { closest } from './closest.ts';
import { numberHintOf } from './formats.ts';

export interface IssueContext {
  /** The schema that produced the issues: its field names feed "did you mean" hints. */
  schema: z.ZodType;
  /** The input that was parsed, to quote offending values. */
  raw: unknown;
  resourceRef: ResourceRef;
  file?: { path: string; index?: number };
  /** What the whole input is called when an issue is at its root (e.g. "a LokiRule"). */
  what: string;
  /** A function's own message for an unknown field (observability-stack: inline credentials). */
  unknownField?: (path: string[], key: string) => string | undefined;
}

/** One result per issue (per unknown key), duplicates removed. */
export function issueResults(issues: readonly z.core.$ZodIssue[], ctx: IssueContext): Result[] {
  return dedupe(issues.flatMap((issue) => resultsOf(issue, ctx)));
}

function resultsOf(issue: z.core.$ZodIssue, ctx: IssueContext): Result[] {
  const { raw, resourceRef, file } = ctx;
  const base = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeys(ctx.schema, base);
    return issue.keys.map((k) => {
      const field = [...base, k].join('.');
      const own = ctx.unknownField?.(base, k);
      if (own) return error(own, { resourceRef, file, field });
      const near = closest(k, known, { partial: true });
      const hint = near ? `did you mean "${near}"? ` : '';
      return error(`unknown field "${k}": ${hint}allowed fields here: ${known.join(', ')}`, { resourceRef, file, field });
    });
  }
  const current = valueAt(raw, base);
  let message = issue.message;
  if (issue.code === 'invalid_type') {
    message = current === undefined ? `is required (${expected(issue)})` : `must be ${expected(issue)}, got ${typeName(current)}`;
    if (issue.expected === 'string' && (typeof current === 'number' || typeof current === 'boolean')) {
      const hint = typeof current === 'number' ? numberHintOf(schemaAt(ctx.schema, base))?.(current) : undefined;
      message += hint ? `: write it with a unit, such as "${hint}"` : `; quote it: "${current}"`;
    }
    if (issue.expected === 'boolean' && typeof current === 'string') message += ': write true or false, without quotes';
  } else if (issue.code === 'invalid_value') {
    message = `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  } else if (issue.code === 'invalid_key') {
    // zod says "Invalid key in record"; the key's own check says what is wrong with it.
    return [
      error(`key ${JSON.stringify(base.at(-1) ?? '')} ${issue.issues[0]?.message ?? 'is not allowed here'}`, { resourceRef, file, field: base.join('.') }),
    ];
  }
  if (current !== undefined && typeof current !== 'object' && issue.code !== 'invalid_type') {
    message += `; got ${shorten(JSON.stringify(current))}`;
    const options = issue.code === 'invalid_value' ? issue.values.filter((v): v is string => typeof v === 'string') : [];
    const near = typeof current === 'string' ? closest(current, options, { partial: true }) : undefined;
    if (near) message += `: did you mean "${near}"?`;
  }
  if (base.length === 0) message = `${ctx.what} ${message}`;
  return [error(message, { resourceRef, file, field: base.join('.') || undefined, currentValue: scalar(current) })];
}

const expected = (issue: { expected?: string }) => (issue.expected === 'object' ? 'a mapping' : issue.expected === 'array' ? 'a list' : `a ${issue.expected}`);
const typeName = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : `${typeof v} ${JSON.stringify(v)}`);
const scalar = (v: unknown) => (v === undefined || (v !== null && typeof v === 'object') ? undefined : typeof v === 'string' ? shorten(v) : v);
/** Messages and results quote the offending value, but never a megabyte of it. */
const shorten = (s: string) => (s.length > 120 ? `${s.slice(0, 100)}… (${s.length} characters)` : s);

function valueAt(obj: unknown, path: string[]): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

/** The part of zod's schema internals this walks (zod has no public API for "the schema at a path"). */
type ZodNode = {
  _zod?: { def?: { type?: string; innerType?: ZodNode; shape?: Record<string, ZodNode>; element?: ZodNode; valueType?: ZodNode } };
};

/** The schema of the field at a path (wrappers such as default and optional removed). */
function schemaAt(schema: z.ZodType, path: string[]): ZodNode | undefined {
  let s = schema as ZodNode | undefined;
  const unwrap = () => {
    while (s?._zod?.def?.innerType) s = s._zod.def.innerType;
  };
  unwrap();
  for (const p of path) {
    const def = s?._zod?.def;
    if (def?.type === 'object') s = def.shape?.[p];
    else if (def?.type === 'array') s = def.element;
    else if (def?.type === 'record') s = def.valueType;
    else return undefined;
    unwrap();
  }
  return s;
}

/** The field names the schema allows at a path, for "did you mean" hints. */
function knownKeys(schema: z.ZodType, path: string[]): string[] {
  const s = schemaAt(schema, path);
  const def = s?._zod?.def;
  return def?.type === 'object' ? Object.keys(def.shape ?? {}) : [];
}

function dedupe(results: Result[]): Result[] {
  const seen = new Set<string>();
  return results.filter((r) => {
    const k = `${r.field?.path}|${r.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

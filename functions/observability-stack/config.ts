// Finding the ObservabilityConfig and turning zod issues into KRM results.
import type { z } from 'zod';
import { isEmptyFunctionConfig, sameObject } from '../krm/function-config.ts';
import type { Item } from '../krm/item.ts';
import { error } from '../krm/results.ts';
import type { Result } from '../krm/types.ts';
import { API_VERSION, KIND, configSchema, type ObservabilityConfig } from './schema.ts';
import { inlineCredentialMessage } from './object-storage.ts';

const FN = 'observability-stack';
const GROUP = API_VERSION.split('/')[0]!;

const isConfigKind = (i: Item) => i.kind === KIND;

/**
 * The config is the functionConfig, or, when there is none, the one ObservabilityConfig item
 * (kpt configPath, kustomize generators). The same object arriving both ways is normal.
 */
export function findConfig(fc: Item | undefined, items: Item[]): { config?: Item; results: Result[] } {
  if (!isEmptyFunctionConfig(fc)) {
    if (isConfigKind(fc!) || fc!.group === GROUP) return { config: fc, results: [] };
    const what = fc!.kind ? `a ${fc!.kind}${fc!.apiVersion ? ` (${fc!.apiVersion})` : ''}` : 'an object without kind';
    return {
      results: [
        error(
          `the functionConfig is ${what}; ${FN} takes an ObservabilityConfig (apiVersion: ${API_VERSION}). ` +
            `Give one with --fn-config, configPath or a kustomize generators entry.`,
          fc!.kind ? { resourceRef: fc!.ref, field: 'kind', currentValue: fc!.kind, proposedValue: KIND } : {},
        ),
      ],
    };
  }
  const candidates = items.filter(isConfigKind);
  if (candidates.length === 0) {
    return {
      results: [
        error(
          `no ObservabilityConfig found: give one as the functionConfig (kpt --fn-config or configPath) or put one in the package (apiVersion: ${API_VERSION}, kind: ${KIND}).`,
        ),
      ],
    };
  }
  const distinct = candidates.filter((c, i) => candidates.findIndex((o) => sameObject(o, c)) === i);
  if (distinct.length > 1) {
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
  return { config: candidates[0], results: [] };
}

export function parseConfig(item: Item): { config?: ObservabilityConfig; results: Result[] } {
  const raw = item.object;
  const parsed = configSchema.safeParse(raw);
  if (parsed.success) return { config: parsed.data, results: [] };
  const ref = {
    apiVersion: typeof raw?.apiVersion === 'string' ? raw.apiVersion : API_VERSION,
    kind: typeof raw?.kind === 'string' ? raw.kind : KIND,
    name: typeof raw?.metadata?.name === 'string' ? raw.metadata.name : '',
  };
  const results = parsed.error.issues.flatMap((issue) => issueResults(issue, raw, ref, item));
  return { results: dedupe(results) };
}

function issueResults(issue: z.core.$ZodIssue, raw: unknown, resourceRef: Result['resourceRef'], item: Item): Result[] {
  const base = issue.path.map(String);
  const file = item.file;
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeys(base);
    return issue.keys.map((k) => {
      const credential = inlineCredentialMessage(base, k);
      if (credential) return error(credential, { resourceRef, file, field: [...base, k].join('.') });
      const near = closest(k, known);
      const hint = near ? `did you mean "${near}"? ` : '';
      return error(`unknown field "${k}": ${hint}allowed fields here: ${known.join(', ')}`, {
        resourceRef,
        file,
        field: [...base, k].join('.'),
      });
    });
  }
  const current = valueAt(raw, base);
  let message = issue.message;
  if (issue.code === 'invalid_type') {
    message = current === undefined ? `is required (${expected(issue)})` : `must be ${expected(issue)}, got ${typeName(current)}`;
  } else if (issue.code === 'invalid_value') {
    message = `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  if (current !== undefined && typeof current !== 'object' && issue.code !== 'invalid_type') {
    message += `; got ${shorten(JSON.stringify(current))}`;
  }
  return [error(`${base.join('.') || 'config'} ${message}`, { resourceRef, file, field: base.join('.'), currentValue: scalar(current) })];
}

const expected = (issue: { expected?: string }) => (issue.expected === 'object' ? 'a mapping' : issue.expected === 'array' ? 'a list' : `a ${issue.expected}`);
const typeName = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : `${typeof v} ${JSON.stringify(v)}`);
const scalar = (v: unknown) =>
  v === undefined || (v !== null && typeof v === 'object') ? undefined : typeof v === 'string' ? shorten(v) : v;
/** Messages and results quote the offending value, but never a megabyte of it. */
const shorten = (s: string) => (s.length > 120 ? `${s.slice(0, 100)}… (${s.length} characters)` : s);

function valueAt(obj: unknown, path: string[]): unknown {
  let cur: any = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = cur[p];
  }
  return cur;
}

/** The field names the schema allows at a path, for "did you mean" hints. */
function knownKeys(path: string[]): string[] {
  let s: any = configSchema;
  const unwrap = () => {
    while (s?._zod?.def?.innerType) s = s._zod.def.innerType;
  };
  unwrap();
  for (const p of path) {
    if (s?._zod?.def?.type === 'object') s = s._zod.def.shape[p];
    else if (s?._zod?.def?.type === 'array') s = s._zod.def.element;
    else return [];
    unwrap();
  }
  return s?._zod?.def?.type === 'object' ? Object.keys(s._zod.def.shape) : [];
}

function closest(word: string, options: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const o of options) {
    const dist = levenshtein(word.toLowerCase(), o.toLowerCase());
    if (dist < bestD) [best, bestD] = [o, dist];
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
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

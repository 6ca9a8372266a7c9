import type { ResourceRef, Result, Severity } from './types.ts';

export interface ResultOptions {
  resourceRef?: ResourceRef;
  field?: string;
  currentValue?: unknown;
  proposedValue?: unknown;
  file?: { path: string; index?: number };
  tags?: Record<string, string>;
}

function result(severity: Severity, message: string, o: ResultOptions = {}): Result {
  const r: Result = { message, severity };
  if (o.resourceRef) r.resourceRef = o.resourceRef;
  // The spec requires resourceRef whenever field is set.
  if (o.field !== undefined && o.resourceRef) {
    r.field = { path: o.field };
    if (o.currentValue !== undefined) r.field.currentValue = o.currentValue;
    if (o.proposedValue !== undefined) r.field.proposedValue = o.proposedValue;
  }
  if (o.file) r.file = o.file.index ? { path: o.file.path, index: o.file.index } : { path: o.file.path };
  if (o.tags) r.tags = o.tags;
  return r;
}

export const error = (message: string, o?: ResultOptions) => result('error', message, o);
export const warning = (message: string, o?: ResultOptions) => result('warning', message, o);
export const info = (message: string, o?: ResultOptions) => result('info', message, o);

export const hasErrors = (results: Result[]) => results.some((r) => r.severity === 'error');

/**
 * One readable line per result, for stderr. kustomize ignores `results` and shows only stderr,
 * so this line must carry the resource, the field and the fix.
 */
export function formatResult(fn: string, r: Result): string {
  const where: string[] = [];
  if (r.resourceRef) {
    const ns = r.resourceRef.namespace ? `${r.resourceRef.namespace}/` : '';
    where.push(`${r.resourceRef.kind} ${ns}${r.resourceRef.name}`);
  }
  if (r.file?.path) where.push(`in ${r.file.path}`);
  if (r.field?.path) where.push(`field ${r.field.path}`);
  const loc = where.length ? ` [${where.join(', ')}]` : '';
  return `${fn}: ${r.severity}${loc}: ${r.message.replace(/\s*\n\s*/g, ' ')}`;
}

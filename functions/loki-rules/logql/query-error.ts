// The error the checkers throw at the first problem they find, and the result it becomes: a
// message with line, column and the text at the position.
import { lineColumn, type LogQLResult } from './types.ts';

export class QueryError extends Error {
  /** `syntax`: a syntax error (else Loki parses it but refuses it); `grammar`: reported by Lezer's grammar. */
  constructor(
    readonly offset: number,
    readonly detail: string,
    readonly syntax: boolean,
    readonly grammar = false,
  ) {
    super(detail);
  }
}

export const syntaxError = (offset: number, detail: string): never => {
  throw new QueryError(offset, detail, true);
};
export const grammarError = (offset: number, detail: string): never => {
  throw new QueryError(offset, detail, true, true);
};
export const invalid = (offset: number, detail: string): never => {
  throw new QueryError(offset, detail, false);
};

export function errorResult(expr: string, e: QueryError): LogQLResult {
  const { line, column } = lineColumn(expr, e.offset);
  const rest = (expr.slice(e.offset).split('\n')[0] ?? '').trimEnd();
  const near = rest === '' ? '' : ` near "${rest.length > 24 ? `${rest.slice(0, 24)}…` : rest}"`;
  const kind = e.syntax ? 'syntax error' : 'invalid query';
  return { ok: false, message: `${kind} at line ${line}, column ${column}${near}: ${e.detail}`, offset: e.offset, line, column };
}

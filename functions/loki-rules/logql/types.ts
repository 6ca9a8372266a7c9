// What the LogQL checkers return, shared by every module of this folder (no imports, so no cycles).

export type MatchOp = '=' | '!=' | '=~' | '!~';
export interface LabelMatcher {
  name: string;
  op: MatchOp;
  value: string;
}

/** Something Loki accepts but that deserves a look, or a part the checker could not fully check. */
export interface LogQLWarning {
  message: string;
  offset: number;
}

export type LogQLResult =
  | { ok: true; kind: 'log' | 'metric'; matchers: LabelMatcher[][]; warnings?: LogQLWarning[] }
  | { ok: false; message: string; offset: number; line: number; column: number };

export type LogQLOk = Extract<LogQLResult, { ok: true }>;

/** 1-based line and column of a 0-based offset (columns count UTF-16 units, like the offsets). */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lastNl = before.lastIndexOf('\n');
  return { line: before.split('\n').length, column: offset - lastNl };
}

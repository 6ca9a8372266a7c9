// LogQL checking for loki-rules: the one entry point of this folder.
//
// checkLogQL asks the recognizer first (recognizer.ts: the common query shapes, fast, answers
// only for queries it proves valid), then the Lezer-based checker (lezer-checker.ts: every
// query, every error message and position). Where Lezer's grammar lacks a form Loki has and
// stopped there, the query passes with a "could not be fully checked" warning
// (grammar-gaps.ts) rather than being refused for what the library cannot parse.
import { grammarGap, partialCheck } from './grammar-gaps.ts';
import { checkWithLezer } from './lezer-checker.ts';
import { recognizeLogQL } from './recognizer.ts';
import type { LogQLResult } from './types.ts';

export { matchesEmpty } from './re2.ts';
export { lineColumn, type LabelMatcher, type LogQLResult } from './types.ts';

/** `recognizer: false` skips the recognizer (the tests compare the two paths). */
export function checkLogQL(expr: string, { recognizer = true } = {}): LogQLResult {
  if (recognizer) {
    const r = recognizeLogQL(expr);
    if (r) return r;
  }
  const { result, grammarError } = checkWithLezer(expr);
  if (result.ok || !grammarError) return result;
  const gap = grammarGap(expr, result.offset);
  return gap ? partialCheck(expr, gap, result.offset) : result;
}

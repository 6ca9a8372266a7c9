// LogQL's lexical layer as Loki reads it, ahead of Lezer (whose error recovery blurs it):
// string literals decoded with Go's escape rules, comments, and bracket balance.
import { GO_SIMPLE_ESCAPES } from './parser-rules.ts';
import { syntaxError } from './query-error.ts';
import { lineColumn } from './types.ts';

const CLOSER: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/** Strings (with Go escape rules), comments and bracket balance. */
export function lexicalScan(q: string): void {
  const stack: { ch: string; at: number }[] = [];
  for (let i = 0; i < q.length; i++) {
    const c = q[i]!;
    if (c === '#') {
      const nl = q.indexOf('\n', i);
      i = nl < 0 ? q.length : nl;
    } else if (c === '"' || c === '`') {
      i = decodeString(q, i).end - 1;
    } else if (c in CLOSER) {
      stack.push({ ch: c, at: i });
    } else if (c === ')' || c === ']' || c === '}') {
      const open = stack.pop();
      if (!open) {
        syntaxError(i, `unexpected "${c}" without a matching opening bracket`);
        return;
      }
      if (CLOSER[open.ch] !== c) {
        const { line, column } = lineColumn(q, open.at);
        syntaxError(i, `"${c}" does not close "${open.ch}" opened at line ${line}, column ${column} (expected "${CLOSER[open.ch]}")`);
      }
    }
  }
  const open = stack.pop();
  if (open) syntaxError(open.at, `"${open.ch}" is never closed (missing "${CLOSER[open.ch]}")`);
}

/** Decodes the string literal starting at `start` the way Go's strconv.Unquote does (Loki uses it). */
export function decodeString(q: string, start: number): { end: number; value: string } {
  if (q[start] === '`') {
    const close = q.indexOf('`', start + 1);
    if (close < 0) syntaxError(start, 'unterminated string: missing closing backtick (`)');
    return { end: close + 1, value: q.slice(start + 1, close) };
  }
  let value = '';
  for (let i = start + 1; i < q.length; ) {
    const c = q[i]!;
    if (c === '"') return { end: i + 1, value };
    if (c === '\n') break;
    if (c !== '\\') {
      value += c;
      i++;
      continue;
    }
    const e = q[i + 1] ?? '';
    const simple = GO_SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      value += simple;
      i += 2;
      continue;
    }
    const hexLen = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    const digits = hexLen ? q.slice(i + 2, i + 2 + hexLen) : q.slice(i + 1, i + 4);
    const code =
      hexLen && /^[0-9a-fA-F]+$/.test(digits) && digits.length === hexLen
        ? parseInt(digits, 16)
        : !hexLen && /^[0-7]{3}$/.test(digits)
          ? parseInt(digits, 8)
          : NaN;
    const max = e === 'x' || !hexLen ? 0xff : 0x10ffff;
    if (Number.isNaN(code) || code > max || (code >= 0xd800 && code <= 0xdfff)) {
      if (e === '' || e === '\n') break;
      syntaxError(i, `invalid escape sequence "\\${e}" in a double-quoted string: write "\\\\${e}" or use a backtick-quoted string`);
    }
    value += String.fromCodePoint(code);
    i += hexLen ? 2 + hexLen : 4;
  }
  return syntaxError(start, 'unterminated string: missing closing double quote (")');
}

// Go RE2 regular expressions, judged by a real RE2 implementation: Loki compiles label
// matchers, line filters, label_replace and the regexp parser's pattern with Go's regexp
// package. re2js is a port of RE2/J that follows Go's regexp/syntax parser, including what
// differs from JavaScript: no lookaround or backreferences, `(?P<n>)` and (Go 1.22+) `(?<n>)`
// names, POSIX classes, \Q…\E, Unicode classes and ranges beyond U+FFFF, and Go's limits
// (repeat counts over 1000, nested repeats whose product exceeds 1000, nesting depth,
// program size). Compared with Go's verdicts case by case in test/logql-re2.test.ts; no case
// needed a correction on top of re2js.
import { RE2JS } from 're2js';
import type { LabelMatcher } from './types.ts';

/** A compiled regex: its capture groups in order, each with its name or null. */
export interface Re2 {
  groups: (string | null)[];
}

// Rule sets repeat the same few regexes; compiling is the costly part.
const cache = new Map<string, Re2 | string>();
const emptyCache = new Map<string, boolean>();

/** Compiles `re` as Go's regexp.Compile does; a string is Go's error without its "error parsing regexp: " prefix. */
export function compileRe2(re: string): Re2 | string {
  if (isLiteral(re)) return LITERAL;
  let r = cache.get(re);
  if (r === undefined) {
    r = compile(re);
    if (cache.size > 5000) cache.clear();
    cache.set(re, r);
  }
  return r;
}

// Without a metacharacter a regex is literal text: always valid, no groups (most line filters).
const METACHARACTER = /[\\.+*?()|[\]{}^$]/;
const LITERAL: Re2 = Object.freeze({ groups: [] as (string | null)[] });
export const isLiteral = (re: string) => !METACHARACTER.test(re);

function compile(re: string): Re2 | string {
  try {
    const compiled = RE2JS.compile(re);
    const groups: (string | null)[] = Array.from({ length: compiled.groupCount() }, () => null);
    for (const [name, index] of Object.entries(compiled.namedGroups())) groups[index - 1] = name;
    return { groups };
  } catch (e) {
    return String((e as Error).message).replace(/^error parsing regexp: /, '');
  }
}

/**
 * Whether a label matcher accepts the empty string, i.e. also selects streams that
 * lack the label. Regexes are fully anchored as in Prometheus. An invalid regex
 * reports false (the checkers report the regex itself).
 */
export function matchesEmpty(m: LabelMatcher): boolean {
  if (m.op === '=') return m.value === '';
  if (m.op === '!=') return m.value !== '';
  let matches = isLiteral(m.value) ? m.value === '' : emptyCache.get(m.value);
  if (matches === undefined) {
    if (typeof compileRe2(anchored(m.value)) === 'string') return false;
    matches = RE2JS.compile(anchored(m.value)).matches('');
    emptyCache.set(m.value, matches);
  }
  return m.op === '=~' ? matches : !matches;
}

/** How Prometheus' label matchers (and so Loki's selectors) compile a regex: fully anchored, dot matching newlines. */
export const anchored = (re: string) => `^(?s:${re})$`;

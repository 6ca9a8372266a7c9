// Go RE2 regular expressions, judged in JavaScript: Loki compiles label matchers, line
// filters and the regexp parser's pattern with Go's regexp package, which rejects
// lookaround and backreferences and reads a few constructs differently from JS.
import type { LabelMatcher } from './logql.ts';

export interface Re2 { source: string; flags: string; groups: (string | null)[] }
const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7F', blank: '\\t ', cntrl: '\\x00-\\x1F\\x7F', digit: '0-9',
  graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-\\/:-@\\[-`{-~', space: '\\t\\n\\v\\f\\r ', upper: 'A-Z',
  word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
};
const ANY = '[\\s\\S]';

/**
 * Translates Go RE2 syntax into an equivalent-enough JS RegExp and compiles it, so
 * syntax errors and empty-string matching can be judged without Go. Returns an error
 * message for what RE2 rejects (lookaround, backreferences, bad escapes, ...).
 * Unicode classes are approximated by "any character", which keeps the structure.
 */
export function translateRe2(re: string): Re2 | string {
  let out = '';
  const flags = new Set<string>();
  const groups: (string | null)[] = [];
  const escape = (i: number, inClass: boolean): [string, number] | string => {
    const e = re[i + 1];
    if (e === undefined) return 'trailing backslash at end of expression';
    if ('ftnrv'.includes(e) || 'dDsSwW'.includes(e)) return ['\\' + e, i + 2];
    if (e === 'a') return ['\\x07', i + 2];
    if (!inClass && 'bB'.includes(e)) return ['\\' + e, i + 2];
    if (!inClass && e === 'A') return ['(?<![\\s\\S])', i + 2];
    if (!inClass && e === 'z') return ['(?![\\s\\S])', i + 2];
    if (!inClass && e === 'Q') {
      const end = re.indexOf('\\E', i + 2);
      const lit = re.slice(i + 2, end < 0 ? re.length : end);
      return [lit.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&'), end < 0 ? re.length : end + 2];
    }
    if (e === 'p' || e === 'P') {
      const m = /^\{\^?[A-Za-z_]+\}|^[A-Za-z]/.exec(re.slice(i + 2));
      return m ? [inClass ? '\\s\\S' : ANY, i + 2 + m[0].length] : `invalid Unicode class escape near "\\${e}"`;
    }
    if (e === 'x') {
      const m = /^[0-9a-fA-F]{2}|^\{[0-9a-fA-F]{1,6}\}/.exec(re.slice(i + 2));
      if (!m) return 'invalid hex escape (use \\xHH or \\x{HHHH})';
      const code = parseInt(m[0].replace(/[{}]/g, ''), 16);
      if (code > 0x10ffff) return 'hex escape out of range';
      return [code <= 0xffff ? '\\u' + code.toString(16).padStart(4, '0') : inClass ? '\\s\\S' : ANY, i + 2 + m[0].length];
    }
    const oct = /^(0[0-7]{0,2}|[1-7][0-7]{1,2})/.exec(re.slice(i + 1));
    if (oct) return ['\\u' + parseInt(oct[0], 8).toString(16).padStart(4, '0'), i + 1 + oct[0].length];
    if (/[1-9]/.test(e)) return `backreferences such as "\\${e}" are not supported by RE2`;
    if (/[!-/:-@[-`{-~]/.test(e)) return ['\\' + e, i + 2];
    return `invalid escape "\\${e}"`;
  };

  for (let i = 0; i < re.length; ) {
    const c = re[i];
    if (c === '\\') {
      const r = escape(i, false);
      if (typeof r === 'string') return r;
      [out, i] = [out + r[0], r[1]];
    } else if (c === '[') {
      out += '[';
      i++;
      if (re[i] === '^') { out += '^'; i++; }
      if (re[i] === ']') { out += '\\]'; i++; } // a leading ] is literal in RE2, JS reads [] as empty class
      while (i < re.length && re[i] !== ']') {
        const posix = /^\[:(\^?)([a-z]+):\]/.exec(re.slice(i));
        if (posix) {
          if (!(posix[2] in POSIX)) return `invalid character class "${posix[0]}"`;
          out += posix[1] ? '\\s\\S' : POSIX[posix[2]];
          i += posix[0].length;
        } else if (re[i] === '\\') {
          const r = escape(i, true);
          if (typeof r === 'string') return r;
          [out, i] = [out + r[0], r[1]];
        } else {
          out += re[i] === '[' ? '\\[' : re[i];
          i++;
        }
      }
      if (i >= re.length) return 'missing closing ] of character class';
      out += ']';
      i++;
    } else if (c === '(' && re[i + 1] === '?') {
      const rest = re.slice(i + 2);
      const named = /^P?<([^>=!]*)>/.exec(rest);
      const flagGroup = /^([imsU]*)(?:-([imsU]*))?([:)])/.exec(rest);
      if (named) {
        if (!/^\w+$/.test(named[1])) return `invalid capture group name "${named[1]}"`;
        if (groups.includes(named[1])) return `duplicate capture group name "${named[1]}"`;
        groups.push(named[1]);
        out += '(';
        i += 2 + named[0].length;
      } else if (/^(=|!|<=|<!)/.test(rest)) {
        return `lookahead/lookbehind "(?${rest.match(/^(=|!|<=|<!)/)![0]}" is not supported by RE2`;
      } else if (flagGroup && (flagGroup[1] || flagGroup[2]) && flagGroup[2] !== '') {
        // Inline flags become global JS flags: close enough to judge syntax and empty matches.
        for (const f of flagGroup[1]) if (f !== 'U') flags.add(f);
        out += flagGroup[3] === ':' ? '(?:' : '';
        i += 2 + flagGroup[0].length;
      } else if (rest.startsWith(':')) {
        out += '(?:';
        i += 3;
      } else {
        return `invalid or unsupported group syntax "(?${rest.slice(0, 2)}"`;
      }
    } else if (c === '(') {
      groups.push(null);
      out += '(';
      i++;
    } else {
      const rep = /^\{(\d+)(?:,(\d*))?\}/.exec(re.slice(i));
      if (rep && (Number(rep[1]) > 1000 || Number(rep[2] || 0) > 1000)) return `repeat count in "${rep[0]}" exceeds RE2's maximum of 1000`;
      out += c;
      i++;
    }
  }
  try {
    new RegExp(out, [...flags].join(''));
  } catch (e) {
    return String((e as Error).message).replace(/^.*: /, '');
  }
  return { source: out, flags: [...flags].join(''), groups };
}

/**
 * Whether a label matcher accepts the empty string, i.e. also selects streams that
 * lack the label. Regexes are fully anchored as in Prometheus. An invalid regex
 * reports false (checkLogQL reports the regex itself).
 */
export function matchesEmpty(m: LabelMatcher): boolean {
  if (m.op === '=') return m.value === '';
  if (m.op === '!=') return m.value !== '';
  const r = translateRe2(m.value);
  if (typeof r === 'string') return false;
  const matches = new RegExp(`^(?:${r.source})$`, r.flags.includes('s') ? r.flags : r.flags + 's').test('');
  return m.op === '=~' ? matches : !matches;
}

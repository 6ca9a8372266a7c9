// Go path.Match-style glob of fluxcd/pkg envsubst v1.7.0 (path/match.go), used by ${v#p} and friends.
import { BSLASH, decodeRune } from '../../../functions/flux/envsubst-parse.ts';

const [STAR, QMARK, LSQ, RSQ, CARET, DASH] = [...'*?[]^-'].map((c) => c.charCodeAt(0));
type Bytes = Uint8Array;

/** envsubst/path.Match on bytes; undefined stands for ErrBadPattern. A trailing `*` also matches `/`. */
export function globMatch(pattern: Bytes, name: Bytes): boolean | undefined {
  outer: while (pattern.length > 0) {
    let star = false;
    while (pattern.length > 0 && pattern[0] === STAR) {
      pattern = pattern.subarray(1);
      star = true;
    }
    let i = 0,
      inrange = false;
    for (; i < pattern.length; i++) {
      const c = pattern[i];
      if (c === BSLASH) {
        if (i + 1 < pattern.length) i++;
      } else if (c === LSQ) inrange = true;
      else if (c === RSQ) inrange = false;
      else if (c === STAR && !inrange) break;
    }
    const chunk = pattern.subarray(0, i);
    pattern = pattern.subarray(i);
    if (star && chunk.length === 0) return true;
    const first = matchChunk(chunk, name);
    if (first.rest && (first.rest.length === 0 || pattern.length > 0)) {
      name = first.rest;
      continue;
    }
    if (first.bad) return undefined;
    if (star) {
      for (let j = 0; j < name.length; j++) {
        const m = matchChunk(chunk, name.subarray(j + 1));
        if (m.rest) {
          if (pattern.length === 0 && m.rest.length > 0) continue;
          name = m.rest;
          continue outer;
        }
        if (m.bad) return undefined;
      }
    }
    return false;
  }
  return name.length === 0;
}

function matchChunk(chunk: Bytes, s: Bytes): { rest?: Bytes; bad?: boolean } {
  const BAD = { bad: true };
  while (chunk.length > 0) {
    if (s.length === 0) return {};
    const c = chunk[0];
    if (c === LSQ) {
      const [r, n] = decodeRune(s, 0);
      s = s.subarray(n);
      chunk = chunk.subarray(1);
      let notNegated = true;
      if (chunk.length > 0 && chunk[0] === CARET) {
        notNegated = false;
        chunk = chunk.subarray(1);
      }
      let match = false;
      for (let nrange = 0; ; nrange++) {
        if (chunk.length > 0 && chunk[0] === RSQ && nrange > 0) {
          chunk = chunk.subarray(1);
          break;
        }
        const lo = getEsc(chunk);
        if (!lo) return BAD;
        const hi = lo.rest[0] === DASH ? getEsc(lo.rest.subarray(1)) : lo;
        if (!hi) return BAD;
        chunk = hi.rest;
        if (lo.r <= r && r <= hi.r) match = true;
      }
      if (match !== notNegated) return {};
    } else if (c === QMARK) {
      s = s.subarray(decodeRune(s, 0)[1]);
      chunk = chunk.subarray(1);
    } else {
      if (c === BSLASH) {
        chunk = chunk.subarray(1);
        if (chunk.length === 0) return BAD;
      }
      if (chunk[0] !== s[0]) return {};
      s = s.subarray(1);
      chunk = chunk.subarray(1);
    }
  }
  return { rest: s };
}

function getEsc(chunk: Bytes): { r: number; rest: Bytes } | undefined {
  if (chunk.length === 0 || chunk[0] === DASH || chunk[0] === RSQ) return undefined;
  if (chunk[0] === BSLASH) {
    chunk = chunk.subarray(1);
    if (chunk.length === 0) return undefined;
  }
  const [r, n] = decodeRune(chunk, 0);
  const rest = chunk.subarray(n);
  return (r === 0xfffd && n === 1) || rest.length === 0 ? undefined : { r, rest };
}

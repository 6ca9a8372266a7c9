// The plain-entry reader: one sequence entry's text as plain data, without yaml's document model,
// when the entry is the plainest block YAML (several times faster: loki-rules reads every rule).
// It gives exactly what yaml's parseDocument + toJS gives, or undefined and the caller asks yaml.

/** The YAML 1.2 core schema's tests for plain scalars that are not strings (yaml's own regexes). */
const NOT_STRING = [
  /^(?:~|[Nn]ull|NULL)?$/,
  /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
  /^0o[0-7]+$/,
  /^[-+]?[0-9]+$/,
  /^0x[0-9a-fA-F]+$/,
];
const NULL = /^(?:~|[Nn]ull|NULL)$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT = /^[-+]?[0-9]+$/;
const KEY_LINE = /^([A-Za-z_][A-Za-z0-9_./-]*):(?: +(.*))?$/;
/** Characters whose reading this reader does not prove (tabs, CR, controls, NEL, line separators, BOM, lone surrogates). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point: they make the reader decline
const UNREAD = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const ANCHOR = /^&([A-Za-z0-9_-]+) +(?=[^ #])/;
const ALIAS = /^\*([A-Za-z0-9_-]+)(?: +#.*)?$/;
/** A plain scalar inside a flow collection: up to `,`, `]`, `}`, `:` or `#`. */
const FLOW_PLAIN = /[^,[\]{}:#"'&*!|>%@`\s?-][^,[\]{}:#]*/y;
const INDICATOR = /^(?:[?:,[\]{}#&*!|>'"%@`]|-(?: |$))/;
class Decline extends Error {}
const decline = (): never => {
  throw new Decline();
};

/**
 * One sequence entry's text as plain data, when it is plain block YAML: block maps with simple
 * unique keys, block sequences, comments, one-line plain scalars that the core schema reads as
 * strings, integers, booleans or null, one-line quoted strings without escapes, one-line flow
 * collections of those, literal block scalars (`|`, `|-`) and scalar anchors and aliases. The
 * same data yaml's parseDocument + toJS gives; anything else gives undefined and the caller
 * parses it with yaml. (Accepting is also proof that yaml reads the entry without error.)
 */
export function readPlainEntry(raw: string): unknown {
  if (UNREAD.test(raw)) return undefined;
  const lines: Line[] = raw.split('\n').map((text) => {
    let ind = 0;
    while (text.charCodeAt(ind) === 32) ind++;
    let end = text.length;
    while (end > ind && text.charCodeAt(end - 1) === 32) end--;
    return { ind, s: text.slice(ind, end), text };
  });
  let i = 0;
  const anchors = new Map<string, unknown>();
  /** The next line that holds structure (not blank, not a comment). */
  const next = (): Line | undefined => {
    while (i < lines.length && (lines[i]!.s === '' || lines[i]!.s.charCodeAt(0) === 35)) i++;
    return lines[i];
  };
  const isEntry = (s: string) => s.startsWith('- ') || s === '-';
  // A one-line value: a more indented line after it would continue it (or be an error).
  const ended = (n: number) => {
    if ((next()?.ind ?? -1) > n) decline();
  };
  /** A one-line value (after `key: ` or `- `), its comment dropped; `|` when a literal block scalar follows. */
  const value = (v: string): unknown => {
    const a = ANCHOR.exec(v);
    if (a) {
      const rest = v.slice(a[0].length);
      if (rest.startsWith('*') || rest.startsWith('&')) decline(); // an alias takes no anchor
      const val = value(rest);
      if (val === LITERAL || (val !== null && typeof val === 'object')) decline();
      anchors.set(a[1]!, val);
      return val;
    }
    const alias = ALIAS.exec(v);
    if (alias) return anchors.has(alias[1]!) ? anchors.get(alias[1]!) : decline();
    if (v === '|' || v === '|-') return v === '|' ? LITERAL : LITERAL_STRIP;
    const q = v[0];
    if (q === '"' || q === "'" || q === '{' || q === '[') {
      const [val, end] = flowNode(v, 0);
      if (!/^(?: +#.*)?$/.test(v.slice(end))) decline();
      return val;
    }
    const c = v.indexOf(' #');
    return plain(c < 0 ? v : v.slice(0, c).replace(/ +$/, ''));
  };

  const seq = (n: number): unknown[] => {
    const out: unknown[] = [];
    for (let l = next(); l && l.ind === n && isEntry(l.s); l = next()) {
      const rest = l.s.slice(1).replace(/^ +/, '');
      if (isEntry(rest)) decline();
      if (rest === '' || rest.startsWith('#')) {
        // `-` alone (or with a comment): the item is on the lines below, or null.
        i++;
        const sub = next();
        if (sub && sub.ind > n) out.push(isEntry(sub.s) ? seq(sub.ind) : map(sub.ind));
        else out.push(null);
      } else if (KEY_LINE.test(rest)) {
        lines[i] = { ind: n + l.s.length - rest.length, s: rest, text: l.text }; // `- key: v` starts a map at the key's column
        out.push(map(lines[i]!.ind));
      } else {
        const v = value(rest);
        if (v === LITERAL || v === LITERAL_STRIP) decline();
        out.push(v);
        i++;
        ended(n);
      }
    }
    ended(n);
    return out;
  };

  const map = (n: number): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (let l = next(); l && l.ind === n; l = next()) {
      const m = KEY_LINE.exec(l.s) ?? decline();
      const key = m[1]!;
      if (key.length > 1000 || key === '__proto__' || Object.hasOwn(out, key) || NOT_STRING.some((re) => re.test(key))) decline();
      i++;
      const v = m[2] === undefined || m[2].startsWith('#') ? undefined : value(m[2]);
      if (v === LITERAL || v === LITERAL_STRIP) {
        out[key] = literal(n, v === LITERAL_STRIP);
      } else if (v !== undefined) {
        out[key] = v;
        ended(n);
      } else {
        const sub = next();
        if (sub && sub.ind > n) out[key] = isEntry(sub.s) ? seq(sub.ind) : map(sub.ind);
        else if (sub && sub.ind === n && isEntry(sub.s))
          out[key] = seq(n); // a sequence may sit at its key's indentation
        else out[key] = null;
      }
    }
    ended(n);
    return out;
  };

  /** The literal block scalar after a key at column n: its lines are the more indented (or blank) ones. */
  const literal = (n: number, strip: boolean): string => {
    const body: string[] = [];
    let at = -1;
    let blanks = 0;
    for (; i < lines.length; i++) {
      const l = lines[i]!;
      if (l.s === '') {
        // Blank lines keep no spaces beyond the content's column here (those yaml keeps, or refuses).
        if (at < 0 ? l.text.length > n : l.text.length > at) decline();
        if (at >= 0) blanks++;
        continue;
      }
      if (l.ind <= n) break;
      if (at < 0) at = l.ind;
      if (l.ind < at) decline();
      for (; blanks > 0; blanks--) body.push('');
      body.push(l.text.slice(at));
    }
    if (at < 0) decline();
    return body.join('\n') + (strip ? '' : '\n');
  };

  try {
    const first = next();
    if (!first || !isEntry(first.s)) return undefined;
    const list = seq(first.ind);
    return list.length === 1 && next() === undefined ? list[0] : undefined;
  } catch (e) {
    if (e instanceof Decline) return undefined;
    throw e;
  }
}

interface Line {
  ind: number;
  /** The text after the indentation, without trailing spaces. */
  s: string;
  text: string;
}

const LITERAL = Symbol('|');
const LITERAL_STRIP = Symbol('|-');

/** A plain scalar as the core schema reads it: a string, an integer, a boolean or null; else decline. */
function plain(v: string): unknown {
  if (v === '' || INDICATOR.test(v) || v.includes(': ') || v.endsWith(':') || v === '__proto__') decline();
  if (NULL.test(v)) return null;
  if (BOOL.test(v)) return v[0] === 't' || v[0] === 'T';
  if (INT.test(v)) return parseInt(v, 10);
  if (NOT_STRING.some((re) => re.test(v))) decline();
  return v;
}

/** A quoted scalar or a flow collection starting at `at` of a one-line value: its data and where it ends. */
function flowNode(s: string, at: number): [unknown, number] {
  const c = s[at];
  if (c === '"') {
    const end = s.indexOf('"', at + 1);
    if (end < 0 || s.slice(at + 1, end).includes('\\')) decline();
    return [s.slice(at + 1, end), end + 1];
  }
  if (c === "'") {
    let end = at + 1;
    for (;;) {
      end = s.indexOf("'", end);
      if (end < 0) decline();
      if (s[end + 1] !== "'") break;
      end += 2;
    }
    return [s.slice(at + 1, end).replace(/''/g, "'"), end + 1];
  }
  if (c !== '{' && c !== '[') return decline();
  const close = c === '{' ? '}' : ']';
  const out: Record<string, unknown> | unknown[] = c === '{' ? {} : [];
  let p = skip(s, at + 1);
  if (s[p] === close) return [out, p + 1];
  for (;;) {
    let item: unknown;
    [item, p] = flowItem(s, p);
    p = skip(s, p);
    if (Array.isArray(out)) out.push(item);
    else {
      const key = item;
      if (typeof key !== 'string' || key === '__proto__' || Object.hasOwn(out, key) || s[p] !== ':' || s[p + 1] !== ' ') decline();
      [item, p] = flowItem(s, skip(s, p + 1));
      (out as Record<string, unknown>)[key as string] = item;
      p = skip(s, p);
    }
    if (s[p] === close) return [out, p + 1];
    if (s[p] !== ',') decline();
    p = skip(s, p + 1);
    if (s[p] === close) decline(); // a trailing comma: valid, and left to yaml
  }
}

/** One item inside a flow collection: a nested node, a quoted scalar or a plain one. */
function flowItem(s: string, at: number): [unknown, number] {
  if ('"\'{['.includes(s[at] ?? '-')) return flowNode(s, at);
  FLOW_PLAIN.lastIndex = at;
  const m = FLOW_PLAIN.exec(s) ?? decline();
  return [plain(m[0].replace(/ +$/, '')), at + m[0].length];
}

const skip = (s: string, p: number) => {
  while (s.charCodeAt(p) === 32) p++;
  return p;
};

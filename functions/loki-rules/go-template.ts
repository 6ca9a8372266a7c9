// Well-formedness of the Go text/templates in alert labels and annotations, as Prometheus parses
// them when it loads a rule group (rules.ts reports what this finds).
import { lineColumn } from './logql/index.ts';

// Functions Prometheus' alert templates provide on top of Go's builtins; an unknown
// function is a parse error in text/template.
const FUNCS = new Set([
  'and',
  'call',
  'html',
  'index',
  'slice',
  'js',
  'len',
  'not',
  'or',
  'print',
  'printf',
  'println',
  'urlquery',
  'eq',
  'ge',
  'gt',
  'le',
  'lt',
  'ne',
  'query',
  'first',
  'label',
  'value',
  'strvalue',
  'args',
  'reReplaceAll',
  'safeHtml',
  'match',
  'title',
  'toUpper',
  'toLower',
  'graphLink',
  'tableLink',
  'sortByLabel',
  'stripPort',
  'stripDomain',
  'humanize',
  'humanize1024',
  'humanizeDuration',
  'humanizePercentage',
  'humanizeTimestamp',
  'toTime',
  'toDuration',
  'now',
  'parseDuration',
  'pathPrefix',
  'externalURL',
  'tmpl',
]);
// Variables Prometheus defines before expanding an alert template.
const PRESET_VARS = ['$', '$labels', '$externalLabels', '$externalURL', '$value'];
const BLOCKS = new Set(['if', 'range', 'with', 'define', 'block']);

interface Tok {
  kind: 'str' | 'num' | 'ident' | 'var' | 'field' | 'op';
  text: string;
  at: number;
}
export type TemplateResult = { ok: true; warning?: string } | { ok: false; message: string; offset: number };

class TemplateError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}
function tfail(offset: number, message: string): never {
  throw new TemplateError(offset, message);
}

/**
 * Well-formedness of a Go text/template as Prometheus parses alert labels and
 * annotations: delimiters, comments, quoting, block nesting, pipelines, known
 * functions and declared variables. Variable scoping is approximated: a variable
 * counts as declared from its first declaration onwards.
 */
export function checkGoTemplate(tpl: string): TemplateResult {
  try {
    return scanTemplate(tpl);
  } catch (e) {
    if (e instanceof TemplateError) return { ok: false, message: e.message, offset: e.offset };
    throw e;
  }
}

function scanTemplate(tpl: string): TemplateResult {
  const stack: { kw: string; at: number; hasElse: boolean }[] = [];
  const vars = new Set(PRESET_VARS);
  let warning: string | undefined;
  let pos = 0;
  for (;;) {
    const open = tpl.indexOf('{{', pos);
    const text = tpl.slice(pos, open < 0 ? tpl.length : open);
    if (!warning && text.includes('}}')) {
      const { line, column } = lineColumn(tpl, pos + text.indexOf('}}'));
      warning = `"}}" at line ${line}, column ${column} has no matching "{{" and is printed literally`;
    }
    if (open < 0) break;
    let i = open + 2;
    if (tpl[i] === '-' && /\s/.test(tpl[i + 1] ?? '')) i += 2;
    // Go only recognises a comment directly after the delimiter (and trim marker).
    if (tpl.startsWith('/*', i)) {
      const end = tpl.indexOf('*/', i + 2);
      if (end < 0) tfail(open, 'unclosed comment: missing "*/}}"');
      const close = /^(\s+-)?\}\}/.exec(tpl.slice(end + 2));
      if (!close) tfail(end + 2, 'a comment must end right before the closing "}}"');
      pos = end + 2 + close[0].length;
      continue;
    }
    const { toks, end } = lexAction(tpl, open, i);
    pos = end;
    checkAction(toks, open, stack, vars);
  }
  const top = stack.pop();
  if (top) tfail(top.at, `{{${top.kw}}} is never closed: missing {{end}}`);
  return { ok: true, warning };
}

function lexAction(tpl: string, open: number, start: number): { toks: Tok[]; end: number } {
  const toks: Tok[] = [];
  let depth = 0;
  for (let i = start; ; ) {
    const rest = tpl.slice(i);
    const c = tpl[i];
    if (c === undefined) return tfail(open, 'unclosed action: missing "}}"');
    const close = /^(\s+-)?\}\}/.exec(rest);
    if (close && depth > 0) tfail(i, 'unclosed "(" in action');
    if (close) return { toks, end: i + close[0].length };
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const tok = actionToken(tpl, rest, c, i);
    if (tok.text.length === 0) tfail(i, `unexpected "${c}" in action`);
    if (tok.text === '(') depth++;
    if (tok.text === ')' && --depth < 0) tfail(i, 'unexpected ")" in action');
    toks.push(tok);
    i += tok.text.length;
  }
}

/** The token starting at `at` (its first character `c`, the text from there `rest`). */
function actionToken(tpl: string, rest: string, c: string, at: number): Tok {
  if (c === '"' || c === "'") {
    const m = new RegExp(`^${c}(?:[^\\\\${c}\\n]|\\\\.)*${c}`).exec(rest);
    if (!m) return tfail(at, c === '"' ? 'unterminated quoted string' : 'unterminated character constant');
    if (c === '"' && m[0].replace(/\\[abfnrtv\\"0-7xuU]/g, '').includes('\\')) tfail(at, `invalid escape sequence in string ${m[0]}; double the backslash`);
    return { kind: 'str', text: m[0], at };
  }
  if (c === '`') {
    const close = tpl.indexOf('`', at + 1);
    if (close < 0) tfail(at, 'unterminated raw string');
    return { kind: 'str', text: tpl.slice(at, close + 1), at };
  }
  const num = /^[+-]?(0[xX][0-9a-fA-F_]+|(\d[\d_]*)?\.?\d+([eE][+-]?\d+)?)i?(?![\w.])/.exec(rest);
  if (num && /\d/.test(num[0])) return { kind: 'num', text: num[0], at };
  for (const [kind, re] of TOKEN_PATTERNS) {
    const m = re.exec(rest);
    if (m) return { kind, text: m[0], at };
  }
  return tfail(at, c === '}' ? 'unexpected "}" in action: actions end with "}}"' : `unexpected "${c}" in action`);
}

/** Tried in order after strings and numbers: the first that matches makes the token. */
const TOKEN_PATTERNS: [Tok['kind'], RegExp][] = [
  ['var', /^\$\w*(\.\w+)*/],
  ['field', /^(\.\w+)+|^\./],
  ['ident', /^[A-Za-z_]\w*/],
  ['op', /^(:=|=|\||,|\(|\))/],
];

function checkAction(toks: Tok[], open: number, stack: { kw: string; at: number; hasElse: boolean }[], vars: Set<string>): void {
  const [first, second, third] = toks;
  if (!first) tfail(open, 'empty action "{{ }}": missing value');
  const kw = first.kind === 'ident' ? first.text : '';
  const top = stack[stack.length - 1];
  const needString = (t: Tok | undefined) => {
    if (t?.kind !== 'str') tfail(t?.at ?? open, `{{${kw}}} needs a quoted template name`);
  };
  switch (kw) {
    case 'end':
      if (second) tfail(second.at, `unexpected "${second.text}" after end`);
      if (!stack.pop()) tfail(open, 'unexpected {{end}}: there is no open if/range/with/define/block');
      return;
    case 'else':
      if (!top || !['if', 'range', 'with'].includes(top.kw)) tfail(open, 'unexpected {{else}} outside if/range/with');
      if (top.hasElse) tfail(open, `{{else}} after {{else}} in {{${top.kw}}}`);
      if (!second) {
        top.hasElse = true;
        return;
      }
      if (second.text !== 'if' && second.text !== 'with') tfail(second.at, `expected "if" or "with" after else, found "${second.text}"`);
      checkPipeline(toks.slice(2), open, `else ${second.text}`, vars);
      return;
    case 'if':
    case 'range':
    case 'with':
      checkPipeline(toks.slice(1), open, kw, vars);
      stack.push({ kw, at: open, hasElse: false });
      return;
    case 'define':
      if (stack.length > 0) tfail(open, '{{define}} is only allowed at the top level');
      needString(second);
      if (third) tfail(third.at, `unexpected "${third.text}" in define`);
      stack.push({ kw, at: open, hasElse: false });
      return;
    case 'block':
      needString(second);
      checkPipeline(toks.slice(2), open, kw, vars);
      stack.push({ kw, at: open, hasElse: false });
      return;
    case 'template':
      needString(second);
      if (toks.length > 2) checkPipeline(toks.slice(2), open, kw, vars);
      return;
    case 'break':
    case 'continue':
      if (!stack.some((s) => s.kw === 'range')) tfail(open, `{{${kw}}} outside {{range}}`);
      if (second) tfail(second.at, `unexpected "${second.text}" after ${kw}`);
      return;
  }
  checkPipeline(toks, open, '', vars);
}

function checkPipeline(toks: Tok[], open: number, kw: string, vars: Set<string>): void {
  if (toks.length === 0) tfail(open, `missing value for {{${kw}}}`);
  // Declarations: $x := ..., or $i, $v := ... (range only); $x = ... assigns an existing variable.
  const declAt = toks.findIndex((t) => t.text === ':=' || t.text === '=');
  const decl = toks[declAt];
  let body = toks;
  if (decl) {
    const names = toks.slice(0, declAt).filter((t) => t.text !== ',');
    if (names.length === 0 || names.some((t) => t.kind !== 'var' || t.text.includes('.')) || names.length > (kw === 'range' ? 2 : 1)) {
      tfail(decl.at, `invalid variable declaration before "${decl.text}"`);
    }
    for (const n of names) {
      if (decl.text === '=' && !vars.has(n.text)) tfail(n.at, `undefined variable "${n.text}"`);
      vars.add(n.text);
    }
    body = toks.slice(declAt + 1);
    if (body.length === 0) tfail(decl.at, `missing value after "${decl.text}"`);
  }
  let stage = 1;
  let stageStart = true;
  for (const [idx, t] of body.entries()) {
    if (t.text === '|') {
      if (stageStart) tfail(t.at, 'missing command before "|"');
      if (idx === body.length - 1) tfail(t.at, 'missing command after "|"');
      stage++;
      stageStart = true;
      continue;
    }
    if (t.text === ',' || t.text === ':=' || t.text === '=') tfail(t.at, `unexpected "${t.text}" in command`);
    if (stageStart && stage > 1 && (t.kind === 'str' || t.kind === 'num' || t.text === '.' || ['true', 'false', 'nil'].includes(t.text))) {
      tfail(t.at, `cannot pipe into ${t.text}: pipeline stage ${stage} must be a function or method call`);
    }
    if (t.kind === 'ident' && !['true', 'false', 'nil'].includes(t.text) && !FUNCS.has(t.text)) {
      tfail(
        t.at,
        BLOCKS.has(t.text) || ['else', 'end', 'template'].includes(t.text)
          ? `unexpected keyword "${t.text}" in command`
          : `function "${t.text}" is not defined`,
      );
    }
    const root = t.text.split('.')[0] ?? '';
    if (t.kind === 'var' && !vars.has(root)) tfail(t.at, `undefined variable "${root}"`);
    if (t.text !== '(') stageStart = false;
  }
}

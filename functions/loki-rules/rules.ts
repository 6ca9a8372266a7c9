// Validation of Loki ruler rule groups (Prometheus rule-group format with LogQL
// expressions), on plain data already parsed from YAML. Mirrors what Prometheus'
// rulefmt and Loki's ruler reject, plus warnings for rules that load but misbehave.
import { checkLogQL, lineColumn } from './logql/index.ts';
import { LOKI_DURATION, PROM_LABEL_NAME, PROM_METRIC_NAME } from '../common/formats.ts';
import { isMap } from '../common/data.ts';

export interface Finding {
  severity: 'error' | 'warning';
  message: string;
  path: string;
}

const GROUP_KEYS = ['name', 'interval', 'limit', 'rules'];
const RULE_KEYS = ['alert', 'record', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations'];

// YAML `key:` with no value gives null, which Go's YAML decoding treats as unset.
const has = (obj: Record<string, unknown>, key: string) => obj[key] !== undefined && obj[key] !== null;
const show = (v: unknown): string =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null
    ? JSON.stringify(v)
    : Array.isArray(v)
      ? 'a list'
      : typeof v === 'object'
        ? 'a mapping'
        : typeof v;

export function validateGroups(groups: unknown, basePath: string): Finding[] {
  const out: Finding[] = [];
  const error = (path: string, message: string) => out.push({ severity: 'error', message, path });
  if (!Array.isArray(groups)) {
    error(basePath, `rule groups must be a list, got ${show(groups)}`);
    return out;
  }
  if (groups.length === 0) error(basePath, 'at least one rule group is required');
  const seen = new Map<string, number>();
  groups.forEach((group, gi) => {
    const gPath = `${basePath}.${gi}`;
    if (!isMap(group)) return error(gPath, `rule group must be a mapping, got ${show(group)}`);
    unknownKeys(group, GROUP_KEYS, 'rule group', gPath, error);
    const name = group.name;
    if (typeof name !== 'string' || name.trim() === '') {
      error(`${gPath}.name`, 'rule group needs a non-empty string name');
    } else if (seen.has(name)) {
      error(`${gPath}.name`, `duplicate rule group name "${name}" (already used by ${basePath}.${seen.get(name)})`);
    } else {
      seen.set(name, gi);
    }
    const label = typeof name === 'string' && name ? `group "${name}"` : `group ${gi}`;
    if (has(group, 'interval')) checkDuration(group.interval, `${gPath}.interval`, `${label}: interval`, error);
    if (has(group, 'limit') && !(Number.isInteger(group.limit) && (group.limit as number) >= 0)) {
      error(`${gPath}.limit`, `${label}: limit must be a non-negative integer, got ${show(group.limit)}`);
    }
    if (!Array.isArray(group.rules)) {
      error(`${gPath}.rules`, `${label}: rules must be a list${'rules' in group ? `, got ${show(group.rules)}` : ' (missing)'}`);
    } else if (group.rules.length === 0) {
      error(`${gPath}.rules`, `${label}: rules must not be empty`);
    } else {
      group.rules.forEach((rule, ri) => validateRule(rule, `${gPath}.rules.${ri}`, out));
    }
  });
  return out;
}

function unknownKeys(obj: Record<string, unknown>, allowed: string[], what: string, path: string, error: (p: string, m: string) => void) {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) error(`${path}.${key}`, `unknown field "${key}" in ${what}; allowed fields: ${allowed.join(', ')}`);
  }
}

function checkDuration(v: unknown, path: string, what: string, error: (p: string, m: string) => void): void {
  // Prometheus' model.ParseDuration accepts "0" as a special case (YAML may give the number 0).
  if (v === 0 || v === '0' || (typeof v === 'string' && LOKI_DURATION.test(v))) return;
  error(path, `${what} must be a duration like 30s, 5m or 1h30m (units y, w, d, h, m, s, ms in that order), got ${show(v)}`);
}

function validateRule(rule: unknown, path: string, out: Finding[]): void {
  const error = (p: string, message: string) => out.push({ severity: 'error', message, path: p });
  const warn = (p: string, message: string) => out.push({ severity: 'warning', message, path: p });
  if (!isMap(rule)) return void error(path, `rule must be a mapping, got ${show(rule)}`);
  unknownKeys(rule, RULE_KEYS, 'rule', path, error);

  const isAlert = 'alert' in rule;
  const isRecord = 'record' in rule;
  const id =
    isAlert && typeof rule.alert === 'string' && rule.alert
      ? `alert "${rule.alert}"`
      : isRecord && typeof rule.record === 'string' && rule.record
        ? `record "${rule.record}"`
        : `rule ${path.split('.').pop()}`;
  if (isAlert && isRecord) error(path, `${id}: a rule has either alert (alerting rule) or record (recording rule), not both`);
  if (!isAlert && !isRecord) error(path, `${id}: a rule needs alert (alerting rule) or record (recording rule)`);
  if (isAlert && (typeof rule.alert !== 'string' || rule.alert.trim() === '')) {
    error(`${path}.alert`, `${id}: alert name must be a non-empty string, got ${show(rule.alert)}`);
  }
  if (isRecord && !(typeof rule.record === 'string' && PROM_METRIC_NAME.test(rule.record))) {
    error(`${path}.record`, `${id}: record must be a valid metric name matching ${PROM_METRIC_NAME.source}, got ${show(rule.record)}`);
  }

  const alerting = isAlert && !isRecord;
  const recording = isRecord && !isAlert;
  checkExpr(rule, path, id, alerting, recording, error, warn);

  for (const key of ['for', 'keep_firing_for'] as const) {
    if (!has(rule, key)) continue;
    if (recording) error(`${path}.${key}`, `${id}: ${key} is only valid on alerting rules`);
    else checkDuration(rule[key], `${path}.${key}`, `${id}: ${key}`, error);
  }
  if (alerting && !has(rule, 'for')) {
    warn(path, `${id}: no "for" duration, so it fires on the first evaluation that matches; consider e.g. for: 5m to ride out short spikes`);
  }
  if (recording && has(rule, 'annotations')) error(`${path}.annotations`, `${id}: annotations are only valid on alerting rules`);

  // Only alerting rules expand templates (Prometheus renders labels and annotations per alert).
  for (const key of ['labels', 'annotations'] as const) {
    if (!(key in rule) || (key === 'annotations' && recording)) continue;
    const map = rule[key];
    if (map === null) continue;
    if (!isMap(map)) {
      error(`${path}.${key}`, `${id}: ${key} must be a mapping of names to strings, got ${show(map)}`);
      continue;
    }
    for (const [name, value] of Object.entries(map)) {
      const p = `${path}.${key}.${name}`;
      const kind = key === 'labels' ? 'label' : 'annotation';
      if (!PROM_LABEL_NAME.test(name)) error(p, `${id}: ${kind} name "${name}" is invalid; names match ${PROM_LABEL_NAME.source}`);
      else if (key === 'labels' && name.startsWith('__')) error(p, `${id}: label name "${name}" is reserved: names starting with "__" are internal`);
      if (typeof value !== 'string') {
        error(
          p,
          `${id}: ${kind} ${name} must be a string, got ${show(value)}${typeof value === 'number' || typeof value === 'boolean' ? `; quote it: "${value}"` : ''}`,
        );
        continue;
      }
      if (!alerting) continue;
      const t = checkGoTemplate(value);
      if (!t.ok) {
        const { line, column } = lineColumn(value, t.offset);
        error(p, `${id}: ${kind} ${name} has a template error at line ${line}, column ${column}: ${t.message}`);
      } else if (t.warning) {
        warn(p, `${id}: ${kind} ${name}: ${t.warning}`);
      }
    }
  }
}

function checkExpr(
  rule: Record<string, unknown>,
  path: string,
  id: string,
  alerting: boolean,
  recording: boolean,
  error: (p: string, m: string) => void,
  warn: (p: string, m: string) => void,
): void {
  const p = `${path}.expr`;
  if (!('expr' in rule)) return void error(path, `${id}: expr is required`);
  if (typeof rule.expr !== 'string' || rule.expr.trim() === '') return void error(p, `${id}: expr must be a non-empty LogQL string, got ${show(rule.expr)}`);
  const r = checkLogQL(rule.expr);
  if (!r.ok) return void error(p, `${id}: invalid LogQL: ${r.message}`);
  if (r.kind === 'log' && (alerting || recording)) {
    const q = rule.expr.trim().replace(/\s+/g, ' ');
    const inner = q.length <= 80 ? q : '<query>';
    error(
      p,
      alerting
        ? `${id}: expr is a log query, which returns log lines and cannot fire an alert; alert on a metric query instead, e.g. count_over_time(${inner} [5m]) > 0`
        : `${id}: expr is a log query, but recording rules need a metric query, e.g. sum(count_over_time(${inner} [5m]))`,
    );
  }
  // Loki accepts these, but they deserve a look (or could not be fully checked).
  for (const w of r.warnings ?? []) {
    const { line, column } = lineColumn(rule.expr, w.offset);
    warn(p, `${id}: LogQL at line ${line}, column ${column}: ${w.message}`);
  }
}

// ---------------------------------------------------------------- Go templates

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
const tfail = (offset: number, message: string): never => {
  throw new TemplateError(offset, message);
};

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
      pos = end + 2 + close![0].length;
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
    let m: RegExpExecArray | null;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      m = new RegExp(`^${c}(?:[^\\\\${c}\\n]|\\\\.)*${c}`).exec(rest);
      if (!m) tfail(i, c === '"' ? 'unterminated quoted string' : 'unterminated character constant');
      if (c === '"' && m![0].replace(/\\[abfnrtv\\"0-7xuU]/g, '').includes('\\')) tfail(i, `invalid escape sequence in string ${m![0]}; double the backslash`);
      toks.push({ kind: 'str', text: m![0], at: i });
    } else if (c === '`') {
      const close = tpl.indexOf('`', i + 1);
      if (close < 0) tfail(i, 'unterminated raw string');
      m = [tpl.slice(i, close + 1)] as unknown as RegExpExecArray;
      toks.push({ kind: 'str', text: m[0], at: i });
    } else if ((m = /^[+-]?(0[xX][0-9a-fA-F_]+|(\d[\d_]*)?\.?\d+([eE][+-]?\d+)?)i?(?![\w.])/.exec(rest)) && /\d/.test(m[0])) {
      toks.push({ kind: 'num', text: m[0], at: i });
    } else if ((m = /^\$\w*(\.\w+)*/.exec(rest))) {
      toks.push({ kind: 'var', text: m[0], at: i });
    } else if ((m = /^(\.\w+)+|^\./.exec(rest))) {
      toks.push({ kind: 'field', text: m[0], at: i });
    } else if ((m = /^[A-Za-z_]\w*/.exec(rest))) {
      toks.push({ kind: 'ident', text: m[0], at: i });
    } else if ((m = /^(:=|=|\||,|\(|\))/.exec(rest))) {
      if (c === '(') depth++;
      if (c === ')' && --depth < 0) tfail(i, 'unexpected ")" in action');
      toks.push({ kind: 'op', text: m[0], at: i });
    } else {
      tfail(i, c === '}' ? 'unexpected "}" in action: actions end with "}}"' : `unexpected "${c}" in action`);
    }
    if (m![0].length === 0) tfail(i, `unexpected "${c}" in action`);
    i += m![0].length;
  }
}

function checkAction(toks: Tok[], open: number, stack: { kw: string; at: number; hasElse: boolean }[], vars: Set<string>): void {
  if (toks.length === 0) tfail(open, 'empty action "{{ }}": missing value');
  const [first] = toks;
  const kw = first.kind === 'ident' ? first.text : '';
  const top = stack[stack.length - 1];
  const needString = (t: Tok | undefined) => {
    if (t?.kind !== 'str') tfail(t?.at ?? open, `{{${kw}}} needs a quoted template name`);
  };
  switch (kw) {
    case 'end':
      if (toks.length > 1) tfail(toks[1].at, `unexpected "${toks[1].text}" after end`);
      if (!stack.pop()) tfail(open, 'unexpected {{end}}: there is no open if/range/with/define/block');
      return;
    case 'else':
      if (!top || !['if', 'range', 'with'].includes(top.kw)) tfail(open, 'unexpected {{else}} outside if/range/with');
      if (top.hasElse) tfail(open, `{{else}} after {{else}} in {{${top.kw}}}`);
      if (toks.length === 1) {
        top.hasElse = true;
        return;
      }
      if (toks[1].text !== 'if' && toks[1].text !== 'with') tfail(toks[1].at, `expected "if" or "with" after else, found "${toks[1].text}"`);
      return checkPipeline(toks.slice(2), open, `else ${toks[1].text}`, vars);
    case 'if':
    case 'range':
    case 'with':
      checkPipeline(toks.slice(1), open, kw, vars);
      stack.push({ kw, at: open, hasElse: false });
      return;
    case 'define':
      if (stack.length > 0) tfail(open, '{{define}} is only allowed at the top level');
      needString(toks[1]);
      if (toks.length > 2) tfail(toks[2].at, `unexpected "${toks[2].text}" in define`);
      stack.push({ kw, at: open, hasElse: false });
      return;
    case 'block':
      needString(toks[1]);
      checkPipeline(toks.slice(2), open, kw, vars);
      stack.push({ kw, at: open, hasElse: false });
      return;
    case 'template':
      needString(toks[1]);
      if (toks.length > 2) checkPipeline(toks.slice(2), open, kw, vars);
      return;
    case 'break':
    case 'continue':
      if (!stack.some((s) => s.kw === 'range')) tfail(open, `{{${kw}}} outside {{range}}`);
      if (toks.length > 1) tfail(toks[1].at, `unexpected "${toks[1].text}" after ${kw}`);
      return;
  }
  checkPipeline(toks, open, '', vars);
}

function checkPipeline(toks: Tok[], open: number, kw: string, vars: Set<string>): void {
  if (toks.length === 0) tfail(open, `missing value for {{${kw}}}`);
  // Declarations: $x := ..., or $i, $v := ... (range only); $x = ... assigns an existing variable.
  const decl = toks.findIndex((t) => t.text === ':=' || t.text === '=');
  let body = toks;
  if (decl >= 0) {
    const names = toks.slice(0, decl).filter((t) => t.text !== ',');
    if (names.length === 0 || names.some((t) => t.kind !== 'var' || t.text.includes('.')) || names.length > (kw === 'range' ? 2 : 1)) {
      tfail(toks[decl].at, `invalid variable declaration before "${toks[decl].text}"`);
    }
    for (const n of names) {
      if (toks[decl].text === '=' && !vars.has(n.text)) tfail(n.at, `undefined variable "${n.text}"`);
      vars.add(n.text);
    }
    body = toks.slice(decl + 1);
    if (body.length === 0) tfail(toks[decl].at, `missing value after "${toks[decl].text}"`);
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
    if (t.kind === 'var' && !vars.has(t.text.split('.')[0])) tfail(t.at, `undefined variable "${t.text.split('.')[0]}"`);
    if (t.text !== '(') stageStart = false;
  }
}

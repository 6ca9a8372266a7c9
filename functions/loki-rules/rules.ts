// Validation of Loki ruler rule groups (Prometheus rule-group format with LogQL
// expressions), on plain data already parsed from YAML. Mirrors what Prometheus'
// rulefmt and Loki's ruler reject, plus warnings for rules that load but misbehave.
import { checkLogQL, lineColumn } from './logql/index.ts';
import { LOKI_DURATION, PROM_LABEL_NAME, PROM_METRIC_NAME } from '../common/formats.ts';
import { isMap } from '../common/data.ts';
import { closest } from '../common/closest.ts';
import { checkGoTemplate } from './go-template.ts';

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
    if (!isMap(group)) {
      error(gPath, `rule group must be a mapping, got ${show(group)}`);
      return;
    }
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
      for (const [ri, rule] of group.rules.entries()) validateRule(rule, `${gPath}.rules.${ri}`, out);
    }
  });
  return out;
}

function unknownKeys(obj: Record<string, unknown>, allowed: string[], what: string, path: string, error: (p: string, m: string) => void) {
  for (const key of Object.keys(obj)) {
    if (allowed.includes(key)) continue;
    const near = closest(key, allowed, { partial: true });
    error(`${path}.${key}`, `unknown field "${key}" in ${what}; ${near ? `did you mean "${near}"? ` : ''}allowed fields: ${allowed.join(', ')}`);
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

import test from 'ava';
import YAML from 'yaml';
import { checkGoTemplate } from '../functions/loki-rules/go-template.ts';
import { validateGroups, type Finding } from '../functions/loki-rules/rules.ts';

const BASE = 'spec.groups';
const run = (groups: unknown) => validateGroups(groups, BASE);
const errors = (fs: Finding[]) => fs.filter((f) => f.severity === 'error');
const warnings = (fs: Finding[]) => fs.filter((f) => f.severity === 'warning');
const at = (fs: Finding[], path: string) => fs.filter((f) => f.path === path);

/** One group holding the given rules. */
const group = (...rules: unknown[]) => [{ name: 'g', rules }];
const alert = (extra: Record<string, unknown> = {}) => ({ alert: 'HighErrors', expr: 'sum(rate({app="api"} |= "error" [5m])) > 1', for: '5m', ...extra });
const record = (extra: Record<string, unknown> = {}) => ({ record: 'app:errors:rate5m', expr: 'sum by (app) (rate({app="api"}[5m]))', ...extra });

/** The single finding at `path`, failing the test if there is not exactly one. */
function only(t: { is: (a: unknown, b: unknown, m?: string) => void }, fs: Finding[], path: string): Finding {
  const hits = at(fs, path);
  t.is(hits.length, 1, `findings at ${path}: ${JSON.stringify(fs, null, 1)}`);
  return hits[0] ?? { severity: 'error', message: '', path };
}

test('a realistic valid file has no findings', (t) => {
  const doc = YAML.parse(`
groups:
  - name: api
    interval: 1m
    limit: 0
    rules:
      - alert: HighErrorRatio
        expr: |
          sum by (app) (rate({app="api"} |= "error" [5m]))
            / sum by (app) (rate({app="api"}[5m])) > 0.05
        for: 10m
        keep_firing_for: 5m
        labels:
          severity: page
          team: "{{ $labels.app }}-oncall"
        annotations:
          summary: "{{ $labels.app }} error ratio is {{ $value | humanizePercentage }}"
          description: |
            {{ if gt $value 0.5 }}More than half{{ else }}Some{{ end }} of the requests fail.
            {{- /* runbook link below */ -}}
          runbook_url: https://runbooks.example.com/api
      - record: app:log_lines:rate5m
        expr: sum by (app) (rate({namespace="prod"}[5m]))
        labels:
          source: loki
      - alert: NoLogs
        expr: absent_over_time({app="api"}[15m])
        for: 0
`);
  t.deepEqual(run(doc.groups), []);
});

test('groups must be a non-empty list', (t) => {
  t.deepEqual(run({ name: 'g' }), [{ severity: 'error', path: BASE, message: 'rule groups must be a list, got a mapping' }]);
  t.deepEqual(run([]), [{ severity: 'error', path: BASE, message: 'at least one rule group is required' }]);
  t.regex(only(t, run(['x']), `${BASE}.0`).message, /rule group must be a mapping, got "x"/);
});

test('group name is required, non-empty and unique', (t) => {
  t.regex(only(t, run([{ rules: [alert()] }]), `${BASE}.0.name`).message, /non-empty string name/);
  t.regex(only(t, run([{ name: '  ', rules: [alert()] }]), `${BASE}.0.name`).message, /non-empty string name/);
  const dup = run([
    { name: 'a', rules: [alert()] },
    { name: 'b', rules: [alert()] },
    { name: 'a', rules: [alert()] },
  ]);
  t.deepEqual(
    errors(dup).map((f) => f.path),
    [`${BASE}.2.name`],
  );
  t.is(errors(dup)[0]?.message, `duplicate rule group name "a" (already used by ${BASE}.0)`);
});

test('group interval and limit', (t) => {
  const fs = run([{ name: 'g', interval: '5 minutes', limit: -1, rules: [alert()] }]);
  t.regex(only(t, fs, `${BASE}.0.interval`).message, /group "g": interval must be a duration like 30s.*got "5 minutes"/);
  t.regex(only(t, fs, `${BASE}.0.limit`).message, /limit must be a non-negative integer, got -1/);
  t.regex(only(t, run([{ name: 'g', limit: 1.5, rules: [alert()] }]), `${BASE}.0.limit`).message, /got 1.5/);
  t.regex(only(t, run([{ name: 'g', limit: '10', rules: [alert()] }]), `${BASE}.0.limit`).message, /got "10"/);
  t.deepEqual(run([{ name: 'g', interval: '1h30m', limit: 10, rules: [alert()] }]), []);
});

test('group rules must be a non-empty list', (t) => {
  t.regex(only(t, run([{ name: 'g' }]), `${BASE}.0.rules`).message, /rules must be a list \(missing\)/);
  t.regex(only(t, run([{ name: 'g', rules: {} }]), `${BASE}.0.rules`).message, /rules must be a list, got a mapping/);
  t.regex(only(t, run([{ name: 'g', rules: [] }]), `${BASE}.0.rules`).message, /rules must not be empty/);
});

test('unknown group and rule fields are errors listing the allowed ones', (t) => {
  const fs = run([{ name: 'g', evaluation_interval: '1m', rules: [alert({ annotation: { a: 'b' } })] }]);
  t.is(
    only(t, fs, `${BASE}.0.evaluation_interval`).message,
    'unknown field "evaluation_interval" in rule group; did you mean "interval"? allowed fields: name, interval, limit, rules',
  );
  t.is(
    only(t, fs, `${BASE}.0.rules.0.annotation`).message,
    'unknown field "annotation" in rule; did you mean "annotations"? allowed fields: alert, record, expr, for, keep_firing_for, labels, annotations',
  );
  const far = run([{ name: 'g', rules: [alert({ severity: 'page' })] }]);
  t.regex(only(t, far, `${BASE}.0.rules.0.severity`).message, /^unknown field "severity" in rule; allowed fields: /, 'nothing close: no guess');
});

test('an unknown rule field names the allowed one it is closest to', (t) => {
  const fs = run(group(alert({ for: undefined, fro: '5m', expresion: 'x' }), record({ Record: 'y' })));
  t.regex(only(t, fs, `${BASE}.0.rules.0.fro`).message, /^unknown field "fro" in rule; did you mean "for"\? allowed fields:/);
  t.regex(only(t, fs, `${BASE}.0.rules.0.expresion`).message, /^unknown field "expresion" in rule; did you mean "expr"\?/);
  t.regex(only(t, fs, `${BASE}.0.rules.1.Record`).message, /did you mean "record"\?/);
  t.regex(only(t, run([{ name: 'g', intervall: '1m', rules: [alert()] }]), `${BASE}.0.intervall`).message, /did you mean "interval"\?/);
});

test('a rule is either alerting or recording', (t) => {
  t.regex(only(t, run(group('nope')), `${BASE}.0.rules.0`).message, /rule must be a mapping/);
  t.regex(only(t, run(group(alert({ record: 'x' }))), `${BASE}.0.rules.0`).message, /alert "HighErrors": .*either alert .* or record .*not both/);
  t.regex(only(t, run(group({ expr: 'vector(1)' })), `${BASE}.0.rules.0`).message, /needs alert \(alerting rule\) or record \(recording rule\)/);
});

test('alert names are non-empty strings, record names are metric names', (t) => {
  t.regex(only(t, run(group(alert({ alert: '' }))), `${BASE}.0.rules.0.alert`).message, /alert name must be a non-empty string, got ""/);
  t.regex(only(t, run(group(alert({ alert: 42 }))), `${BASE}.0.rules.0.alert`).message, /got 42/);
  t.regex(only(t, run(group(record({ record: 'app-errors' }))), `${BASE}.0.rules.0.record`).message, /valid metric name matching .*got "app-errors"/);
  t.regex(only(t, run(group(record({ record: '1app' }))), `${BASE}.0.rules.0.record`).message, /valid metric name/);
  t.deepEqual(run(group(record({ record: ':app_errors:rate5m' }))), []);
});

test('expr is a required string', (t) => {
  const { expr: _, ...noExpr } = alert();
  t.is(only(t, run(group(noExpr)), `${BASE}.0.rules.0`).message, 'alert "HighErrors": expr is required');
  t.regex(only(t, run(group(alert({ expr: 5 }))), `${BASE}.0.rules.0.expr`).message, /expr must be a non-empty LogQL string, got 5/);
  t.regex(only(t, run(group(alert({ expr: '  ' }))), `${BASE}.0.rules.0.expr`).message, /non-empty LogQL string/);
});

test('invalid LogQL is reported with its line and column', (t) => {
  const expr = 'sum by (app) (\n  rate({app="api"} | json | latency > 1x [5m])\n) > 0';
  const f = only(t, run(group(alert({ expr }))), `${BASE}.0.rules.0.expr`);
  t.is(f.severity, 'error');
  t.regex(f.message, /^alert "HighErrors": invalid LogQL: syntax error at line 2, column 39 near "1x \[5m\]\)"/);
  const g = only(t, run(group(record({ expr: 'sum_over_time({app="api"}[5m])' }))), `${BASE}.0.rules.0.expr`);
  t.regex(g.message, /record "app:errors:rate5m": invalid LogQL: invalid query at line 1, column 1 .*needs an unwrapped value/);
});

test('an alerting rule on a bare log query is an error with a suggestion', (t) => {
  const f = only(t, run(group(alert({ expr: '{app="api"} |= "panic"' }))), `${BASE}.0.rules.0.expr`);
  t.is(f.severity, 'error');
  t.regex(f.message, /log query, which returns log lines and cannot fire an alert/);
  t.true(f.message.includes('count_over_time({app="api"} |= "panic" [5m]) > 0'));
  // The suggestion itself must be valid LogQL that alerts.
  t.deepEqual(run(group(alert({ expr: 'count_over_time({app="api"} |= "panic" [5m]) > 0' }))), []);
});

test('a recording rule needs a metric query', (t) => {
  const f = only(t, run(group(record({ expr: '{app="api"} | json' }))), `${BASE}.0.rules.0.expr`);
  t.regex(f.message, /recording rules need a metric query, e\.g\. sum\(count_over_time\(\{app="api"\} \| json \[5m\]\)\)/);
});

test('durations: for and keep_firing_for', (t) => {
  for (const bad of ['5 min', '1.5h', '5M', '', '-5m', 300]) {
    const f = only(t, run(group(alert({ for: bad }))), `${BASE}.0.rules.0.for`);
    t.regex(f.message, /for must be a duration like 30s/, String(bad));
  }
  t.regex(only(t, run(group(alert({ keep_firing_for: '2 hours' }))), `${BASE}.0.rules.0.keep_firing_for`).message, /keep_firing_for must be a duration/);
  for (const good of ['5m', '1h30m', '2d', '1w', '500ms', '0', 0]) t.deepEqual(run(group(alert({ for: good }))), [], String(good));
});

test('YAML nulls in optional fields count as unset', (t) => {
  const fs = run([{ name: 'g', interval: null, limit: null, rules: [alert({ for: null, keep_firing_for: null, labels: null })] }]);
  t.deepEqual(errors(fs), []);
  t.regex(only(t, fs, `${BASE}.0.rules.0`).message, /no "for" duration/);
});

test('for, keep_firing_for and annotations only on alerting rules', (t) => {
  const fs = run(group(record({ for: '5m', keep_firing_for: '1m', annotations: { summary: 'x' } })));
  t.regex(only(t, fs, `${BASE}.0.rules.0.for`).message, /record "app:errors:rate5m": for is only valid on alerting rules/);
  t.regex(only(t, fs, `${BASE}.0.rules.0.keep_firing_for`).message, /keep_firing_for is only valid on alerting rules/);
  t.regex(only(t, fs, `${BASE}.0.rules.0.annotations`).message, /annotations are only valid on alerting rules/);
});

test('label names, reserved names and string values', (t) => {
  const fs = run(group(alert({ labels: { 'team-name': 'x', __tenant: 'y', priority: 1, page: true, ok_label: 'fine' } })));
  t.regex(only(t, fs, `${BASE}.0.rules.0.labels.team-name`).message, /label name "team-name" is invalid/);
  t.regex(only(t, fs, `${BASE}.0.rules.0.labels.__tenant`).message, /reserved/);
  t.regex(only(t, fs, `${BASE}.0.rules.0.labels.priority`).message, /label priority must be a string, got 1; quote it: "1"/);
  t.regex(only(t, fs, `${BASE}.0.rules.0.labels.page`).message, /got true; quote it: "true"/);
  t.is(at(fs, `${BASE}.0.rules.0.labels.ok_label`).length, 0);
  t.regex(only(t, run(group(alert({ labels: ['a'] }))), `${BASE}.0.rules.0.labels`).message, /labels must be a mapping/);
});

test('annotation names and values', (t) => {
  const fs = run(group(alert({ annotations: { 'runbook-url': 'x', summary: ['a'] } })));
  t.regex(only(t, fs, `${BASE}.0.rules.0.annotations.runbook-url`).message, /annotation name "runbook-url" is invalid/);
  t.regex(only(t, fs, `${BASE}.0.rules.0.annotations.summary`).message, /annotation summary must be a string, got a list/);
});

test('templates in alert annotations and labels must parse, with position', (t) => {
  const fs = run(
    group(
      alert({
        labels: { severity: '{{ if gt $value 10.0 }}page{{ else }}ticket' },
        annotations: { summary: 'Errors on {{ $labels.app }', description: 'line one\nvalue {{ $value | humanise }}' },
      }),
    ),
  );
  t.is(
    only(t, fs, `${BASE}.0.rules.0.labels.severity`).message,
    'alert "HighErrors": label severity has a template error at line 1, column 1: {{if}} is never closed: missing {{end}}',
  );
  t.regex(only(t, fs, `${BASE}.0.rules.0.annotations.summary`).message, /at line 1, column 26: unexpected "}" in action: actions end with "}}"/);
  t.regex(only(t, fs, `${BASE}.0.rules.0.annotations.description`).message, /at line 2, column 19: function "humanise" is not defined/);
});

test('recording rule labels are not templated, so braces are not checked', (t) => {
  t.deepEqual(run(group(record({ labels: { note: '{{ not a template' } }))), []);
});

test('warnings: alert without for, LogQL that Loki accepts but that deserves a look, stray }}', (t) => {
  const { for: _, ...noFor } = alert();
  const w = only(t, run(group(noFor)), `${BASE}.0.rules.0`);
  t.is(w.severity, 'warning');
  t.regex(w.message, /no "for" duration/);

  const fs = run(group(alert({ expr: 'label_replace(sum(rate({app="api"}[5m])), "1x", "$1", "app", "(.*)") > 1' })));
  t.deepEqual(errors(fs), []);
  const lr = only(t, fs, `${BASE}.0.rules.0.expr`);
  t.is(lr.severity, 'warning');
  t.regex(lr.message, /LogQL at line 1, column 43: label_replace destination "1x" is not a valid label name/);

  // A selector that matches every stream is refused, as Loki's parser refuses it.
  const sel = only(t, run(group(alert({ expr: 'sum(rate({app=~".*", env!="prod"}[5m])) / sum(rate({app="api"}[5m])) > 1' }))), `${BASE}.0.rules.0.expr`);
  t.is(sel.severity, 'error');
  t.regex(sel.message, /stream selector \{app=~"\.\*", env!="prod"\} only has matchers that also match an empty value/);

  t.deepEqual(warnings(run(group(alert({ expr: 'sum(rate({app=~".+"}[5m])) > 1' })))), []);

  const stray = only(t, run(group(alert({ annotations: { summary: '{ $labels.app }} down' } }))), `${BASE}.0.rules.0.annotations.summary`);
  t.is(stray.severity, 'warning');
  t.regex(stray.message, /"}}" at line 1, column 15 has no matching "\{\{"/);
});

test('findings carry paths for every group and rule index', (t) => {
  const fs = run([
    { name: 'a', rules: [alert()] },
    { name: 'b', rules: [alert(), alert({ expr: 'rate(' })] },
  ]);
  t.deepEqual(
    fs.map((f) => f.path),
    [`${BASE}.1.rules.1.expr`],
  );
});

// ---------------------------------------------------------------- Go template checker

test('checkGoTemplate accepts Prometheus alert templates', (t) => {
  for (const tpl of [
    'plain text',
    '{{ $labels.job }} is down',
    '{{ $value | humanize }}',
    '{{ printf "%.2f" $value }}',
    '{{ if gt $value 10.0 }}high{{ else if gt $value 5.0 }}mid{{ else }}low{{ end }}',
    '{{ range $i, $v := query "up" }}{{ $v.Labels.job }}{{ end }}',
    '{{ with query "up" }}{{ . | first | value | humanize }}{{ end }}',
    '{{- /* comment */ -}}x',
    '{{ index $labels "foo-bar" }}',
    '{{ $x := 5 }}{{ $x }}',
    '{{ $externalLabels.cluster }}',
    '{{ define "x" }}a{{ end }}{{ template "x" . }}',
    '{{ range .x }}{{ if . }}{{ break }}{{ end }}{{ end }}',
    '{{ reReplaceAll "(.*):.*" "$1" $labels.instance }}',
    '{{ printf "\\\\d" }}',
    '{{ -1 }}',
    '{{ `raw {{ }}` }}',
  ]) {
    const r = checkGoTemplate(tpl);
    t.deepEqual(r, { ok: true, warning: undefined }, tpl);
  }
});

test('checkGoTemplate reports errors at the offending offset', (t) => {
  const cases: [string, (s: string) => number, RegExp][] = [
    ['{{ $labels.job }', (s) => s.indexOf('}'), /unexpected "}"/],
    ['x {{ if $value }}y', (s) => s.indexOf('{{'), /\{\{if\}\} is never closed/],
    ['{{ range .a }}{{ with .b }}{{ end }}', (s) => s.indexOf('{{'), /\{\{range\}\} is never closed/],
    ['a{{ end }}', (s) => s.indexOf('{{'), /unexpected \{\{end\}\}/],
    ['{{ else }}', () => 0, /unexpected \{\{else\}\} outside/],
    ['{{ if .x }}a{{ else }}b{{ else }}c{{ end }}', (s) => s.lastIndexOf('{{ else'), /\{\{else\}\} after \{\{else\}\}/],
    ['{{ $value | humanise }}', (s) => s.indexOf('humanise'), /function "humanise" is not defined/],
    ['{{ $lables.job }}', (s) => s.indexOf('$'), /undefined variable "\$lables"/],
    ['{{ $y = 5 }}', (s) => s.indexOf('$'), /undefined variable "\$y"/],
    ['{{ "abc }}', (s) => s.indexOf('"'), /unterminated quoted string/],
    ['{{ `abc }}', (s) => s.indexOf('`'), /unterminated raw string/],
    ['{{ }}', () => 0, /empty action/],
    ['{{ if }}x{{ end }}', () => 0, /missing value for \{\{if\}\}/],
    ['{{ $value | }}', (s) => s.indexOf('|'), /missing command after "\|"/],
    ['{{ | humanize }}', (s) => s.indexOf('|'), /missing command before "\|"/],
    ['{{ (len $labels }}', (s) => s.indexOf('}}'), /unclosed "\(" in action/],
    ['{{ len $labels) }}', (s) => s.indexOf(')'), /unexpected "\)"/],
    ['{{ $labels.foo-bar }}', (s) => s.indexOf('-'), /unexpected "-" in action/],
    ['{{ break }}', () => 0, /outside \{\{range\}\}/],
    ['{{ . | "x" }}', (s) => s.indexOf('"'), /pipeline stage 2 must be a function/],
    ['{{ printf "\\d" }}', (s) => s.indexOf('"'), /invalid escape sequence/],
    ['{{/* never closed', () => 0, /unclosed comment/],
    ['{{/* c */ x }}', (s) => s.indexOf('*/') + 2, /comment must end right before/],
    ['{{ template . }}', (s) => s.indexOf('.'), /needs a quoted template name/],
    ['{{ if .a }}{{ define "x" }}{{ end }}{{ end }}', (s) => s.indexOf('{{ define'), /only allowed at the top level/],
    ['{{ $a, $b := .x }}', (s) => s.indexOf(':='), /invalid variable declaration/],
    ['{{ $labels.job', () => 0, /unclosed action/],
  ];
  for (const [tpl, offset, msg] of cases) {
    const r = checkGoTemplate(tpl);
    if (r.ok) {
      t.fail(`accepted: ${tpl}`);
      continue;
    }
    t.is(r.offset, offset(tpl), tpl);
    t.regex(r.message, msg, tpl);
  }
});

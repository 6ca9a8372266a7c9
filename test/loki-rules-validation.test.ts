// loki-rules: what is refused or warned about, with which resource, file and field; hand-written
// rule ConfigMaps; Flux post-build substitution; the schema's documentation.
import test from 'ava';
import { z } from 'zod';
import { applyToObject, FluxSubstitutionError } from './support/flux-envsubst/substitute.ts';
import { stringify } from '../functions/krm/yaml.ts';
import { lokiRuleSchema } from '../functions/loki-rules/schema.ts';
import { FLUX, PATH, alertGroup, lokiRule, obsConfig, run } from './support/loki-rules.ts';

const groupWith = (...rules: object[]) => [{ name: 'checkout', rules }];
const goodAlert = { alert: 'A', expr: 'sum(count_over_time({app="a"}[5m])) > 0', for: '5m' };

// ---- LokiRule errors ----------------------------------------------------------------------------

test('an invalid expr names the LokiRule, its file, the group and the rule field; nothing is generated', (t) => {
  const bad = { alert: 'CheckoutDown', expr: 'sum(rate({app="checkout"}[5m])', for: '5m' };
  const other = lokiRule('fine', 'shop');
  const input = [lokiRule('checkout', 'shop', groupWith(goodAlert, goodAlert, bad)), other];
  const r = run(input);
  t.is(r.errors.length, 1);
  const e = r.errors[0]!;
  t.deepEqual(e.resourceRef, { apiVersion: 'observability.krm.dev/v1alpha1', kind: 'LokiRule', name: 'checkout', namespace: 'shop' });
  t.deepEqual(e.file, { path: 'apps/checkout/rules.yaml' });
  t.is(e.field?.path, 'spec.groups.0.rules.2.expr');
  t.regex(e.message, /^group "checkout": alert "CheckoutDown": invalid LogQL: .*never closed/);
  t.deepEqual(r.generated, [], 'one bad rule stops the whole run');
  t.deepEqual(r.objects, input, 'every input item comes back unchanged');
});

test('unknown fields anywhere in a LokiRule are errors with their path', (t) => {
  const rule = lokiRule('a', 'shop', [{ ...alertGroup(), evaluation: '1m' }]);
  rule.spec.group = [];
  rule.status = {};
  rule.spec.groups[0].rules[0].severity = 'page';
  const r = run([rule]);
  const paths = r.errors.map((e) => e.field?.path).sort();
  t.deepEqual(paths, ['spec.group', 'spec.groups.0.evaluation', 'spec.groups.0.rules.0.severity', 'status']);
  t.regex(r.errors.find((e) => e.field?.path === 'spec.group')!.message, /^unknown field "group": did you mean "groups"\? allowed fields here: groups$/);
  t.regex(r.errors.find((e) => e.field?.path === 'status')!.message, /allowed fields here: apiVersion, kind, metadata, spec/);
});

test('envelope errors: missing spec.groups, a bad name or namespace, an unsupported apiVersion', (t) => {
  const noGroups = lokiRule('a', 'shop');
  delete noGroups.spec.groups;
  t.deepEqual(
    run([noGroups]).errors.map((e) => e.field?.path),
    ['spec.groups'],
  );
  const noSpec = lokiRule('a', 'shop');
  delete noSpec.spec;
  t.like(run([noSpec]).errors[0], { message: 'is required (a mapping)', field: { path: 'spec' } });
  const r = run([lokiRule('Bad_Name', 'Shop')]);
  t.deepEqual(r.errors.map((e) => e.field?.path).sort(), ['metadata.name', 'metadata.namespace']);
  const v2 = { ...lokiRule('a', 'shop'), apiVersion: 'observability.krm.dev/v2' };
  const e = run([v2]).errors[0]!;
  t.is(e.field?.path, 'apiVersion');
  t.regex(e.message, /not supported; use observability\.krm\.dev\/v1alpha1/);
  const long = run([lokiRule('a'.repeat(250), 'shop')]).errors[0]!;
  t.regex(long.message, /at most 242 characters/);
});

test('duplicate identities: two LokiRules for one ConfigMap are an error naming the other file', (t) => {
  const r = run([lokiRule('a', 'shop', undefined, 'one.yaml'), lokiRule('a', 'shop', undefined, 'two.yaml')]);
  t.is(r.errors.length, 1);
  t.regex(r.errors[0]!.message, /LokiRule shop\/a is defined twice \(also in one\.yaml\).*ConfigMap shop\/loki-rules-a/);
  t.deepEqual(r.errors[0]!.file, { path: 'two.yaml' });
  // A LokiRule without a namespace lands in the default one, and can meet an explicit one there.
  const d = run([lokiRule('a', undefined, undefined, 'x.yaml'), lokiRule('a', 'observability', undefined, 'y.yaml')]);
  t.regex(d.errors[0]!.message, /without metadata\.namespace goes to observability/);
});

test('warnings (legal but suspicious) keep the ConfigMap and exit cleanly', (t) => {
  const r = run([
    lokiRule('a', 'shop', groupWith({ alert: 'NoFor', expr: 'label_replace(sum(count_over_time({app="a"}[5m])), "1x", "$1", "app", "(.*)") > 0' })),
  ]);
  t.deepEqual(r.errors, []);
  t.deepEqual(r.warnings.map((w) => w.field?.path).sort(), ['spec.groups.0.rules.0', 'spec.groups.0.rules.0.expr']);
  t.is(r.generated.length, 1);
});

test('sidecar warnings: a namespace the sidecar does not search, and a disabled sidecar', (t) => {
  const r = run([obsConfig({ searchNamespace: 'observability,shop' }), lokiRule('a', 'shop'), lokiRule('b', 'cart')]);
  t.is(r.warnings.length, 1);
  t.like(r.warnings[0]!.resourceRef, { name: 'b', namespace: 'cart' });
  t.regex(r.warnings[0]!.message, /only searches observability,shop/);
  t.is(r.generated.length, 2);
  const off = run([obsConfig({ enabled: false }), lokiRule('a', 'shop')]);
  t.is(off.warnings[0]!.field?.path, 'spec.loki.rules.enabled');
  t.like(off.warnings[0]!.resourceRef, { kind: 'ObservabilityConfig' });
});

test('a ConfigMap over 1 MiB is refused', (t) => {
  const rules = Array.from({ length: 4000 }, (_, i) => ({ record: `app:r${i}:rate5m`, expr: `sum by (app) (rate({app="a${'x'.repeat(200)}"}[5m]))` }));
  const r = run([lokiRule('big', 'shop', [{ name: 'big', rules }])]);
  t.is(r.errors.length, 1);
  t.regex(r.errors[0]!.message, /over the 1048576-byte ConfigMap limit: split them/);
});

// ---- hand-written ConfigMaps ---------------------------------------------------------------------

const handCM = (data: Record<string, unknown>, labels: Record<string, string> = { loki_rule: 'true' }, annotations: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'hand', namespace: 'shop', labels, annotations: { [PATH]: 'apps/shop/hand.yaml', ...annotations } },
  data,
});
const rulesFile = (groups: unknown) => stringify({ groups });

test('hand-written labelled ConfigMaps: valid ones pass untouched', (t) => {
  const cm = handCM({ 'shop.yaml': rulesFile([alertGroup()]), 'more.yaml': rulesFile([alertGroup('other')]) });
  const r = run([cm]);
  t.deepEqual(r.results, []);
  t.deepEqual(r.objects, [cm]);
});

test('hand-written labelled ConfigMaps: invalid rules point at data.<key> plus the rule path, and block the run', (t) => {
  const cm = handCM({ 'ok.yaml': rulesFile([alertGroup()]), 'bad.yaml': rulesFile(groupWith(goodAlert, { alert: 'B', expr: '{app="a"}', for: '1m' })) });
  const r = run([cm, lokiRule('a', 'shop')]);
  t.is(r.errors.length, 1);
  const e = r.errors[0]!;
  t.is(e.field?.path, 'data.bad.yaml.groups.0.rules.1.expr');
  t.like(e.resourceRef, { kind: 'ConfigMap', name: 'hand', namespace: 'shop' });
  t.deepEqual(e.file, { path: 'apps/shop/hand.yaml' });
  t.regex(e.message, /^data key "bad\.yaml": group "checkout": alert "B": expr is a log query/);
  t.deepEqual(r.generated, []);
});

test('hand-written labelled ConfigMaps: YAML errors, unknown top-level fields, missing groups', (t) => {
  const r = run([handCM({ 'a.yaml': 'groups: [\n', 'b.yaml': `rules: []\n${rulesFile([alertGroup()])}`, 'c.yaml': 'name: x\n' })]);
  const by = Object.fromEntries(r.errors.map((e) => [e.field?.path, e.message]));
  t.regex(by['data.a.yaml']!, /not valid YAML/);
  t.regex(by['data.b.yaml.rules']!, /unknown top-level field "rules"/);
  t.regex(by['data.c.yaml.groups']!, /needs groups/);
});

test('hand-written ConfigMaps the sidecar does not load: another label value warns, no label is ignored', (t) => {
  const r = run([handCM({ 'a.yaml': 'not: [valid' }, { loki_rule: 'false' })]);
  t.deepEqual(r.errors, []);
  t.regex(r.warnings[0]!.message, /only loads loki_rule="true".*not loaded/);
  t.deepEqual(run([handCM({ 'a.yaml': 'not: [valid' }, { app: 'x' })]).results, []);
  // A custom label from the ObservabilityConfig decides which ConfigMaps are rule files.
  const custom = run([obsConfig({ label: 'rules', labelValue: '' }), handCM({ 'a.yaml': 'groups: 1\n' }, { rules: 'anything' })]);
  t.is(custom.errors[0]!.field?.path, 'data.a.yaml.groups');
});

test('hand-written ConfigMaps with "$$" or "${" and no Flux opt-out get a warning, and are still left unchanged', (t) => {
  const withDollar = handCM({ 'a.yaml': rulesFile([alertGroup('g', 'sum(count_over_time({app="a"} |~ "cost: [$][$]|$${x}" [5m])) > 0')]) });
  const r = run([withDollar]);
  t.deepEqual(r.errors, []);
  t.is(r.warnings.length, 1);
  t.is(r.warnings[0]!.field?.path, `metadata.annotations.${FLUX}`);
  t.deepEqual(r.objects, [withDollar]);
  const malformed = run([handCM({ 'a.yaml': rulesFile([{ name: 'g', rules: [{ ...goodAlert, annotations: { link: 'https://x/?q=${__value.raw}' } }] }]) })]);
  t.regex(malformed.warnings[0]!.message, /cannot parse.*fail the whole Flux Kustomization/);
  const optedOut = run([handCM(withDollar.data, undefined, { [FLUX]: 'disabled' })]);
  t.deepEqual(optedOut.results, []);
});

// ---- Flux post-build substitution ---------------------------------------------------------------

const dollarRules = () =>
  groupWith({
    alert: 'Costly',
    expr: 'sum by (pod) (count_over_time({app="shop"} |~ "total: [0-9]+ \\\\$$|refund$" | line_format "{{ .pod }} ${{ .amount }}" [5m])) > 0',
    for: '5m',
    annotations: { summary: '{{ $labels.pod }} charged $${{ $value }}', dashboard: 'https://grafana/d/x?var-pod=${__value.raw}' },
  });

test('Flux: the generated ConfigMap survives post-build substitution byte for byte; without the opt-out it would not', (t) => {
  const r = run([lokiRule('costs', 'shop', dollarRules())]);
  t.is(r.errors.length, 0, JSON.stringify(r.errors));
  t.regex(r.warnings.map((w) => w.message).join('\n'), /reaches Loki literally/);
  const cm = r.cm('shop', 'loki-rules-costs');
  const text = cm.data['shop_costs.yaml'];
  t.true(text.includes('$$') && text.includes('${'), 'the case has both a "$$" and a "${"');
  for (const strict of [true, false]) {
    const after = applyToObject(cm, { CLUSTER: 'main' }, { strict, always: true });
    t.is(stringify(after), stringify(cm), `strict=${strict}`);
  }
  // The same object without the annotation: "${__value.raw}" fails the whole Kustomization...
  const bare = structuredClone(cm);
  delete bare.metadata.annotations[FLUX];
  const err = t.throws(() => applyToObject(bare, { CLUSTER: 'main' }));
  t.true(err instanceof FluxSubstitutionError);
  t.regex(err!.message, /envsubst error: variable substitution failed/);
  // ...and with only "$$" the text is silently halved.
  const halved = run([lokiRule('h', 'shop', groupWith({ ...goodAlert, annotations: { summary: 'costs $${{ $value }}' } }))]).cm('shop', 'loki-rules-h');
  const bareHalved = structuredClone(halved);
  delete bareHalved.metadata.annotations[FLUX];
  const after = applyToObject(bareHalved, { CLUSTER: 'main' });
  t.not(after.data['shop_h.yaml'], halved.data['shop_h.yaml']);
  t.regex(after.data['shop_h.yaml'], /summary: costs \$\{\{ \$value \}\}/);
  t.is(stringify(applyToObject(halved, { CLUSTER: 'main' })), stringify(halved));
});

// ---- schema --------------------------------------------------------------------------------------

test('schema: every field is documented and its description ends with its default (or says required/always)', (t) => {
  const json: any = z.toJSONSchema(lokiRuleSchema);
  const seen: string[] = [];
  const walk = (s: any, path: string) => {
    if (s.properties) {
      for (const [k, v] of Object.entries<any>(s.properties)) {
        const p = path ? `${path}.${k}` : k;
        seen.push(p);
        t.truthy(v.description, `${p} has no description`);
        t.regex(v.description ?? '', /(Default: [^.]*(\.[^.]+)*\.|Required(; no default)?\.|Always [^ ]+\.)$/, `${p}: ${v.description}`);
        walk(v, p);
      }
    }
    if (s.items) walk(s.items, `${path}[]`);
  };
  walk(json, '');
  t.true(seen.includes('spec.groups[].rules[].keep_firing_for'));
  t.true(seen.length >= 17);
});

// loki-rules transform: label agreement, the generated ConfigMap, namespaces, ownership,
// idempotence and determinism. In-process; the process-level tests are in loki-rules-process.
import test from 'ava';
import YAML from 'yaml';
import { transform as stackTransform } from '../functions/observability-stack/transform.ts';
import { configSchema } from '../functions/observability-stack/schema.ts';
import { Item } from '../functions/krm/item.ts';
import { DEFAULT_RULE_LABEL as DEFAULT_LABEL, DEFAULT_RULE_LABEL_VALUE as DEFAULT_LABEL_VALUE, DEFAULT_NAMESPACE } from '../functions/common/contract.ts';
import { FLUX, GEN, LOCAL, PATH, alertGroup, fnConfigMap, lokiRule, obsConfig, recordGroup, run, runText } from './support/loki-rules.ts';

const labelsOf = (o: any) => o.metadata.labels;

// ---- label agreement --------------------------------------------------------------------------

test('label: the package ObservabilityConfig decides, and matches what observability-stack gives the sidecar', (t) => {
  const cfg = obsConfig({ label: 'example.org/rules', labelValue: 'on' });
  const r = run([cfg, lokiRule('a', 'shop')]);
  t.deepEqual(r.errors, []);
  t.like(labelsOf(r.cm('shop', 'loki-rules-a')), { 'example.org/rules': 'on' });
  t.false(DEFAULT_LABEL in labelsOf(r.cm('shop', 'loki-rules-a')));

  // The other function, on the same config: its sidecar watches exactly this label.
  const full = { ...cfg, spec: { ...cfg.spec, storageClass: 'x' } };
  const stack = stackTransform(Item.fromObject(full), [Item.fromObject(full)]);
  const loki = stack.items.map((i) => i.object).find((o: any) => o.kind === 'HelmRelease' && o.metadata.name === 'loki');
  const sidecar = loki.spec.values.sidecar.rules;
  t.like(labelsOf(run([full, lokiRule('a', 'shop')]).cm('shop', 'loki-rules-a')), { [sidecar.label]: sidecar.labelValue });
});

test('label: the ObservabilityConfig wins over the functionConfig ConfigMap, with a warning naming both', (t) => {
  const r = run([obsConfig({ label: 'from-config' }), lokiRule('a', 'shop')], fnConfigMap({ label: 'from-fc' }));
  t.deepEqual(r.errors, []);
  t.like(labelsOf(r.cm('shop', 'loki-rules-a')), { 'from-config': 'true' });
  t.is(r.warnings.length, 1);
  t.regex(r.warnings[0]!.message, /from-fc=.*ObservabilityConfig observability.*from-config=/);
  t.is(r.warnings[0]!.field?.path, 'data.label');
});

test('label: without an ObservabilityConfig the functionConfig ConfigMap decides (label and labelValue)', (t) => {
  const r = run([lokiRule('a', 'shop')], fnConfigMap({ label: 'team.io/loki', labelValue: 'yes' }));
  t.deepEqual(r.results, []);
  t.like(labelsOf(r.cm('shop', 'loki-rules-a')), { 'team.io/loki': 'yes' });
  const only = run([lokiRule('a', 'shop')], fnConfigMap({ label: 'x' }));
  t.like(labelsOf(only.cm('shop', 'loki-rules-a')), { x: DEFAULT_LABEL_VALUE });
});

test('label: neither gives the defaults, which are the ObservabilityConfig defaults', (t) => {
  const parsed = configSchema.parse({ apiVersion: 'observability.krm.dev/v1alpha1', kind: 'ObservabilityConfig', metadata: { name: 'x' }, spec: {} });
  t.is(DEFAULT_LABEL, parsed.spec.loki.rules.label);
  t.is(DEFAULT_LABEL_VALUE, parsed.spec.loki.rules.labelValue);
  t.is(DEFAULT_NAMESPACE, parsed.spec.namespace);
  for (const fc of [undefined, fnConfigMap(), {}]) {
    const r = run([lokiRule('a', 'shop')], fc);
    t.deepEqual(r.results, [], JSON.stringify(fc));
    t.like(labelsOf(r.cm('shop', 'loki-rules-a')), { loki_rule: 'true' });
  }
  // An ObservabilityConfig without rules settings means its defaults too.
  t.like(labelsOf(run([obsConfig(), lokiRule('a', 'shop')]).cm('shop', 'loki-rules-a')), { loki_rule: 'true' });
});

test('label: the ObservabilityConfig as functionConfig (configPath) and as item is one config', (t) => {
  const cfg = obsConfig({ label: 'l' });
  const r = run([cfg, lokiRule('a', 'shop')], cfg);
  t.deepEqual(r.errors, []);
  t.like(labelsOf(r.cm('shop', 'loki-rules-a')), { l: 'true' });
  // Only given as functionConfig also counts.
  t.like(labelsOf(run([lokiRule('a', 'shop')], cfg).cm('shop', 'loki-rules-a')), { l: 'true' });
});

test('label: two different ObservabilityConfigs are an error on each, nothing generated', (t) => {
  const a = obsConfig({ label: 'a' }, {}, 'one');
  const b = obsConfig({ label: 'b' }, {}, 'two');
  const r = run([a, b, lokiRule('x', 'shop')]);
  t.is(r.errors.length, 2);
  t.regex(r.errors[0]!.message, /2 different ObservabilityConfigs \(one \(config\.yaml\), two \(config\.yaml\)\)/);
  t.deepEqual(r.generated, []);
  t.is(r.objects.length, 3);
});

test('label: an ObservabilityConfig functionConfig decides among several in the package (one step per config)', (t) => {
  const a = obsConfig({ label: 'a' }, {}, 'one');
  const b = obsConfig({ label: 'b' }, {}, 'two');
  const r = run([a, b, lokiRule('x', 'shop')], b);
  t.deepEqual(r.errors, []);
  t.like(labelsOf(r.cm('shop', 'loki-rules-x')), { b: 'true' });
});

test('label: a misspelt ObservabilityConfig kind is a warning naming the kind, and the defaults apply', (t) => {
  const near = { ...obsConfig({ label: 'mine' }), kind: 'ObservabilityConf' };
  const r = run([near, lokiRule('x', 'shop')]);
  t.deepEqual(r.errors, []);
  const w = r.warnings.find((x) => x.field?.path === 'kind');
  t.regex(w!.message, /did you mean kind: ObservabilityConfig.*Using the defaults/);
  t.like(labelsOf(r.cm('shop', 'loki-rules-x')), { loki_rule: 'true' });
});

test('a near-miss of LokiRule (kind: LokiRules) is a warning naming the item, not silence', (t) => {
  const input = [obsConfig(), { ...lokiRule('api', 'shop'), kind: 'LokiRules' }, { ...lokiRule('web', 'shop'), kind: 'lokirule' }];
  const r = run(input);
  t.deepEqual(r.errors, []);
  t.deepEqual(r.generated, []);
  t.is(r.warnings.length, 2, JSON.stringify(r.warnings));
  t.like(r.warnings[0], {
    resourceRef: { kind: 'LokiRules', name: 'api', namespace: 'shop' },
    field: { path: 'kind', currentValue: 'LokiRules', proposedValue: 'LokiRule' },
  });
  t.regex(
    r.warnings[0]!.message,
    /^loki-rules ignores an item of kind LokiRules \(api\): did you mean kind: LokiRule \(apiVersion: observability\.krm\.dev\/v1alpha1\)\?/,
  );
  t.regex(r.warnings[1]!.message, /kind lokirule \(web\): did you mean kind: LokiRule/);
  // A kind of another group counts when it is that close; the real LokiRule next to it still generates.
  const other = run([{ ...lokiRule('x'), apiVersion: 'example.org/v1', kind: 'LokiRul' }, lokiRule('y', 'shop')]);
  t.is(other.generated.length, 1);
  t.like(other.warnings, [{ field: { currentValue: 'LokiRul', proposedValue: 'LokiRule' } }]);
});

test('a LokiRule of another API group is a warning on its apiVersion, not silence', (t) => {
  const r = run([obsConfig(), { ...lokiRule('api', 'shop'), apiVersion: 'observability.krm.io/v1alpha1' }, lokiRule('web', 'shop')]);
  t.deepEqual(r.errors, []);
  t.is(r.generated.length, 1);
  t.is(r.warnings.length, 1, JSON.stringify(r.warnings));
  t.like(r.warnings[0], {
    resourceRef: { kind: 'LokiRule', name: 'api', namespace: 'shop' },
    field: { path: 'apiVersion', currentValue: 'observability.krm.io/v1alpha1', proposedValue: 'observability.krm.dev/v1alpha1' },
  });
  t.regex(
    r.warnings[0]!.message,
    /^loki-rules ignores the LokiRule api: its apiVersion is "observability\.krm\.io\/v1alpha1", not observability\.krm\.dev\/v1alpha1/,
  );
});

test('a kind of our API group that is no near-miss of LokiRule is taken for a misspelt config; unrelated kinds say nothing', (t) => {
  const ours = run([{ ...lokiRule('a'), kind: 'Observability' }, lokiRule('b', 'shop')]);
  t.is(ours.warnings.length, 1, JSON.stringify(ours.warnings));
  t.regex(ours.warnings[0]!.message, /^no ObservabilityConfig found, but there is an item of kind Observability/);
  const unrelated = [
    { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'p' } },
    { apiVersion: 'loki.grafana.com/v1', kind: 'AlertingRule', metadata: { name: 'a' } },
    { apiVersion: 'example.org/v1', kind: 'Rule', metadata: { name: 'r' } },
    { apiVersion: 'example.org/v1', kind: 'Config', metadata: { name: 'c' } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'x' } },
  ];
  const quiet = run([...unrelated, lokiRule('b', 'shop')]);
  t.deepEqual(quiet.results, []);
  t.is(quiet.generated.length, 1);
});

test('a functionConfig of a near-miss kind gets the same hint', (t) => {
  const r = run([], { ...lokiRule('a'), kind: 'LokiRules' });
  t.is(r.errors.length, 1);
  t.regex(r.errors[0]!.message, /the functionConfig is a LokiRules .*\(did you mean kind: LokiRule\?\)/);
  t.like(r.errors[0], { field: { path: 'kind', proposedValue: 'LokiRule' } });
});

test('label: the ObservabilityConfig is read leniently, but a wrong label type is an error', (t) => {
  const odd = obsConfig({ label: 'ok' }, { somethingNew: { x: 1 }, tempo: 'not even a mapping' });
  t.deepEqual(run([odd, lokiRule('a', 'shop')]).errors, [], 'fields loki-rules does not read are not its business');
  const r = run([obsConfig({ labelValue: true }), lokiRule('a', 'shop')]);
  t.is(r.errors.length, 1);
  t.is(r.errors[0]!.field?.path, 'spec.loki.rules.labelValue');
  t.regex(r.errors[0]!.message, /quote it: "true"/);
  t.deepEqual(r.generated, []);
});

test('label: a functionConfig ConfigMap with an unknown key or a bad label is an error', (t) => {
  const typo = run([lokiRule('a', 'shop')], fnConfigMap({ lable: 'x' }));
  t.is(typo.errors[0]!.field?.path, 'data.lable');
  t.regex(typo.errors[0]!.message, /takes data\.label and data\.labelValue/);
  const bad = run([lokiRule('a', 'shop')], fnConfigMap({ label: 'has space' }));
  t.is(bad.errors[0]!.field?.path, 'data.label');
  const other = run([lokiRule('a', 'shop')], { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' } });
  t.regex(other.errors[0]!.message, /functionConfig is a Deployment \(apps\/v1\); loki-rules takes a ConfigMap/);
});

// ---- the ConfigMap ----------------------------------------------------------------------------

test('one ConfigMap per LokiRule: name, namespace, sidecar label, Flux opt-out, ownership, file next to the rule', (t) => {
  const groups = [alertGroup(), recordGroup()];
  const r = run([lokiRule('api', 'shop', groups)]);
  t.deepEqual(r.results, []);
  t.is(r.generated.length, 1);
  const cm = r.cm('shop', 'loki-rules-api');
  t.deepEqual(Object.keys(cm), ['apiVersion', 'kind', 'metadata', 'data']);
  t.is(cm.apiVersion, 'v1');
  t.deepEqual(cm.metadata.labels, { loki_rule: 'true', 'app.kubernetes.io/managed-by': 'observability-krm' });
  t.like(cm.metadata.annotations, { [FLUX]: 'disabled', [GEN]: 'loki-rules', [PATH]: 'apps/api/loki-rules_shop_api.yaml' });
  t.deepEqual(Object.keys(cm.data), ['shop_api.yaml']);
  t.deepEqual(YAML.parse(cm.data['shop_api.yaml']), { groups });
});

test('the rules file is YAML 1.1 safe: values a 1.1 reader would retype stay strings', (t) => {
  const group = { name: 'g', rules: [{ alert: 'A', expr: 'sum(rate({app="a"}[5m])) > 0', for: '5m', labels: { page: 'yes', code: '0755', team: 'on' } }] };
  const text = run([lokiRule('a', 'shop', [group])]).cm('shop', 'loki-rules-a').data['shop_a.yaml'];
  t.deepEqual(YAML.parse(text, { version: '1.1' }), { groups: [group] });
  t.regex(text, /page: "yes"/);
});

test('the LokiRule stays as local config, keeping its comments; other items pass through untouched', (t) => {
  const text = `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: observability.krm.dev/v1alpha1
  kind: LokiRule
  metadata:
    name: api # the api team's rules
    namespace: shop
  spec:
    groups:
    - name: g
      rules:
      - record: app:lines:rate5m # cheap to query
        expr: sum(rate({app="api"}[5m]))
- apiVersion: v1
  kind: Service
  metadata: {name: api, namespace: shop}
`;
  const out = runText(text).text;
  t.regex(out, /name: api # the api team's rules/);
  t.regex(out, /record: app:lines:rate5m # cheap to query/);
  t.regex(out, /annotations:\n {6}config\.kubernetes\.io\/local-config: "true"/);
  t.deepEqual(YAML.parse(out).items[1], { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'shop' } });
});

test('namespace: a LokiRule without one goes to the ObservabilityConfig namespace, else observability', (t) => {
  t.truthy(run([lokiRule('a')]).cm(DEFAULT_NAMESPACE, 'loki-rules-a'));
  const r = run([obsConfig({}, { namespace: 'monitoring' }), lokiRule('a')]);
  const cm = r.cm('monitoring', 'loki-rules-a');
  t.truthy(cm);
  t.deepEqual(Object.keys(cm.data), ['monitoring_a.yaml']);
});

test('uniqueness: the same name in two namespaces gives two ConfigMaps with different data keys and files', (t) => {
  const r = run([lokiRule('errors', 'shop', undefined, 'rules.yaml'), lokiRule('errors', 'cart', undefined, 'rules.yaml')]);
  t.deepEqual(r.errors, []);
  const [a, b] = [r.cm('cart', 'loki-rules-errors'), r.cm('shop', 'loki-rules-errors')];
  t.deepEqual([Object.keys(a.data), Object.keys(b.data)], [['cart_errors.yaml'], ['shop_errors.yaml']]);
  t.not(a.metadata.annotations[PATH], b.metadata.annotations[PATH]);
  // "_" is not allowed in names, so namespace "a-b" + name "c" never meets namespace "a" + name "b-c".
  const c = run([lokiRule('c', 'a-b'), lokiRule('b-c', 'a')]);
  t.deepEqual(c.generated.map((o: any) => Object.keys(o.data)[0]).sort(), ['a-b_c.yaml', 'a_b-c.yaml']);
});

test('a LokiRule without a file path (functionConfig only) gets its ConfigMap at the package root', (t) => {
  const r = run([], lokiRule('a', 'shop', undefined, null));
  t.is(r.cm('shop', 'loki-rules-a').metadata.annotations[PATH], 'loki-rules_shop_a.yaml');
});

// ---- ownership ---------------------------------------------------------------------------------

test('ownership: an edited generated ConfigMap is replaced on rerun; a removed LokiRule removes its ConfigMap', (t) => {
  const first = run([lokiRule('a', 'shop'), lokiRule('b', 'shop')]).objects;
  const edited = structuredClone(first);
  const cmA = edited.find((o: any) => o.metadata.name === 'loki-rules-a');
  cmA.data['shop_a.yaml'] = 'groups: []\n';
  const again = run(edited);
  t.deepEqual(again.objects, first);
  const withoutB = first.filter((o: any) => !(o.kind === 'LokiRule' && o.metadata.name === 'b'));
  const after = run(withoutB);
  t.truthy(after.cm('shop', 'loki-rules-a'));
  t.falsy(after.cm('shop', 'loki-rules-b'));
  t.is(after.objects.length, 2);
});

test('ownership: a user ConfigMap with the generated identity is an error and stays', (t) => {
  const mine = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'loki-rules-a', namespace: 'shop', annotations: { [PATH]: 'mine.yaml' } },
    data: { x: 'y' },
  };
  const r = run([lokiRule('a', 'shop'), mine]);
  t.is(r.errors.length, 1);
  t.regex(r.errors[0]!.message, /does not own.*mine\.yaml/);
  t.deepEqual(r.objects, [lokiRule('a', 'shop'), mine]);
});

test('a LokiRule given only as functionConfig (kustomize plugin) leaves the other generated ConfigMaps alone', (t) => {
  const earlier = run([], lokiRule('a', 'shop', undefined, null)).objects;
  const r = run(earlier, lokiRule('b', 'shop', undefined, null));
  t.deepEqual(r.errors, []);
  t.deepEqual(r.generated.map((o: any) => o.metadata.name).sort(), ['loki-rules-a', 'loki-rules-b']);
  // The same rule as functionConfig and in the package is one rule.
  const same = run([lokiRule('a', 'shop')], lokiRule('a', 'shop'));
  t.deepEqual(same.errors, []);
  t.is(same.generated.length, 1);
  const differs = run([lokiRule('a', 'shop')], lokiRule('a', 'shop', [recordGroup()]));
  t.regex(differs.errors[0]!.message, /differs from the one in the package \(apps\/a\/rules\.yaml\)/);
});

// ---- idempotence and determinism ----------------------------------------------------------------

const packageText = () =>
  YAML.stringify({
    apiVersion: 'config.kubernetes.io/v1',
    kind: 'ResourceList',
    items: [
      obsConfig({ label: 'example.org/loki' }),
      lokiRule('api', 'shop', [alertGroup(), recordGroup()]),
      lokiRule('edge', 'ingress', [recordGroup('edge')]),
    ],
  });

test('idempotent: running on its own output gives the same bytes', (t) => {
  const once = runText(packageText());
  t.is(once.errors, 0);
  const twice = runText(once.text);
  t.is(twice.text, once.text);
  t.is(runText(twice.text).text, once.text);
});

test('deterministic: the same input gives the same bytes, and input order does not change the ConfigMaps', (t) => {
  t.is(runText(packageText()).text, runText(packageText()).text);
  const rules = [lokiRule('b', 'x'), lokiRule('a', 'y'), lokiRule('a', 'x')];
  const forward = run(rules).generated;
  const backward = run([...rules].reverse()).generated;
  t.deepEqual(forward, backward);
  t.deepEqual(
    forward.map((o: any) => `${o.metadata.namespace}/${o.metadata.name}`),
    ['x/loki-rules-a', 'x/loki-rules-b', 'y/loki-rules-a'],
  );
});

test('the LokiRule gets the local-config annotation once, and keeps one it already has', (t) => {
  const r = run([lokiRule('a', 'shop')]);
  const rule = r.objects.find((o: any) => o.kind === 'LokiRule');
  t.is(rule.metadata.annotations[LOCAL], 'true');
  t.deepEqual(run(r.objects).objects, r.objects);
});

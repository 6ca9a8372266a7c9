// The collector's Alloy configuration: the checker agrees with Alloy's own parser on the
// upstream fixtures, the renderer's strings survive Alloy's unquoting, Helm's tpl and Flux's
// strict substitution, and every generated configuration parses with every reference resolved
// to a declared component and an export it has, and no component left unused.
import test from 'ava';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { EXPORTS, type ComponentType } from '../functions/observability-stack/alloy/model.ts';
import { alloyString, forHelmTpl } from '../functions/observability-stack/alloy/render.ts';
import { LOG_LABELS, TRACE_TO_LOG_TAGS } from '../functions/observability-stack/alloy/labels.ts';
import { check, findBlocks, formatError, parse, scan, stringsOf } from './support/alloy-syntax.ts';
import { COLLECTOR_CONFIGS, collectorOf, helmTpl } from './support/collector.ts';
import { testWith } from './support/needs.ts';
import { reference } from './support/reference.ts';
import { generateFor } from './support/transform.ts';
import { ROOT } from './support/fn.ts';

const CASES = 'alloy/syntax-cases';
const UPSTREAM = ['alloy/k8s-monitoring-4.4.0', 'alloy/pyroscope-2.2.1'];

testWith({ reference: [CASES] }, "syntax-cases: the checker gives Alloy's own errors (first syntax error; all loader errors)", (t) => {
  const dir = reference(CASES)!;
  const expected = readFileSync(join(dir, 'expected.txt'), 'utf8');
  const files = readdirSync(dir).filter((f) => f.endsWith('.alloy'));
  t.true(files.length >= 6);
  for (const f of files) {
    const want = expected.split(/^\$ /m).find((block) => new RegExp(`^alloy-syntax-check -q ${f.replace('.', '\\.')}\\s`).test(block));
    t.truthy(want, `expected.txt has a run for ${f}`);
    const lines = want!
      .split('\n')
      .slice(1)
      .filter((l) => l.startsWith(`${f}:`));
    const got = check(readFileSync(join(dir, f), 'utf8'), f).errors.map((e) => formatError(f, e));
    if (lines.some((l) => l.includes(' syntax error: '))) t.deepEqual(got, lines.slice(0, 1), f);
    else t.deepEqual(got, lines, f);
  }
});

testWith({ reference: UPSTREAM }, 'upstream-rendered configurations parse with every reference resolved', (t) => {
  for (const d of UPSTREAM) {
    const dir = reference(d)!;
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.alloy'))) {
      const r = check(readFileSync(join(dir, f), 'utf8'), f);
      t.deepEqual(
        r.errors.map((e) => formatError(f, e)),
        [],
        `${d}/${f}`,
      );
      t.true(r.components.length > 0);
    }
  }
});

/** Strings that break naive quoting: quotes, backslashes, escapes, control characters, templates, Flux syntax. */
const HOSTILE = [
  'plain',
  'with "quotes" and \\backslash\\',
  'new\nline\ttab\rreturn',
  '\u0000\u0001\u001f\u007f\u0085\u2028\u2029\ufeff',
  'ünïcødé ✓ 🚀',
  '{{ .Values.secret }} and {{{{',
  '${NOT_A_FLUX_VAR} $1 $$ ${1}',
  '\\u0041 \\x41 \\101 \\" \\',
  '',
];

testWith({ reference: [CASES, ...UPSTREAM] }, 'alloyString: every string of the fixtures and upstream configs round-trips through Alloy unquoting', (t) => {
  const strings = new Set<string>(HOSTILE);
  for (const d of [CASES, ...UPSTREAM]) {
    const dir = reference(d)!;
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.alloy'))) {
      const parsed = parse(readFileSync(join(dir, f), 'utf8'));
      for (const s of stringsOf(parsed.nodes)) strings.add(s);
    }
  }
  t.true(strings.size > 100, `${strings.size} strings`);
  for (const s of strings) {
    const toks = scan(`x = ${alloyString(s)}\n`);
    t.is(toks[2]!.kind, 'string');
    t.is(toks[2]!.value, s, JSON.stringify(s));
    t.is(toks.length, 5, 'one string token, then the terminator and EOF');
  }
});

test('alloyString: a lone surrogate (no UTF-8 form) becomes U+FFFD, not an invalid escape', (t) => {
  t.is(scan(`x = ${alloyString('a\uD800b')}\n`)[2]!.value, 'a\uFFFDb');
});

test("forHelmTpl: Helm's tpl gets back exactly the Alloy text", (t) => {
  for (const s of HOSTILE) t.is(helmTpl(forHelmTpl(alloyString(s))), alloyString(s));
  t.false(forHelmTpl('"{{ x }}"').replaceAll('{{ "{{" }}', '').includes('{{'));
});

for (const [name, spec] of Object.entries(COLLECTOR_CONFIGS)) {
  test(`${name}: the configuration parses, every reference names a declared component and one of its exports, nothing is unused`, (t) => {
    const { text, g } = collectorOf(spec, { CLUSTER: 'home' });
    t.false(
      g.results.some((r: any) => r.severity === 'error'),
      JSON.stringify(g.results),
    );
    const r = check(text, 'config.alloy');
    t.deepEqual(
      r.errors.map((e) => formatError('config.alloy', e)),
      [],
    );
    const types = new Map(r.components.map((c) => [c.id, c.block.name as ComponentType]));
    for (const c of r.components) t.true(c.block.name in EXPORTS, `${c.id} is a component the model knows`);
    for (const ref of r.resolved) {
      const type = types.get(ref.to)!;
      t.is(ref.rest.length, 1, `${ref.from} -> ${ref.to}.${ref.rest.join('.')} names one export`);
      t.true((EXPORTS[type] as readonly string[]).includes(ref.rest[0]!), `${ref.to} has no export ${ref.rest[0]} (from ${ref.from})`);
    }
    const used = new Set(r.resolved.map((x) => x.to));
    for (const c of r.components) {
      // Sources (no exports) are the pipelines' starts; everything else must feed something.
      if ((EXPORTS[c.block.name as ComponentType] as readonly string[]).length) t.true(used.has(c.id), `${c.id} is never referenced`);
    }
  });
}

test('pod log streams carry namespace, pod, container, app, node and service_name; the Tempo datasource maps to one of them', (t) => {
  const { text } = collectorOf(COLLECTOR_CONFIGS.default!);
  const relabel = parse(text).nodes.find((n) => n.type === 'block' && n.name === 'discovery.relabel' && n.label === 'pod_logs');
  t.truthy(relabel);
  const targets = findBlocks([relabel!], 'rule').flatMap((r) =>
    r.body.filter((a) => a.type === 'attr' && a.name === 'target_label').map((a: any) => a.stringValue),
  );
  for (const label of Object.values(LOG_LABELS)) t.true(targets.includes(label), label);
  const ds = generateFor(COLLECTOR_CONFIGS.default!).objects.find((o: any) => o.kind === 'ConfigMap' && /datasources/.test(o.metadata.name));
  const tags = TRACE_TO_LOG_TAGS.map((x) => x.value);
  t.true(tags.every((v) => targets.includes(v)));
  for (const v of tags) t.true(JSON.stringify(ds).includes(`value: ${v}`), `datasource maps to ${v}`);
});

test("node-local: discovery selects the pods of the collector's own node", (t) => {
  const { text } = collectorOf(COLLECTOR_CONFIGS.default!);
  t.regex(text, /discovery\.kubernetes "pods" \{[^}]*selectors \{\s*role = "pod"\s*field = "spec\.nodeName=" \+ sys\.env\("HOSTNAME"\)/);
});

test('namespace include/exclude and extra labels reach every pipeline; user text is escaped, not pasted', (t) => {
  const { text } = collectorOf(COLLECTOR_CONFIGS['all-signals']!);
  const nodes = parse(text).nodes;
  for (const label of ['pod_logs', 'profile_targets', 'ebpf_targets']) {
    const b = nodes.find((n) => n.type === 'block' && n.label === label)!;
    t.true(JSON.stringify(b).includes('"apps|shop"') && JSON.stringify(b).includes('"shop-canary"'), label);
  }
  const events = nodes.find((n) => n.type === 'block' && n.name === 'loki.source.kubernetes_events')!;
  t.deepEqual((events as any).body.find((a: any) => a.name === 'namespaces').strings, ['apps', 'shop']);
  for (const w of ['loki.write', 'pyroscope.write']) {
    const b = nodes.find((n) => n.type === 'block' && n.name === w)!;
    t.deepEqual(stringsOf([b]).slice(0, 2), ['home', 'prod "eu" {{x}} \\ $1'], w);
  }
});

test('multi-tenant backends get the tenant header; single-tenant ones do not', (t) => {
  const multi = collectorOf(COLLECTOR_CONFIGS['multi-tenant']!).text;
  t.is((multi.match(/"X-Scope-OrgID" = "team-a"/g) ?? []).length, 3, 'loki.write, Loki OTLP, Tempo OTLP');
  t.false(collectorOf(COLLECTOR_CONFIGS.default!).text.includes('X-Scope-OrgID'));
});

test('Flux: relabel `$1` survives strict substitution, with and without user variables', (t) => {
  const plain = collectorOf(COLLECTOR_CONFIGS.default!);
  t.is(plain.hr.metadata.annotations['kustomize.toolkit.fluxcd.io/substitute'], 'disabled');
  t.true(plain.text.includes('replacement = "$1"'));
  const vars = collectorOf({ collector: { enabled: true, labels: { cluster: '${CLUSTER}' } } }, { CLUSTER: 'home' });
  t.not(vars.hr.metadata.annotations?.['kustomize.toolkit.fluxcd.io/substitute'], 'disabled');
  t.true(vars.text.includes('replacement = "$1"'));
  t.true(vars.text.includes('"cluster" = "home"'));
  t.deepEqual(check(vars.text).errors, []);
});

test('signals without a backend are left out (no collector at all without backends), and validation says why', (t) => {
  const g = generateFor({ collector: { enabled: true, labels: { pod: 'x' } } });
  t.true(g.results.some((r: any) => r.severity === 'error' && r.field?.path === 'spec.collector.labels.pod'));
  const off = generateFor({ collector: { enabled: true }, loki: { enabled: false }, pyroscope: { enabled: false }, tempo: { enabled: false } });
  t.true(off.results.some((r: any) => r.severity === 'warning' && /nowhere to send/.test(r.message)));
  t.is(off.get('HelmRelease', 'alloy'), undefined, 'no idle collector');
  const onlyTempo = collectorOf({ collector: { enabled: true }, loki: { enabled: false }, pyroscope: { enabled: false } }).text;
  t.deepEqual(
    check(onlyTempo).components.map((c) => c.id),
    ['otelcol.receiver.otlp.default', 'otelcol.processor.batch.default', 'otelcol.exporter.otlp.tempo'],
  );
  t.is(generateFor({}).get('HelmRelease', 'alloy'), undefined, 'off by default');
});

test('docs/sending-data.md gives the addresses the collector itself sends to, single binary and scalable', (t) => {
  const doc = readFileSync(join(ROOT, 'docs/sending-data.md'), 'utf8');
  const both = { ...COLLECTOR_CONFIGS.scalable!, collector: { enabled: true }, tempo: { mode: 'Distributed', otlp: { grpc: false } } };
  for (const spec of [COLLECTOR_CONFIGS.default!, COLLECTOR_CONFIGS['no-tempo-grpc']!, COLLECTOR_CONFIGS.scalable!, both]) {
    const nodes = parse(collectorOf(spec).text).nodes;
    const urls = [...findBlocks(nodes, 'endpoint'), ...findBlocks(nodes, 'client')].flatMap((b) =>
      b.body.flatMap((a) => (a.type === 'attr' && (a.name === 'url' || a.name === 'endpoint') ? [a.stringValue!] : [])),
    );
    t.true(urls.length >= 3);
    for (const u of urls) t.true(doc.includes(`\`${u}\``), `${u} is in the docs`);
  }
  t.true(doc.includes('alloy.observability.svc.cluster.local:4317') && doc.includes('http://alloy.observability.svc.cluster.local:4318'));
});

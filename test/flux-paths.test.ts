// spec.flux.kustomization.path and the files around it: a Flux Kustomization's path can only be
// known by the user (the function never sees the repository), so it is required whenever one is
// generated, and the package is laid out so that no HelmRelease is applied by two Kustomizations.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import YAML from 'yaml';
import { LOCAL_CONFIG, ORCHESTRATOR_ANNOTATIONS, PATH } from '../functions/krm/annotations.ts';
import { Item } from '../functions/krm/item.ts';
import { transform } from '../functions/observability-stack/transform.ts';
import { config } from './support/fn.ts';
import { writeFluxKustomization } from './support/flux-kustomize.ts';
import { generateFor } from './support/transform.ts';

const FIELD = 'spec.flux.kustomization.path';
const errorsOn = (spec: object, field = FIELD) => generateFor(spec).results.filter((r) => r.severity === 'error' && r.field?.path === field);

test('flat + enabled without a path is an error naming the field and an example, and nothing is generated', (t) => {
  const out = generateFor({ flux: { kustomization: { enabled: true } } });
  const [e, ...rest] = out.results.filter((r) => r.severity === 'error');
  t.is(rest.length, 0);
  t.is(e!.field?.path, FIELD);
  t.regex(
    e!.message,
    /required with spec\.flux\.kustomization\.enabled.*package's path in the repository plus \/observability.*\.\/clusters\/main\/observability\/observability/,
  );
  t.false(out.objects.some((o: any) => o.metadata?.annotations?.['observability.krm.dev/generated-by']));
});

test('home-ops without a path is an error, never a silent ./observability/loki/app', (t) => {
  const out = generateFor({ output: { layout: 'home-ops' } });
  const [e] = errorsOn({ output: { layout: 'home-ops' } });
  t.regex(e!.message, /required by the home-ops layout.*\.\/kubernetes\/apps\/observability/);
  t.false(JSON.stringify(out.objects).includes('./observability/loki/app'));
});

test('the path must name the rendered <namespace> folder, relative to the source root', (t) => {
  const flat = (path: string, namespace = 'observability') => errorsOn({ namespace, flux: { kustomization: { enabled: true, path } } });
  t.deepEqual(flat('./clusters/main/observability/observability'), []);
  t.deepEqual(flat('clusters/main/observability/observability/'), []);
  t.deepEqual(flat('./observability'), [], 'a package at the repository root');
  t.deepEqual(flat('./apps/telemetry', 'telemetry'), []);
  const [wrong] = flat('./clusters/main/monitoring');
  t.regex(wrong!.message, /must end with \/observability.*"\.\/clusters\/main\/monitoring\/observability"/);
  t.is(flat('./apps/observability', 'telemetry').length, 1);
  t.regex(flat('../other/observability')[0]!.message, /relative to the root of the Flux source, without "\.\."/);
  t.is(flat('/abs/observability').length, 1);
  t.deepEqual(errorsOn({ output: { layout: 'home-ops' }, flux: { kustomization: { path: './kubernetes/apps/observability' } } }), []);
  t.is(errorsOn({ output: { layout: 'home-ops' }, flux: { kustomization: { path: './kubernetes/apps' } } }).length, 1);
  // Without a generated Flux Kustomization the path is not needed.
  t.deepEqual(errorsOn({}), []);
});

test('flat + enabled: the package root kustomization.yaml lists only ks.yaml (local config)', (t) => {
  const objects = generateFor({ flux: { kustomization: { enabled: true, path: './clusters/main/observability/observability' } } }).objects;
  const root = objects.find((o: any) => o.metadata?.annotations?.[PATH] === 'kustomization.yaml');
  t.is(root.apiVersion, 'kustomize.config.k8s.io/v1beta1');
  t.deepEqual(root.resources, ['./ks.yaml']);
  t.is(root.metadata.annotations[LOCAL_CONFIG], 'true');
  t.false(objects.some((o: any) => o.metadata?.annotations?.[PATH] === 'kustomization.yaml' && o !== root));
  // Without enabled there is no ks.yaml, and no root kustomization.yaml either.
  t.false(generateFor({}).objects.some((o: any) => o.metadata?.annotations?.[PATH] === 'kustomization.yaml'));
});

test("flat + enabled: the user's own package-root kustomization.yaml wins; a warning when it would apply the releases twice", (t) => {
  const cfg = config({ flux: { kustomization: { enabled: true, path: './clusters/main/observability/observability' } } });
  const theirs = (resources: string[]) => ({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    metadata: { annotations: { [PATH]: 'kustomization.yaml' } },
    resources,
  });
  const run = (resources: string[]) => {
    const out = transform(Item.fromObject(cfg), [Item.fromObject(cfg), Item.fromObject(theirs(resources))]);
    const atRoot = out.items.filter((i) => i.annotations[PATH] === 'kustomization.yaml').map((i) => i.object);
    return { atRoot, warnings: out.results.filter((r) => r.severity === 'warning') };
  };
  const fine = run(['./ks.yaml', './other-app.yaml']);
  t.deepEqual(fine.atRoot, [theirs(['./ks.yaml', './other-app.yaml'])], 'one kustomization.yaml: theirs, unchanged');
  t.deepEqual(fine.warnings, []);
  for (const bad of [['./observability'], ['./ks.yaml', './observability/loki/helmrelease.yaml'], ['./other-app.yaml']]) {
    const r = run(bad);
    t.is(r.atRoot.length, 1);
    t.is(r.warnings.length, 1, JSON.stringify(bad));
    t.regex(r.warnings[0]!.message, /list \.\/ks\.yaml in it and nothing under observability\//);
    t.is(r.warnings[0]!.file?.path, 'kustomization.yaml');
  }
});

// ---- who applies each object, the way Flux builds a repository ------------------------------------

const hasKubectl = spawnSync('kubectl', ['version', '--client']).status === 0;

/** Writes the generated objects (and the config) into `dir` as kpt would: one file per path. */
function writePackage(dir: string, spec: object) {
  const out = generateFor(spec);
  t_assertNoErrors(out.results);
  const files = new Map<string, string[]>();
  for (const o of out.objects as any[]) {
    const path = o.metadata?.annotations?.[PATH] ?? 'config.yaml';
    const c = structuredClone(o);
    for (const k of ORCHESTRATOR_ANNOTATIONS) delete c.metadata?.annotations?.[k];
    files.set(path, [...(files.get(path) ?? []), YAML.stringify(c)]);
  }
  for (const [p, docs] of files) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), docs.join('---\n'));
  }
}
function t_assertNoErrors(results: { severity: string; message: string }[]) {
  const errors = results.filter((r) => r.severity === 'error');
  if (errors.length) throw new Error(errors.map((e) => e.message).join('\n'));
}

/** The objects Flux applies for a Kustomization whose spec.path is `path` (relative to the repository). */
function fluxBuild(repo: string, path: string): any[] {
  const dir = join(repo, path);
  const generated = writeFluxKustomization(dir);
  const r = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  if (generated) rmSync(join(dir, 'kustomization.yaml')); // Flux generates it in a scratch copy
  if (r.status !== 0) throw new Error(`kubectl kustomize ${path}: ${r.stderr}`);
  return YAML.parseAllDocuments(r.stdout)
    .map((d) => d.toJS())
    .filter(Boolean);
}

/** Starting from a cluster Kustomization at `root`, follows every Flux Kustomization; object key -> the Kustomizations applying it. */
function owners(repo: string, root: string): Map<string, string[]> {
  const applied = new Map<string, string[]>();
  const queue: [string, string][] = [['cluster', root]];
  const seen = new Set<string>();
  while (queue.length) {
    const [name, path] = queue.shift()!;
    if (seen.has(name)) throw new Error(`Kustomization ${name} is applied twice`);
    seen.add(name);
    for (const o of fluxBuild(repo, path)) {
      const key = `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
      applied.set(key, [...(applied.get(key) ?? []), name]);
      if (o.apiVersion === 'kustomize.toolkit.fluxcd.io/v1' && o.kind === 'Kustomization') queue.push([o.metadata.name, o.spec.path]);
    }
  }
  return applied;
}

const twice = (applied: Map<string, string[]>) => [...applied].filter(([, by]) => by.length > 1).map(([k, by]) => `${k}: ${by.join(', ')}`);
const releasesOf = (applied: Map<string, string[]>) => [...applied.keys()].filter((k) => k.startsWith('HelmRelease/')).sort();
const tempRepo = () => mkdtempSync(join(tmpdir(), 'okrm-flux-paths-'));

(hasKubectl ? test : test.skip)('flat + enabled: a parent applying the package folder sees only ks.yaml; each HelmRelease has one owner', (t) => {
  const repo = tempRepo();
  try {
    const pkg = join(repo, 'clusters/main/observability');
    writePackage(pkg, { flux: { kustomization: { enabled: true, path: './clusters/main/observability/observability' } } });
    // The cluster's Kustomization applies clusters/main, which holds the package folder.
    const applied = owners(repo, 'clusters/main');
    t.deepEqual(twice(applied), []);
    t.deepEqual(releasesOf(applied), ['HelmRelease/observability/loki', 'HelmRelease/observability/pyroscope', 'HelmRelease/observability/tempo']);
    t.deepEqual(applied.get('Kustomization/flux-system/observability'), ['cluster']);
    t.deepEqual(applied.get('HelmRelease/observability/loki'), ['observability']);
    t.deepEqual(applied.get('Namespace//observability'), ['observability']);

    // Not vacuous: without the package's kustomization.yaml the parent applies the releases too.
    rmSync(join(pkg, 'kustomization.yaml'));
    t.true(twice(owners(repo, 'clusters/main')).some((x) => x.startsWith('HelmRelease/observability/loki: ')));
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
});

(hasKubectl ? test : test.skip)('home-ops: kubernetes/apps -> namespace kustomization -> one ks.yaml per app; each object has one owner', (t) => {
  const repo = tempRepo();
  try {
    const apps = join(repo, 'kubernetes/apps');
    writePackage(apps, { output: { layout: 'home-ops' }, flux: { kustomization: { path: './kubernetes/apps/observability' } } });
    // The user's namespace kustomization, as in examples/home-ops-layout.
    const ks = ['grafana-datasources', 'loki', 'pyroscope', 'stack-alerts', 'tempo'].map((a) => `./${a}/ks.yaml`);
    writeFileSync(
      join(apps, 'observability/kustomization.yaml'),
      YAML.stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['./namespace.yaml', ...ks] }),
    );
    const applied = owners(repo, 'kubernetes/apps');
    t.deepEqual(twice(applied), []);
    t.deepEqual(releasesOf(applied), ['HelmRelease/observability/loki', 'HelmRelease/observability/pyroscope', 'HelmRelease/observability/tempo']);
    t.deepEqual(applied.get('HelmRelease/observability/loki'), ['loki']);
    t.deepEqual(applied.get('Namespace//observability'), ['cluster'], 'the namespace is applied by the parent, beside the ks.yaml files');
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
});

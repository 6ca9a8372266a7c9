// kubectl's built-in kustomize end to end: the config as a container generator and transformer
// (docker shim -> podman), the exec form kubectl silently skips, the legacy exec plugin installed
// by scripts/install-kustomize-plugin.mjs, and what a user sees when the config is wrong.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { FUNCTION } from '../functions/krm/annotations.ts';
import { API_VERSION, KIND } from '../functions/observability-stack/schema.ts';
import {
  FN,
  ORCHESTRATOR_KEY,
  ROOT,
  bundle,
  byKey,
  ensureImages,
  exampleDirs,
  generatedObjects,
  imageRef,
  parseDocs,
  pipelineOf,
  pipelineTest,
  run,
  shimEnv,
  show,
  tempDir,
  writeFiles,
} from './support/pipelines.ts';

const QUICKSTART = join(ROOT, 'examples', 'quickstart');
const cfg = (dir = QUICKSTART) => YAML.parse(readFileSync(join(dir, pipelineOf(dir)[0]?.configPath ?? 'config.yaml'), 'utf8'));

/** The config file of a kustomization: our config, optionally with the function annotation. */
function configWith(base: any, fn?: object): any {
  const c = structuredClone(base);
  c.metadata.annotations = { ...c.metadata.annotations };
  delete c.metadata.annotations['config.kubernetes.io/local-config']; // kustomize adds it itself
  if (fn) c.metadata.annotations[FUNCTION] = YAML.stringify(fn);
  if (!Object.keys(c.metadata.annotations).length) delete c.metadata.annotations;
  return c;
}
const container = { container: { image: imageRef(FN) } };

const kustomize = (dir: string, env: NodeJS.ProcessEnv = {}) => run('kubectl', ['kustomize', '--enable-alpha-plugins', dir], { env: { ...shimEnv(), ...env } });

/** What kpt rendered for the same config, less local config (kustomization.yaml files of a layout): kustomize drops it. */
const expected = (dir = QUICKSTART) =>
  byKey(generatedObjects(dir).filter((o) => [undefined, 'false'].includes(o.metadata?.annotations?.['config.kubernetes.io/local-config'])));

function assertClean(t: import('ava').ExecutionContext, objects: any[]) {
  for (const o of objects) {
    const keys = Object.keys(o.metadata?.annotations ?? {});
    t.deepEqual(
      keys.filter((k) => ORCHESTRATOR_KEY.test(k)),
      [],
      `${o.kind} ${o.metadata?.name} keeps orchestrator annotations`,
    );
    t.false(keys.includes('config.kubernetes.io/local-config'), `${o.kind} ${o.metadata?.name} is local config`);
    t.not(o.kind, KIND, 'the ObservabilityConfig reached the output');
  }
}

// Every example whose pipeline is our one function: kustomize must give exactly what kpt committed.
const single = exampleDirs().filter((d) => {
  const steps = pipelineOf(d);
  return steps.length === 1 && steps[0]!.fn === FN;
});
for (const dir of single) {
  const name = dir.split('/').pop();
  pipelineTest(`kubectl kustomize: container generator (examples/${name} config) builds what kpt rendered`, ['kubectl', 'podman'], (t) => {
    ensureImages([FN]);
    const k = tempDir('kz-gen');
    writeFiles(k, {
      'kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\ngenerators:\n  - config.yaml\n',
      'config.yaml': configWith(cfg(dir), container),
    });
    const r = kustomize(k);
    t.is(r.status, 0, show(r));
    const out = parseDocs(r.stdout);
    assertClean(t, out);
    t.true(out.some((o) => o.kind === 'HelmRelease' && o.metadata.name === 'loki'));
    t.deepEqual(byKey(out), expected(dir));
  });
}

pipelineTest('kubectl kustomize: container transformer generates the stack and passes other resources through', ['kubectl', 'podman'], (t) => {
  ensureImages([FN]);
  const k = tempDir('kz-tr');
  const mine = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'mine', namespace: 'observability' },
    data: { greeting: 'hello', dollar: '$1 ${NOT_OURS}' },
  };
  writeFiles(k, {
    'kustomization.yaml': 'resources:\n  - mine.yaml\ntransformers:\n  - config.yaml\n',
    'mine.yaml': mine,
    'config.yaml': configWith(cfg(), container),
  });
  const r = kustomize(k);
  t.is(r.status, 0, show(r));
  const out = byKey(parseDocs(r.stdout));
  assertClean(t, Object.values(out));
  t.deepEqual(out['ConfigMap/observability/mine'], mine, 'the other resource passes through unchanged');
  delete out['ConfigMap/observability/mine'];
  t.deepEqual(out, expected());
});

pipelineTest('kubectl kustomize: an exec function is skipped silently (no --enable-exec): nothing generated, exit 0', ['kubectl'], (t) => {
  const k = tempDir('kz-exec');
  writeFiles(k, {
    'kustomization.yaml': 'generators:\n  - config.yaml\n',
    'config.yaml': configWith(cfg(), { exec: { path: bundle(FN) } }),
  });
  t.true(existsSync(bundle(FN)), 'the exec path exists: the skip is not a missing file');
  const r = kustomize(k);
  t.is(r.status, 0, show(r));
  t.deepEqual(parseDocs(r.stdout), [], 'kubectl kustomize ran the exec function after all: update the README warning');
  t.is(r.stderr.trim(), '', 'kubectl kustomize said something about the skipped function');
  const flag = run('kubectl', ['kustomize', '--enable-alpha-plugins', '--enable-exec', k]);
  t.not(flag.status, 0);
  t.regex(flag.stderr, /unknown flag: --enable-exec/);
});

// ---- legacy exec plugin ------------------------------------------------------------------------

const [GROUP, VER] = API_VERSION.split('/') as [string, string];
const pluginPath = (home: string) => join(home, GROUP, VER, KIND.toLowerCase(), KIND);

pipelineTest('install-plugin puts the bundle where kustomize looks (flag > KUSTOMIZE_PLUGIN_HOME > XDG_CONFIG_HOME > ~/.config)', ['kubectl'], (t) => {
  const home = tempDir('home');
  const xdg = tempDir('xdg');
  const kph = tempDir('kph');
  const flag = tempDir('flag');
  const install = (args: string[], env: NodeJS.ProcessEnv) => {
    const r = run('npm', ['run', '--silent', 'install-plugin', '--', ...args], { env: { HOME: home, XDG_CONFIG_HOME: '', KUSTOMIZE_PLUGIN_HOME: '', ...env } });
    t.is(r.status, 0, show(r));
    return r.stdout.trim().split('\n').pop();
  };
  t.is(install([], {}), pluginPath(join(home, '.config/kustomize/plugin')));
  t.is(install([], { XDG_CONFIG_HOME: xdg }), pluginPath(join(xdg, 'kustomize/plugin')));
  t.is(install([], { XDG_CONFIG_HOME: xdg, KUSTOMIZE_PLUGIN_HOME: kph }), pluginPath(kph));
  t.is(install(['--plugin-home', flag], { KUSTOMIZE_PLUGIN_HOME: kph }), pluginPath(flag));
  for (const p of [pluginPath(join(home, '.config/kustomize/plugin')), pluginPath(join(xdg, 'kustomize/plugin')), pluginPath(kph), pluginPath(flag)]) {
    t.is(statSync(p).mode & 0o111, 0o111, `${p} is executable`);
    t.deepEqual(readFileSync(p), readFileSync(bundle(FN)), `${p} is the dist bundle`);
  }
  const again = install(['--plugin-home', flag], {});
  t.is(again, pluginPath(flag), 'installing twice works');
  const bad = run('npm', ['run', '--silent', 'install-plugin', '--', '--no-such-flag']);
  t.not(bad.status, 0);
});

function legacyKustomization(files: Record<string, string | object>): { dir: string; home: string } {
  const home = tempDir('plugins');
  const r = run('npm', ['run', '--silent', 'install-plugin', '--', '--plugin-home', home]);
  if (r.status !== 0) throw new Error(show(r));
  const dir = tempDir('kz-legacy');
  writeFiles(dir, files);
  return { dir, home };
}

pipelineTest('kubectl kustomize: legacy exec plugin as a generator (plain config file)', ['kubectl'], (t) => {
  const { dir, home } = legacyKustomization({ 'kustomization.yaml': 'generators:\n  - config.yaml\n', 'config.yaml': configWith(cfg()) });
  const without = run('kubectl', ['kustomize', dir], { env: { KUSTOMIZE_PLUGIN_HOME: home } });
  t.not(without.status, 0, 'kustomize loaded a plugin without --enable-alpha-plugins');
  t.regex(without.stderr, /external plugins disabled/);
  const r = kustomize(dir, { KUSTOMIZE_PLUGIN_HOME: home });
  t.is(r.status, 0, show(r));
  const out = parseDocs(r.stdout);
  assertClean(t, out);
  t.deepEqual(byKey(out), expected());
});

pipelineTest('kubectl kustomize: legacy exec plugin as a transformer passes other resources through', ['kubectl'], (t) => {
  const mine = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'mine', namespace: 'observability' }, data: { k: 'v' } };
  const { dir, home } = legacyKustomization({
    'kustomization.yaml': 'resources:\n  - mine.yaml\ntransformers:\n  - config.yaml\n',
    'mine.yaml': mine,
    'config.yaml': configWith(cfg()),
  });
  const r = kustomize(dir, { KUSTOMIZE_PLUGIN_HOME: home });
  t.is(r.status, 0, show(r));
  const out = byKey(parseDocs(r.stdout));
  assertClean(t, Object.values(out));
  t.deepEqual(out['ConfigMap/observability/mine'], mine);
  delete out['ConfigMap/observability/mine'];
  t.deepEqual(out, expected());
});

// ---- errors ------------------------------------------------------------------------------------

const broken = () => {
  const c = cfg();
  c.spec.storageClas = c.spec.storageClass;
  delete c.spec.storageClass;
  return c;
};
const OUR_LINE =
  /^\s*observability-stack: error \[ObservabilityConfig observability, field spec\.storageClas\]: unknown field "storageClas": did you mean "storageClass"\?/m;

pipelineTest('kubectl kustomize: a bad config (container) exits non-zero with our one stderr line', ['kubectl', 'podman'], (t) => {
  ensureImages([FN]);
  const k = tempDir('kz-bad');
  writeFiles(k, { 'kustomization.yaml': 'generators:\n  - config.yaml\n', 'config.yaml': configWith(broken(), container) });
  const r = kustomize(k);
  t.not(r.status, 0, show(r));
  t.is(r.stdout, '');
  t.regex(r.stderr, OUR_LINE, show(r));
  t.is(r.stderr.split('\n').filter((l) => l.includes('observability-stack:')).length, 1, 'exactly one line from us');
  t.regex(r.stderr, /couldn't execute function: exit status 1/);
});

pipelineTest('kubectl kustomize: a bad config (legacy plugin) exits non-zero with our one stderr line', ['kubectl'], (t) => {
  const { dir, home } = legacyKustomization({ 'kustomization.yaml': 'generators:\n  - config.yaml\n', 'config.yaml': configWith(broken()) });
  const r = kustomize(dir, { KUSTOMIZE_PLUGIN_HOME: home });
  t.not(r.status, 0, show(r));
  t.regex(r.stderr, OUR_LINE, show(r));
  t.is(r.stderr.split('\n').filter((l) => l.includes('observability-stack:')).length, 1);
  t.regex(r.stderr, /failure in plugin configured via .*; exit status 1/);
});

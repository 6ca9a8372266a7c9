// kpt end to end: `kpt fn render` of every example (container and exec form) and `kpt fn eval`
// (--image and --exec, config by --fn-config or found in the package), plus kpt's view of errors.
// Images are local only: kpt's default pull policy (IfNotPresent, `podman run --pull missing`)
// runs them; render also gets `--image-pull-policy never` so a missing image fails instead of
// reaching for a registry.
import test from 'ava';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import YAML from 'yaml';
import {
  CI,
  FN,
  bundle,
  copyDir,
  ensureImages,
  exampleDirs,
  generatedObjects,
  imageRef,
  kptEnv,
  keyOf,
  pipelineOf,
  pipelineTest,
  publishedRef,
  readTree,
  removeGenerated,
  run,
  show,
  tempDir,
  useExec,
  useLocalImages,
  writeFiles,
} from './support/pipelines.ts';

const kpt = (args: string[], env = {}) => run('kpt', args, { env: { ...kptEnv(), ...env } });
const notKptfile = (rel: string) => rel === 'Kptfile';

for (const dir of exampleDirs()) {
  const name = basename(dir);
  const steps = pipelineOf(dir);
  const absent = steps.filter((s) => !existsSync(bundle(s.fn))).map((s) => `dist/${s.fn}.cjs`);

  if (absent.length && !CI) {
    test.skip(`examples/${name}: kpt fn render [skipped: its pipeline names ${absent.join(', ')}, not built yet]`, () => {});
    continue;
  }

  // In CI every bundle a pipeline names must exist: the missing-bundle reason makes the test fail.
  const why = absent.length ? [`${absent.join(', ')} does not exist`] : [];

  pipelineTest(
    `examples/${name}: kpt fn render with podman gives the committed output, twice`,
    ['kpt', 'podman'],
    (t) => {
      // Examples name the published release; the test runs this checkout's local build in its place.
      t.true(steps.length > 0 && steps.every((s) => s.image === publishedRef(s.fn)), 'the Kptfile names our published images');
      ensureImages([...new Set(steps.map((s) => s.fn))]);
      const pkg = copyDir(dir, name);
      useLocalImages(pkg);
      t.regex(readFileSync(join(pkg, 'Kptfile'), 'utf8'), new RegExp(`image: ${imageRef(steps[0]!.fn)}\n`));
      removeGenerated(pkg);
      const r1 = kpt(['fn', 'render', pkg, '--image-pull-policy', 'never']);
      t.is(r1.status, 0, show(r1));
      t.deepEqual(readTree(pkg, notKptfile), readTree(dir, notKptfile), 'render from sources differs from the committed example');
      const r2 = kpt(['fn', 'render', pkg, '--image-pull-policy', 'never']);
      t.is(r2.status, 0, show(r2));
      t.deepEqual(readTree(pkg, notKptfile), readTree(dir, notKptfile), 'a second render changed the package');
    },
    why,
  );

  pipelineTest(
    `examples/${name}: kpt fn render --allow-exec (Kptfile exec:) gives the committed output, twice`,
    ['kpt'],
    (t) => {
      const pkg = copyDir(dir, name);
      useExec(pkg);
      const kptfile = readFileSync(join(pkg, 'Kptfile'), 'utf8');
      t.regex(kptfile, /exec: \//);
      removeGenerated(pkg);
      const refused = kpt(['fn', 'render', pkg]);
      t.not(refused.status, 0, 'kpt ran an exec function without --allow-exec');
      t.regex(refused.stderr, /--allow-exec/);
      for (const round of [1, 2]) {
        const r = kpt(['fn', 'render', pkg, '--allow-exec']);
        t.is(r.status, 0, show(r));
        t.deepEqual(readTree(pkg, notKptfile), readTree(dir, notKptfile), `render ${round} differs from the committed example`);
        t.is(readFileSync(join(pkg, 'Kptfile'), 'utf8'), kptfile);
      }
    },
    why,
  );
}

// ---- kpt fn eval ---------------------------------------------------------------------------------

const QUICKSTART = join(exampleDirs().find((d) => basename(d) === 'quickstart') ?? 'examples/quickstart');
const expectedObjects = () => Object.fromEntries(generatedObjects(QUICKSTART).map((o) => [keyOf(o), o]));
const configText = () => readFileSync(join(QUICKSTART, 'config.yaml'), 'utf8');

/** The runners `kpt fn eval` offers for our function. */
const runners: { name: string; tools: ('kpt' | 'podman')[]; args: () => string[] }[] = [
  {
    name: '--image',
    tools: ['kpt', 'podman'],
    args: () => {
      ensureImages([FN]);
      return ['--image', imageRef(FN), '--image-pull-policy', 'never'];
    },
  },
  { name: '--exec', tools: ['kpt'], args: () => ['--exec', bundle(FN)] },
];

for (const runner of runners) {
  pipelineTest(`kpt fn eval ${runner.name} --fn-config (config outside the package)`, runner.tools, (t) => {
    const pkg = tempDir('eval-fc');
    const cfgDir = tempDir('eval-cfg');
    writeFiles(cfgDir, { 'config.yaml': configText() });
    writeFiles(pkg, { 'user/configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: mine\n  namespace: observability\ndata:\n  k: v\n' });
    const r = run('kpt', ['fn', 'eval', pkg, ...runner.args(), '--fn-config', join(cfgDir, 'config.yaml')], { env: kptEnv() });
    t.is(r.status, 0, show(r));
    t.deepEqual(Object.fromEntries(generatedObjects(pkg).map((o) => [keyOf(o), o])), expectedObjects());
    t.is(
      readFileSync(join(pkg, 'user/configmap.yaml'), 'utf8'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: mine\n  namespace: observability\ndata:\n  k: v\n',
      'other objects pass through',
    );
    t.false(existsSync(join(pkg, 'config.yaml')), 'the fn-config is not written into the package');
  });

  pipelineTest(`kpt fn eval ${runner.name} with the config in the package (no --fn-config)`, runner.tools, (t) => {
    const pkg = tempDir('eval-pkg');
    writeFiles(pkg, { 'config.yaml': configText() });
    const r = run('kpt', ['fn', 'eval', pkg, ...runner.args()], { env: kptEnv() });
    t.is(r.status, 0, show(r));
    t.deepEqual(Object.fromEntries(generatedObjects(pkg).map((o) => [keyOf(o), o])), expectedObjects());
    const once = readTree(pkg);
    t.deepEqual(
      once,
      readTree(QUICKSTART, (p) => p === 'Kptfile'),
      'the package equals the quickstart (without its Kptfile)',
    );
    const again = run('kpt', ['fn', 'eval', pkg, ...runner.args()], { env: kptEnv() });
    t.is(again.status, 0, show(again));
    t.deepEqual(readTree(pkg), once, 'a second eval changed the package');
  });
}

// ---- results and errors ----------------------------------------------------------------------------

const badConfig = () => configText().replace(/^(\s+)storageClass:/m, '$1storageClas:');

pipelineTest('kpt fn render: a bad config fails with a result naming the field and the fix; the package is untouched', ['kpt', 'podman'], (t) => {
  t.not(badConfig(), configText(), 'the quickstart config has spec.storageClass to break');
  ensureImages([FN]);
  const pkg = copyDir(QUICKSTART, 'bad');
  useLocalImages(pkg);
  writeFileSync(join(pkg, 'config.yaml'), badConfig());
  const before = readTree(pkg);
  const results = tempDir('results');
  const r = run('kpt', ['fn', 'render', pkg, '--results-dir', results], { env: kptEnv() });
  t.is(r.status, 1, show(r));
  // kpt prints each result as `[error] <apiVersion>/<Kind>/<name> <field>: <message>`.
  t.regex(
    r.stderr,
    /\[error\] observability\.krm\.dev\/v1alpha1\/ObservabilityConfig\/observability spec\.storageClas: unknown field "storageClas": did you mean "storageClass"\?/,
  );
  // Under kpt our stderr is one summary line: kpt already printed the result itself.
  t.regex(r.stderr, /observability-stack: 1 error \(see the results/);
  t.is(r.stderr.split('did you mean "storageClass"').length - 1, 1, 'the result is printed once, not again under Stderr');
  t.deepEqual(readTree(pkg), before, 'a failed render must not write');
  const list = YAML.parse(readFileSync(join(results, 'results.yaml'), 'utf8'));
  t.is(list.exitCode, 1);
  const res = list.items[0].results.find((x: any) => x.severity === 'error');
  t.is(res.field.path, 'spec.storageClas');
  t.is(res.file.path, 'config.yaml');
  t.deepEqual(res.resourceRef, { apiVersion: 'observability.krm.dev/v1alpha1', kind: 'ObservabilityConfig', name: 'observability' });
  t.regex(res.message, /did you mean "storageClass"/);
});

pipelineTest('kpt fn render: the Flux variables the output expects are shown as an info result', ['kpt'], (t) => {
  const pkg = copyDir(QUICKSTART, 'vars');
  useExec(pkg);
  const cfg = YAML.parse(configText());
  cfg.spec.pyroscope = { route: { hostname: 'pyroscope.${SECRET_DOMAIN}' } };
  writeFileSync(join(pkg, 'config.yaml'), YAML.stringify(cfg));
  const r = run('kpt', ['fn', 'render', pkg, '--allow-exec']);
  t.is(r.status, 0, show(r));
  t.regex(
    r.stderr,
    /\[info\] observability\.krm\.dev\/v1alpha1\/ObservabilityConfig\/observability: the output expects Flux post-build variables: SECRET_DOMAIN\./,
  );
  t.regex(readFileSync(join(pkg, 'observability/pyroscope/httproute.yaml'), 'utf8'), /- pyroscope\.\$\{SECRET_DOMAIN\}\n/);
});

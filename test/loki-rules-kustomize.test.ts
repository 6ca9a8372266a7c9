// loki-rules under kubectl's built-in kustomize, one `transformers:` entry per LokiRule: as a
// legacy exec plugin (kubectl silently skips exec KRM functions, see pipelines-kustomize) and as a
// container function (docker shim -> podman). Both must build what kpt rendered in examples/loki-rules.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { FUNCTION } from '../functions/krm/annotations.ts';
import {
  ORCHESTRATOR_KEY,
  ROOT,
  bundle,
  byKey,
  ensureImages,
  generatedObjects,
  imageRef,
  parseDocs,
  pipelineTest,
  run,
  shimEnv,
  show,
  tempDir,
  writeFiles,
} from './support/pipelines.ts';

const FN = 'loki-rules';
const EXAMPLE = join(ROOT, 'examples', 'loki-rules');
const read = (rel: string) => YAML.parse(readFileSync(join(EXAMPLE, rel), 'utf8'));
const text = (o: object) => YAML.stringify(o, { lineWidth: 0 });
const APP = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'checkout', namespace: 'shop' }, spec: { ports: [{ port: 80 }] } };

/**
 * The example's LokiRule files as transformer configs, optionally run as a container function.
 * Written without line folding (see `text`): go-yaml reads folded scalars with more-indented lines
 * differently from the yaml package, which would change the rule text before our function sees it.
 */
function rule(rel: string, container = false): any {
  const r = read(rel);
  delete r.metadata.annotations; // the rendered example added local-config; a fresh user file has none
  if (container) r.metadata.annotations = { [FUNCTION]: YAML.stringify({ container: { image: imageRef(FN) } }) };
  return r;
}

function kustomization(container: boolean, withConfig = true): string {
  const dir = tempDir('kz-rules');
  writeFiles(dir, {
    'kustomization.yaml': { resources: [...(withConfig ? ['config.yaml'] : []), 'app.yaml'], transformers: ['shop.yaml', 'ingress.yaml'] },
    'config.yaml': read('config.yaml'), // local config: seen by the transformers, never emitted
    'app.yaml': APP,
    'shop.yaml': text(rule('apps/shop/alerts.yaml', container)),
    'ingress.yaml': text(rule('apps/ingress/recording.yaml', container)),
  });
  return dir;
}

/** Installs the bundle where kustomize looks for the LokiRule plugin, with the install script. */
function pluginHome(): { home: string; how: string } {
  const home = tempDir('plugins');
  const r = run('npm', ['run', '--silent', 'install-plugin', '--', '--plugin-home', home, FN]);
  if (r.status !== 0) throw new Error(`install-plugin failed: ${r.stderr}`);
  if (!existsSync(join(home, 'observability.krm.dev', 'v1alpha1', 'lokirule', 'LokiRule'))) throw new Error('install-plugin put the LokiRule plugin elsewhere');
  return { home, how: 'install-plugin' };
}

const kustomize = (dir: string, env: NodeJS.ProcessEnv) => run('kubectl', ['kustomize', '--enable-alpha-plugins', dir], { env });

/** The ConfigMaps kpt rendered for the example. */
const rendered = () => byKey(generatedObjects(EXAMPLE).filter((o) => o.metadata.annotations['observability.krm.dev/generated-by'] === FN));

function assertBuild(t: import('ava').ExecutionContext, stdout: string) {
  const out = parseDocs(stdout);
  for (const o of out) {
    t.deepEqual(
      Object.keys(o.metadata.annotations ?? {}).filter((k) => ORCHESTRATOR_KEY.test(k)),
      [],
      `${o.kind} ${o.metadata.name} keeps orchestrator annotations`,
    );
    t.false(['LokiRule', 'ObservabilityConfig'].includes(o.kind), `${o.kind} is local config and must not be emitted`);
  }
  const objects = byKey(out);
  t.deepEqual(objects['Service/shop/checkout'], APP, 'other resources pass through');
  delete objects['Service/shop/checkout'];
  const expected = rendered();
  t.is(Object.keys(expected).length, 2);
  t.deepEqual(objects, expected);
  t.is(objects['ConfigMap/shop/loki-rules-shop-alerts']?.metadata.labels['example.org/loki-rule'], 'enabled', 'the ObservabilityConfig label');
}

pipelineTest('kubectl kustomize: loki-rules as legacy exec plugin transformers builds what kpt rendered', ['kubectl'], (t) => {
  t.true(existsSync(bundle(FN)), 'run npm run build');
  const { home, how } = pluginHome();
  t.log(`plugin ${how}`);
  const r = kustomize(kustomization(false), { KUSTOMIZE_PLUGIN_HOME: home });
  t.is(r.status, 0, show(r));
  assertBuild(t, r.stdout);
});

pipelineTest('kubectl kustomize: without an ObservabilityConfig among the resources the default label applies', ['kubectl'], (t) => {
  const { home } = pluginHome();
  const r = kustomize(kustomization(false, false), { KUSTOMIZE_PLUGIN_HOME: home });
  t.is(r.status, 0, show(r));
  const cms = parseDocs(r.stdout).filter((o) => o.kind === 'ConfigMap');
  t.is(cms.length, 2);
  for (const cm of cms) t.is(cm.metadata.labels.loki_rule, 'true');
});

pipelineTest('kubectl kustomize: an invalid LokiRule (legacy plugin) fails the build with our one stderr line', ['kubectl'], (t) => {
  const { home } = pluginHome();
  const dir = kustomization(false);
  const bad = rule('apps/shop/alerts.yaml');
  bad.spec.groups[0].rules[1].expr = 'sum(rate({app="checkout"}[5m]) > 0';
  writeFiles(dir, { 'shop.yaml': text(bad) });
  const r = kustomize(dir, { KUSTOMIZE_PLUGIN_HOME: home });
  t.not(r.status, 0, show(r));
  t.is(r.stdout, '');
  const ours = r.stderr.split('\n').filter((l) => l.includes('loki-rules:'));
  t.is(ours.length, 1, r.stderr);
  t.regex(
    ours[0]!,
    /loki-rules: error \[LokiRule shop\/shop-alerts, field spec\.groups\.0\.rules\.1\.expr\]: group "shop-errors": alert "ShopErrorRatioHigh": invalid LogQL/,
  );
  t.regex(r.stderr, /failure in plugin configured via .*; exit status 1/);
});

pipelineTest('kubectl kustomize: loki-rules as container function transformers builds what kpt rendered', ['kubectl', 'podman'], (t) => {
  ensureImages([FN]);
  const r = kustomize(kustomization(true), shimEnv());
  t.is(r.status, 0, show(r));
  assertBuild(t, r.stdout);
});

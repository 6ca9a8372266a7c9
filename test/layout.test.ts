// spec.output.layout: the file (internal.config.kubernetes.io/path) of every generated object, flat
// and home-ops, and the home-ops app folders as kustomize builds them.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { LOCAL_CONFIG, PATH } from '../functions/krm/annotations.ts';
import { ROOT } from './support/fn.ts';
import { generateFor } from './support/transform.ts';

const pathOf = (o: any): string => o.metadata.annotations[PATH];
const generated = (spec: object) => {
  const out = generateFor(spec);
  return out.objects.filter((o: any) => o.metadata?.annotations?.['observability.krm.dev/generated-by']);
};
const files = (spec: object) => Object.fromEntries(generated(spec).map((o: any) => [pathOf(o), `${o.apiVersion} ${o.kind} ${o.metadata.name}`]));

test('flat (default): <namespace>/<app>/<kind>.yaml, no Kustomizations', (t) => {
  t.deepEqual(files({ pyroscope: { route: { hostname: 'p.example.org' } } }), {
    'observability/loki/ocirepository.yaml': 'source.toolkit.fluxcd.io/v1 OCIRepository loki',
    'observability/loki/helmrelease.yaml': 'helm.toolkit.fluxcd.io/v2 HelmRelease loki',
    'observability/tempo/ocirepository.yaml': 'source.toolkit.fluxcd.io/v1 OCIRepository tempo',
    'observability/tempo/helmrelease.yaml': 'helm.toolkit.fluxcd.io/v2 HelmRelease tempo',
    'observability/pyroscope/ocirepository.yaml': 'source.toolkit.fluxcd.io/v1 OCIRepository pyroscope',
    'observability/pyroscope/helmrelease.yaml': 'helm.toolkit.fluxcd.io/v2 HelmRelease pyroscope',
    'observability/pyroscope/httproute.yaml': 'gateway.networking.k8s.io/v1 HTTPRoute pyroscope',
    'observability/grafana-datasources/configmap.yaml': 'v1 ConfigMap observability-datasources',
    'observability/stack-alerts/prometheusrule.yaml': 'monitoring.coreos.com/v1 PrometheusRule observability-stack-alerts',
    'observability/namespace.yaml': 'v1 Namespace observability',
  });
});

test('flat with a shared HelmRepository: sources/ holds one file per repository', (t) => {
  const f = files({ namespace: 'obs', flux: { sourceKind: 'HelmRepository' } });
  t.is(f['obs/sources/helmrepository-grafana-community.yaml'], 'source.toolkit.fluxcd.io/v1 HelmRepository grafana-community');
  t.is(f['obs/sources/helmrepository-grafana.yaml'], 'source.toolkit.fluxcd.io/v1 HelmRepository grafana');
});

const HOME_OPS_FLUX = { kustomization: { path: './kubernetes/apps/observability' } };
const HOME_OPS = { output: { layout: 'home-ops' }, flux: HOME_OPS_FLUX, pyroscope: { route: { hostname: 'pyroscope.${SECRET_DOMAIN}' } } };

test('home-ops: <namespace>/<app>/app/<kind>.yaml, app/kustomization.yaml and <namespace>/<app>/ks.yaml', (t) => {
  const f = files(HOME_OPS);
  for (const app of ['loki', 'tempo', 'pyroscope']) {
    t.is(f[`observability/${app}/app/helmrelease.yaml`], `helm.toolkit.fluxcd.io/v2 HelmRelease ${app}`);
    t.is(f[`observability/${app}/app/ocirepository.yaml`], `source.toolkit.fluxcd.io/v1 OCIRepository ${app}`);
    t.is(f[`observability/${app}/app/kustomization.yaml`], `kustomize.config.k8s.io/v1beta1 Kustomization ${app}`);
    t.is(f[`observability/${app}/ks.yaml`], `kustomize.toolkit.fluxcd.io/v1 Kustomization ${app}`);
  }
  t.is(f['observability/pyroscope/app/httproute.yaml'], 'gateway.networking.k8s.io/v1 HTTPRoute pyroscope');
  t.is(f['observability/grafana-datasources/app/configmap.yaml'], 'v1 ConfigMap observability-datasources');
  t.is(f['observability/grafana-datasources/ks.yaml'], 'kustomize.toolkit.fluxcd.io/v1 Kustomization grafana-datasources');
  // Where home-ops repositories keep it: kubernetes/apps/<namespace>/namespace.yaml, beside the apps.
  t.is(f['observability/namespace.yaml'], 'v1 Namespace observability');
  t.is(f['observability/stack-alerts/app/prometheusrule.yaml'], 'monitoring.coreos.com/v1 PrometheusRule observability-stack-alerts');
  t.is(Object.keys(f).length, 20);
  t.true(
    Object.keys(f).every((p) => p === 'observability/namespace.yaml' || /^observability\/[a-z-]+\/(ks\.yaml|app\/[a-z-]+\.yaml)$/.test(p)),
    'nothing outside the layout',
  );
});

test('home-ops: each app/kustomization.yaml lists exactly the other files of its folder and is local config', (t) => {
  const objects = generated(HOME_OPS);
  const dirs = new Map<string, string[]>();
  for (const o of objects) {
    const p = pathOf(o);
    if (!p.includes('/app/')) continue;
    const dir = p.slice(0, p.lastIndexOf('/'));
    dirs.set(dir, [...(dirs.get(dir) ?? []), p.slice(dir.length + 1)]);
  }
  t.is(dirs.size, 5);
  for (const [dir, names] of dirs) {
    const k = objects.find((o: any) => pathOf(o) === `${dir}/kustomization.yaml`);
    t.truthy(k, `${dir} has no kustomization.yaml`);
    t.is(k.metadata.annotations[LOCAL_CONFIG], 'true');
    t.deepEqual(
      k.resources,
      names
        .filter((n) => n !== 'kustomization.yaml')
        .sort()
        .map((n) => `./${n}`),
      dir,
    );
  }
});

test('the layout changes files, not objects: flat and home-ops hold the same applied objects', (t) => {
  const strip = (o: any) => {
    const c = structuredClone(o);
    for (const k of Object.keys(c.metadata.annotations)) if (k.includes('config.kubernetes.io/')) delete c.metadata.annotations[k];
    return JSON.stringify(c);
  };
  const applied = (spec: object) =>
    generated(spec)
      .filter((o: any) => o.kind !== 'Kustomization')
      .map(strip)
      .sort();
  t.deepEqual(applied({ output: { layout: 'home-ops' }, flux: HOME_OPS_FLUX }), applied({}));
});

test('home-ops with sourceKind HelmRepository: a sources app the release apps depend on', (t) => {
  const objects = generated({ output: { layout: 'home-ops' }, flux: { ...HOME_OPS_FLUX, sourceKind: 'HelmRepository' } });
  const f = Object.fromEntries(objects.map((o: any) => [pathOf(o), o]));
  t.deepEqual(f['observability/sources/app/kustomization.yaml'].resources, ['./helmrepository-grafana-community.yaml', './helmrepository-grafana.yaml']);
  for (const app of ['loki', 'tempo', 'pyroscope'])
    t.deepEqual(f[`observability/${app}/ks.yaml`].spec.dependsOn, [{ name: 'sources', namespace: 'flux-system' }], app);
  t.is(f['observability/sources/ks.yaml'].spec.dependsOn, undefined);
  t.is(f['observability/grafana-datasources/ks.yaml'].spec.dependsOn, undefined);
});

test('disabled systems leave no app folder behind', (t) => {
  const f = files({ output: { layout: 'home-ops' }, flux: HOME_OPS_FLUX, tempo: { enabled: false }, grafana: { datasources: { enabled: false } } });
  t.false(Object.keys(f).some((p) => p.startsWith('observability/tempo/') || p.startsWith('observability/grafana-datasources/')));
  t.truthy(f['observability/loki/ks.yaml']);
});

// ---- the committed home-ops example, built the way Flux builds each ks.yaml path -----------------

const EXAMPLE = join(ROOT, 'examples', 'home-ops-layout');
const hasKubectl = spawnSync('kubectl', ['version', '--client']).status === 0;
const kustomize = (dir: string) => spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });

(hasKubectl ? test : test.skip)('examples/home-ops-layout: every app folder builds to its objects, without the kustomization itself', (t) => {
  t.true(existsSync(EXAMPLE));
  for (const app of ['loki', 'tempo', 'pyroscope', 'grafana-datasources']) {
    const r = kustomize(join(EXAMPLE, 'observability', app, 'app'));
    t.is(r.status, 0, r.stderr);
    const built = YAML.parseAllDocuments(r.stdout).map((d) => d.toJS());
    t.true(built.length >= 1, app);
    t.false(
      built.some((o) => o.kind === 'Kustomization'),
      `${app}: the local-config kustomization was built`,
    );
    t.true(
      built.every((o) => o.metadata.namespace === 'observability'),
      app,
    );
  }
});

(hasKubectl ? test : test.skip)('examples/home-ops-layout: the namespace kustomization applies only the Namespace and the ks.yaml files', (t) => {
  const r = kustomize(join(EXAMPLE, 'observability'));
  t.is(r.status, 0, r.stderr);
  const all = YAML.parseAllDocuments(r.stdout).map((d) => d.toJS());
  const namespaces = all.filter((o) => o.kind === 'Namespace');
  t.deepEqual(
    namespaces.map((o) => [o.metadata.name, o.metadata.annotations['kustomize.toolkit.fluxcd.io/prune']]),
    [['observability', 'disabled']],
  );
  const built = all.filter((o) => o.kind !== 'Namespace');
  t.deepEqual(built.map((o) => `${o.apiVersion} ${o.kind}`).sort(), Array(6).fill('kustomize.toolkit.fluxcd.io/v1 Kustomization'));
  t.deepEqual(
    built.map((o) => o.spec.path).sort(),
    ['grafana-dashboards', 'grafana-datasources', 'loki', 'pyroscope', 'stack-alerts', 'tempo'].map((a) => `./kubernetes/apps/observability/${a}/app`),
  );
});

// The Flux Kustomizations (kustomize.toolkit.fluxcd.io/v1) the function writes: the flat layout's
// one for the whole folder (spec.flux.kustomization.enabled) and home-ops' one per app. Each must
// validate against the Kustomization v1 CRD and pass through Flux substitution untouched.
import test from 'ava';
import { PATH } from '../functions/krm/annotations.ts';
import { applyToObject } from './support/flux-envsubst/substitute.ts';
import { celChecks, validateObject } from './support/crd.ts';
import { testWith } from './support/needs.ts';
import { generateFor } from './support/transform.ts';

const FLUX = 'kustomize.toolkit.fluxcd.io/v1';
const fluxKs = (spec: object) => generateFor(spec).objects.filter((o: any) => o.apiVersion === FLUX && o.kind === 'Kustomization');

const FULL = {
  kustomization: {
    enabled: true,
    path: './clusters/main/observability/observability',
    sourceRef: { kind: 'OCIRepository', name: 'cluster', namespace: 'flux-system' },
    namespace: 'observability',
    substituteFrom: [
      { kind: 'Secret', name: 'cluster-secrets' },
      { kind: 'ConfigMap', name: 'cluster-settings', optional: true },
    ],
    dependsOn: [{ name: 'kube-prometheus-stack' }, { name: 'openebs', namespace: 'openebs-system' }],
  },
};

test('flat: no Flux Kustomization unless spec.flux.kustomization.enabled', (t) => {
  t.deepEqual(fluxKs({}), []);
  t.deepEqual(fluxKs({ flux: { kustomization: { substituteFrom: [{ kind: 'Secret', name: 'cluster-secrets' }] } } }), []);
});

const ENABLED = { kustomization: { enabled: true, path: './clusters/main/observability/observability' } };

test('flat + enabled: one Kustomization for the rendered folder at ks.yaml, with defaults', (t) => {
  const [k, ...rest] = fluxKs({ flux: ENABLED });
  t.is(rest.length, 0);
  t.is(k.metadata.annotations[PATH], 'ks.yaml');
  t.deepEqual(k.metadata.name, 'observability');
  t.is(k.metadata.namespace, 'flux-system');
  t.deepEqual(k.spec, {
    interval: '30m',
    path: './clusters/main/observability/observability',
    prune: true,
    sourceRef: { kind: 'GitRepository', name: 'flux-system', namespace: 'flux-system' },
  });
});

test('flat + enabled: path, sourceRef, namespace, substituteFrom and dependsOn from the config', (t) => {
  const [k] = fluxKs({ namespace: 'obs', flux: { interval: '1h', kustomization: { ...FULL.kustomization, path: './clusters/main/observability/obs' } } });
  t.is(k.metadata.namespace, 'observability');
  t.deepEqual(k.spec, {
    dependsOn: [{ name: 'kube-prometheus-stack' }, { name: 'openebs', namespace: 'openebs-system' }],
    interval: '1h',
    path: './clusters/main/observability/obs',
    postBuild: { substituteFrom: FULL.kustomization.substituteFrom },
    prune: true,
    sourceRef: { kind: 'OCIRepository', name: 'cluster', namespace: 'flux-system' },
  });
  // The whole folder holds several namespaces' objects (datasources may live elsewhere): no targetNamespace.
  t.is(k.spec.targetNamespace, undefined);
});

test('home-ops: one Kustomization per app, pointing at <path>/<app>/app with targetNamespace', (t) => {
  const ks = fluxKs({ output: { layout: 'home-ops' }, grafana: { datasources: { namespace: 'monitoring' } }, flux: FULL });
  t.deepEqual(ks.map((k: any) => k.metadata.name).sort(), ['grafana-datasources', 'loki', 'pyroscope', 'stack-alerts', 'tempo']);
  for (const k of ks) {
    const app = k.metadata.name;
    t.is(k.metadata.annotations[PATH], `observability/${app}/ks.yaml`);
    t.is(k.metadata.namespace, 'observability');
    t.is(k.spec.path, `./clusters/main/observability/observability/${app}/app`);
    t.is(k.spec.targetNamespace, app === 'grafana-datasources' ? 'monitoring' : 'observability');
    t.deepEqual(k.spec.postBuild, { substituteFrom: FULL.kustomization.substituteFrom });
    t.deepEqual(k.spec.dependsOn, FULL.kustomization.dependsOn);
    t.true(k.spec.prune);
  }
});

test('home-ops: ks.yaml is written even with spec.flux.kustomization.enabled false', (t) => {
  const ks = fluxKs({ namespace: 'telemetry', output: { layout: 'home-ops' }, flux: { kustomization: { path: './kubernetes/apps/telemetry' } } });
  t.is(ks.length, 5); // loki, tempo, pyroscope, grafana-datasources, stack-alerts
  t.deepEqual(ks.find((k: any) => k.metadata.name === 'loki').spec.path, './kubernetes/apps/telemetry/loki/app');
});

test('Flux Kustomizations carry no ${ and pass post-build substitution unchanged', (t) => {
  for (const spec of [{ flux: FULL }, { output: { layout: 'home-ops' }, flux: FULL }]) {
    for (const k of fluxKs(spec)) {
      t.false(JSON.stringify(k).includes('$'));
      t.deepEqual(applyToObject(k, { SECRET_DOMAIN: 'example.org' }, { strict: true }), k);
    }
  }
});

testWith({ reference: ['crds'] }, 'Flux Kustomizations validate against the Kustomization v1 CRD', (t) => {
  const specs = [
    { flux: ENABLED },
    { flux: FULL },
    { output: { layout: 'home-ops' }, flux: FULL },
    { output: { layout: 'home-ops' }, flux: { sourceKind: 'HelmRepository', kustomization: { path: './observability' } } },
  ];
  let n = 0;
  for (const spec of specs) {
    for (const k of fluxKs(spec)) {
      // The orchestrator's annotations are stripped on write; what is applied is the rest.
      t.deepEqual([...validateObject(k), ...celChecks(k)], [], `${k.metadata.name} (${JSON.stringify(spec)})`);
      n++;
    }
  }
  t.true(n >= 10);
});

testWith({ reference: ['crds'] }, 'the CRD check is not vacuous: a misspelt field is refused', (t) => {
  const [k] = fluxKs({ flux: ENABLED });
  const bad = structuredClone(k);
  bad.spec.intervall = '1h';
  t.true(validateObject(bad).some((e) => e.includes('intervall')));
});

// Output is valid for its real consumers: upstream CRD schemas (closed, as server-side apply is),
// the CEL rules we rely on, Kubernetes names — checked after Flux substitution, since hostnames
// like pyroscope.${SECRET_DOMAIN} only become valid then. Also least privilege and no secrets.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { applyToObject } from './support/flux-envsubst/substitute.ts';
import { releasesOf, unknownValueKeys } from './support/chart-values.ts';
import { celChecks, hasSchema, validateNames, validateObject } from './support/crd.ts';
import { testWith } from './support/needs.ts';
import { ROOT } from './support/fn.ts';
import { generateFor } from './support/transform.ts';
import { exampleNames, readTree } from './support/tree.ts';

const SAMPLE_VARS = { SECRET_DOMAIN: 'example.com', CLUSTER_NAME: 'home', STORAGE_CLASS: 'openebs-hostpath' };
const GEN = 'observability.krm.dev/generated-by';

/** Configs beyond the examples that exercise other shapes of output. */
const CONFIGS: Record<string, object> = {
  minimal: {},
  'helm-repository': { flux: { sourceKind: 'HelmRepository', dependsOn: [{ name: 'openebs', namespace: 'openebs-system' }], timeout: '15m' } },
  'flux-variable-hostname': { pyroscope: { route: { hostname: 'pyroscope.${SECRET_DOMAIN}' } } },
  'custom-gateway': {
    namespace: 'monitoring',
    pyroscope: { route: { hostname: 'p.example.com', gateway: { name: 'internal', namespace: 'gw', sectionName: 'web' } } },
  },
  'only-loki': { tempo: { enabled: false }, pyroscope: { enabled: false } },
  'no-monitoring': { monitoring: { serviceMonitors: false }, tempo: { otlp: { http: false } } },
};

function generatedObjects(): { source: string; object: any }[] {
  const out: { source: string; object: any }[] = [];
  for (const name of exampleNames(ROOT)) {
    for (const [path, text] of Object.entries(readTree(join(ROOT, 'examples', name)))) {
      if (!path.endsWith('.yaml') || !text.includes(`${GEN}:`)) continue;
      for (const doc of YAML.parseAllDocuments(text)) out.push({ source: `examples/${name}`, object: doc.toJS() });
    }
  }
  for (const [name, spec] of Object.entries(CONFIGS)) {
    for (const object of generateFor(spec).objects) if (object.metadata?.annotations?.[GEN]) out.push({ source: `config ${name}`, object });
  }
  return out;
}

const objects = generatedObjects();

test('there is output to check', (t) => {
  t.true(objects.length > 20);
});

testWith({ reference: ['crds'] }, 'every generated object validates against its upstream CRD after Flux substitution', (t) => {
  let checked = 0;
  for (const { source, object } of objects) {
    const substituted = applyToObject(object, SAMPLE_VARS, { strict: true });
    if (!hasSchema(substituted.apiVersion, substituted.kind)) continue;
    checked++;
    t.deepEqual(validateObject(substituted), [], `${source}: ${substituted.kind}/${substituted.metadata.name}`);
    t.deepEqual(celChecks(substituted), [], `${source}: CEL rules`);
  }
  t.true(checked > 20, `${checked} objects checked`);
});

testWith({ reference: ['charts'] }, 'every Helm values key exists in the pinned chart (or in a block it renders verbatim)', (t) => {
  // Group by source: a release's chart version comes from the OCIRepository beside it.
  const bySource = new Map<string, any[]>();
  for (const { source, object } of objects) bySource.set(source, [...(bySource.get(source) ?? []), object]);
  let checked = 0;
  for (const [source, objs] of bySource) {
    for (const r of releasesOf(objs)) {
      checked++;
      // loki.storage.bucketNames: read by the chart's templates, only a comment in its values.yaml.
      t.deepEqual(unknownValueKeys(`${r.chart}-${r.version}`, r.values, ['loki.storage.bucketNames']), [], `${source}: ${r.name}`);
    }
  }
  t.true(checked > 20, `${checked} releases checked`);
});

test('every generated object has valid names, labels and annotations', (t) => {
  for (const { source, object } of objects) {
    t.deepEqual(validateNames(applyToObject(object, SAMPLE_VARS, { strict: true })), [], `${source}: ${object.kind}/${object.metadata.name}`);
  }
});

test('only served, current API versions are emitted (no removed Flux betas)', (t) => {
  const allowed = new Set([
    'helm.toolkit.fluxcd.io/v2',
    'source.toolkit.fluxcd.io/v1',
    'kustomize.toolkit.fluxcd.io/v1',
    'gateway.networking.k8s.io/v1',
    'monitoring.coreos.com/v1',
    'grafana.integreatly.org/v1beta1',
    'v1',
    'kustomize.config.k8s.io/v1beta1',
  ]);
  for (const { source, object } of objects) t.true(allowed.has(object.apiVersion), `${source}: ${object.apiVersion}`);
});

test('no nulls outside Helm values (the API server would drop them, ajv refuses them)', (t) => {
  const findNull = (v: any, path: string): string | undefined => {
    if (v === null) return path;
    if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (path === 'spec' && k === 'values') continue;
        const hit = findNull(x, path ? `${path}.${k}` : k);
        if (hit) return hit;
      }
    }
    return undefined;
  };
  for (const { source, object } of objects) t.is(findNull(object, ''), undefined, source);
});

test('least privilege: the rules sidecar watches ConfigMaps only unless asked', (t) => {
  for (const { source, object } of objects) {
    if (object.kind !== 'HelmRelease' || object.metadata.name !== 'loki') continue;
    const rules = object.spec.values.sidecar?.rules;
    if (rules?.enabled) t.is(rules.resource, 'configmap', source);
  }
  t.is(generateFor({ loki: { rules: { resource: 'both' } } }).get('HelmRelease', 'loki').spec.values.sidecar.rules.resource, 'both');
});

test('workloads keep the charts’ non-root security contexts', (t) => {
  const risky = (v: any, path: string, found: string[]) => {
    if (!v || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      const p = `${path}.${k}`;
      if (/securityContext$/i.test(k)) found.push(p);
      if ((k === 'runAsUser' || k === 'runAsGroup') && x === 0) found.push(p);
      if (k === 'privileged' && x === true) found.push(p);
      risky(x, p, found);
    }
  };
  for (const { source, object } of objects) {
    if (object.kind !== 'HelmRelease') continue;
    const found: string[] = [];
    if (object.metadata.name === 'alloy') {
      // The collector sets its own, stricter than the chart's empty default (the image runs as
      // root): non-root with all capabilities dropped, or privileged root only for eBPF.
      const v = object.spec.values;
      const ebpf = String(v.alloy.configMap.content).includes('pyroscope.ebpf "');
      const { securityContext, ...alloy } = v.alloy;
      const { global, ...rest } = v;
      risky({ ...rest, alloy }, 'values', found);
      t.deepEqual(Object.keys(global ?? {}), ['podSecurityContext'], source);
      if (ebpf) t.like(securityContext, { privileged: true }, source);
      else
        t.like(securityContext, { runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } }, source);
    } else risky(object.spec.values, 'values', found);
    t.deepEqual(found, [], `${source}: security contexts are the chart's own`);
  }
});

test('no credential ever appears in output: only Secret references', (t) => {
  const KEYS = /^(access_?key(_id)?|secret_?(access_?)?key|accessKeyId|secretAccessKey|account_?key|password|service_account|sas_token|client_secret)$/i;
  for (const { source, object } of objects) {
    const walk = (v: any, path: string) => {
      if (!v || typeof v !== 'object') return;
      for (const [k, x] of Object.entries(v)) {
        if (KEYS.test(k) && typeof x === 'string') t.regex(x, /^\$\$?\{[A-Z_][A-Z0-9_]*\}$/, `${source}: ${path}.${k} must be an environment reference`);
        walk(x, `${path}.${k}`);
      }
    };
    walk(object, object.kind);
  }
});

test('the README states the RBAC the Loki chart grants the sidecar', (t) => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  t.regex(readme, /ClusterRole/);
  t.regex(readme, /configmaps.*secrets|secrets.*configmaps/is);
});

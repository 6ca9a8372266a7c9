// Property-based tests: random valid configs give valid, idempotent output; random mutations
// of a valid config never crash the function.
import test from 'ava';
import fc from 'fast-check';
import { Item } from '../functions/krm/item.ts';
import { transform } from '../functions/observability-stack/transform.ts';
import { config } from './support/fn.ts';
import { celChecks, hasSchema, referenceDir, validateObject } from './support/crd.ts';

const size = fc.tuple(fc.integer({ min: 1, max: 999 }), fc.constantFrom('Mi', 'Gi', 'Ti')).map(([n, u]) => `${n}${u}`);
const duration = fc.tuple(fc.integer({ min: 1, max: 400 }), fc.constantFrom('h', 'd', 'w', 'm')).map(([n, u]) => `${n}${u}`);
const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/);
const host = fc.tuple(label, label).map(([a, b]) => `${a}.${b}.example.com`);

export const validSpec = fc.record(
  {
    namespace: label,
    storageClass: label,
    flux: fc.record({ sourceKind: fc.constantFrom('OCIRepository', 'HelmRepository'), interval: fc.constantFrom('5m', '30m', '1h', '90s') }, { requiredKeys: [] }),
    loki: fc.record(
      {
        enabled: fc.boolean(),
        retention: duration,
        storage: fc.record({ size, storageClass: label }, { requiredKeys: [] }),
        rules: fc.record({ enabled: fc.boolean(), searchNamespace: fc.constantFrom('ALL', 'apps', 'a,b'), resource: fc.constantFrom('configmap', 'secret', 'both') }, { requiredKeys: [] }),
      },
      { requiredKeys: [] },
    ),
    tempo: fc.record({ enabled: fc.boolean(), retention: duration, maxBlockDuration: fc.constantFrom('5m', '30m', '1h'), otlp: fc.record({ grpc: fc.boolean(), http: fc.boolean() }) }, { requiredKeys: [] }),
    pyroscope: fc.record({ enabled: fc.boolean(), replicas: fc.integer({ min: 1, max: 3 }), route: fc.record({ hostname: host }, { requiredKeys: [] }) }, { requiredKeys: [] }),
    monitoring: fc.record({ serviceMonitors: fc.boolean() }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);

/** Scalable modes need object storage: added together, so every generated spec stays valid. */
const scalable = fc.record({
  objectStorage: fc.record({ type: fc.constantFrom('s3', 'gcs', 'azure'), secretRef: fc.record({ name: label }) }),
  modes: fc.record({ loki: fc.constantFrom('SingleBinary', 'SimpleScalable', 'Distributed'), tempo: fc.constantFrom('SingleBinary', 'Distributed'), pyroscope: fc.constantFrom('SingleBinary', 'Microservices') }),
});

const anySpec = fc.tuple(validSpec, fc.option(scalable), fc.constantFrom('flat', 'home-ops'), fc.boolean()).map(([spec, sc, layout, datasources]) => {
  const out: any = { ...spec, output: { layout }, grafana: { datasources: { enabled: datasources } } };
  if (sc) {
    out.objectStorage = sc.objectStorage;
    for (const c of ['loki', 'tempo', 'pyroscope'] as const) out[c] = { ...out[c], mode: sc.modes[c] };
  }
  return out;
});

const run = (spec: unknown, items: Item[] = []) => {
  const cfg = { ...config(), spec };
  return transform(Item.fromObject(cfg), [Item.fromObject(cfg), ...items]);
};

test('random valid configs produce no errors, validate against the upstream CRDs and are idempotent', (t) => {
  const crds = referenceDir() !== undefined;
  if (!crds) t.log('CRD validation SKIPPED: ../shared/reference is absent');
  fc.assert(
    fc.property(anySpec, (spec) => {
      const first = run(spec);
      if (first.results.some((r) => r.severity === 'error')) throw new Error(JSON.stringify(first.results));
      for (const item of first.items) {
        const o = item.object;
        if (!crds || !hasSchema(o.apiVersion, o.kind)) continue;
        const problems = [...validateObject(o), ...celChecks(o)];
        if (problems.length) throw new Error(problems.join('; '));
      }
      const again = transform(Item.fromObject({ ...config(), spec }), first.items.map((i) => Item.fromObject(i.object)));
      const a = first.items.map((i) => i.toYAML()).join('---\n');
      const b = again.items.map((i) => i.toYAML()).join('---\n');
      if (a !== b) throw new Error('not idempotent');
    }),
    { numRuns: 150 },
  );
  t.pass();
});

/** Replace one value somewhere in the spec with something of a random type. */
function mutate(spec: any, path: string[], value: unknown): unknown {
  if (!path.length) return value;
  const [head, ...rest] = path;
  const base = spec && typeof spec === 'object' && !Array.isArray(spec) ? spec : {};
  return { ...base, [head!]: mutate(base[head!], rest, value) };
}

const anyValue = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }), fc.double());
const pathSeg = fc.constantFrom('namespace', 'loki', 'tempo', 'pyroscope', 'storage', 'size', 'retention', 'rules', 'route', 'hostname', 'gateway', 'flux', 'interval', 'values', 'objectStorage', 'mode', 'replicas', 'grafana', 'output', 'layout', 'x');

test('random mutations of a valid config never throw: results only', (t) => {
  fc.assert(
    fc.property(validSpec, fc.array(pathSeg, { minLength: 1, maxLength: 4 }), anyValue, (spec, path, value) => {
      const out = run(mutate(spec, path, value));
      for (const r of out.results) {
        if (!r.message || !r.severity) throw new Error('malformed result');
        if (/internal error/.test(r.message)) throw new Error(r.message);
      }
    }),
    { numRuns: 400 },
  );
  t.pass();
});

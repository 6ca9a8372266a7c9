// Property-based tests: random valid configs give valid, idempotent output; random mutations
// of a valid config never crash the function.
import test from 'ava';
import fc from 'fast-check';
import { Item } from '../functions/krm/item.ts';
import { transform } from '../functions/observability-stack/transform.ts';
import { config } from './support/fn.ts';
import { anySpec, validSpec } from './support/config-gen.ts';
import { celChecks, hasSchema, validateObject } from './support/crd.ts';
import { testWith } from './support/needs.ts';

const run = (spec: unknown, items: Item[] = []) => {
  const cfg = { ...config(), spec };
  return transform(Item.fromObject(cfg), [Item.fromObject(cfg), ...items]);
};

test('random valid configs produce no errors and are idempotent', (t) => {
  fc.assert(
    fc.property(anySpec, (spec) => {
      const first = run(spec);
      if (first.results.some((r) => r.severity === 'error')) throw new Error(JSON.stringify(first.results));
      const again = transform(
        Item.fromObject({ ...config(), spec }),
        first.items.map((i) => Item.fromObject(i.object)),
      );
      const a = first.items.map((i) => i.toYAML()).join('---\n');
      const b = again.items.map((i) => i.toYAML()).join('---\n');
      if (a !== b) throw new Error('not idempotent');
    }),
    { numRuns: 150 },
  );
  t.pass();
});

testWith({ reference: ['crds'] }, 'random valid configs validate against the upstream CRDs', (t) => {
  let checked = 0;
  fc.assert(
    fc.property(anySpec, (spec) => {
      for (const item of run(spec).items) {
        const o = item.object;
        if (!hasSchema(o.apiVersion, o.kind)) continue;
        checked++;
        const problems = [...validateObject(o), ...celChecks(o)];
        if (problems.length) throw new Error(problems.join('; '));
      }
    }),
    { numRuns: 150 },
  );
  t.true(checked > 150, `${checked} objects had a CRD`);
});

/** Replace one value somewhere in the spec with something of a random type. */
function mutate(spec: any, path: string[], value: unknown): unknown {
  if (!path.length) return value;
  const [head, ...rest] = path;
  const base = spec && typeof spec === 'object' && !Array.isArray(spec) ? spec : {};
  return { ...base, [head!]: mutate(base[head!], rest, value) };
}

const anyValue = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
  fc.double(),
);
const pathSeg = fc.constantFrom(
  'namespace',
  'loki',
  'tempo',
  'pyroscope',
  'storage',
  'size',
  'retention',
  'rules',
  'route',
  'hostname',
  'gateway',
  'flux',
  'interval',
  'values',
  'objectStorage',
  'mode',
  'replicas',
  'grafana',
  'output',
  'layout',
  'x',
);

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

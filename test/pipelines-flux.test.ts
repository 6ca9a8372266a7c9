// Flux runs no KRM functions: users render with kpt, commit the output, and a Flux Kustomization
// applies it with post-build substitution. This renders real packages with kpt, builds them the
// way kustomize-controller does (a generated kustomization.yaml, builtin plugins only) and applies
// Flux's substitution (test/support/flux-envsubst/, strict mode as in Flux >= 1.9) to every
// rendered object file.
import test from 'ava';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import YAML from 'yaml';
import { FLUX_SUBSTITUTE } from '../functions/krm/annotations.ts';
import { FluxSubstitutionError, applyToObject, findReferences } from './support/flux-envsubst/substitute.ts';
import { writeFluxKustomization } from './support/flux-kustomize.ts';
import { KIND } from '../functions/observability-stack/schema.ts';
import {
  CI,
  ROOT,
  bundle,
  copyDir,
  exampleDirs,
  parseDocs,
  pipelineOf,
  pipelineTest,
  readTree,
  removeGenerated,
  run,
  show,
  tempDir,
  useExec,
} from './support/pipelines.ts';

// A typical cluster-secrets set; SECRET_DOMAIN is the one our test config uses.
const SAMPLE: Record<string, string> = { SECRET_DOMAIN: 'example.org', CLUSTER_NAME: 'main', TIMEZONE: 'Europe/Berlin' };

interface Rendered {
  dir: string;
  /** Rendered object files (relative path -> objects), without the config and the Kptfile. */
  files: Record<string, any[]>;
  /** The variables the function reported in its info result (tags.variables), in order. */
  reported: string[];
  infos: any[];
}

/** Renders a package with `kpt fn render --allow-exec` (Kptfile images -> dist bundles). */
function render(t: import('ava').ExecutionContext, src: string, edit?: (dir: string) => void): Rendered {
  const dir = copyDir(src, basename(src));
  useExec(dir);
  removeGenerated(dir);
  edit?.(dir);
  const results = tempDir('results');
  const r = run('kpt', ['fn', 'render', dir, '--allow-exec', '--results-dir', results]);
  if (r.status !== 0) throw new Error(`kpt fn render ${src} failed:\n${show(r)}`);
  const list = YAML.parse(readFileSync(join(results, 'results.yaml'), 'utf8'));
  const infos = (list.items ?? []).flatMap((i: any) => i.results ?? []).filter((x: any) => x.severity === 'info');
  const vars = infos.filter((x: any) => x.tags?.variables !== undefined);
  t.true(vars.length <= 1, 'one variables result per render');
  const files: Record<string, any[]> = {};
  for (const [p, text] of Object.entries(readTree(dir))) {
    if (!/\.ya?ml$/.test(p)) continue;
    const objects = parseDocs(text).filter((o) => o.kind !== KIND);
    if (objects.length) files[p] = objects;
  }
  return { dir, files, infos, reported: vars[0]?.tags.variables.split(',').filter(Boolean) ?? [] };
}

const optedOut = (o: any) => o?.metadata?.labels?.[FLUX_SUBSTITUTE] === 'disabled' || o?.metadata?.annotations?.[FLUX_SUBSTITUTE] === 'disabled';

/**
 * An independent model of what Flux should do to our output: `$${` -> `${` (an escaped literal),
 * `${NAME}` -> its value, in keys and values; opted-out objects untouched. Any other `${` form and
 * any other `$$` (Flux would halve it) in our output is a bug.
 */
function model(o: any, vars: Record<string, string>): any {
  if (optedOut(o)) return o;
  const str = (s: string) => {
    let out = '';
    for (let i = 0; i < s.length; ) {
      if (s.startsWith('$${', i)) {
        out += '${'; // the escape flux-protect emits for a literal `${`
        i += 3;
      } else if (s.startsWith('$$', i)) {
        throw new Error(`unescaped $$ in our output (Flux halves it): ${s.slice(Math.max(0, i - 20), i + 20)}`);
      } else if (s.startsWith('${', i)) {
        const m = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(s.slice(i));
        if (!m) throw new Error(`unexpected substitution expression in our output: ${s.slice(i, i + 40)}`);
        if (!(m[1]! in vars)) throw new Error(`variable ${m[1]} is not in the test's set`);
        out += vars[m[1]!];
        i += m[0].length;
      } else out += s[i++];
    }
    return out;
  };
  const walk = (v: any): any =>
    typeof v === 'string'
      ? str(v)
      : Array.isArray(v)
        ? v.map(walk)
        : v && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [str(k), walk(x)]))
          : v;
  return walk(o);
}

/** Substitutes every rendered object as Flux would and checks it against the model. */
function substituteAll(t: import('ava').ExecutionContext, r: Rendered, vars: Record<string, string>) {
  const out: Record<string, any[]> = {};
  for (const [p, objects] of Object.entries(r.files)) {
    out[p] = objects.map((o) => {
      let after: any;
      t.notThrows(() => (after = applyToObject(o, vars, { strict: true })), `${p}: Flux substitution fails`);
      t.deepEqual(after, model(o, vars), `${p} ${o.kind}/${o.metadata?.name}: substitution changed more than the variables`);
      return after;
    });
  }
  return out;
}

/** Every `${` reference Flux would substitute, over the objects it does not skip. */
const referenced = (r: Rendered) =>
  [
    ...new Set(
      Object.values(r.files)
        .flat()
        .filter((o) => !optedOut(o))
        .flatMap((o) => findReferences(YAML.stringify(o)).map((x) => x.name)),
    ),
  ].sort();

const QUICKSTART = join(ROOT, 'examples', 'quickstart');

pipelineTest('flux: the rendered quickstart survives strict substitution unchanged and needs no variables', ['kpt'], (t) => {
  const r = render(t, QUICKSTART);
  t.true(Object.keys(r.files).length >= 3, 'rendered object files');
  t.deepEqual(r.reported, [], 'the quickstart expects no Flux variables');
  t.deepEqual(referenced(r), []);
  const after = substituteAll(t, r, SAMPLE);
  t.deepEqual(after, r.files, 'substitution changed the quickstart output');
});

const withDomain = (dir: string) => {
  const file = join(dir, 'config.yaml');
  const cfg = YAML.parse(readFileSync(file, 'utf8'));
  cfg.spec.pyroscope = { ...cfg.spec.pyroscope, route: { ...cfg.spec.pyroscope?.route, hostname: 'pyroscope.${SECRET_DOMAIN}' } };
  writeFileSync(file, YAML.stringify(cfg));
};

pipelineTest('flux: a config with pyroscope.${SECRET_DOMAIN} gets only that variable substituted', ['kpt'], (t) => {
  const r = render(t, QUICKSTART, withDomain);
  t.deepEqual(r.reported, ['SECRET_DOMAIN']);
  const info = r.infos.find((x) => x.tags?.variables);
  t.is(
    info.message,
    "the output expects Flux post-build variables: SECRET_DOMAIN. Define them in the applying Kustomization's postBuild.substitute or substituteFrom.",
  );
  t.deepEqual(info.tags, { variables: 'SECRET_DOMAIN' });
  t.is(info.resourceRef.kind, KIND);
  t.deepEqual(referenced(r), r.reported, 'the reported variables are exactly those the output references');

  const after = substituteAll(t, r, SAMPLE);
  const route = after['observability/pyroscope/httproute.yaml']?.[0];
  t.deepEqual(route?.spec.hostnames, ['pyroscope.example.org']);
  let changed = 0;
  for (const [p, objects] of Object.entries(after))
    for (const [i, o] of objects.entries()) changed += Number(JSON.stringify(o) !== JSON.stringify(r.files[p]![i]));
  t.is(changed, 1, 'only the HTTPRoute changes');

  // Strict mode: the reported set is enough, one less fails the whole Flux Kustomization.
  const only = Object.fromEntries(r.reported.map((v) => [v, SAMPLE[v]!]));
  t.notThrows(() => substituteAll(t, r, only));
  const routeBefore = r.files['observability/pyroscope/httproute.yaml']![0];
  const err = t.throws(() => applyToObject(routeBefore, { CLUSTER_NAME: 'main' }, { strict: true }));
  t.true(err instanceof FluxSubstitutionError);
  t.regex(err!.message, /variable not set \(strict mode\): "SECRET_DOMAIN"/);
});

const SCALABLE = join(ROOT, 'examples', 'scalable-s3');
const hasScalable = existsSync(join(SCALABLE, 'Kptfile'));
const scalableWhy = hasScalable ? [] : ['examples/scalable-s3 is not there'];

pipelineTest(
  'flux: object-storage credentials `${AWS_...}` survive: opted out alone, `$${` beside a user variable',
  ['kpt'],
  (t) => {
    // Alone: the HelmRelease opts out of substitution and keeps `${AWS_ACCESS_KEY_ID}` as is.
    const plain = render(t, SCALABLE);
    const lokiPlain = plain.files['observability/loki/helmrelease.yaml']![0];
    t.true(optedOut(lokiPlain));
    t.true(JSON.stringify(lokiPlain).includes('${AWS_ACCESS_KEY_ID}'));
    t.deepEqual(applyToObject(lokiPlain, SAMPLE, { strict: true }), lokiPlain);

    // With a user variable in the same object: no opt-out (the variable must be substituted), the
    // literal is escaped, and Flux gives back exactly `${AWS_ACCESS_KEY_ID}` next to the substituted value.
    const mixed = render(t, SCALABLE, (dir) => {
      const file = join(dir, 'config.yaml');
      const cfg = YAML.parse(readFileSync(file, 'utf8'));
      cfg.spec.loki = { ...cfg.spec.loki, values: { global: { clusterDomain: '${CLUSTER_DOMAIN}' } } };
      writeFileSync(file, YAML.stringify(cfg));
    });
    t.deepEqual(mixed.reported, ['CLUSTER_DOMAIN']);
    const loki = mixed.files['observability/loki/helmrelease.yaml']![0];
    t.false(optedOut(loki));
    t.true(JSON.stringify(loki).includes('$${AWS_ACCESS_KEY_ID}'));
    const after = substituteAll(t, mixed, { ...SAMPLE, CLUSTER_DOMAIN: 'cluster.local' })['observability/loki/helmrelease.yaml']![0];
    const text = JSON.stringify(after);
    t.true(text.includes('"${AWS_ACCESS_KEY_ID}"') && text.includes('"${AWS_SECRET_ACCESS_KEY}"'), 'credentials references intact');
    t.is(after.spec.values.global.clusterDomain, 'cluster.local');
    t.false(text.includes('$$'));
  },
  scalableWhy,
);

// ---- every example, as Flux would build and substitute it --------------------------------------

/** `kustomize build` of a Flux Kustomization's path, as kustomize-controller runs it. */
function fluxBuild(dir: string) {
  writeFluxKustomization(dir);
  // No --enable-alpha-plugins: Flux builds with builtin plugins only.
  return run('kubectl', ['kustomize', dir]);
}

const isFluxKustomization = (o: any) => o.apiVersion?.startsWith('kustomize.toolkit.fluxcd.io/') && o.kind === 'Kustomization';
const isLocal = (o: any) => {
  const v = o?.metadata?.annotations?.['config.kubernetes.io/local-config'];
  return v !== undefined && v !== 'false';
};

/** The package directory a Flux Kustomization's spec.path (a path in the Git source) names: the longest matching suffix. */
function dirForPath(pkg: string, path: string): string | undefined {
  const want = path.replace(/^\.\//, '').replace(/\/$/, '');
  let best: string | undefined;
  const walk = (d: string) => {
    const rel = relative(pkg, d);
    if (rel && (want === rel || want.endsWith(`/${rel}`)) && (!best || rel.length > relative(pkg, best).length)) best = d;
    for (const e of readdirSync(d)) if (statSync(join(d, e)).isDirectory()) walk(join(d, e));
  };
  walk(pkg);
  return best;
}

/**
 * What Flux applies from a rendered package: the user's Kustomization (with postBuild) builds the
 * package root; every Flux Kustomization in the result builds its own path in turn, substituting
 * only when it has postBuild. Returns the applied objects and what would go wrong.
 */
function fluxApply(pkg: string, vars: Record<string, string>) {
  const applied: any[] = [];
  const problems: string[] = [];
  const visit = (dir: string, postBuild: boolean, via: string, depth: number) => {
    if (depth > 5) return void problems.push(`${via}: Kustomizations nest deeper than 5`);
    const built = fluxBuild(dir);
    if (built.status !== 0) return void problems.push(`${via}: kustomize build failed: ${built.stderr.trim()}`);
    for (const o of parseDocs(built.stdout)) {
      const refs = findReferences(YAML.stringify(o)).filter((x) => !x.hasDefault);
      if (!postBuild && !optedOut(o) && refs.length)
        problems.push(`${via} has no postBuild, but ${o.kind}/${o.metadata?.name} needs ${refs.map((x) => x.name).join(', ')}`);
      let after = o;
      try {
        after = postBuild ? applyToObject(o, vars, { strict: true }) : o;
      } catch (e) {
        problems.push(`${via}: ${o.kind}/${o.metadata?.name}: ${(e as Error).message}`);
      }
      applied.push(after);
      if (isFluxKustomization(o) && o.spec?.path) {
        const sub = dirForPath(pkg, o.spec.path);
        if (!sub) problems.push(`Kustomization ${o.metadata.name}: spec.path ${o.spec.path} is not in the rendered package`);
        else visit(sub, Boolean(o.spec.postBuild), `Kustomization ${o.metadata.name}`, depth + 1);
      }
    }
  };
  visit(pkg, true, 'the user Kustomization of the package root', 0);
  return { applied, problems };
}

for (const dir of exampleDirs()) {
  const name = basename(dir);
  const absent = pipelineOf(dir)
    .filter((s) => !existsSync(bundle(s.fn)))
    .map((s) => `dist/${s.fn}.cjs`);
  if (absent.length && !CI) {
    test.skip(`flux: examples/${name} [skipped: its pipeline names ${absent.join(', ')}, not built yet]`, () => {});
    continue;
  }
  pipelineTest(`flux: examples/${name} builds like kustomize-controller and survives strict substitution`, ['kpt', 'kubectl'], (t) => {
    const r = render(t, dir);
    t.deepEqual(referenced(r), r.reported, 'the reported variables are exactly those the output references');
    const vars = { ...SAMPLE, ...Object.fromEntries(r.reported.map((v) => [v, SAMPLE[v] ?? `${v.toLowerCase()}-value`])) };
    substituteAll(t, r, vars);

    // Generated literals (`${...}` that must reach the cluster) survive: opted out, or escaped as `$${`.
    const literalCount = { optedOut: 0, escaped: 0 };
    for (const [p, objects] of Object.entries(r.files)) {
      for (const o of objects) {
        const text = JSON.stringify(o);
        if (optedOut(o) && text.includes('${')) {
          literalCount.optedOut++;
          t.deepEqual(applyToObject(o, vars, { strict: true }), o, `${p}: an opted-out object changed`);
        }
        for (const m of optedOut(o) ? [] : text.matchAll(/\$\$\{[^}"]*\}/g)) {
          literalCount.escaped++;
          t.true(JSON.stringify(applyToObject(o, vars, { strict: true })).includes(m[0].slice(1)), `${p}: ${m[0]} did not become ${m[0].slice(1)}`);
        }
      }
    }

    t.log(`generated literals checked: ${literalCount.optedOut} opted-out objects, ${literalCount.escaped} escaped references`);

    // What Flux applies: every rendered object except local config, once, substituted where a postBuild runs.
    const { applied, problems } = fluxApply(r.dir, vars);
    t.deepEqual(problems, []);
    t.false(
      applied.some((o) => o.kind === KIND || o.kind === 'Kptfile' || isLocal(o)),
      'local config would be applied',
    );
    const key = (o: any) => `${o.apiVersion}/${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
    const rendered = Object.values(r.files)
      .flat()
      .filter((o) => !isLocal(o) && !isOurKustomizeFile(o));
    t.deepEqual(applied.map(key).sort(), rendered.map(key).sort(), 'Flux would apply a different set of objects (or one twice)');
  });
}

/** kustomization.yaml files in the package (the user's or generated): kustomize input, never applied. */
const isOurKustomizeFile = (o: any) => o.apiVersion?.startsWith('kustomize.config.k8s.io/');

pipelineTest('flux: a rendered package with a user variable and no Kustomization file builds with the config dropped', ['kpt', 'kubectl'], (t) => {
  const r = render(t, QUICKSTART, withDomain);
  const built = fluxBuild(r.dir);
  t.is(built.status, 0, show(built));
  const objects = parseDocs(built.stdout);
  t.true(
    objects.some((o) => o.kind === 'HTTPRoute' && o.spec.hostnames[0] === 'pyroscope.${SECRET_DOMAIN}'),
    'kustomize build keeps ${SECRET_DOMAIN} for Flux',
  );
  t.false(objects.some((o) => o.kind === KIND));
});

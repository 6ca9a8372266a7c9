// The user-facing docs stay true: the generated field table, links, kpt catalog metadata, the
// examples they list, --help, the README sections and the CHANGELOG's version.
import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import YAML from 'yaml';
import { ROOT as SCRIPTS_ROOT, BEGIN, END, artifacts, loadKinds } from '../scripts/gen-schema.ts';
import { ROOT, runFn } from './support/fn.ts';
import { exampleNames } from './support/tree.ts';

const FN = 'observability-stack';
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');
const DOC = `docs/${FN}.md`;
const doc = read(DOC);
const kptfile = (name: string) => YAML.parse(read(`examples/${name}/Kptfile`));
const usesFn = (name: string) => (kptfile(name).pipeline?.mutators ?? []).some((m: any) => String(m.image).includes(`/${FN}:`));
const examples = exampleNames(ROOT).filter(usesFn);

test('the field table in docs/observability-stack.md is fresh (npm run schema)', async (t) => {
  t.is(resolve(SCRIPTS_ROOT), resolve(ROOT));
  const generated = (await artifacts())[DOC];
  if (!generated) {
    t.fail(`${DOC} lost its GENERATED markers`);
    return;
  }
  t.is(doc, generated, 'run npm run schema');
});

test('the field table has a row for every field of the schema', async (t) => {
  const table = doc.slice(doc.indexOf(BEGIN), doc.indexOf(END));
  const rows = new Set([...table.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]));
  const paths: string[] = [];
  const walk = (n: any, p: string) => {
    for (const [k, c] of Object.entries<any>(n.properties ?? {})) {
      paths.push(p + k);
      walk(c, `${p}${k}.`);
      if (c.items?.properties) walk(c.items, `${p}${k}[].`);
    }
  };
  walk((await loadKinds()).find((k) => k.fn === FN)!.jsonSchema, '');
  t.true(paths.length > 100);
  t.deepEqual(
    paths.filter((p) => !rows.has(p)),
    [],
  );
  t.true(rows.has('spec.output.layout') && rows.has('spec.grafana.datasources.uids.prometheus'));
});

test('relative links in docs/observability-stack.md point at files that exist', (t) => {
  let n = 0;
  for (const m of doc.matchAll(/\]\((\.\.?\/[^)#\s]+)(#[^)]*)?\)/g)) {
    n++;
    t.true(existsSync(resolve(ROOT, 'docs', m[1]!)), `${DOC}: ${m[1]}`);
  }
  t.true(n >= 5);
});

test('docs list every example package that runs the function', (t) => {
  t.true(examples.includes('quickstart') && examples.includes('home-ops-layout'));
  for (const name of examples) t.true(doc.includes(`](../examples/${name})`), `${DOC} does not list examples/${name}`);
});

test('docs/observability-stack/metadata.yaml has the kpt catalog shape and names real examples', (t) => {
  const meta = YAML.parse(read(`docs/${FN}/metadata.yaml`));
  t.deepEqual(Object.keys(meta).sort(), ['description', 'examplePackageURLs', 'image', 'license', 'sourceURL', 'tags']);
  const images = new Set(examples.flatMap((n) => kptfile(n).pipeline.mutators.map((m: any) => String(m.image).replace(/:[^:/]+$/, ''))));
  t.true(images.has(meta.image), `image ${meta.image} is not what the examples run`);
  t.true(Array.isArray(meta.tags) && meta.tags.every((x: unknown) => typeof x === 'string'));
  t.is(meta.license, JSON.parse(read('package.json')).license);
  t.regex(meta.sourceURL, new RegExp(`/tree/[^/]+/functions/${FN}$`));
  t.true(existsSync(join(ROOT, 'functions', FN)));
  const listed = meta.examplePackageURLs.map((u: string) => /\/tree\/[^/]+\/examples\/([^/]+)$/.exec(u)?.[1]);
  t.deepEqual([...listed].sort(), [...examples].sort(), 'examplePackageURLs are exactly the examples that run the function');
});

test('--help prints the usage, naming docs and schema files that exist', (t) => {
  const r = runFn(FN, '', ['--help']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^observability-stack: /);
  t.true(r.stdout.includes(DOC));
  const paths = [...r.stdout.matchAll(/\b((?:docs|schemas)\/[\w./-]+\.(?:md|json))/g)].map((m) => m[1]!);
  t.true(paths.length >= 2);
  for (const p of paths) t.true(existsSync(join(ROOT, p)), p);
});

test('README: the yaml-language-server line, by URL and by relative path, names the committed schema', (t) => {
  const text = read('README.md');
  const lines = [...text.matchAll(/^# yaml-language-server: \$schema=(\S+)$/gm)].map((m) => m[1]!);
  const url = lines.find((l) => l.startsWith('https://'));
  const rel = lines.find((l) => l.startsWith('.'));
  t.truthy(url);
  t.truthy(rel);
  t.regex(url!, /\/schemas\/observabilityconfig\.v1alpha1\.json$/);
  // The relative form is written for examples/<name>/config.yaml.
  t.true(existsSync(resolve(ROOT, 'examples', 'quickstart', rel!)), rel);
  for (const s of ['spec.output.layout', 'home-ops', 'grafana_datasource', 'kpt fn render']) t.true(text.includes(s), s);
});

test('example configs carry no yaml-language-server line (they are golden files)', (t) => {
  for (const name of exampleNames(ROOT)) {
    const file = `examples/${name}/config.yaml`;
    if (existsSync(join(ROOT, file))) t.false(read(file).includes('yaml-language-server'), file);
  }
});

test('CHANGELOG: Keep a Changelog, the package version, and a Breaking changes convention', (t) => {
  const log = read('CHANGELOG.md');
  const version = JSON.parse(read('package.json')).version;
  const first = /^## \[(\d+\.\d+\.\d+)\]/m.exec(log);
  t.is(first?.[1], version, 'the newest CHANGELOG entry is the package version');
  t.true(log.includes('keepachangelog.com'));
  t.true(log.includes('### Breaking changes'));
  t.regex(log, new RegExp(`^\\[${version.replace(/\./g, '\\.')}\\]: https://`, 'm'));
  // Example Kptfiles run the release they ship with (Renovate does not touch them).
  for (const name of examples) {
    for (const m of kptfile(name).pipeline.mutators) t.true(String(m.image).endsWith(`:${version}`), `examples/${name}: ${m.image}`);
  }
});

// The release, checked offline: the workflow (.github/workflows/release.yml) parses and publishes
// what the docs promise, every published image reference and schema URL agrees with package.json,
// local builds never take the published names, and the CHANGELOG step stamps the right section.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import YAML from 'yaml';
import { REPOSITORY_URL, docUrl, schemaUrl } from '../functions/common/links.ts';
import { ROOT } from './support/fn.ts';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const VERSION: string = pkg.version;
const WORKFLOW = join(ROOT, '.github/workflows/release.yml');
const PUBLISHED = 'ghcr.io/observability-krm';
const functions = readdirSync(join(ROOT, 'functions'))
  .filter((d) => existsSync(join(ROOT, 'functions', d, 'main.ts')))
  .sort();

const workflowText = () => readFileSync(WORKFLOW, 'utf8');
const workflow = () => YAML.parse(workflowText());

/** GitHub's filter patterns for tags: `*` is any run of characters except `/`. */
const tagMatches = (pattern: string, tag: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`).test(tag);

test("the workflow parses and runs on v* tags only, including this version's tag", (t) => {
  const wf = workflow();
  // YAML 1.1 readers (GitHub's) turn a bare `on` into true: it must be the key "on".
  const on = wf.on;
  t.truthy(on, 'the workflow has an "on" key');
  t.deepEqual(Object.keys(on), ['push']);
  const tags: string[] = on.push.tags;
  t.true(
    tags.some((p) => tagMatches(p, `v${VERSION}`)),
    `no pattern matches v${VERSION}`,
  );
  for (const notATag of [VERSION, 'latest', 'main', 'vnext'])
    t.false(
      tags.some((p) => tagMatches(p, notATag)),
      notATag,
    );
  t.is(on.push.branches, undefined);
  t.like(wf.permissions, { contents: 'write', packages: 'write' });
});

test('the workflow checks the tag against package.json, then pushes every function for amd64 and arm64', (t) => {
  const wf = workflow();
  t.is(wf.env.REGISTRY, PUBLISHED);
  t.deepEqual(String(wf.env.FUNCTIONS).split(/\s+/).sort(), functions, 'every function with a main.ts is released');
  t.deepEqual(String(wf.env.PLATFORMS).split(','), ['linux/amd64', 'linux/arm64']);
  const script = wf.jobs.release.steps.map((s: any) => s.run ?? '').join('\n');
  t.regex(script, /"\$GITHUB_REF_NAME" != "v\$version"/, 'the tag must equal v<package.json version>');
  t.regex(script, /--tag "\$REGISTRY\/\$fn:\$VERSION"/);
  t.regex(script, /--platform "\$PLATFORMS"/);
  t.regex(script, /--push/);
  t.regex(script, /gh release create "\$GITHUB_REF_NAME"[\s\S]*dist\/\*\.cjs schemas\/\*\.json/, 'bundles and schemas are attached');
  t.regex(script, /node scripts\/release-notes\.mjs "\$VERSION"/);
  const uses = wf.jobs.release.steps.map((s: any) => s.uses).filter(Boolean);
  for (const action of ['actions/checkout', 'actions/setup-node', 'docker/setup-qemu-action', 'docker/setup-buildx-action', 'docker/login-action']) {
    t.true(
      uses.some((u: string) => u.startsWith(`${action}@`)),
      action,
    );
  }
  // The Dockerfile the workflow builds takes the arguments it passes.
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  for (const arg of ['FUNCTION', 'VERSION', 'DESCRIPTION', 'SOURCE']) {
    t.regex(dockerfile, new RegExp(`^ARG ${arg}\\b`, 'm'));
    t.regex(script, new RegExp(`--build-arg ${arg}=`));
  }
});

/** Text files users read: README, docs, examples, CHANGELOG (generated objects excluded). */
function userFiles(): [string, string][] {
  const out: [string, string][] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(md|ya?ml)$|^Kptfile$/.test(e.name)) out.push([relative(ROOT, p), readFileSync(p, 'utf8')]);
    }
  };
  for (const d of ['docs', 'examples']) walk(join(ROOT, d));
  for (const f of ['README.md', 'CHANGELOG.md']) out.push([f, readFileSync(join(ROOT, f), 'utf8')]);
  return out;
}

test('every published image reference names a released function at the package version', (t) => {
  let n = 0;
  for (const [file, text] of userFiles()) {
    for (const m of text.matchAll(/ghcr\.io\/observability-krm\/([a-z0-9-<>]+)(?::([0-9A-Za-z.+-]+))?/g)) {
      const [ref, fn, tag] = m;
      if (fn === '<function>' || fn === '<fn>') continue; // the naming pattern itself
      t.true(functions.includes(fn!), `${file}: ${ref} names no function`);
      if (tag !== undefined && !/^X\.Y\.Z$/.test(tag)) t.is(tag, VERSION, `${file}: ${ref}`);
      n++;
    }
  }
  t.true(n >= 5, `${n} references checked`);
  for (const dir of readdirSync(join(ROOT, 'examples'))) {
    const kptfile = join(ROOT, 'examples', dir, 'Kptfile');
    if (!existsSync(kptfile)) continue;
    for (const m of YAML.parse(readFileSync(kptfile, 'utf8')).pipeline?.mutators ?? []) {
      t.regex(
        m.image,
        new RegExp(`^${PUBLISHED.replace(/\./g, '\\.')}/[a-z-]+:${VERSION.replace(/\./g, '\\.')}$`),
        `examples/${dir}: Kptfiles name the published release`,
      );
    }
  }
});

test("schema URLs and links point at this repository, at main or this version's tag, and at files that exist", (t) => {
  const repo = String(pkg.repository?.url ?? pkg.repository)
    .replace(/^git\+/, '')
    .replace(/\.git$/, '');
  t.is(repo, REPOSITORY_URL);
  t.is(pkg.homepage, REPOSITORY_URL);
  let n = 0;
  for (const [file, text] of [...userFiles(), ['functions/common/links.ts (schemaUrl)', schemaUrl('observabilityconfig.v1alpha1.json')] as [string, string]]) {
    for (const m of text.matchAll(/https:\/\/raw\.githubusercontent\.com\/([^/\s]+\/[^/\s]+)\/([^/\s]+)\/(schemas\/[^\s`"')]+)/g)) {
      const [url, repository, ref, path] = m;
      t.is(`https://github.com/${repository}`, REPOSITORY_URL, `${file}: ${url}`);
      t.true(ref === 'main' || ref === `v${VERSION}`, `${file}: ${url} pins ${ref}`);
      t.true(existsSync(join(ROOT, path!)), `${file}: ${url}: no ${path}`);
      n++;
    }
  }
  t.true(n >= 2, `${n} schema URLs checked`);
  t.is(docUrl('docs/loki-rules.md'), `${REPOSITORY_URL}/blob/v${VERSION}/docs/loki-rules.md`);
});

test('--help links are absolute and point at files of this release', (t) => {
  for (const fn of functions) {
    const r = spawnSync(process.execPath, ['--import=tsx', join(ROOT, 'functions', fn, 'main.ts'), '--help'], { encoding: 'utf8', cwd: ROOT });
    t.is(r.status, 0, r.stderr);
    const links = [...r.stdout.matchAll(/https:\/\/\S+/g)].map((m) => m[0]);
    t.true(links.length >= 2, fn);
    for (const l of links) {
      const file =
        new RegExp(`^${REPOSITORY_URL.replace(/\./g, '\\.')}/blob/v${VERSION.replace(/\./g, '\\.')}/(\\S+)$`).exec(l)?.[1] ??
        /^https:\/\/raw\.githubusercontent\.com\/observability-krm\/observability-krm\/v[\d.]+\/(\S+)$/.exec(l)?.[1];
      t.truthy(file, `${fn}: ${l}`);
      t.true(existsSync(join(ROOT, file!)), `${fn}: ${l}`);
    }
    t.notRegex(r.stdout, /(^|\s)(docs\/|schemas\/|README\.md)/, `${fn}: a repository-relative path`);
  }
});

test('local builds are tagged localhost/observability-krm/<fn>:dev, never with the published name', (t) => {
  const script = readFileSync(join(ROOT, 'scripts/image.mjs'), 'utf8');
  t.regex(script, /process\.env\.IMAGE_REGISTRY \|\| 'localhost\/observability-krm'/);
  t.regex(script, /process\.env\.IMAGE_TAG \|\| 'dev'/);
  t.notRegex(script, /\|\| 'ghcr\.io/);
});

test("release-notes.mjs stamps the version's CHANGELOG section once and prints it", (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'okrm-release-'));
  try {
    const file = join(dir, 'CHANGELOG.md');
    const original = readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8');
    t.regex(
      original,
      new RegExp(`^## \\[${VERSION.replace(/\./g, '\\.')}\\] - (Unreleased|\\d{4}-\\d{2}-\\d{2})$`, 'm'),
      'the CHANGELOG has a section for the package version',
    );
    writeFileSync(file, original);
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [join(ROOT, 'scripts/release-notes.mjs'), ...args, '--changelog', file], { encoding: 'utf8' });
    const checked = run(VERSION, '--check');
    t.is(checked.status, 0, checked.stderr);
    t.is(readFileSync(file, 'utf8'), original, '--check writes nothing');
    const first = run(`v${VERSION}`, '--date', '2031-02-03');
    t.is(first.status, 0, first.stderr);
    t.is(first.stdout, checked.stdout, 'the notes are the section');
    t.regex(first.stdout, /### Added/);
    t.notRegex(first.stdout, /^## |^\[\d/m, 'nothing from other sections or the link references');
    const stamped = readFileSync(file, 'utf8');
    if (original.includes(`## [${VERSION}] - Unreleased`)) {
      t.is(stamped, original.replace(`## [${VERSION}] - Unreleased`, `## [${VERSION}] - 2031-02-03`));
    }
    t.is(run(VERSION, '--date', '2040-01-01').status, 0);
    t.is(readFileSync(file, 'utf8'), stamped, 'a stamped section keeps its date');
    const missing = run('9.9.9');
    t.is(missing.status, 1);
    t.regex(missing.stderr, /no "## \[9\.9\.9\] - Unreleased" section/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

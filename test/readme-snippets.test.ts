// Runs the README's own snippets. In the pipelines region every fenced block must be marked:
//   <!-- test: NAME [file=PATH] [exit=N] [requires=TOOL] [output] -->
// Blocks with one NAME form a group, run in order: commands start in a fresh copy of the repository
// (the prelude sets OKRM to it and changes to the scratch directory $SCRATCH, a fresh one per group),
// `file=` writes the block into the scratch directory, a sh block runs with bash (after the `prelude` group's lines),
// `output` lists lines the previous command printed (`…` matches anything). Nothing in a
// snippet is rewritten; only the environment differs (a throwaway XDG_CONFIG_HOME for the plugin
// install, a git identity for the commit).
import test from 'ava';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import YAML from 'yaml';
import { applyToObject } from './support/flux-envsubst/substitute.ts';
import { hasSchema, validateObject } from './support/crd.ts';
import { IN_CI, missing } from './support/reference.ts';
import {
  FN,
  ROOT,
  byKey,
  ensureImages,
  generatedObjects,
  keyOf,
  parseDocs,
  pipelineTest,
  run,
  show,
  tempDir,
  type Ran,
  type Tool,
} from './support/pipelines.ts';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

interface Block {
  name: string;
  lang: string;
  body: string;
  file?: string;
  exit: number;
  requires?: string;
  output: boolean;
}

/** Marked fenced blocks in the README, in order. */
function blocks(text: string): Block[] {
  const out: Block[] = [];
  const re = /<!-- test: ([a-z0-9-]+)((?: [a-z]+(?:=[^\s]+)?)*) -->\n```(\w*)\n([\s\S]*?)\n```/g;
  for (const m of text.matchAll(re)) {
    const attrs = Object.fromEntries([...m[2]!.matchAll(/ ([a-z]+)(?:=([^\s]+))?/g)].map((a) => [a[1]!, a[2] ?? 'true']));
    out.push({
      name: m[1]!,
      lang: m[3]!,
      body: `${m[4]!}\n`,
      file: attrs.file,
      exit: Number(attrs.exit ?? 0),
      requires: attrs.requires,
      output: attrs.output === 'true',
    });
  }
  return out;
}

const region = /<!-- pipelines:start -->([\s\S]*)<!-- pipelines:end -->/.exec(README)?.[1] ?? '';
const all = blocks(region);
const prelude = all
  .filter((b) => b.name === 'prelude')
  .map((b) => b.body)
  .join('');
const groups = new Map<string, Block[]>();
for (const b of all.filter((b) => b.name !== 'prelude')) groups.set(b.name, [...(groups.get(b.name) ?? []), b]);

/** A copy of the repository without node_modules and .git: what a user has after cloning and building. */
function repoCopy(): string {
  const dir = tempDir('readme');
  cpSync(ROOT, dir, { recursive: true, filter: (src) => !/\/(node_modules|\.git)(\/|$)/.test(src.slice(ROOT.length)) });
  return dir;
}

const lineMatches = (pattern: string, text: string) => {
  const re = new RegExp(
    pattern
      .trim()
      .split('…')
      .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*'),
  );
  return text.split('\n').some((l) => re.test(l));
};

/** Runs a group; returns the scratch directory (where the snippets write), the repo copy and each command's output. */
function runGroup(t: import('ava').ExecutionContext, group: Block[], env: NodeJS.ProcessEnv, setup?: (dir: string) => void) {
  const repo = repoCopy();
  const dir = tempDir('scratch');
  setup?.(dir);
  const outputs: Ran[] = [];
  for (const b of group) {
    if (b.file) {
      const target = resolve(dir, b.file);
      t.true(target.startsWith(`${dir}/`), `file=${b.file} stays inside the copy`);
      mkdirSync(resolve(target, '..'), { recursive: true });
      writeFileSync(target, b.body);
    } else if (b.output) {
      const last = outputs.at(-1);
      t.truthy(last, 'an output block follows a command');
      for (const line of b.body.split('\n').filter((l) => l.trim()))
        t.true(lineMatches(line, `${last!.stdout}\n${last!.stderr}`), `not printed: ${line}\n${show(last!)}`);
    } else if (b.requires && run('sh', ['-c', `command -v ${b.requires}`]).status !== 0) {
      t.log(`not run: needs ${b.requires}, which is not installed here:\n${b.body}`);
    } else {
      t.is(b.lang, 'sh', 'commands are sh blocks');
      const r = run('bash', ['-e', '-o', 'pipefail', '-c', `${prelude}${b.body}`], { cwd: repo, env: { ...env, SCRATCH: dir } });
      t.is(r.status, b.exit, `${b.body}\n${show(r)}`);
      outputs.push(r);
    }
  }
  return { dir, repo, outputs };
}

const quickstartObjects = () => byKey(generatedObjects(join(ROOT, 'examples', 'quickstart')));
const kinds = (objects: any[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();

interface Check {
  tools: Tool[];
  images?: boolean;
  env?: () => NodeJS.ProcessEnv;
  setup?: (dir: string) => void;
  check: (t: import('ava').ExecutionContext, dir: string, outputs: Ran[], repo: string) => void;
}

const releases = (objects: any[]) =>
  objects
    .filter((o) => o.kind === 'HelmRelease')
    .map((o) => o.metadata.name)
    .sort();

// What each README group must achieve, beyond its commands exiting as marked.
const checks: Record<string, Check> = {
  'kpt-render': {
    tools: ['kpt', 'podman'],
    images: true,
    check: (t, dir) => {
      const objects = generatedObjects(join(dir, 'my-stack'));
      t.deepEqual(releases(objects), ['loki', 'pyroscope', 'tempo']);
      t.deepEqual(objects.find((o) => o.kind === 'HTTPRoute')?.spec.hostnames, ['pyroscope.example.com']);
      t.true(existsSync(join(dir, 'my-stack/observability/loki/helmrelease.yaml')));
    },
  },
  'kpt-eval': {
    tools: ['kpt', 'podman'],
    images: true,
    check: (t, dir) => t.deepEqual(byKey(generatedObjects(join(dir, 'my-eval'))), quickstartObjects()),
  },
  'kustomize-container': {
    tools: ['kubectl', 'podman'],
    images: true,
    check: (t, dir) => {
      const objects = parseDocs(readFileSync(join(dir, 'stack.yaml'), 'utf8'));
      t.deepEqual(releases(objects), ['loki', 'pyroscope', 'tempo']);
      t.false(objects.some((o) => o.kind === 'ObservabilityConfig'));
      t.false(objects.some((o) => Object.keys(o.metadata.annotations ?? {}).some((k) => k.includes('config.kubernetes.io'))));
    },
  },
  'kustomize-exec': {
    tools: ['kubectl'],
    check: (t, dir, outputs) => {
      // The exec path the README shows resolves from the kustomization directory to a copy of the bundle.
      const cfg = YAML.parse(readFileSync(join(dir, 'my-exec/observability.yaml'), 'utf8'));
      const fn = YAML.parse(cfg.metadata.annotations['config.kubernetes.io/function']);
      const path = resolve(dir, 'my-exec', fn.exec.path);
      t.true(readFileSync(path).equals(readFileSync(join(ROOT, 'dist', `${FN}.cjs`))), `${path} is the bundle`);
      t.true((statSync(path).mode & 0o111) !== 0, 'the bundle is executable');
      // kubectl's run (the last command) printed nothing: the documented silent skip.
      const kubectl = outputs.at(-1)!;
      t.is(kubectl.stdout.trim(), '');
      if (run('sh', ['-c', 'command -v kustomize']).status === 0) {
        const standalone = outputs.at(-2)!;
        t.deepEqual(releases(parseDocs(standalone.stdout)), ['loki', 'pyroscope', 'tempo']);
      } else t.log('standalone kustomize is not installed (not in Debian; never downloaded): its command was not run');
    },
  },
  'kustomize-plugin': {
    tools: ['kubectl'],
    // The default plugin home is under the user's config directory: use a throwaway one.
    env: () => ({ XDG_CONFIG_HOME: tempDir('xdg'), KUSTOMIZE_PLUGIN_HOME: '' }),
    check: (t, _dir, outputs) => {
      t.regex(outputs[0]!.stdout, /\/kustomize\/plugin\/observability\.krm\.dev\/v1alpha1\/observabilityconfig\/ObservabilityConfig\n$/);
      const objects = parseDocs(outputs[1]!.stdout);
      t.deepEqual(releases(objects), ['loki', 'pyroscope', 'tempo']);
      t.false(objects.some((o) => o.kind === 'ObservabilityConfig'));
    },
  },
  flux: {
    tools: ['kpt', 'kubectl', 'podman', 'git'],
    images: true,
    env: () => ({
      GIT_AUTHOR_NAME: 'readme',
      GIT_AUTHOR_EMAIL: 'readme@example.invalid',
      GIT_COMMITTER_NAME: 'readme',
      GIT_COMMITTER_EMAIL: 'readme@example.invalid',
    }),
    setup: (dir) => {
      const r = run('git', ['init', '-q', dir]);
      if (r.status !== 0) throw new Error(show(r));
    },
    check: (t, dir, outputs) => {
      t.regex(outputs[0]!.stderr, /\[info\] .*the output expects Flux post-build variables: SECRET_DOMAIN\./);
      t.regex(
        run('git', ['-C', dir, 'log', '--name-only', '--format=%s']).stdout,
        /observability: render\n[\s\S]*cluster\/observability\/observability\/pyroscope\/httproute\.yaml/,
      );
      const ks = YAML.parse(readFileSync(join(dir, 'cluster/flux/observability.yaml'), 'utf8'));
      validateKustomization(t, ks);
      const path = resolve(dir, ks.spec.path);
      t.true(existsSync(join(path, 'config.yaml')), 'spec.path is the rendered package');
      // Flux's build of spec.path (no kustomization.yaml there: every .yaml file) and its substitution.
      const files = run('sh', ['-c', "find . -name '*.yaml' | sort"], { cwd: path }).stdout.trim().split('\n');
      writeFileSync(join(path, 'kustomization.yaml'), YAML.stringify({ resources: files }));
      const built = run('kubectl', ['kustomize', path]);
      t.is(built.status, 0, show(built));
      const applied = parseDocs(built.stdout).map((o) => applyToObject(o, { SECRET_DOMAIN: 'example.org' }, { strict: true }));
      t.false(applied.some((o) => o.kind === 'ObservabilityConfig' || o.kind === 'Kptfile'));
      t.deepEqual(applied.find((o) => o.kind === 'HTTPRoute')?.spec.hostnames, ['pyroscope.example.org']);
    },
  },
  errors: {
    tools: ['kpt'],
    check: (t, dir, _outputs, repo) => {
      t.deepEqual(readdirSync(join(dir, 'typo')), ['config.yaml'], 'a failed eval wrote nothing');
      t.deepEqual(byKey(generatedObjects(join(repo, 'examples/quickstart'))), quickstartObjects(), 'the clone is untouched');
      t.deepEqual(readdirSync(dir), ['typo'], 'the snippets wrote only into the scratch directory');
    },
  },
};

/** The Flux Kustomization against its CRD (reference data `crds/`: CI=true fails without it). */
function validateKustomization(t: import('ava').ExecutionContext, ks: any) {
  t.is(ks.apiVersion, 'kustomize.toolkit.fluxcd.io/v1');
  t.is(ks.kind, 'Kustomization');
  t.true(ks.spec.postBuild.substituteFrom.every((s: any) => ['Secret', 'ConfigMap'].includes(s.kind)));
  const why = missing({ reference: ['crds'] });
  if (why) return void (IN_CI ? t.fail(`Kustomization CRD check: ${why}; CI=true requires it`) : t.log(`Kustomization CRD check SKIPPED: ${why}`));
  t.true(hasSchema(ks.apiVersion, ks.kind), 'the reference CRDs define the Flux Kustomization');
  t.deepEqual(validateObject(ks), [], 'the README Kustomization matches the Flux CRD');
}

// ---- the tests -----------------------------------------------------------------------------------

test('README: every marked group has a check and every check a group', (t) => {
  t.true(prelude.includes('KPT_FN_RUNTIME=podman'), 'the prelude sets up podman');
  t.is(all.length, (region.match(/^```/gm) ?? []).length / 2, 'every fenced block in the pipelines region is marked');
  t.deepEqual([...groups.keys()].sort(), Object.keys(checks).sort());
  for (const [name, group] of groups)
    t.true(
      group.some((b) => !b.file && !b.output),
      `${name} runs a command`,
    );
});

for (const [name, group] of groups) {
  const c = checks[name];
  if (!c) continue;
  pipelineTest(`README: ${name}`, c.tools, (t) => {
    if (c.images) ensureImages([FN]);
    const { dir, repo, outputs } = runGroup(t, group, c.env?.() ?? {}, c.setup);
    c.check(t, dir, outputs, repo);
  });
}

// ---- the set-up block near the top -------------------------------------------------------------

const setupBlock = /## Set up\n[\s\S]*?```sh\n([\s\S]*?)\n```/.exec(README)?.[1] ?? '';

pipelineTest('README set up: `kpt fn source examples/quickstart | npx observability-stack` renders the quickstart; `npm test` exists', ['kpt'], (t) => {
  const commands = setupBlock
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter(Boolean)
    .flatMap((l) => l.split(/\s*&&\s*/));
  t.true(commands.includes('kpt fn source examples/quickstart | npx observability-stack'), `set-up block:\n${setupBlock}`);
  t.true(commands.includes('npm test'));
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  for (const cmd of commands) {
    if (cmd === 'npm test')
      t.truthy(pkg.scripts?.test, 'npm test has a script'); // running it here would recurse
    else if (cmd === 'npm ci') t.true(existsSync(join(ROOT, 'package-lock.json')), 'npm ci needs the lockfile');
    else {
      // In the repository itself: the command only reads, and npx links the project it runs in
      // into its cache (a temp copy would leave a dangling link there).
      const r = run('bash', ['-e', '-o', 'pipefail', '-c', cmd], { cwd: ROOT });
      t.is(r.status, 0, `${cmd}\n${show(r)}`);
      if (cmd.includes('observability-stack')) {
        const list = YAML.parse(r.stdout);
        t.is(list.kind, 'ResourceList');
        const generated = list.items.filter((i: any) => i.metadata?.annotations?.['observability.krm.dev/generated-by']);
        t.deepEqual(kinds(generated), kinds(Object.values(quickstartObjects())));
        t.deepEqual(generated.map(keyOf).sort(), Object.keys(quickstartObjects()).sort());
      }
    }
  }
});

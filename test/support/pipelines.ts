// Shared helpers for the end-to-end pipeline tests (kpt, kubectl kustomize, podman, Flux).
// Real tools only: a test that needs a missing tool fails in CI (CI=true) and is skipped with a
// plain reason elsewhere.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import YAML from 'yaml';
import { ROOT, bundle } from './fn.ts';

export { ROOT, bundle };
export const CI = process.env.CI === 'true';
export const SHIM_DIR = join(ROOT, 'scripts', 'docker-shim');
/** Where `npm run image` tags local builds: never the published name, which a local build would shadow. */
export const REGISTRY = 'localhost/observability-krm';
export const LOCAL_TAG = 'dev';
/** The release's images (example Kptfiles and docs name them; the release workflow pushes them). */
export const PUBLISHED_REGISTRY = 'ghcr.io/observability-krm';
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
export const VERSION: string = pkg.version;
/** The local build of a function's image, the one tests run. */
export const imageRef = (fn: string) => `${REGISTRY}/${fn}:${LOCAL_TAG}`;
export const publishedRef = (fn: string) => `${PUBLISHED_REGISTRY}/${fn}:${VERSION}`;
export const FN = 'observability-stack';

export interface Ran {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; never throws (a missing binary gives status 127). */
export function run(cmd: string, args: string[], o: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Ran {
  const r = spawnSync(cmd, args, {
    cwd: o.cwd ?? ROOT,
    env: { ...process.env, ...o.env },
    input: o.input,
    encoding: 'utf8',
    maxBuffer: 256 << 20,
  });
  return { status: r.error ? 127 : (r.status ?? 128), stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
}

export const show = (r: Ran) => `exit ${r.status}\n--- stdout\n${r.stdout.slice(-3000)}\n--- stderr\n${r.stderr.slice(-3000)}`;

// ---- tools -------------------------------------------------------------------------------------

const probes: Record<Tool, () => boolean> = {
  kpt: () => run('kpt', ['version']).status === 0,
  kubectl: () => run('kubectl', ['version', '--client']).status === 0,
  podman: () => run('podman', ['info']).status === 0,
  git: () => run('git', ['--version']).status === 0,
};
export type Tool = 'kpt' | 'kubectl' | 'podman' | 'git';
const known = new Map<Tool, boolean>();
export const have = (tool: Tool) => {
  if (!known.has(tool)) known.set(tool, probes[tool]());
  return known.get(tool)!;
};

/** Why a test cannot run here, or undefined. */
export function missing(tools: Tool[], extra: string[] = []): string | undefined {
  const why = [...tools.filter((t) => !have(t)).map((t) => `${t} not found`), ...extra];
  return why.length ? why.join(', ') : undefined;
}

/**
 * Declares a test that needs real tools. Missing tools: a failing test in CI, a skipped test with
 * the reason in its title elsewhere.
 */
export function pipelineTest(title: string, tools: Tool[], fn: (t: import('ava').ExecutionContext) => void | Promise<void>, extra: string[] = []): void {
  const why = missing(tools, extra);
  if (!why) return void test(title, fn);
  if (CI) return void test(title, (t) => t.fail(`cannot run in CI: ${why} (CI machines must have it)`));
  process.stderr.write(`pipelines: skipping "${title}": ${why}\n`);
  test.skip(`${title} [skipped: ${why}]`, () => {});
}

// ---- environments ------------------------------------------------------------------------------

/** kpt runs container functions with podman (it refuses the docker shim's client version). */
export const kptEnv = (): NodeJS.ProcessEnv => ({ KPT_FN_RUNTIME: 'podman' });
/** kubectl's kustomize calls `docker run`: the shim sends it to podman. */
export const shimEnv = (): NodeJS.ProcessEnv => ({ PATH: `${SHIM_DIR}:${process.env.PATH}` });

// ---- images ------------------------------------------------------------------------------------

const sha256 = (buf: Buffer | string) => createHash('sha256').update(buf).digest('hex');

/** sha256 of the bundle inside the image (its own node reads it), or undefined without the image. */
function imageBundleHash(fn: string): string | undefined {
  const script = "process.stdout.write(require('crypto').createHash('sha256').update(require('fs').readFileSync('/fn/main.cjs')).digest('hex'))";
  const r = run('podman', ['run', '--rm', '--network', 'none', '--entrypoint', '/nodejs/bin/node', imageRef(fn), '-e', script]);
  return r.status === 0 ? r.stdout.trim() : undefined;
}
// Bundle hashes already found in the image by this process: one container run per bundle version.
const verified = new Map<string, string>();
const fresh = (fn: string) => {
  if (!existsSync(bundle(fn))) return false;
  const want = sha256(readFileSync(bundle(fn)));
  if (verified.get(fn) === want) return true;
  const ok = imageBundleHash(fn) === want;
  if (ok) verified.set(fn, want);
  return ok;
};

const LOCK = join(tmpdir(), 'observability-krm-image.lock');
const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A directory lock across test processes; a lock whose owner died is taken over. */
function withLock<T>(body: () => T): T {
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      break;
    } catch {
      let owner = Number.NaN;
      try {
        owner = Number(readFileSync(join(LOCK, 'pid'), 'utf8'));
      } catch {
        /* being created or removed */
      }
      if (Number.isInteger(owner) && owner > 0 && !alive(owner)) rmSync(LOCK, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`image lock ${LOCK} held for 15 minutes`);
      else sleep(500);
    }
  }
  try {
    return body();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/**
 * Makes sure `localhost/observability-krm/<fn>:dev` exists locally and carries the current
 * dist bundle. `.ci/run` builds the images before `npm test`; this only builds when one is missing
 * or stale, one test process at a time (the lock), and never pulls.
 */
export function ensureImages(fns: string[]): void {
  const stale = fns.filter((fn) => !fresh(fn));
  if (!stale.length) return;
  const attempt = stale.join(' ');
  if (failed.has(attempt)) throw new Error(failed.get(attempt)); // one failing build per process is enough
  withLock(() => {
    const still = stale.filter((fn) => !fresh(fn)); // another process may have built it meanwhile
    if (!still.length) return;
    const r = run('npm', ['run', '--silent', 'image', '--', ...still], { env: { CONTAINER_ENGINE: 'podman' } });
    if (r.status !== 0) {
      failed.set(attempt, `npm run image -- ${still.join(' ')} failed:\n${show(r)}`);
      throw new Error(failed.get(attempt));
    }
  });
}
const failed = new Map<string, string>();

// ---- files and trees ---------------------------------------------------------------------------

const temps: string[] = [];
process.on('exit', () => {
  if (!process.env.KEEP_TMP) for (const d of temps) rmSync(d, { recursive: true, force: true });
});

/** A fresh temp directory, removed when the test process exits (unless KEEP_TMP is set). */
export function tempDir(prefix = 'pipelines'): string {
  const d = mkdtempSync(join(tmpdir(), `okrm-${prefix}-`));
  temps.push(d);
  return d;
}

export function copyDir(src: string, prefix = basename(src)): string {
  const d = tempDir(prefix);
  cpSync(src, d, { recursive: true });
  return d;
}

export function writeFiles(dir: string, files: Record<string, string | object>): void {
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), typeof content === 'string' ? content : YAML.stringify(content));
  }
}

/** Every file under dir (relative path -> text). */
export function readTree(dir: string, skip: (rel: string) => boolean = () => false): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      const rel = relative(dir, p);
      if (skip(rel)) continue;
      if (statSync(p).isDirectory()) walk(p);
      else out[rel] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

export const parseDocs = (text: string): any[] =>
  YAML.parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length) throw new Error(`not YAML: ${d.errors[0]!.message}`);
      return d.toJS();
    })
    .filter((o) => o !== null && o !== undefined);

export const keyOf = (o: any) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

/** Objects by kind/namespace/name; a duplicate identity is an error. */
export function byKey(objects: any[]): Record<string, any> {
  const out: Record<string, any> = {};
  for (const o of objects) {
    const k = keyOf(o);
    if (k in out) throw new Error(`duplicate object ${k}`);
    out[k] = o;
  }
  return out;
}

/** The objects our functions generated in a rendered package (files carrying the generated-by marker). */
export function generatedObjects(dir: string): any[] {
  return Object.entries(readTree(dir))
    .filter(([p]) => /\.ya?ml$/.test(p))
    .flatMap(([, text]) => parseDocs(text))
    .filter((o) => o?.metadata?.annotations?.['observability.krm.dev/generated-by']);
}

/** Annotation keys an orchestrator owns; none may reach kustomize's or kpt's final output. */
export const ORCHESTRATOR_KEY =
  /^(internal\.config\.kubernetes\.io\/|config\.kubernetes\.io\/(path|index|id)$|config\.k8s\.io\/id$|kustomize\.config\.k8s\.io\/)/;

// ---- examples ----------------------------------------------------------------------------------

export interface Step {
  fn: string;
  image?: string;
  configPath?: string;
}

/** The mutators of an example's Kptfile pipeline, with the function each image names. */
export function pipelineOf(dir: string): Step[] {
  const kptfile = YAML.parse(readFileSync(join(dir, 'Kptfile'), 'utf8'));
  return (kptfile?.pipeline?.mutators ?? []).map((m: any) => ({
    fn: String(m.image ?? m.exec ?? '')
      .split('/')
      .pop()!
      .split(':')[0]!
      .replace(/\.cjs$/, ''),
    image: m.image,
    configPath: m.configPath,
  }));
}

export const exampleDirs = (): string[] =>
  readdirSync(join(ROOT, 'examples'))
    .map((d) => join(ROOT, 'examples', d))
    .filter((d) => existsSync(join(d, 'Kptfile')))
    .sort();

/**
 * Rewrites a package's Kptfile so every mutator image of ours runs the dist bundle through
 * `exec:`. Text replacement, so the rest of the Kptfile keeps its exact formatting.
 */
export function useExec(dir: string): void {
  const file = join(dir, 'Kptfile');
  const re = new RegExp(`^(\\s*(?:- )?)image: (?:${[REGISTRY, PUBLISHED_REGISTRY].map((r) => r.replace(/[.]/g, '\\.')).join('|')})/([a-z0-9-]+):\\S+$`, 'gm');
  const text = readFileSync(file, 'utf8');
  const out = text.replace(re, (_, lead: string, fn: string) => `${lead}exec: ${bundle(fn)}`);
  if (out === text) throw new Error(`${file}: no mutator image of ours to replace`);
  writeFileSync(file, out);
}

/**
 * Rewrites a package's Kptfile so every published image of ours names the local build instead
 * (`npm run image`): examples keep the release's refs, tests run what this checkout built.
 */
export function useLocalImages(dir: string): void {
  const file = join(dir, 'Kptfile');
  const re = new RegExp(`^(\\s*(?:- )?)image: ${PUBLISHED_REGISTRY.replace(/[.]/g, '\\.')}/([a-z0-9-]+):\\S+$`, 'gm');
  const text = readFileSync(file, 'utf8');
  const out = text.replace(re, (_, lead: string, fn: string) => `${lead}image: ${imageRef(fn)}`);
  if (out === text) throw new Error(`${file}: no published image of ours to replace`);
  writeFileSync(file, out);
}

/** Removes every file a function generated, leaving the package's own sources. */
export function removeGenerated(dir: string): void {
  for (const [p, text] of Object.entries(readTree(dir))) {
    if (text.includes('observability.krm.dev/generated-by:')) rmSync(join(dir, p));
  }
}

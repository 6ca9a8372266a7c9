// Builds one container image per function bundle: `npm run image [-- <fn>...]`.
// Without arguments every dist/<fn>.cjs gets an image; a named function without a bundle fails.
// Env: IMAGE_REGISTRY (default localhost/observability-krm), IMAGE_TAG (default dev),
// BASE_IMAGE (default: the local base from scripts/base-image.sh, since registries may be
// unreachable), CONTAINER_ENGINE (default docker when `docker info` works, else podman).
// Local builds are tagged localhost/observability-krm/<fn>:dev, never with the published
// ghcr.io/observability-krm/<fn>:<version> name: a local build must not shadow the release
// (kpt's default pull policy runs a present image as is). The release workflow
// (.github/workflows/release.yml) builds and pushes the published names.
// Tool output goes to stderr; stdout ends with the image references, one per line.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const registry = (process.env.IMAGE_REGISTRY || 'localhost/observability-krm').replace(/\/+$/, '');
const tag = process.env.IMAGE_TAG || 'dev';
if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) {
  console.error(`image: IMAGE_TAG "${tag}" is not a valid image tag`);
  process.exit(1);
}
const dist = join(root, 'dist');
const fnDir = join(root, 'functions');

function fail(msg) {
  console.error(`image: ${msg}`);
  process.exit(1);
}
// Runs a command; its output goes to our stderr unless captured. Exits on failure.
function run(cmd, args, { capture = false, env } = {}) {
  const r = spawnSync(cmd, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', capture ? 'pipe' : 2, 'inherit'],
    encoding: 'utf8',
  });
  if (r.error) fail(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
  return capture ? r.stdout.trim() : '';
}
const works = (cmd, args) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;

const bundles = () =>
  existsSync(dist)
    ? readdirSync(dist)
        .filter((f) => f.endsWith('.cjs'))
        .map((f) => f.slice(0, -4))
    : [];
const sources = existsSync(fnDir) ? readdirSync(fnDir).filter((d) => existsSync(join(fnDir, d, 'main.ts'))) : [];
const mtime = (p) => statSync(p).mtimeMs;
const newestSource = existsSync(fnDir) ? Math.max(0, ...readdirSync(fnDir, { recursive: true }).map((f) => mtime(join(fnDir, f)))) : 0;

// 1. Bundles: (re)build when one is missing or older than the sources, so an image never
//    ships a stale bundle.
const requested = process.argv.slice(2);
for (const fn of requested) if (!/^[a-z0-9][a-z0-9-]*$/.test(fn)) fail(`bad function name "${fn}"`);
const stale = [...new Set([...requested, ...sources])].some((fn) => {
  const b = join(dist, `${fn}.cjs`);
  return !existsSync(b) || mtime(b) < newestSource;
});
if (stale && sources.length) run(process.execPath, [join(root, 'scripts/build.mjs')]);

const have = bundles();
const selected = requested.length ? requested : have;
const missing = selected.filter((fn) => !have.includes(fn));
if (missing.length) fail(`no bundle for ${missing.map((fn) => `dist/${fn}.cjs`).join(', ')} (is functions/<fn>/main.ts there?)`);
if (!selected.length) fail('no bundles in dist/ (npm run build produced nothing)');

// 2. Engine: a working Docker engine if there is one (a docker client alone is not enough).
const engine = process.env.CONTAINER_ENGINE || (works('docker', ['info']) ? 'docker' : 'podman');
if (!works(engine, ['--version'])) fail(`${engine} not found (CI: run .ci/setup-podman.sh)`);

// 3. Base image: the local one is built from the host's node unless BASE_IMAGE is given.
const base =
  process.env.BASE_IMAGE ||
  run('sh', [join(root, 'scripts/base-image.sh')], { capture: true, env: { CONTAINER_ENGINE: engine } })
    .split('\n')
    .pop();
const size = (ref) => Number(run(engine, ['image', 'inspect', '--format', '{{.Size}}', ref], { capture: true }));

// 4. One image per function, tagged <registry>/<fn>:<tag>; the version label stays the package's.
const repository = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
const source = repository?.replace(/^git\+/, '').replace(/\.git$/, '');
const refs = [];
for (const fn of selected) {
  const ref = `${registry}/${fn}:${tag}`;
  const args = { BASE_IMAGE: base, FUNCTION: fn, VERSION: pkg.version, DESCRIPTION: `KRM function ${fn} (${pkg.name})` };
  if (source) args.SOURCE = source;
  run(engine, ['build', '-f', join(root, 'Dockerfile'), '-t', ref, ...Object.entries(args).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]), root]);
  const img = size(ref);
  const baseSize = size(base);
  console.error(`image: ${ref} function layer ${img - baseSize} bytes (image ${img}, base ${baseSize})`);
  refs.push(ref);
}
console.log(refs.join('\n'));

// Container image of a function, run the way kpt runs it. Needs podman (.ci/setup-podman.sh);
// without podman it is skipped locally and FAILS in CI (CI=true).
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('..', import.meta.url));
const FN = 'observability-stack';
const MAX_LAYER_BYTES = 5 * 1024 * 1024;
// Minimal input: no items, no functionConfig. The function may answer 0, or 1 with an error result.
const INPUT = 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n';
// kpt's flags for container functions, plus a read-only root filesystem.
const KPT_FLAGS = ['--network', 'none', '--user', 'nobody', '--security-opt=no-new-privileges', '--read-only'];

const sh = (cmd: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}) =>
  spawnSync(cmd, args, {
    cwd: root,
    input: opts.input,
    env: { ...process.env, ...opts.env },
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });

const podmanWorks = sh('podman', ['info']).status === 0;
// The function's sources may not have landed yet: nothing to put in an image then.
const fnPresent = existsSync(join(root, 'functions', FN, 'main.ts')) || existsSync(join(root, 'dist', `${FN}.cjs`));

if (!podmanWorks && process.env.CI === 'true') {
  test('image: podman is required in CI (run .ci/setup-podman.sh)', (t) => {
    t.fail('podman is not available (`podman info` failed)');
  });
} else if (!podmanWorks || !fnPresent) {
  const why = !podmanWorks ? 'podman is not available (install it with .ci/setup-podman.sh)' : `function ${FN} is not there yet (no functions/${FN}/main.ts)`;
  test(`image: skipped, ${why}`, (t) => {
    t.log(`skipped: ${why}`);
    t.pass();
  });
} else {
  let ref = '';
  let layerBytes = Number.NaN;

  test.before('build the image with npm run image', () => {
    // Force podman: the runs below use podman, even where a Docker engine exists (CI runners).
    const r = sh('npm', ['run', '--silent', 'image', '--', FN], { env: { CONTAINER_ENGINE: 'podman' } });
    if (r.status !== 0) throw new Error(`npm run image failed (${r.status}):\n${r.stderr.slice(-4000)}`);
    ref = r.stdout.trim().split('\n').pop() ?? '';
    layerBytes = Number(/function layer (\d+) bytes/.exec(r.stderr)?.[1]);
  });

  const assertResourceList = (t: import('ava').ExecutionContext, r: ReturnType<typeof sh>) => {
    t.true(r.status === 0 || r.status === 1, `exit ${r.status}, stderr:\n${r.stderr}`);
    const rl = parse(r.stdout);
    t.is(rl?.kind, 'ResourceList', `stdout:\n${r.stdout}`);
    t.is(rl?.apiVersion, 'config.kubernetes.io/v1');
    if (r.status !== 0) {
      // A failing KRM function must say why in results.
      t.true(Array.isArray(rl.results) && rl.results.some((x: { severity?: string }) => x.severity === 'error'), 'exit 1 without an error result');
    }
  };

  test('runs the way kpt does (--user nobody, no network, read-only)', (t) => {
    t.regex(ref, new RegExp(`/${FN}:`));
    assertResourceList(t, sh('podman', ['run', '--rm', '-i', ...KPT_FLAGS, ref], { input: INPUT }));
  });

  test('runs as its default, numeric non-root user', (t) => {
    const user = sh('podman', ['image', 'inspect', '--format', '{{.Config.User}}', ref]).stdout.trim();
    t.regex(user, /^\d+(:\d+)?$/);
    t.not(Number(user.split(':')[0]), 0);
    assertResourceList(t, sh('podman', ['run', '--rm', '-i', '--network', 'none', '--read-only', ref], { input: INPUT }));
  });

  test('has no shell', (t) => {
    for (const shell of ['/bin/sh', '/bin/bash', '/busybox/sh']) {
      const r = sh('podman', ['run', '--rm', '--network', 'none', '--entrypoint', shell, ref, '-c', 'true']);
      t.not(r.status, 0, `${shell} ran in the image`);
    }
  });

  test('carries OCI labels', (t) => {
    const labels = JSON.parse(sh('podman', ['image', 'inspect', '--format', '{{json .Config.Labels}}', ref]).stdout);
    t.is(labels['org.opencontainers.image.title'], FN);
    t.is(labels['org.opencontainers.image.licenses'], 'Apache-2.0');
    t.truthy(labels['org.opencontainers.image.source']);
    t.truthy(labels['org.opencontainers.image.description']);
  });

  test(`the function layer on top of the base is small (< ${MAX_LAYER_BYTES} bytes)`, (t) => {
    t.log(`function layer: ${layerBytes} bytes`);
    t.true(Number.isFinite(layerBytes) && layerBytes > 0, 'npm run image printed no layer size');
    t.true(layerBytes < MAX_LAYER_BYTES);
  });
}

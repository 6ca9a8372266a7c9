// Renders every example package in place with the built bundles, the way `kpt fn render` would,
// but through `kpt fn eval --exec` so no container runtime is needed.
//   node scripts/render-examples.mjs [example-dir ...]
// Each Kptfile mutator `image: .../<fn>:<tag>` runs as dist/<fn>.cjs, with its configPath.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import YAML from 'yaml';

const root = resolve(new URL('..', import.meta.url).pathname);

export function pipelineOf(dir) {
  const kptfile = YAML.parse(readFileSync(join(dir, 'Kptfile'), 'utf8'));
  return (kptfile.pipeline?.mutators ?? []).map((m) => {
    const fn = m.image.split('/').pop().split(':')[0];
    return { fn, bundle: join(root, 'dist', `${fn}.cjs`), configPath: m.configPath };
  });
}

export function renderExec(dir) {
  for (const step of pipelineOf(dir)) {
    const args = ['fn', 'eval', dir, '--exec', step.bundle];
    if (step.configPath) args.push('--fn-config', join(dir, step.configPath));
    execFileSync('kpt', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dirs =
    process.argv.length > 2
      ? process.argv.slice(2).map((d) => resolve(d))
      : readdirSync(join(root, 'examples'))
          .map((d) => join(root, 'examples', d))
          .filter((d) => existsSync(join(d, 'Kptfile')));
  for (const d of dirs) {
    renderExec(d);
    console.log(`rendered ${d}`);
  }
}

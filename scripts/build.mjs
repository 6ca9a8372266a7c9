// Bundles each function into one self-contained CommonJS file under dist/.
// The bundle is what the bin entries, the container image and exec functions run:
// no node_modules tree is needed at run time.
import { build } from 'esbuild';
import { readdirSync, existsSync, chmodSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const fns = readdirSync(join(root, 'functions'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, 'functions', d.name, 'main.ts')))
  .map((d) => d.name);

for (const fn of fns) {
  const outfile = join(root, 'dist', `${fn}.cjs`);
  await build({
    entryPoints: [join(root, 'functions', fn, 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    banner: { js: '#!/usr/bin/env node' },
    logLevel: 'warning',
  });
  chmodSync(outfile, 0o755);
}

// Startup (BENCHMARKS.md): the bundles carry only the part of zod the functions call. esbuild drops
// the rest only when zod is imported as a namespace (`import * as z from 'zod'`): `import { z }`
// binds zod's `z` object, which holds all of zod (JSON Schema conversion, every format), and the
// bundle then keeps, loads and evaluates it all (~100 KB of code, 160 KB of code cache and ~6 ms
// of CPU at every cold start).
import test from 'ava';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './support/fn.ts';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** A value import of zod's `z` object (`import { z } from 'zod'`, `import z from 'zod'`); type-only imports are erased. */
const BINDS_Z_OBJECT = /^\s*import\s+(?!type\b)(?:z\b|\{[^}]*\bz\b[^}]*\})[^;]*from\s+['"]zod['"]/m;

test('the pattern tells a namespace import from one that binds the whole z object', (t) => {
  t.true(BINDS_Z_OBJECT.test("import { z } from 'zod';"));
  t.true(BINDS_Z_OBJECT.test("import z from 'zod';"));
  t.true(BINDS_Z_OBJECT.test("import { ZodError, z } from 'zod';"));
  t.false(BINDS_Z_OBJECT.test("import * as z from 'zod';"));
  t.false(BINDS_Z_OBJECT.test("import type { z } from 'zod';"));
});

test('functions/ imports zod as a namespace, so the bundles keep only what they call', (t) => {
  const offenders = sources(join(ROOT, 'functions'))
    .filter((f) => BINDS_Z_OBJECT.test(readFileSync(f, 'utf8')))
    .map((f) => relative(ROOT, f));
  t.deepEqual(offenders, [], "use `import * as z from 'zod'`");
});

// scripts/build.mjs makes `.meta(data)` return the schema itself in the bundles (no clone at every
// start), which is sound only while the functions never read metadata back at run time.
test('functions/ never reads zod metadata back, so the bundles may skip registering it', (t) => {
  const READS_METADATA = /\.meta\(\s*\)|\.description\b|globalRegistry|toJSONSchema/;
  const offenders = sources(join(ROOT, 'functions'))
    .filter((f) => readFileSync(f, 'utf8').includes('zod'))
    .filter((f) => READS_METADATA.test(readFileSync(f, 'utf8').replace(/^\s*(\/\/|\*).*$/gm, '')))
    .map((f) => relative(ROOT, f));
  t.deepEqual(offenders, []);
});

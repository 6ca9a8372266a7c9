// Startup (BENCHMARKS.md): the bundles carry only the part of zod the functions call. esbuild drops
// the rest only when zod is imported as a namespace (`import * as z from 'zod'`): `import { z }`
// binds zod's `z` object, which holds all of zod (JSON Schema conversion, every format), and the
// bundle then keeps, loads and evaluates it all (~100 KB of code, ~5 ms of every cold start).
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

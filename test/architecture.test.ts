// The shape of the code (ARCHITECTURE.md): no import cycles (type-only imports included), no
// function folder importing another, modules importing only the layers below them, no source file
// over 450 lines, and no comment pointing at files outside the repository.
import test from 'ava';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const FUNCTIONS = join(ROOT, 'functions');
const MAX_LINES = 450;

function walk(dir: string, keep: (f: string) => boolean): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p, keep) : keep(p) ? [p] : [];
  });
}

const rel = (p: string) => relative(ROOT, p).replaceAll('\\', '/');
const sources = walk(FUNCTIONS, (f) => f.endsWith('.ts')).sort();

/**
 * The module specifiers of every import and export-from statement, `import type` included
 * (`import x from`, `import { a, b } from` over several lines, `import 'x'`, `export * from`).
 */
function specifiers(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out: string[] = [];
  for (const m of code.matchAll(/(?:^|[;\n])\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"\n]+)['"]/g)) out.push(m[1]!);
  return out;
}

/** Relative imports of a file, resolved to repository paths (package imports are not edges). */
function edges(file: string): string[] {
  return specifiers(readFileSync(file, 'utf8'))
    .filter((s) => s.startsWith('.'))
    .map((s) => rel(resolve(dirname(file), s)));
}

const graph = new Map(sources.map((f) => [rel(f), edges(f)]));

/** Every strongly connected component with more than one file, or a file importing itself. */
function cycles(g: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of g.get(v) ?? []) {
      if (!g.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (g.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of [...g.keys()].sort()) if (!idx.has(v)) visit(v);
  return out;
}

/** Function folders: each holds a main.ts. */
const FUNCTION_DIRS = readdirSync(FUNCTIONS).filter((d) => existsSync(join(FUNCTIONS, d, 'main.ts')));

/** What each shared module may import besides itself (functions/<module>/...). */
const SHARED_LAYERS: Record<string, string[]> = {
  krm: [],
  flux: ['functions/krm/'],
  common: ['functions/krm/', 'functions/flux/', 'package.json'],
};
/** What a function folder may import besides itself. */
const FUNCTION_MAY_IMPORT = ['functions/krm/', 'functions/common/', 'functions/flux/', 'functions/versions.ts', 'functions/chart-facts.ts', 'package.json'];

test('the import scanner sees every statement form, type-only and multi-line included', (t) => {
  const text = [
    "import a from './a.ts';",
    "import type { B } from './b.ts';",
    "import {\n  c,\n  type D,\n} from './c.ts';",
    "export { e } from './e.ts';",
    "export type { F } from './f.ts';",
    "export * from './g.ts';",
    "import './h.ts';",
    "// import x from './commented.ts';",
    "/* import y from './block.ts'; */",
    'const s = \'import z from "./not-a-statement.ts"\';',
  ].join('\n');
  t.deepEqual(specifiers(text), ['./a.ts', './b.ts', './c.ts', './e.ts', './f.ts', './g.ts', './h.ts']);
});

test('the cycle finder finds cycles, long and short', (t) => {
  const g = new Map([
    ['a', ['b']],
    ['b', ['c']],
    ['c', ['a']],
    ['d', ['d']],
    ['e', ['a']],
  ]);
  t.deepEqual(cycles(g), [['a', 'b', 'c'], ['d']]);
});

test('no import cycles in functions/ (type-only imports included)', (t) => {
  const found = cycles(graph);
  t.deepEqual(found, [], found.map((c) => c.join(' <-> ')).join('\n'));
});

test('a function folder imports only the shared modules and itself, never another function', (t) => {
  t.true(FUNCTION_DIRS.length >= 2, `function folders: ${FUNCTION_DIRS.join(', ')}`);
  const bad: string[] = [];
  for (const [file, targets] of graph) {
    const fn = FUNCTION_DIRS.find((d) => file.startsWith(`functions/${d}/`));
    if (!fn) continue;
    for (const target of targets) {
      if (target.startsWith(`functions/${fn}/`) || FUNCTION_MAY_IMPORT.some((p) => target.startsWith(p))) continue;
      bad.push(`${file} -> ${target}`);
    }
  }
  t.deepEqual(bad, []);
});

test('shared modules import only the layers below them (krm < flux < common)', (t) => {
  const bad: string[] = [];
  for (const [file, targets] of graph) {
    const layer = Object.keys(SHARED_LAYERS).find((m) => file.startsWith(`functions/${m}/`));
    const allowed = layer ? [`functions/${layer}/`, ...SHARED_LAYERS[layer]!] : file === 'functions/chart-facts.ts' ? ['functions/versions.ts'] : undefined;
    if (!allowed) continue;
    for (const target of targets) if (!allowed.some((p) => target.startsWith(p))) bad.push(`${file} -> ${target}`);
  }
  t.deepEqual(bad, []);
});

test(`no source file in functions/ is over ${MAX_LINES} lines`, (t) => {
  const long = sources.map((f) => [rel(f), readFileSync(f, 'utf8').split('\n').length] as const).filter(([, n]) => n > MAX_LINES);
  t.deepEqual(
    long.map(([f, n]) => `${f}: ${n} lines`),
    [],
  );
});

/** Files that exist only beside the repository (the upstream reference data), never in it. */
const OUTSIDE = /\.\.\/shared\b|shared\/reference|\bCHARTS\.md\b|\bFLUX_AND_KRM\.md\b/;

/** The comment text of a source line: after `//` (not a URL's `://`), a block-comment line, or a shell `#`. */
function commentOf(line: string, shell: boolean): string | undefined {
  if (shell) return /(^|\s)#(.*)$/.exec(line)?.[2];
  const trimmed = line.trim();
  if (trimmed.startsWith('*') || trimmed.startsWith('/*')) return trimmed;
  const at = line.search(/(^|[^:])\/\//);
  return at >= 0 ? line.slice(at) : undefined;
}

test('no comment in functions/ or scripts/ points at files outside the repository', (t) => {
  const files = [...sources, ...walk(join(ROOT, 'scripts'), (f) => /\.(ts|mjs|js|sh)$/.test(f) || !f.includes('.'))];
  const bad: string[] = [];
  for (const f of files) {
    const shell = f.endsWith('.sh') || !f.split('/').pop()!.includes('.');
    readFileSync(f, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const comment = commentOf(line, shell);
        if (comment && OUTSIDE.test(comment)) bad.push(`${rel(f)}:${i + 1}: ${line.trim()}`);
      });
  }
  t.deepEqual(bad, []);
});

test('ARCHITECTURE.md describes every module in functions/, and the README links it', (t) => {
  const doc = readFileSync(join(ROOT, 'ARCHITECTURE.md'), 'utf8');
  for (const name of readdirSync(FUNCTIONS)) {
    const dir = statSync(join(FUNCTIONS, name)).isDirectory();
    t.true(doc.includes(`functions/${name}${dir ? '/' : ''}`), `ARCHITECTURE.md names functions/${name}${dir ? '/' : ''}`);
  }
  t.regex(readFileSync(join(ROOT, 'README.md'), 'utf8'), /\]\(ARCHITECTURE\.md\)/);
});

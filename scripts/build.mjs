// Bundles each function into one self-contained CommonJS file under dist/.
// The bundle is what the bin entries, the container image and exec functions run:
// no node_modules tree is needed at run time.
//
// Startup (BENCHMARKS.md): kpt and kustomize start a new process for every render, so
// dist/<fn>.cjs is a small launcher carrying the minified bundle and a V8 code cache of it. The
// cache is made here by running the function once on a sample ResourceList, so it holds the
// bytecode of everything a render runs; node then neither parses nor compiles that code. A node
// whose V8 differs from the one that built the cache rejects it and compiles as usual: the cache
// only ever changes how fast the function starts. BUILD_CODE_CACHE=0 leaves it out.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';

const root = new URL('..', import.meta.url).pathname;
const fns = readdirSync(join(root, 'functions'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, 'functions', d.name, 'main.ts')))
  .map((d) => d.name);
const withCache = process.env.BUILD_CODE_CACHE !== '0';
mkdirSync(join(root, 'dist'), { recursive: true });

// The bundle runs as the body of a CommonJS module wrapper, compiled by the launcher.
const WRAP = ['(function (exports, require, module, __filename, __dirname) {', '\n})'];

/**
 * zod re-exports all of its 60-odd error message locales (z.locales), so a bundle carries them
 * all: a third of its code, read and scanned at every start. Our messages are English (zod's
 * default, which it imports directly): z.locales keeps only `en`.
 */
const onlyEnglishZodLocale = {
  name: 'only-english-zod-locale',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer) ? { path: join(args.resolveDir, '../locales/en.js'), namespace: 'zod-locales' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: root,
    }));
  },
};

/**
 * `.meta({ description })` documents a config field for the JSON Schema and docs, which
 * `npm run schema` generates from the sources. zod implements it by cloning the schema and
 * registering the clone: ~120 clones while the config schema is built at every start (~3 ms), for
 * metadata a bundle never reads (it makes no JSON Schema). In the bundle, `.meta(data)` returns
 * the schema itself; parsing and error messages do not change.
 */
const zodMetaWithoutClone = {
  name: 'zod-meta-without-clone',
  setup(b) {
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]classic[\\/]schemas\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const clone =
        /(meta\(\.\.\.args\) \{[^}]*?return core\.globalRegistry\.get\(this\);)\s*const cl = this\.clone\(\);\s*core\.globalRegistry\.add\(cl, args\[0\]\);\s*return cl;/;
      if (!clone.test(text)) {
        console.warn('build: zod .meta() has changed shape; it keeps cloning (a slower start, nothing else)');
        return undefined;
      }
      return { contents: text.replace(clone, '$1 return this;'), loader: 'js' };
    });
  },
};

for (const fn of fns) {
  const outfile = join(root, 'dist', `${fn}.cjs`);
  const { outputFiles } = await build({
    entryPoints: [join(root, 'functions', fn, 'main.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    // zod compiles a validator per object schema with `new Function` on first use: slower than
    // interpreting it for the one config a run validates, and out of reach of the code cache.
    banner: { js: 'globalThis.__zod_globalConfig??={jitless:true};' },
    plugins: [onlyEnglishZodLocale, zodMetaWithoutClone],
    // yaml's ES module build (the same sources; what it ships to every platform but node): scope
    // hoisted and tree-shaken, where its CommonJS build runs ~80 module wrappers at every start.
    // It warns with console.warn instead of process.emitWarning and decodes !!binary with atob.
    alias: { yaml: join(root, 'node_modules/yaml/browser/index.js') },
    write: false,
    outfile,
    logLevel: 'warning',
  });
  const code = WRAP[0] + outputFiles[0].text + WRAP[1];
  const cache = withCache ? train(fn, code, outfile) : undefined;
  writeFileSync(outfile, launcher(code, cache));
  chmodSync(outfile, 0o755);
}

/** dist/<fn>.cjs: compiles the bundle with the code cache when this node accepts it. */
function launcher(code, cache) {
  const cached = cache ? `,cachedData:Buffer.from(${JSON.stringify(cache.toString('base64'))},"base64")` : '';
  return (
    '#!/usr/bin/env node\n' +
    '"use strict";\n' +
    '// Built by scripts/build.mjs: the function bundle, compiled from a V8 code cache when it fits this node.\n' +
    `new(require("node:vm").Script)(${JSON.stringify(code)},{filename:__filename${cached}})` +
    '.runInThisContext()(exports,require,module,__filename,__dirname);\n'
  );
}

/**
 * Runs the bundle once, the way the launcher will (same source, same file name, no node flags),
 * on a sample ResourceList, then saves V8's code cache of everything that ran.
 */
function train(fn, code, filename) {
  const dir = mkdtempSync(join(tmpdir(), `build-${fn}-`));
  try {
    const src = join(dir, 'bundle.js');
    const out = join(dir, 'cache.bin');
    writeFileSync(src, code);
    const trainer = `
      const vm = require('node:vm'), fs = require('node:fs'), path = require('node:path');
      const [src, out, filename] = process.argv.slice(1);
      const script = new vm.Script(fs.readFileSync(src, 'utf8'), { filename });
      process.argv.splice(2);
      process.on('exit', () => fs.writeFileSync(out, script.createCachedData()));
      script.runInThisContext()(exports, require, module, filename, path.dirname(filename));
    `;
    const r = spawnSync(process.execPath, ['-e', trainer, src, out, filename], {
      input: sampleInput(fn),
      stdio: ['pipe', 'ignore', 'pipe'],
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    if (!existsSync(out)) {
      console.warn(`build: ${fn}: no code cache (the sample run failed: ${r.stderr.trim().split('\n').pop() ?? r.status}); the bundle starts slower`);
      return undefined;
    }
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A ResourceList to train on: the config of an example that runs this function (so the code
 * cache covers generation) and a few ordinary resources passing through.
 */
function sampleInput(fn) {
  const items = [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'web',
        namespace: 'apps',
        labels: { app: 'web' },
        annotations: { 'config.kubernetes.io/path': 'apps/web.yaml', 'config.kubernetes.io/index': '0' },
      },
      spec: { replicas: 2, template: { spec: { containers: [{ name: 'web', image: 'nginx:1.27', args: ['--port', '8080'] }] } } },
    },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web', namespace: 'apps', annotations: {} }, data: { 'app.yaml': 'a: 1\nb: [x]\n' } },
  ];
  const config = exampleConfig(fn);
  const list = { apiVersion: 'config.kubernetes.io/v1', kind: 'ResourceList', items: config ? [...items, config] : items };
  // Two copies, not one object: YAML would write the second as an alias.
  if (config) list.functionConfig = structuredClone(config);
  return YAML.stringify(list);
}

function exampleConfig(fn) {
  const examples = join(root, 'examples');
  if (!existsSync(examples)) return undefined;
  for (const name of readdirSync(examples).sort()) {
    const kptfile = join(examples, name, 'Kptfile');
    if (!existsSync(kptfile)) continue;
    const pipeline = YAML.parse(readFileSync(kptfile, 'utf8'))?.pipeline ?? {};
    for (const step of [...(pipeline.mutators ?? []), ...(pipeline.validators ?? [])]) {
      if (!String(step.image ?? '').includes(`/${fn}:`) || !step.configPath) continue;
      const path = join(examples, name, step.configPath);
      if (existsSync(path)) return YAML.parse(readFileSync(path, 'utf8'));
    }
  }
  return undefined;
}

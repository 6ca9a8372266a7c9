// Benchmarks, each side by side with its floor in the same run (the machine is noisy: only
// ratios measured together mean anything). `npm run bench` for the full runs, `-- --quick` (or
// BENCH_QUICK=1) for CI: each case once or twice, well under a minute.
// Never fails on a timing: the exit code is 1 only when a function crashes or its output loses
// a byte of the passthrough resources. BENCHMARKS.md says what each case measures and why.
//
// Options: --quick, --runs N (cold-start pairs), --only <case>[,<case>], --dist DIR (bundles to
// measure, default dist/: point it at an older build to compare).
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, tmpdir } from 'node:os';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { lokiRulesList, packageList, quickstartList } from './generate.mjs';

const root = new URL('..', import.meta.url).pathname;
const argv = process.argv.slice(2);
const opt = (name) => {
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return undefined;
  return argv[i].includes('=') ? argv[i].slice(argv[i].indexOf('=') + 1) : argv[i + 1];
};
const quick = argv.includes('--quick') || process.env.BENCH_QUICK === '1';
const only = opt('only')?.split(',');
const dist = resolve(opt('dist') ?? join(root, 'dist'));
const coldRuns = Number(opt('runs') ?? (quick ? 6 : 30));
const bigRuns = quick ? 1 : 5;
const tmp = mkdtempSync(join(tmpdir(), 'bench-'));
let failed = false;

const bundle = (fn) => join(dist, `${fn}.cjs`);
if (!existsSync(bundle('observability-stack')) && !opt('dist')) {
  console.log('bench: building the bundles first (npm run build)');
  if (spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' }).status !== 0) process.exit(1);
}

/** One process run: wall time (ms), exit code, stdout; with `usage`, CPU time and peak RSS from inside it. */
function run(args, input, { usage = false, env = {} } = {}) {
  const file = join(tmp, 'rusage.json');
  const nodeArgs = usage ? ['-r', join(root, 'bench/rusage.cjs'), ...args] : args;
  const start = process.hrtime.bigint();
  const p = spawnSync(process.execPath, nodeArgs, {
    input,
    maxBuffer: 1 << 30,
    env: { ...process.env, ...env, ...(usage ? { BENCH_RUSAGE: file } : {}) },
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (p.error) throw p.error;
  const r = { ms, code: p.status, stdout: p.stdout, stderr: String(p.stderr) };
  if (usage) Object.assign(r, JSON.parse(readFileSync(file, 'utf8')));
  return r;
}

/** Must exit 0 with a ResourceList: anything else is a crash, not a timing. */
function ok(r, what) {
  if (r.code === 0 && r.stdout.subarray(0, 60).toString().includes('kind: ResourceList')) return r;
  failed = true;
  console.log(`  ! ${what} exited ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return r;
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor((s.length - 1) / 2)], max: s[s.length - 1], n: s.length };
};
const f2 = (x) => x.toFixed(2);
const ms = (x) => `${x.toFixed(0)} ms`;
const rows = [];

/** Interleaved pairs: subject then floor, the ratio taken per pair. */
function pairs(n, subject, floor) {
  const ratios = [];
  const a = [];
  const b = [];
  for (let i = 0; i < n; i++) {
    const s = subject();
    const f = floor();
    a.push(s);
    b.push(f);
    ratios.push(s / f);
  }
  // The ratio of the best times: what each side costs when nothing else runs on the machine.
  return { ratio: stats(ratios), subject: stats(a), floor: stats(b), best: Math.min(...a) / Math.min(...b) };
}

function report(name, target, limit, m, detail) {
  const verdict = m.ratio.median <= limit ? 'met' : 'NOT MET';
  rows.push({ name, target, m, verdict });
  console.log(
    `${name.padEnd(12)} ${target.padEnd(8)} ratio ${f2(m.ratio.min)} / ${f2(m.ratio.median)} / ${f2(m.ratio.max)} (min/median/max of ${m.ratio.n}${m.best ? `; best times ${f2(m.best)}` : ''})  ${verdict}`,
  );
  if (detail) console.log(`  ${detail}`);
}

const want = (c) => !only || only.includes(c);
const cores = cpus();
console.log(
  `bench${quick ? ' --quick' : ''}: node ${process.version}, ${cores.length} cores (${cores[0]?.model?.trim() ?? '?'}), load ${loadavg().map(f2).join(' ')}, bundles ${dist}`,
);
console.log('ratios are per interleaved pair (subject / floor); the verdict reads the median\n');

const fnArgs = (fn) => [bundle(fn)];

if (want('cold-start')) {
  const input = quickstartList();
  const copy = [join(root, 'bench/copy.cjs')];
  run(fnArgs('observability-stack'), input); // warm the page cache
  const m = pairs(
    coldRuns,
    () => ok(run(fnArgs('observability-stack'), input), 'observability-stack').ms,
    () => run(copy, input).ms,
  );
  const cpu = pairs(
    quick ? 2 : 10,
    () => run(fnArgs('observability-stack'), input, { usage: true }).cpuMs,
    () => run(copy, input, { usage: true }).cpuMs,
  );
  report(
    'cold start',
    '<= 1.5x',
    1.5,
    m,
    `quickstart config: ${ms(m.subject.median)} vs bare node copying stdin ${ms(m.floor.median)}; CPU time ratio ${f2(cpu.ratio.median)}`,
  );
}

let p5;
const pkg5 = () => (p5 ??= packageList(5000));
if (want('throughput')) {
  const input = pkg5();
  const rt = [join(root, 'bench/roundtrip.cjs')];
  let out;
  const m = pairs(
    bigRuns,
    () => {
      const r = ok(run(fnArgs('observability-stack'), input), 'observability-stack on 5,000 resources');
      out = r.stdout;
      return r.ms;
    },
    () => run(rt, input).ms,
  );
  // Every passthrough resource, byte for byte: the input's items up to the config come out unchanged.
  const items = input.slice(input.indexOf('items:\n') + 7, input.lastIndexOf('- apiVersion: observability.krm.dev/'));
  const intact = out?.includes(Buffer.from(items));
  if (!intact) failed = true;
  report(
    'throughput',
    '<= 0.5x',
    0.5,
    m,
    `5,000 resources (${(input.length / 1e6).toFixed(1)} MB): ${ms(m.subject.median)} vs yaml parseDocument + toString ${ms(m.floor.median)}; passthrough ${intact ? 'byte-identical' : 'CHANGED'}`,
  );
}

if (want('growth') || want('memory')) {
  const small = pkg5();
  const big = packageList(10000);
  if (want('growth')) {
    const m = pairs(
      bigRuns,
      () => ok(run(fnArgs('observability-stack'), big), 'observability-stack on 10,000 resources').ms,
      () => run(fnArgs('observability-stack'), small).ms,
    );
    report('growth', '<= 2.2x', 2.2, m, `10,000 resources ${ms(m.subject.median)} vs 5,000 ${ms(m.floor.median)}`);
  }
  if (want('memory')) {
    const bytes = Buffer.byteLength(big);
    const rss = [];
    for (let i = 0; i < bigRuns; i++)
      rss.push(ok(run(fnArgs('observability-stack'), big, { usage: true }), 'observability-stack on 10,000 resources').maxRSSKiB * 1024);
    const r = stats(rss.map((x) => x / bytes));
    const naive = quick ? '' : `; yaml round trip ${f2((run([join(root, 'bench/roundtrip.cjs')], big, { usage: true }).maxRSSKiB * 1024) / bytes)}x`;
    report(
      'memory',
      '<= 40x',
      40,
      { ratio: r },
      `peak RSS on 10,000 resources (${(bytes / 1e6).toFixed(1)} MB): ${(stats(rss).median / 2 ** 20).toFixed(0)} MiB${naive}`,
    );
  }
}

if (want('loki-rules')) {
  if (!existsSync(bundle('loki-rules'))) {
    console.log(`loki-rules   skipped: no ${bundle('loki-rules')} (functions/loki-rules/main.ts not built yet)`);
  } else {
    const one = lokiRulesList(1);
    const many = lokiRulesList(200);
    const m = pairs(
      quick ? 2 : 15,
      () => ok(run(fnArgs('loki-rules'), many), 'loki-rules on 200 rule groups').ms,
      () => ok(run(fnArgs('loki-rules'), one), 'loki-rules on one rule group').ms,
    );
    report('loki-rules', '<= 2x', 2, m, `200 rule groups ${ms(m.subject.median)} vs its cold start (one group) ${ms(m.floor.median)}`);
  }
}

if (want('image')) console.log(`image        ${imageSize()}`);

rmSync(tmp, { recursive: true, force: true });
const missed = rows.filter((r) => r.verdict !== 'met').map((r) => r.name);
console.log(`\n${rows.length - missed.length} of ${rows.length} targets met${missed.length ? ` (not: ${missed.join(', ')}; timings never fail the run)` : ''}`);
if (failed) {
  console.log('bench: a function crashed or changed passthrough bytes (see "!" lines above)');
  process.exit(1);
}

/** The function layer on top of the base image, when podman has both images. */
function imageSize() {
  const registry = (process.env.IMAGE_REGISTRY || 'localhost/observability-krm').replace(/\/+$/, '');
  const base = process.env.BASE_IMAGE || `localhost/observability-krm-base:node${process.versions.node.split('.')[0]}`;
  const size = (ref) => {
    const p = spawnSync('podman', ['image', 'inspect', '--format', '{{.Size}}', ref], { encoding: 'utf8' });
    return p.status === 0 ? Number(p.stdout.trim()) : undefined;
  };
  if (spawnSync('podman', ['--version']).status !== 0) return 'not measured: podman is not installed';
  const out = [];
  for (const fn of ['observability-stack', 'loki-rules']) {
    const ref = `${registry}/${fn}:${process.env.IMAGE_TAG || 'dev'}`;
    const img = size(ref);
    const b = size(base);
    out.push(img && b ? `${fn} layer ${img - b} bytes` : `${fn}: no image ${ref} or base ${base} (npm run image)`);
  }
  const bundles = ['observability-stack', 'loki-rules']
    .filter((fn) => existsSync(bundle(fn)))
    .map((fn) => `${fn}.cjs ${readFileSync(bundle(fn)).length} bytes`);
  return `${out.join(', ')}; bundles: ${bundles.join(', ')}`;
}

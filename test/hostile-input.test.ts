// Hostile input is refused with one clear line or handled in bounded memory; never a crash dump.
import test from 'ava';
import { config, resourceList, runFn } from './support/fn.ts';

const noCrash = (t: any, stderr: string) => {
  t.notRegex(stderr, /\n\s+at |FATAL|heap out of memory|Maximum call stack/i, stderr.slice(0, 500));
};

test('a 100 MB ResourceList is refused before it is held in memory', (t) => {
  const line = `- {apiVersion: v1, kind: ConfigMap, metadata: {name: x}, data: {k: "${'x'.repeat(1000)}"}}\n`;
  const text = `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n${line.repeat(Math.ceil((100 * 1024 * 1024) / line.length))}`;
  const run = runFn('observability-stack', text);
  t.is(run.code, 1);
  t.regex(run.stderr, /over the limit of \d+ bytes.*KRM_MAX_INPUT_BYTES/);
  t.is(run.stderr.trim().split('\n').length, 1);
  noCrash(t, run.stderr);
});

test('the size limit is configurable', (t) => {
  const cfg = config();
  const run = runFn('observability-stack', resourceList([cfg], cfg), [], { KRM_MAX_INPUT_BYTES: '100' });
  t.is(run.code, 1);
  t.regex(run.stderr, /over the limit of 100 bytes/);
});

test('deeply nested documents are refused or passed through, never a stack overflow', (t) => {
  const depth = 20000;
  const nested = '['.repeat(depth) + ']'.repeat(depth);
  const text = `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: deep}\n  data: {k: "v"}\n  deep: ${nested}\n`;
  const run = runFn('observability-stack', text);
  t.true(run.code === 0 || run.code === 1, `exit ${run.code}`);
  if (run.code === 1) {
    t.regex(run.stderr, /nested too deeply/);
    t.is(run.stderr.trim().split('\n').length, 1);
  }
  noCrash(t, run.stderr);
});

test('very long strings pass through intact', (t) => {
  const cfg = config();
  const long = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'long' }, data: { blob: 'y'.repeat(8 * 1024 * 1024) } };
  const run = runFn('observability-stack', resourceList([long, cfg], cfg));
  t.is(run.code, 0, run.stderr.slice(0, 300));
  t.is(run.list.items[0].data.blob.length, 8 * 1024 * 1024);
});

test('a very long config value gets a field error, not a crash', (t) => {
  const cfg = config({ namespace: 'a'.repeat(1_000_000) });
  const run = runFn('observability-stack', resourceList([cfg], cfg));
  t.is(run.code, 1);
  t.true(run.list.results.some((r: any) => r.field?.path === 'spec.namespace'));
  t.true(run.stderr.length < 4096, 'the stderr line does not echo a megabyte');
  noCrash(t, run.stderr);
});

// docs/loki-rules.md and its kpt catalog metadata stay true to the function and the example.
import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import YAML from 'yaml';
import { DEFAULT_RULE_LABEL as DEFAULT_LABEL, DEFAULT_RULE_LABEL_VALUE as DEFAULT_LABEL_VALUE, DEFAULT_NAMESPACE } from '../functions/common/contract.ts';
import { ROOT, runFn } from './support/fn.ts';
import { exampleNames } from './support/tree.ts';

const FN = 'loki-rules';
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');
const doc = read(`docs/${FN}.md`);
const kptfile = (name: string) => YAML.parse(read(`examples/${name}/Kptfile`));
const examples = exampleNames(ROOT).filter((n) => (kptfile(n).pipeline?.mutators ?? []).some((m: any) => String(m.image).includes(`/${FN}:`)));

test('metadata.yaml has the kpt catalog shape and names exactly the examples that run the function', (t) => {
  const meta = YAML.parse(read(`docs/${FN}/metadata.yaml`));
  t.deepEqual(Object.keys(meta).sort(), ['description', 'examplePackageURLs', 'image', 'license', 'sourceURL', 'tags']);
  t.true(examples.includes('loki-rules'));
  for (const n of examples)
    t.true(
      kptfile(n).pipeline.mutators.some((m: any) => String(m.image).replace(/:[^:/]+$/, '') === meta.image),
      n,
    );
  t.is(meta.license, JSON.parse(read('package.json')).license);
  t.regex(meta.sourceURL, new RegExp(`/tree/[^/]+/functions/${FN}$`));
  const listed = meta.examplePackageURLs.map((u: string) => /\/examples\/([^/]+)$/.exec(u)?.[1]).sort();
  t.deepEqual(listed, [...examples].sort());
});

test('the doc links to files that exist, lists the examples and states the defaults the code uses', (t) => {
  for (const m of doc.matchAll(/\]\((\.\.?\/[^)#\s]+)(#[^)]*)?\)/g)) t.true(existsSync(resolve(ROOT, 'docs', m[1]!)), m[1]!);
  for (const n of examples) t.true(doc.includes(`](../examples/${n})`), n);
  t.true(doc.includes(`\`${DEFAULT_LABEL}\` = \`"${DEFAULT_LABEL_VALUE}"\``));
  t.true(doc.includes(`else \`${DEFAULT_NAMESPACE}\``));
  for (const s of ['## Overview', '### kpt', '### kustomize', '## Function config', '## Examples', 'kustomize.toolkit.fluxcd.io/substitute: disabled'])
    t.true(doc.includes(s), s);
});

test('--help names the doc, which exists', (t) => {
  const r = runFn(FN, '', ['--help']);
  t.is(r.code, 0);
  t.true(r.stdout.includes(`docs/${FN}.md`));
  t.true(existsSync(join(ROOT, 'docs', `${FN}.md`)));
});

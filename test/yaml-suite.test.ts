// The YAML test suite (yaml/yaml-test-suite, 402 cases) as the spec for the ResourceList readers.
// Every case is embedded in a user's item (as `data`, as top-level keys, its one-line scalars as
// the metadata name, a label and an annotation) between two neighbours with comments. yaml's own
// reading of the whole list is the oracle: when it reads the list, every read path gives the same
// items back (and the neighbours keep their bytes); when it refuses it, every path refuses it with
// an error result naming the item's file and index and the line.
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { ItemError, readResourceList, writeResourceList, type ReadMode } from '../functions/krm/resource-list.ts';
import { identityOfData } from '../functions/krm/identity.ts';
import { reference } from './support/reference.ts';
import { testWith } from './support/needs.ts';
import { runFn } from './support/fn.ts';

interface Case {
  id: string;
  error: boolean;
  yaml: string;
}
const SUITE = ['yaml-suite', 'cases.json'];
const cases = (): Case[] => JSON.parse(readFileSync(reference(...SUITE)!, 'utf8')).cases;
const MODES: ReadMode[] = ['entries', 'parser', 'verify'];
/** yaml as the oracle: duplicate keys allowed, its warnings (collection keys) not printed. */
const READ = { uniqueKeys: false, logLevel: 'error' } as const;
const HEADER = 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n';
const BEFORE = `# the package's first file
- apiVersion: v1
  kind: ConfigMap # before
  metadata:
    name: before
  data: {k: "v"}   # keeps its layout
`;
const AFTER = `- apiVersion: v1
  # a comment inside
  kind: Secret
  metadata:
    name: after
  stringData:
    k: 'v'
`;
const indent = (text: string, n: number) =>
  `${text
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => (l === '' ? '' : ' '.repeat(n) + l))
    .join('\n')}\n`;
const meta = (id: string, how: string) =>
  `  metadata:\n    name: suite-${id.toLowerCase()}\n    annotations:\n      internal.config.kubernetes.io/path: 'suite/${id}-${how}.yaml'\n      internal.config.kubernetes.io/index: '0'\n`;

/** The ResourceLists one case makes, each with the file its item is named by. */
function embeddings(c: Case): { how: string; text: string }[] {
  const out: { how: string; text: string }[] = [];
  const item = (how: string, body: string) => ({ how, text: `${HEADER + BEFORE}- apiVersion: v1\n  kind: ConfigMap\n${meta(c.id, how)}${body}${AFTER}` });
  out.push(item('data', `  data:\n${indent(c.yaml, 4)}`));
  out.push(item('keys', indent(c.yaml, 2)));
  // The case's keys first, its first line on the dash line (`- ` + line).
  const lead = `- ${indent(c.yaml, 2).slice(2)}  apiVersion: v1\n  kind: ConfigMap\n${meta(c.id, 'lead')}`;
  out.push({ how: 'lead', text: HEADER + BEFORE + lead + AFTER });
  if (!c.error) {
    for (const [n, src] of oneLineScalars(c.yaml).entries()) {
      const f = `suite/${c.id}-scalar${n}.yaml`;
      const body = `  metadata:\n    name: ${src}\n    labels:\n      k: ${src}\n    annotations:\n      a: ${src}\n      internal.config.kubernetes.io/path: '${f}'\n`;
      out.push({ how: `scalar${n}`, text: `${HEADER + BEFORE}- apiVersion: v1\n  kind: ConfigMap\n${body}${AFTER}` });
    }
  }
  return out;
}

/** The source text of the case's one-line scalars (quoted, escaped, plain with odd characters). */
function oneLineScalars(text: string): string[] {
  const doc = YAML.parseDocument(text, READ);
  const out = new Set<string>();
  if (doc.errors.length) return [];
  YAML.visit(doc, {
    Scalar(_, s) {
      if (!s.range) return;
      const src = text.slice(s.range[0], s.range[1]);
      if (src && !src.includes('\n') && !/^[|>]/.test(src)) out.add(src);
    },
  });
  return [...out].slice(0, 4);
}

type Outcome = { error: string; file?: unknown } | { items: unknown[]; identity: unknown; written: string };

function read(text: string, mode: ReadMode): Outcome {
  try {
    const l = readResourceList(text, { mode });
    return { items: l.items.map((i) => i.object), identity: l.items.map((i) => i.identity), written: writeResourceList(l.items, []) };
  } catch (e) {
    if (e instanceof ItemError) return { error: e.result.message, file: e.result.file };
    return { error: `not an item error: ${(e as Error).message}` };
  }
}

testWith({ reference: [SUITE.join('/')] }, 'every suite case embedded in an item: every read path agrees with yaml', (t) => {
  const all = cases();
  t.is(all.length, 402);
  t.is(all.filter((c) => c.error).length, 94);
  const problems: string[] = [];
  let lists = 0;
  let refused = 0;
  for (const c of all) {
    for (const { how, text } of embeddings(c)) {
      lists++;
      const oracle = YAML.parseDocument(text, READ);
      const outcomes = MODES.map((m) => [m, read(text, m)] as const);
      const say = (m: string, why: string) => problems.push(`${c.id} as ${how}, ${m}: ${why}`);
      if (oracle.errors.length) {
        refused++;
        const first = outcomes[0]![1];
        for (const [m, o] of outcomes) {
          if (!('error' in o)) say(m, 'read a list yaml refuses');
          else if (!/^the item from suite\/.* is not valid YAML \(.*\) at line \d+, column \d+:\n/.test(o.error)) say(m, o.error.split('\n')[0]!);
          else if ('error' in first && o.error !== first.error) say(m, `another verdict than entries: ${o.error}`);
        }
        continue;
      }
      const want = oracle.toJS({ maxAliasCount: 100 }).items;
      for (const [m, o] of outcomes) {
        if ('error' in o) {
          say(m, `refused a list yaml reads: ${o.error.split('\n')[0]}`);
          continue;
        }
        if (JSON.stringify(o.items) !== JSON.stringify(want)) say(m, 'items differ from yaml');
        if (JSON.stringify(o.identity) !== JSON.stringify(want.map(identityOfData))) say(m, `identity differs: ${JSON.stringify(o.identity)}`);
        if (JSON.stringify(YAML.parse(o.written, READ).items) !== JSON.stringify(want)) say(m, 'written back, it reads differently');
        if (m === 'entries' && !(o.written.startsWith(HEADER + BEFORE) && o.written.endsWith(AFTER))) say(m, 'a neighbour lost its bytes');
      }
    }
  }
  t.log(`${lists} lists, ${refused} refused by yaml`);
  t.deepEqual(problems, []);
});

testWith({ reference: [SUITE.join('/')] }, 'the bundle gives every suite verdict on every path (KRM_FAST_PATH unset, 0, verify)', (t) => {
  const all = cases();
  const valid = all.filter((c) => !c.error).flatMap((c) => embeddings(c).filter((e) => !YAML.parseDocument(e.text, READ).errors.length));
  // Every valid embedding in one list: read, passed through, written back the same.
  const big = HEADER + valid.map((e) => e.text.slice(HEADER.length)).join('');
  const want = YAML.parse(big, READ).items;
  const broken = all
    .filter((c) => c.error)
    .filter((_, i) => i % 8 === 0)
    .map((c) => embeddings(c)[0]!)
    .filter((e) => YAML.parseDocument(e.text, READ).errors.length);
  t.true(broken.length >= 10);
  for (const env of [{}, { KRM_FAST_PATH: '0' }, { KRM_FAST_PATH: 'verify' }] as Record<string, string>[]) {
    const run = runFn('loki-rules', big, [], env);
    t.is(run.code, 0, `${JSON.stringify(env)}: ${run.stderr.slice(0, 300)}`);
    t.deepEqual(YAML.parse(run.stdout, READ).items, want, JSON.stringify(env));
    for (const e of broken) {
      const r = runFn('loki-rules', e.text, [], env);
      t.is(r.code, 1, `${e.how} ${JSON.stringify(env)}`);
      const result = r.list?.results?.[0];
      t.like(result, { severity: 'error', file: { path: `suite/${e.text.match(/suite\/([^']+)\.yaml/)![1]}.yaml`, index: 0 } });
      t.regex(result?.message ?? '', /at line \d+, column \d+:\n/);
    }
  }
});

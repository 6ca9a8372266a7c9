// Reading a ResourceList loses nothing and refuses only what YAML refuses, the same on every read
// path: by entries (the default), by the parser (KRM_FAST_PATH=0) and both (KRM_FAST_PATH=verify).
import test from 'ava';
import { join } from 'node:path';
import YAML from 'yaml';
import { Item } from '../functions/krm/item.ts';
import { ItemError, readResourceList, writeResourceList, type ReadMode } from '../functions/krm/resource-list.ts';
import { readDocument } from '../functions/krm/document-reader.ts';
import { differenceBetween } from '../functions/krm/verify.ts';
import { asSequenceEntry } from '../functions/krm/yaml.ts';
import { transform } from '../functions/observability-stack/transform.ts';
import { lokiRulesList, packageList, quickstartList } from '../bench/generate.mjs';
import { ROOT, config, runFn } from './support/fn.ts';
import { readTree } from './support/tree.ts';

const MODES: ReadMode[] = ['entries', 'parser', 'verify'];
const ENVS: Record<string, string>[] = [{}, { KRM_FAST_PATH: '0' }, { KRM_FAST_PATH: 'verify' }];
const HEADER = 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n';
const GEN = 'observability.krm.dev/generated-by';
const NBSP = '\u00a0';
/** Items as kpt writes them: block sequence entries at column 0. */
const entry = asSequenceEntry;
const cfgEntry = () => entry(YAML.stringify(config()));

test('a value ending in NBSP or other Unicode space is the user’s, not ours: kept on every path', (t) => {
  for (const space of [NBSP, '\u2003', '\u2028', '\ufeff', '\u3000']) {
    const theirs = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web${space}\n  namespace: observability\n  annotations:\n    ${GEN}: observability-stack${space}\n`;
    const text = HEADER + entry(theirs) + cfgEntry();
    for (const mode of MODES) {
      const l = readResourceList(text, { mode });
      t.is(l.items[0]!.annotations[GEN], `observability-stack${space}`, mode);
      t.is(l.items[0]!.name, `web${space}`, mode);
      const out = transform(l.items[1], l.items);
      t.true(out.items.includes(l.items[0]!), `${mode}: the user's item is kept (${JSON.stringify(space)})`);
    }
  }
});

test('an item’s identity does not depend on which field is read first', (t) => {
  const raw = entry(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web${NBSP}\n`);
  const nameFirst = Item.fromEntry(raw, 0);
  const name = nameFirst.name;
  const objectFirst = Item.fromEntry(raw, 0);
  const object = objectFirst.object;
  t.is(name, `web${NBSP}`);
  t.is(objectFirst.name, object.metadata.name);
  t.deepEqual(nameFirst.identity, objectFirst.identity);
});

test('an item is read-only once read; the dead API is gone', (t) => {
  const l = readResourceList(HEADER + cfgEntry());
  const o = l.items[0]!.object;
  t.throws(() => {
    o.metadata.name = 'changed';
  });
  t.is(l.items[0]!.name, 'observability');
  for (const gone of ['withObject', 'fast']) t.false(gone in Item.prototype, gone);
  t.false('fromText' in Item, 'fromText');
});

const BROKEN: [string, string][] = [
  ['an unclosed flow mapping', 'data:\n  k: {a: b\n'],
  ['an unterminated double quote', 'data:\n  k: "abc\n'],
  ['an unterminated single quote', "data:\n  k: 'abc\n"],
  ['a key indented wrong', 'data:\n  a: 1\n   b: 2\n'],
];

for (const [what, body] of BROKEN) {
  test(`broken YAML inside an item (${what}) is refused on every path, naming the item and the line`, (t) => {
    const bad = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\n  annotations:\n    internal.config.kubernetes.io/path: 'apps/bad.yaml'\n    internal.config.kubernetes.io/index: '1'\n${body}`;
    const text = HEADER + entry('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fine\n') + entry(bad) + cfgEntry();
    const messages = new Set<string>();
    for (const mode of MODES) {
      const e = t.throws(() => readResourceList(text, { mode }), { instanceOf: ItemError }, mode) as ItemError;
      t.like(e.result, { severity: 'error', file: { path: 'apps/bad.yaml', index: 1 }, resourceRef: { kind: 'ConfigMap', name: 'bad' } });
      t.regex(e.result.message, /^the item from apps\/bad.yaml, index 1 is not valid YAML \(.+\) at line 1\d, column \d+:\n {2}.*\n {2} *\^$/);
      messages.add(e.result.message);
    }
    t.is(messages.size, 1, 'one verdict');
    for (const env of ENVS) {
      const run = runFn('observability-stack', text, [], env);
      t.is(run.code, 1, JSON.stringify(env));
      t.like(run.list?.results?.[0], { severity: 'error', file: { path: 'apps/bad.yaml', index: 1 } });
      t.notRegex(run.stderr, /\n\s+at /);
    }
  });
}

test('a list starting with two document markers gets the parser’s verdict on every path', (t) => {
  const text = `---\n---\n${HEADER}${cfgEntry()}`;
  const verdicts = MODES.map((mode) => {
    try {
      readResourceList(text, { mode });
      return 'read';
    } catch (e) {
      return (e as Error).message;
    }
  });
  t.regex(verdicts[1]!, /exactly one YAML document/);
  t.deepEqual(verdicts, [verdicts[1], verdicts[1], verdicts[1]]);
  for (const env of ENVS) t.is(runFn('observability-stack', text, [], env).code, 1, JSON.stringify(env));
});

test('!!binary passes through the full parser (CRLF input, KRM_FAST_PATH=0)', (t) => {
  const bin = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: tagged\nbinaryData:\n  bin: !!binary aGVsbG8=\n';
  const text = HEADER + entry(bin) + cfgEntry();
  for (const input of [text, text.replace(/\n/g, '\r\n')]) {
    for (const mode of MODES) {
      const l = readResourceList(input, { mode });
      const written = writeResourceList(l.items, []);
      t.deepEqual(YAML.parse(written).items[0], YAML.parse(text).items[0], mode);
    }
    for (const env of ENVS) {
      const run = runFn('observability-stack', input, [], env);
      t.is(run.code, 0, run.stderr);
      t.deepEqual(run.list.items[0], YAML.parse(text).items[0]);
    }
  }
});

test('one odd item is left to the parser alone: the others keep their bytes and comments', (t) => {
  const before = '# first\n- apiVersion: v1 # kept\n  kind: ConfigMap\n  metadata: {name: a}   # flow, kept\n';
  const odd = '-  \t\n  foo: 1\n  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: odd\n';
  const after = "- apiVersion: v1\n  # inside\n  kind: Secret\n  metadata:\n    name: 'b'\n";
  const text = HEADER + before + odd + after;
  const l = readResourceList(text);
  t.deepEqual(
    l.items.map((i) => i.name),
    ['a', 'odd', 'b'],
  );
  const out = writeResourceList(l.items, []);
  t.true(out.startsWith(HEADER + before), out);
  t.true(out.endsWith(after), out);
  t.deepEqual(YAML.parse(out).items, YAML.parse(text).items);
});

test('a YAML error in the list itself shows the line and a caret', (t) => {
  const text = 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nfunctionConfig: {a: [b}\nitems: []\n';
  const run = runFn('observability-stack', text);
  t.is(run.code, 1);
  t.regex(run.stderr, /input is not valid YAML \(.+\) at line 3, column \d+:\n {2}functionConfig: \{a: \[b\}\n {2} +\^\n$/);
  t.notRegex(run.stderr, /\n\s+at /);
});

/** Every YAML document of the examples, as kpt sends a package. */
function examplesList(): string {
  const texts: string[] = [];
  for (const [path, text] of Object.entries(readTree(join(ROOT, 'examples')))) {
    if (!path.endsWith('.yaml')) continue;
    YAML.parseAllDocuments(text).forEach((doc, index) => {
      if (doc.contents === null) return;
      const node = doc.contents as YAML.YAMLMap;
      if (YAML.isMap(node)) doc.setIn(['metadata', 'annotations', 'internal.config.kubernetes.io/path'], path);
      if (YAML.isMap(node)) doc.setIn(['metadata', 'annotations', 'internal.config.kubernetes.io/index'], String(index));
      texts.push(doc.toString());
    });
  }
  return HEADER + texts.map(entry).join('');
}

test('verify mode agrees on the examples, the benchmark inputs and the line readers’ corpora', (t) => {
  const inputs: [string, string][] = [
    ['examples', examplesList()],
    ['bench: package', packageList(600)],
    ['bench: quickstart', quickstartList()],
    ['bench: loki-rules', lokiRulesList(40)],
  ];
  for (const [what, text] of inputs) {
    const l = readResourceList(text, { mode: 'verify' });
    t.true(l.items.length > 0, what);
  }
  for (const env of [{ KRM_FAST_PATH: 'verify' }]) {
    const run = runFn('observability-stack', packageList(200), [], env);
    t.is(run.code, 0, run.stderr);
    const rules = runFn('loki-rules', lokiRulesList(20), [], env);
    t.is(rules.code, 0, rules.stderr);
  }
});

test('verify mode fails on any difference between the two readings', (t) => {
  const text = HEADER + entry('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n');
  const parsed = readDocument(text);
  const other = readDocument(text.replace('name: a', 'name: b'));
  t.is(differenceBetween({ items: parsed.items }, parsed), undefined);
  const diff = differenceBetween({ items: other.items }, parsed);
  t.regex(diff?.what ?? '', /item 1 \(ConfigMap a\): its identity reads/);
  t.is(diff?.item, parsed.items[0]);
  t.regex(differenceBetween({ items: [] }, parsed)?.what ?? '', /read 0 items, the YAML parser 1/);
});

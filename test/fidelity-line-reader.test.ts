// The line readers (functions/krm/entry-splitter.ts, entry-head.ts, plain-entry.ts): passthrough
// items come out byte for byte, identities read from text equal what yaml's parser reads, and
// every input the scanner cannot prove it understands goes to the full parser instead.
import test from 'ava';
import fc from 'fast-check';
import YAML from 'yaml';
import { splitEntries } from '../functions/krm/entry-splitter.ts';
import { readEntryHead } from '../functions/krm/entry-head.ts';
import { identityOfData } from '../functions/krm/identity.ts';
import { Item } from '../functions/krm/item.ts';
import { readResourceList, writeResourceList } from '../functions/krm/resource-list.ts';
import { transform } from '../functions/observability-stack/transform.ts';
import { asSequenceEntry } from '../functions/krm/yaml.ts';
import { packageList, resource } from '../bench/generate.mjs';
import { config, runFn } from './support/fn.ts';

const GEN = 'observability.krm.dev/generated-by';
const HEADER = 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n';

/** Items as kpt writes them: block sequence entries at column 0. */
const entry = asSequenceEntry;
const list = (texts: string[], fcText?: string) => HEADER + texts.map(entry).join('') + (fcText ? `functionConfig:\n${fcText.replace(/^(?=.)/gm, '  ')}` : '');

/** Hand-written resources full of what line scanners and YAML tools get wrong. */
const TRICKY: string[] = [
  `# leading comment of the first item
apiVersion: v1 # inline
kind: ConfigMap
metadata:
  name: scalars
  namespace: apps
  annotations:
    yes-string: "yes"
    on-string: 'on'
    mode: "0755"
    subst: \${SECRET_DOMAIN}
    quote: 'it''s'
    url: https://example.com/#anchor
data:
  literal: |
    line one
      indented
    - not a list
    ---
    not a document
    # not a comment
  folded: >-
    folded
    text
  keep: |+
    trailing

  strip: |-
    no newline
  indent-indicator: |2
      two extra spaces
  empty: ""
  nothing:
  tilde: ~
  unicode: café ☕ 日本語 🚀
  colon: "a: b # not a comment"
  multi-plain: this plain scalar
    continues here
`,
  `apiVersion: apps/v1
kind: Deployment
metadata:
  name: &app web
  labels:
    app.kubernetes.io/name: web
spec:
  selector:
    matchLabels:
      app: *app
  template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: "nginx:1.27"}]}}
  strategy: {}
  paused: null
`,
  `{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "json-style"}, "stringData": {"a": "b"}}`,
  `apiVersion: v1
kind: Service
metadata: {name: flow-meta, namespace: apps}
spec:
  ports:
  - port: 80
`,
  `"apiVersion": v1
"kind": ConfigMap
metadata:
  "name": quoted-keys
`,
  `apiVersion: v1
kind: ConfigMap
metadata:
  name: 0755
  annotations:
    count: 3
    enabled: true
`,
  `apiVersion: !!str v1
kind: ConfigMap
metadata:
  name: tagged
data:
  bin: !!binary aGVsbG8=
`,
  `apiVersion: v1
kind: ConfigMap
metadata:
  name: block-annotation
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: |
      {"apiVersion":"v1","kind":"ConfigMap"}
data:
  script: |
    #!/bin/sh
    test -f /a && echo *ok* & wait
    cat <<'EOF'
    - item: *not-an-alias
    EOF
`,
  `apiVersion: v1
kind: ConfigMap
metadata:
  name: escapes
  namespace: "ns\\u0041"
`,
  `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: nested-in-list
`,
];

/** The identity getters of an item, as one comparable value. */
const identity = (i: Item) => ({ key: i.key, ref: i.ref, annotations: i.annotations, labels: i.labels, isResource: i.isResource, file: i.file });
/** The oracle: yaml's own reading of an entry, not the item's (itself a line reader first). */
const yamlIdentity = (raw: string) => {
  const { isResource, ...id } = identityOfData(YAML.parseDocument(raw, { uniqueKeys: false }).toJS()[0]);
  return { ...id, isResource };
};
const itemIdentity = (i: Item) => {
  const { isResource, ...id } = i.identity;
  return { ...id, isResource };
};
/** The list read by entries, when the splitter takes it. */
const byEntries = (text: string) => (splitEntries(text) ? readResourceList(text, { mode: 'entries' }) : undefined);

test('tricky items pass through the bundle byte for byte and parse to what went in', (t) => {
  const cfg = config();
  const texts: string[] = [];
  for (let i = 0; i < 300; i++) texts.push(TRICKY[i % TRICKY.length]!.replace(/name: (&app )?([\w-]+)/, `name: $1$2-${i}`), resource(i));
  const input = list([...texts, YAML.stringify(cfg)], YAML.stringify(cfg));
  const run = runFn('observability-stack', input);
  t.is(run.code, 0, run.stderr);
  const passthrough = input.slice(HEADER.length, input.lastIndexOf('- apiVersion: observability.krm.dev/'));
  t.true(run.stdout.startsWith(HEADER + passthrough), 'every passthrough byte, in order');
  const inItems = YAML.parse(input).items;
  const outItems = YAML.parse(run.stdout).items;
  t.deepEqual(outItems.slice(0, texts.length), inItems.slice(0, texts.length));
});

test('the line readers read exactly what the YAML parser reads', (t) => {
  const inputs = [
    list(TRICKY),
    list(TRICKY.slice().reverse(), YAML.stringify(config())),
    packageList(300),
    // items indented under `items:`, comments between, no final newline
    HEADER.replace('items:\n', 'items:\n  # first\n') +
      TRICKY.map(entry)
        .join('# between\n')
        .replace(/^(?=.)/gm, '  ')
        .trimEnd(),
    `---\n# a document start and comments\n${HEADER}${entry(TRICKY[0]!)}\n\n# trailing comment\nfunctionConfig: {}\nresults: []\n`,
    `kind: ResourceList\napiVersion: config.kubernetes.io/v1\nfunctionConfig:\n  data:\n    a: b\nitems:\n${entry(TRICKY[1]!)}`,
  ];
  for (const text of inputs) {
    const fast = byEntries(text);
    t.truthy(fast, `read by entries: ${text.slice(0, 80)}`);
    t.notThrows(() => readResourceList(text, { mode: 'verify' }), 'KRM_FAST_PATH=verify agrees');
    const slow = readResourceList(text, { mode: 'parser' });
    t.is(fast!.items.length, slow.items.length);
    fast!.items.forEach((item, n) => {
      t.deepEqual(identity(item), identity(slow.items[n]!), `item ${n}`);
      t.deepEqual(item.object, slow.items[n]!.object, `item ${n}`);
      t.deepEqual(YAML.parse(item.toYAML()), slow.items[n]!.object, `toYAML of item ${n}`);
    });
    t.deepEqual(fast!.functionConfig?.object, slow.functionConfig?.object);
    // (Compared with the input, not with the parser's output: yaml cannot write !!binary at lineWidth 0.)
    t.deepEqual(YAML.parse(writeResourceList(fast!.items, [])).items, YAML.parse(text).items ?? []);
  }
});

test('identities read from text are those the parser reads, or the scanner declines', (t) => {
  let read = 0;
  for (const text of [...TRICKY, ...Array.from({ length: 12 }, (_, i) => resource(i))]) {
    const raw = entry(text);
    const head = readEntryHead(raw);
    if (head) read++;
    t.deepEqual(itemIdentity(Item.fromEntry(raw, 0)), yamlIdentity(raw));
  }
  t.true(read >= 14, `the scanner read ${read} of the plain items itself`);
  // What the scanner must leave to the parser.
  const declined = [
    'apiVersion: v1\nkind: X\nmetadata: {name: a}\n',
    'apiVersion: v1\nkind: X\nmetadata:\n  name: 123\n',
    'apiVersion: v1\nkind: X\nmetadata:\n  name: a\n  annotations:\n    x: true\n',
    'apiVersion: v1\nkind: X\nmetadata:\n  name: a\n  name: b\n',
    'apiVersion: v1\nkind: X\nmetadata:\n  name: "a\\tb"\n',
    'apiVersion: v1\nkind: X\nmetadata:\n  name: *other\n',
    'apiVersion: v1\nkind: X\nmetadata:\n  name: a\n    b\n',
    '"kind": X\napiVersion: v1\n',
    'apiVersion: v1\nkind: !!str X\n',
    'apiVersion: v1\nkind: X\nmetadata:\n  name: a\n  labels:\n    k: |\n      v\n',
    'apiVersion: v1\nkind: X\nmetadata:\nname: a\n',
    '? apiVersion\n: v1\nkind: X\n',
    'apiVersion: v1\nkind: X\nmetadata:\n  name: a: b\n',
    'apiVersion: v1\nkind: X\nmetadata:\n  name: a\n  labels: &l\n    a: b\n  annotations: *l\n',
    'apiVersion: v1\nkind: X\nmetadata:\n  name: ~\n',
    'apiVersion: v1\nkind: X\nmetadata:\n  __proto__: {}\n',
  ];
  for (const text of declined) t.is(readEntryHead(entry(text)), undefined, text);
});

test('random resources: the text reading agrees with the parser on every identity', (t) => {
  const word = fc.oneof(
    fc.constantFrom(
      'yes',
      'no',
      'on',
      'true',
      'null',
      '~',
      '0755',
      '1e3',
      '-1',
      '.5',
      '',
      ' lead',
      'trail ',
      'a: b',
      'a #b',
      '#x',
      '&a',
      '*a',
      '!t',
      '[x]',
      '{}',
      "it's",
      '"q"',
      'café',
      '${VAR}',
      'x\ny',
      '\t',
      '- x',
      '? x',
      '%x',
      '@x',
      '|',
      '>',
    ),
    fc.stringMatching(/^[a-z][a-z0-9.-]{0,12}$/),
    fc.string({ maxLength: 8 }),
    fc.string({ unit: 'grapheme', maxLength: 6 }),
    fc.string({ unit: fc.constantFrom('a', ' ', '\t', ':', '#', '\u00a0', '\u2028', '\ufeff', '\u3000', '\u0085'), maxLength: 6 }),
  );
  // Unicode YAML does not trim (NBSP, em space, line separator, BOM, ideographic space, NEL).
  const unicode = fc.constantFrom('\u00a0', '\u2003', '\u2028', '\u2029', '\ufeff', '\u3000', '\u0085', '\u200b', 'é', '☕', '🚀');
  const plain = fc.oneof(
    { weight: 6, arbitrary: fc.stringMatching(/^[a-z][a-z0-9./-]{0,15}$/) },
    fc.tuple(fc.stringMatching(/^[a-z][a-z0-9./-]{0,6}$/), unicode, fc.constantFrom('', ' ', 'x', '\u00a0')).map(([a, u, b]) => a + u + b),
  );
  // Mostly what real packages hold, so the scanner has to read rather than decline.
  const value = fc.oneof({ weight: 60, arbitrary: plain }, { weight: 8, arbitrary: word }, fc.constant(null), fc.boolean(), fc.integer(), fc.double());
  const map = fc.dictionary(fc.oneof({ weight: 10, arbitrary: plain }, word), value, { maxKeys: 3 });
  const obj = fc.record(
    {
      apiVersion: fc.oneof(value, fc.constant('apps/v1'), fc.constant('v1')),
      kind: value,
      metadata: fc.oneof({ weight: 8, arbitrary: fc.record({ name: value, namespace: value, annotations: map, labels: map }, { requiredKeys: [] }) }, value),
      spec: fc.anything({ maxDepth: 3 }),
    },
    { requiredKeys: [] },
  );
  const style = fc.record({
    indentSeq: fc.boolean(),
    singleQuote: fc.boolean(),
    flow: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, fc.nat(4)),
    comments: fc.nat(4),
    shared: fc.boolean(),
  });
  let read = 0;
  let runs = 0;
  fc.assert(
    fc.property(obj, style, (o, s) => {
      // The same object twice makes YAML write an anchor and an alias.
      if (s.shared && o.metadata && typeof o.metadata === 'object') (o.metadata as any).labels = (o.metadata as any).annotations;
      const doc = new YAML.Document(o);
      let n = 0;
      YAML.visit(doc, {
        Map: (_, m) => {
          if (m.items.length < 3 && ++n % 5 < s.flow) m.flow = true;
        },
        Scalar: (key, v) => {
          if (key === 'value' && ++n % 7 < s.comments) v.comment = ' note: # x';
        },
      });
      const text = doc.toString({ indentSeq: s.indentSeq, singleQuote: s.singleQuote, lineWidth: 40 });
      const raw = entry(text);
      if (YAML.parseDocument(raw).errors.length) return; // yaml can write a comment where it cannot read one back
      runs++;
      const oracle = yamlIdentity(raw);
      const head = readEntryHead(raw);
      if (head) read++;
      for (const [what, got] of [
        ['head', head],
        ['item', itemIdentity(Item.fromEntry(raw, 0))],
      ] as const) {
        if (got && JSON.stringify({ ...got, isResource: got.isResource }) !== JSON.stringify(oracle)) {
          throw new Error(`${what}\n${JSON.stringify(raw)}\n${JSON.stringify(got)}\n${JSON.stringify(oracle)}`);
        }
      }
    }),
    { numRuns: 2000 },
  );
  t.true(read > runs / 5, `the scanner read ${read} of ${runs} random items itself`);
  t.log(`scanner read ${read} of ${runs} random items; the parser read the rest`);
});

test('input the scanner does not handle goes to the full parser, with the same result', (t) => {
  const item = entry(TRICKY[1]!);
  const refused: [string, string][] = [
    [
      'an alias to an anchor in another item',
      `${HEADER}- &shared\n  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: b\n  data: *shared\n`,
    ],
    ['a functionConfig alias into the items', `${HEADER}- &cfg\n  apiVersion: v1\n  kind: X\nfunctionConfig: *cfg\n`],
    ['CRLF line ends', (HEADER + item).replace(/\n/g, '\r\n')],
    ['a %YAML directive', `%YAML 1.1\n---\n${HEADER}${item}`],
    ['a byte order mark', `\uFEFF${HEADER}${item}`],
    ['JSON', JSON.stringify({ apiVersion: 'v1', kind: 'ResourceList', items: [{ apiVersion: 'v1', kind: 'X' }] })],
    ['a flow items list', 'apiVersion: v1\nkind: ResourceList\nitems: [{apiVersion: v1, kind: X}]\n'],
    ['a document marker inside the list', `${HEADER}${item}---\n${item}`],
    ['an entry at another indentation', `${HEADER}${item} - apiVersion: v1\n   kind: X\n`],
    ['quoted top-level keys', `"apiVersion": v1\n"kind": ResourceList\n"items":\n${item}`],
    ['a multi-line top-level kind', `apiVersion: v1\nkind: Resource\n  List\nitems:\n${item}`],
  ];
  for (const [what, text] of refused) {
    // (Aliases between items and odd entries are the reader's to handle: the splitter lays out entries.)
    if (!/alias|another indentation/.test(what)) t.is(splitEntries(text), undefined, what);
    let slow: unknown;
    let fast: unknown;
    try {
      slow = readResourceList(text, { mode: 'parser' }).items.map((i) => i.object);
    } catch (e) {
      slow = (e as Error).message;
    }
    try {
      fast = readResourceList(text).items.map((i) => i.object);
    } catch (e) {
      fast = (e as Error).message;
    }
    t.deepEqual(fast, slow, what);
  }
});

test('an alias to another item keeps its meaning: resolved, whichever item goes', (t) => {
  const text = `${HEADER}- &shared\n  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\n  data: {k: v}\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: b\n  data: *shared\n`;
  const l = readResourceList(text);
  const only = writeResourceList([l.items[1]!], []);
  t.deepEqual(YAML.parse(only).items[0].data, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { k: 'v' } });
});

test('anchors within one item pass through unchanged, and the item still reads alone', (t) => {
  const text = `${HEADER}${entry(TRICKY[1]!)}`;
  const l = byEntries(text)!;
  t.truthy(l);
  t.is(writeResourceList(l.items, []), text);
  t.is(l.items[0]!.name, 'web');
  t.is(l.items[0]!.object.spec.selector.matchLabels.app, 'web');
});

test('ownership and conflicts read from text: owned items are replaced, a clash is refused', (t) => {
  const cfg = config();
  const owned = `apiVersion: v1 # left by an earlier render\nkind: ConfigMap\nmetadata:\n  name: stale\n  namespace: observability\n  annotations:\n    ${GEN}: 'observability-stack' # quoted\n`;
  const l = readResourceList(list([owned, resource(0), YAML.stringify(cfg)], YAML.stringify(cfg)));
  const out = transform(l.functionConfig, l.items);
  t.false(
    out.items.some((i) => i.name === 'stale'),
    'the stale owned object is gone',
  );
  t.true(out.items.some((i) => i.kind === 'HelmRelease'));
  // The same identity as a generated object, not owned: refused, everything passed through.
  const first = out.items.find((i) => i.annotations[GEN] === 'observability-stack')!;
  const clash = `apiVersion: ${first.apiVersion}\nkind: ${first.kind}\nmetadata:\n  name: ${first.name}\n  namespace: '${first.namespace}'\n  annotations: {}\n`;
  const l2 = readResourceList(list([clash, YAML.stringify(cfg)], YAML.stringify(cfg)));
  const out2 = transform(l2.functionConfig, l2.items);
  t.true(out2.results.some((r) => r.severity === 'error' && /already has an object with that identity/.test(r.message)));
  t.is(writeResourceList(out2.items, []), list([clash, YAML.stringify(cfg)]));
});

test('a large package keeps every byte of its passthrough items', (t) => {
  const input = packageList(2000);
  const l = readResourceList(input);
  const out = transform(l.functionConfig, l.items);
  t.false(out.results.some((r) => r.severity === 'error'));
  const text = writeResourceList(out.items, out.results);
  const passthrough = input.slice(HEADER.length, input.lastIndexOf('- apiVersion: observability.krm.dev/'));
  t.true(text.startsWith(HEADER + passthrough));
});

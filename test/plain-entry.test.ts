// readPlainEntry (functions/krm/plain-entry.ts) reads the plainest block YAML without the yaml
// package. Whatever it accepts must equal yaml's own reading; everything else it must decline.
import test from 'ava';
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { join } from 'node:path';
import YAML from 'yaml';
import { readPlainEntry } from '../functions/krm/plain-entry.ts';
import { ROOT } from './support/fn.ts';
import { readTree } from './support/tree.ts';

let seed = 7;
const r = (n: number) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};
const TOKENS = [
  'a',
  'b',
  'key',
  'x.y/z',
  '-',
  ' ',
  '  ',
  ':',
  ': ',
  '"',
  "'",
  "''",
  '{',
  '}',
  '[',
  ']',
  ',',
  '|',
  '>',
  '~',
  'null',
  'true',
  'True',
  'yes',
  'on',
  '0',
  '0755',
  '1.5',
  '5m',
  '0x1F',
  '0o7',
  '.inf',
  '1e3',
  '+1',
  '?',
  '!',
  '&a',
  '*a',
  '%',
  '@',
  '`',
  '\\',
  '...',
  '---',
  '__proto__',
  '\n',
  '\n  ',
  '\n    ',
  '\n  - ',
  '- ',
  '=~',
  '{app="x"}',
  '|~',
  '.*',
  '$labels',
  '2024-04-01',
  '12:30',
  ' #',
  ' # c',
  '#',
  '\u00a0',
  '\u3000',
  '\ufeff',
  '\u2028',
  '\u0085',
  'é',
  '🚀',
  '{a: b}',
  '[x, "y"]',
  '{}',
  '[]',
  '|-',
  '\n    # c',
  '&x ',
  '*x',
  '-7',
  '0o7',
  ', ',
];

/** Entries of a block sequence, as the ResourceList reader hands them over. */
function samples(): string[] {
  const out: string[] = [];
  for (const [path, text] of Object.entries(readTree(join(ROOT, 'examples')))) {
    if (!path.endsWith('.yaml')) continue;
    for (const doc of YAML.parseAllDocuments(text)) {
      const entry = YAML.stringify([doc.toJS()], { lineWidth: 0 });
      out.push(entry);
    }
  }
  return out;
}

function mutate(t: string): string {
  const lines = t.split('\n');
  const k = r(lines.length);
  const l = lines[k]!;
  const p = r(l.length + 1);
  const tok = TOKENS[r(TOKENS.length)]!;
  const op = r(4);
  lines[k] =
    op === 0
      ? l.slice(0, p) + tok + l.slice(p)
      : op === 1
        ? l.slice(0, p) + l.slice(p + 1 + r(3))
        : op === 2
          ? l.slice(0, p) + tok + l.slice(p + 1)
          : l.replace(/^ */, ' '.repeat(r(8)));
  return lines.join('\n');
}

function generate(): string {
  const ind = (d: number) => ' '.repeat(d);
  const val = (d: number) =>
    [
      TOKENS[r(TOKENS.length)],
      'plain text',
      'sum(rate({a="b"}[5m])) > 0',
      "'q''s'",
      '"dq"',
      'a, b',
      'a:b',
      'x ]',
      '',
      'v # c',
      '{k: v, l: "w"}',
      '[a, b]',
      '&x v',
      '*x',
      `|\n${' '.repeat(d + 2)}text\n\n${' '.repeat(d + 2)}# more`,
      'web\u00a0',
      '12',
    ][r(17)];
  const node = (d: number, depth: number): string => {
    let s = '';
    const seq = r(3) === 0;
    for (let i = 0, n = 1 + r(3); i < n; i++) {
      const k = ['a', 'b', 'c', 'name', 'true', 'k-1', 'a', '__proto__', 'x.y'][r(9)];
      if (seq) s += depth < 3 && r(2) ? `${ind(d)}- ${k}: ${val(d)}\n${node(d + 2, depth + 1)}` : `${ind(d)}- ${val(d)}\n`;
      else s += depth < 3 && r(2) ? `${ind(d)}${k}:\n${node(d + [0, 1, 2, 4][r(4)]!, depth + 1)}` : `${ind(d)}${k}: ${val(d)}\n`;
    }
    return s;
  };
  return `- ${node(2, 0).slice(2)}`;
}

test('what readPlainEntry accepts equals yaml’s reading; it accepts a real share of plain input', (t) => {
  const base = samples();
  t.true(base.length > 20, 'example entries to start from');
  const corpus = [...base];
  for (let i = 0; i < 20000; i++) corpus.push(i % 2 ? mutate(base[r(base.length)]!) : r(3) ? generate() : mutate(generate()));
  let accepted = 0;
  for (const raw of corpus) {
    const got = readPlainEntry(raw);
    if (got === undefined) continue;
    accepted++;
    const doc = YAML.parseDocument(raw, { uniqueKeys: false });
    t.deepEqual(
      doc.errors.map((e) => e.message),
      [],
      `accepted input yaml refuses: ${JSON.stringify(raw)}`,
    );
    const js = doc.toJS();
    t.true(Array.isArray(js) && js.length === 1, JSON.stringify(raw));
    if (JSON.stringify(got) !== JSON.stringify(js[0])) t.fail(`differs from yaml: ${JSON.stringify(raw)}`);
  }
  t.true(accepted > 2000, `${accepted} accepted`);
  t.log(`${corpus.length} entries, ${accepted} read without yaml`);
});

test('it declines tabs, escapes, multi-line and folded scalars; comments, anchors and flow read as yaml reads them', (t) => {
  for (const raw of [
    '- a:\t1\n',
    '- a: &x\n    b: 1\n',
    '- a: {b: 1\n',
    '- a: [1,]\n',
    '- a: >\n    x\n',
    '- a: "x\\n"\n',
    '- a: b\n  c\n',
    '- a: *nowhere\n',
    '- a: &x *x\n',
    '- a: 1.5\n',
    '- a: |+\n    x\n',
  ]) {
    t.is(readPlainEntry(raw), undefined, raw);
  }
  for (const raw of [
    '- a: 1 # c\n  # d\n  b: [x, "y", {z: w}]\n',
    '- a: &x v\n  b: *x\n',
    '- a: |\n    line\n\n    # not a comment\n  b: |-\n    z\n',
    '- a: web\u00a0\n  b: {}\n  c: []\n  d: ~\n  e: TRUE\n  f: -7\n',
  ]) {
    t.deepEqual(readPlainEntry(raw), YAML.parse(raw)[0], raw);
  }
  t.deepEqual(
    readPlainEntry('- apiVersion: v1\n  kind: ConfigMap\n  data:\n    on: "yes"\n    n: "0755"\n'),
    YAML.parse('- apiVersion: v1\n  kind: ConfigMap\n  data:\n    on: "yes"\n    n: "0755"\n')[0],
  );
});

test('random entries with Unicode, comments and flow: what it reads is yaml’s reading (fast-check)', (t) => {
  const text = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 8 }),
    fc.string({
      unit: fc.constantFrom(
        'a',
        'b',
        ' ',
        ':',
        '#',
        '-',
        "'",
        '"',
        '{',
        ']',
        ',',
        '&',
        '*',
        '|',
        '\u00a0',
        '\u2003',
        '\u2028',
        '\u3000',
        '\ufeff',
        '\u0085',
        'é',
        '🚀',
      ),
      maxLength: 8,
    }),
    fc.stringMatching(/^[a-z][a-z0-9./-]{0,10}$/),
  );
  const leaf = fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null));
  const key = fc.oneof({ weight: 4, arbitrary: fc.stringMatching(/^[a-z][a-z0-9./_-]{0,8}$/) }, text);
  const { v: value } = fc.letrec((tie) => ({
    v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(key, tie('v'), { maxKeys: 3 })),
  }));
  const style = fc.record({ flow: fc.nat(3), comments: fc.nat(3), singleQuote: fc.boolean(), indentSeq: fc.boolean(), literal: fc.boolean() });
  let read = 0;
  fc.assert(
    fc.property(fc.dictionary(key, value, { minKeys: 1, maxKeys: 4 }), style, (o, s) => {
      const doc = new YAML.Document([o]);
      let n = 0;
      YAML.visit(doc, {
        Map: (_, m) => {
          if (++n % 4 < s.flow) m.flow = true;
        },
        Seq: (_, q) => {
          if (++n % 4 < s.flow) q.flow = true;
        },
        Scalar: (k, v) => {
          if (k === 'value' && ++n % 5 < s.comments) v.comment = ' c # d';
          if (s.literal && typeof v.value === 'string' && v.value.includes('\n')) v.type = 'BLOCK_LITERAL';
        },
      });
      const raw = doc.toString({ singleQuote: s.singleQuote, indentSeq: s.indentSeq, lineWidth: 0 });
      const got = readPlainEntry(raw);
      if (got === undefined) return;
      read++;
      const oracle = YAML.parseDocument(raw, { uniqueKeys: false });
      if (oracle.errors.length) throw new Error(`accepted what yaml refuses: ${JSON.stringify(raw)}`);
      const want = oracle.toJS()[0];
      if (!isDeepStrictEqual(got, want)) throw new Error(`${JSON.stringify(raw)}\n${JSON.stringify(got)}\n${JSON.stringify(want)}`);
    }),
    { numRuns: 3000 },
  );
  t.true(read > 300, `read ${read}`);
  t.log(`read ${read} of 3000 random entries without yaml`);
});

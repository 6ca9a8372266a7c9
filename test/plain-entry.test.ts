// readPlainEntry (functions/krm/item-head.ts) reads the plainest block YAML without the yaml
// package. Whatever it accepts must equal yaml's own reading; everything else it must decline.
import test from 'ava';
import { join } from 'node:path';
import YAML from 'yaml';
import { readPlainEntry } from '../functions/krm/item-head.ts';
import { ROOT } from './support/fn.ts';
import { readTree } from './support/tree.ts';

let seed = 7;
const r = (n: number) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};
const TOKENS = ['a', 'b', 'key', 'x.y/z', '-', ' ', '  ', ':', ': ', '"', "'", "''", '{', '}', '[', ']', ',', '|', '>', '~', 'null', 'true', 'True', 'yes', 'on', '0', '0755', '1.5', '5m', '0x1F', '0o7', '.inf', '1e3', '+1', '?', '!', '&a', '*a', '%', '@', '`', '\\', '...', '---', '__proto__', '\n', '\n  ', '\n    ', '\n  - ', '- ', '=~', '{app="x"}', '|~', '.*', '$labels', '2024-04-01', '12:30'];

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
  lines[k] = op === 0 ? l.slice(0, p) + tok + l.slice(p) : op === 1 ? l.slice(0, p) + l.slice(p + 1 + r(3)) : op === 2 ? l.slice(0, p) + tok + l.slice(p + 1) : l.replace(/^ */, ' '.repeat(r(8)));
  return lines.join('\n');
}

function generate(): string {
  const ind = (d: number) => ' '.repeat(d);
  const val = () => [TOKENS[r(TOKENS.length)], 'plain text', 'sum(rate({a="b"}[5m])) > 0', "'q''s'", '"dq"', 'a, b', 'a:b', 'x ]', ''][r(9)];
  const node = (d: number, depth: number): string => {
    let s = '';
    const seq = r(3) === 0;
    for (let i = 0, n = 1 + r(3); i < n; i++) {
      const k = ['a', 'b', 'c', 'name', 'true', 'k-1', 'a', '__proto__', 'x.y'][r(9)];
      if (seq) s += depth < 3 && r(2) ? `${ind(d)}- ${k}: ${val()}\n` + node(d + 2, depth + 1) : `${ind(d)}- ${val()}\n`;
      else s += depth < 3 && r(2) ? `${ind(d)}${k}:\n` + node(d + [0, 1, 2, 4][r(4)]!, depth + 1) : `${ind(d)}${k}: ${val()}\n`;
    }
    return s;
  };
  return '- ' + node(2, 0).slice(2);
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
    t.deepEqual(doc.errors.map((e) => e.message), [], `accepted input yaml refuses: ${JSON.stringify(raw)}`);
    const js = doc.toJS();
    t.true(Array.isArray(js) && js.length === 1, JSON.stringify(raw));
    if (JSON.stringify(got) !== JSON.stringify(js[0])) t.fail(`differs from yaml: ${JSON.stringify(raw)}`);
  }
  t.true(accepted > 2000, `${accepted} accepted`);
  t.log(`${corpus.length} entries, ${accepted} read without yaml`);
});

test('it declines comments, tabs, anchors, flow collections and multi-line scalars', (t) => {
  for (const raw of ['- a: 1 # c\n', '- a:\t1\n', '- a: &x 1\n', '- a: {b: 1}\n', '- a: [1]\n', '- a: |\n    x\n', '- a: "x\\n"\n', '- a: b\n  c\n']) {
    t.is(readPlainEntry(raw), undefined, raw);
  }
  t.deepEqual(readPlainEntry('- apiVersion: v1\n  kind: ConfigMap\n  data:\n    on: "yes"\n    n: "0755"\n'), YAML.parse('- apiVersion: v1\n  kind: ConfigMap\n  data:\n    on: "yes"\n    n: "0755"\n')[0]);
});

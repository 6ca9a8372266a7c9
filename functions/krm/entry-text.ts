// The text of one entry of the input list: parsed alone, or moved to column 0 for writing.
import YAML from 'yaml';

/** JSON input arrives as flow collections; our output is block style (empty ones stay `{}`/`[]`). */
export function blockStyle<T extends YAML.Node | null>(node: T): T {
  // A plain walk: YAML.visit builds a frozen path array per node, which shows on large packages.
  if (YAML.isCollection(node)) {
    if (node.items.length) node.flow = false;
    for (const it of node.items as unknown[]) {
      if (YAML.isPair(it)) {
        blockStyle(it.key as YAML.Node | null);
        blockStyle(it.value as YAML.Node | null);
      } else blockStyle(it as YAML.Node | null);
    }
  }
  return node;
}

/** A sequence entry's text parsed alone (the entry is one block sequence); check its errors. */
export function parseEntryDocument(raw: string): YAML.Document.Parsed {
  return YAML.parseDocument(raw, { uniqueKeys: false, logLevel: 'error' });
}

/** The item's node in a parsed entry, in block style. */
export function entryNode(doc: YAML.Document.Parsed): YAML.Node | null {
  const seq = doc.contents;
  if (!YAML.isSeq(seq) || seq.items.length !== 1) throw new Error('internal error: an item entry is not one sequence entry');
  const node = seq.items[0] as YAML.Node | null;
  return node ? blockStyle(node) : node;
}

/** The node of a sequence entry's text (read before: resource-list.ts refuses invalid entries). */
export function parseEntry(raw: string): YAML.Node | null {
  const doc = parseEntryDocument(raw);
  if (doc.errors.length) throw new Error(`an item is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  return entryNode(doc);
}

const spacesAt = (s: string, from: number) => {
  let i = from;
  while (s.charCodeAt(i) === 32) i++;
  return i - from;
};

/** Lines with at least `n` leading spaces lose n; shorter ones are blank or comments (the list reader checks). */
export function shiftLeft(raw: string, n: number): string {
  return raw
    .split('\n')
    .map((l) => (spacesAt(l, 0) >= n ? l.slice(n) : l.trimStart()))
    .join('\n');
}

/** The entry's mapping as standalone text; undefined when its lines do not share one indentation. */
export function dedentEntry(raw: string, indent: number): string | undefined {
  const lines = raw.split('\n');
  let i = 0;
  while (i < lines.length && !(spacesAt(lines[i]!, 0) === indent && lines[i]!.charCodeAt(indent) === 45)) i++;
  if (i === lines.length) return undefined;
  const out = lines.slice(0, i).map((l) => l.trimStart());
  const dash = lines[i]!;
  const gap = spacesAt(dash, indent + 1);
  const rest = dash.slice(indent + 1 + gap);
  let m = rest && !rest.startsWith('#') ? indent + 1 + gap : -1;
  out.push(rest);
  for (const l of lines.slice(i + 1)) {
    const sp = spacesAt(l, 0);
    if (sp === l.length) {
      out.push(m >= 0 && sp > m ? l.slice(m) : '');
      continue;
    }
    if (l.charCodeAt(sp) === 35 /* # */ && (m < 0 || sp < m)) {
      out.push(l.slice(sp));
      continue;
    }
    if (m < 0) m = sp;
    if (sp < m || sp <= indent) return undefined;
    out.push(l.slice(m));
  }
  return out.join('\n');
}

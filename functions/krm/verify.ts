// KRM_FAST_PATH=verify: the list is read both ways, by entries (the splitter, the entry-head and
// plain-entry readers) and by yaml's parser, and any difference fails the run. For checking the
// line readers on real packages: every identity and every item's data must be what yaml reads.
import { isDeepStrictEqual } from 'node:util';
import YAML from 'yaml';
import type { Item } from './item.ts';
import { identityOfData } from './identity.ts';
import { readEntryHead } from './entry-head.ts';
import { readPlainEntry } from './plain-entry.ts';
import type { DocumentList } from './document-reader.ts';

export interface Difference {
  /** What differs, in one sentence. */
  what: string;
  /** The item it is in (as the parser read it). */
  item?: Item;
}

/** The first difference between the two readings; undefined when they agree. */
export function differenceBetween(byEntries: { items: Item[]; functionConfig?: Item }, byParser: DocumentList): Difference | undefined {
  if (byEntries.items.length !== byParser.items.length) {
    return { what: `the line reader read ${byEntries.items.length} items, the YAML parser ${byParser.items.length}` };
  }
  for (let i = 0; i < byParser.items.length; i++) {
    const mine = byEntries.items[i]!;
    const theirs = byParser.items[i]!;
    const data = theirs.object;
    const what = `item ${i + 1} (${theirs.kind || '?'} ${theirs.name || '?'})`;
    const entry = mine.sequenceEntry();
    if (entry !== undefined) {
      // Each line reader alone against yaml reading the same entry text.
      const yamlData = YAML.parseDocument(entry, { uniqueKeys: false, logLevel: 'error' }).toJS({ maxAliasCount: 100 })?.[0] ?? null;
      const head = readEntryHead(entry);
      if (head && !isDeepStrictEqual(head, identityOfData(yamlData)))
        return { what: `${what}: the entry-head reader read ${JSON.stringify(head)}`, item: theirs };
      const plain = readPlainEntry(entry);
      if (plain !== undefined && !isDeepStrictEqual(plain, yamlData))
        return { what: `${what}: the plain-entry reader read ${JSON.stringify(plain)}`, item: theirs };
    }
    if (!isDeepStrictEqual(mine.identity, identityOfData(data))) return { what: `${what}: its identity reads ${JSON.stringify(mine.identity)}`, item: theirs };
    if (!isDeepStrictEqual(mine.object, data)) return { what: `${what}: its data differs`, item: theirs };
  }
  if (!isDeepStrictEqual(byEntries.functionConfig?.object, byParser.functionConfig?.object)) return { what: 'the functionConfig differs' };
  return undefined;
}

// Is every key of a rendered Loki/Tempo/Pyroscope config one the program accepts? The programs
// parse their config strictly (yaml.UnmarshalStrict): one unknown key and the process will not
// start. The key lists (reference data `config-keys/<program>-<version>.json`) are read from each
// program's configuration reference at the exact version the pinned chart ships.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { reference } from './reference.ts';

/**
 * Keys the docs generators hide (`doc:"hidden"`) that the programs still accept, each checked in
 * the program's Go source. Pyroscope v2 sets retention with the hidden `limits.retention_period`
 * (flag -retention-period).
 */
const HIDDEN_KEYS: Record<string, string[]> = {
  pyroscope: ['limits.retention_period'],
};

export interface ConfigKeyTrie {
  children: Map<string, ConfigKeyTrie>;
  /** A terminal field: a scalar or a list of scalars (or of objects the reference does not detail). */
  leaf: boolean;
  /** `**`: anything below is accepted. */
  free: boolean;
}

const node = (): ConfigKeyTrie => ({ children: new Map(), leaf: false, free: false });
const tries = new Map<string, ConfigKeyTrie>();

function add(root: ConfigKeyTrie, path: string): void {
  let n = root;
  // `a.l[].x`: `[]` is its own segment so list items are walked like maps.
  for (const seg of path.replaceAll('[]', '.[]').split('.')) {
    if (seg === '**') {
      n.free = true;
      return;
    }
    let next = n.children.get(seg);
    if (!next) {
      next = node();
      n.children.set(seg, next);
    }
    n = next;
  }
  n.leaf = true;
}

/** The accepted-key trie of one program release, or undefined when the reference has no list for it. */
export function keyTrie(program: string, version: string): ConfigKeyTrie | undefined {
  const id = `${program}-${version}`;
  const cached = tries.get(id);
  if (cached) return cached;
  const file = reference('config-keys', `${id}.json`);
  if (!file) return undefined;
  const root = node();
  for (const k of JSON.parse(readFileSync(file, 'utf8')).keys as string[]) add(root, k);
  for (const k of HIDDEN_KEYS[program] ?? []) add(root, k);
  tries.set(id, root);
  return root;
}

/** The program version a chart ships (its Chart.yaml appVersion), from the pinned chart folder. */
export function appVersionOf(chartDir: string): string {
  const meta = YAML.parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8'));
  return String(meta.appVersion).replace(/^v/, '');
}

const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Dotted paths (`storage.trace.s3.bucket_name`) of a parsed config that the program would refuse. */
export function unknownConfigKeys(trie: ConfigKeyTrie, config: unknown): string[] {
  const out: string[] = [];
  const walk = (value: unknown, n: ConfigKeyTrie, path: string) => {
    if (n.free || n.leaf) return;
    if (Array.isArray(value)) {
      const item = n.children.get('[]');
      if (item) for (const [i, v] of value.entries()) walk(v, item, `${path}[${i}]`);
      return;
    }
    if (!isMap(value)) return;
    for (const [k, v] of Object.entries(value)) {
      const next = n.children.get(k) ?? n.children.get('*');
      const p = path ? `${path}.${k}` : k;
      if (!next) out.push(p);
      else walk(v, next, p);
    }
  };
  walk(config, trie, '');
  return out;
}

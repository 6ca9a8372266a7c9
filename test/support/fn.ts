// Running the built function bundles as kpt does: a new process, a ResourceList on stdin.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import YAML from 'yaml';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const bundle = (fn: string) => join(ROOT, 'dist', `${fn}.cjs`);

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** The parsed output ResourceList (undefined when stdout is not YAML). */
  list: any;
}

export function runFn(fn: string, input: string | object, args: string[] = [], env: Record<string, string> = {}): Run {
  const text = typeof input === 'string' ? input : YAML.stringify(input, { aliasDuplicateObjects: false });
  const p = spawnSync(process.execPath, [bundle(fn), ...args], { input: text, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 30 });
  let list: any;
  try {
    list = YAML.parse(p.stdout, { logLevel: 'error' });
  } catch {
    list = undefined;
  }
  return { code: p.status ?? -1, stdout: p.stdout, stderr: p.stderr, list };
}

export const resourceList = (items: object[], functionConfig?: object) => ({
  apiVersion: 'config.kubernetes.io/v1',
  kind: 'ResourceList',
  items,
  ...(functionConfig ? { functionConfig } : {}),
});

export const config = (spec: object = {}, name = 'observability') => ({
  apiVersion: 'observability.krm.dev/v1alpha1',
  kind: 'ObservabilityConfig',
  metadata: { name, annotations: { 'config.kubernetes.io/local-config': 'true' } },
  spec,
});

/** The generated object of a kind and name in an output ResourceList. */
export const find = (list: any, kind: string, name: string) => list.items.find((i: any) => i.kind === kind && i.metadata?.name === name);

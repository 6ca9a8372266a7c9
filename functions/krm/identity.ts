// What names an item: apiVersion, kind, metadata name, namespace, labels and annotations. Read
// once per item, from its text when the entry-head reader can (entry-head.ts), else from its data;
// both readings agree for every input (KRM_FAST_PATH=verify checks it on real packages).
import { INDEX, LEGACY_INDEX, LEGACY_PATH, PATH } from './annotations.ts';

export interface Identity {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
  annotations: Record<string, string>;
  labels: Record<string, string>;
  /** A mapping with apiVersion and kind. */
  isResource: boolean;
}

/** The identity of an item's data, as the YAML parser read it. */
export function identityOfData(data: unknown): Identity {
  const mapping = !!data && typeof data === 'object' && !Array.isArray(data);
  const o = (mapping ? data : {}) as { apiVersion?: unknown; kind?: unknown; metadata?: Record<string, unknown> | null };
  const md = o.metadata;
  const apiVersion = str(o.apiVersion);
  const kind = str(o.kind);
  return {
    apiVersion,
    kind,
    name: str(md?.name),
    namespace: str(md?.namespace),
    annotations: record(md?.annotations),
    labels: record(md?.labels),
    isResource: mapping && !!apiVersion && !!kind,
  };
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

function record(v: unknown): Record<string, string> {
  return v && typeof v === 'object' ? (v as Record<string, string>) : {};
}

/** The file and index kpt or kustomize read an item from, by its annotations. */
export function fileOf(annotations: Record<string, unknown>): { path: string; index?: number } | undefined {
  const p = annotations[PATH] ?? annotations[LEGACY_PATH];
  if (!p || typeof p !== 'string') return undefined;
  const idx = Number(annotations[INDEX] ?? annotations[LEGACY_INDEX] ?? 0);
  return { path: p, index: Number.isFinite(idx) ? idx : 0 };
}

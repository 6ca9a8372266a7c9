// Turning LokiRules and hand-written rule ConfigMaps into KRM results. The rule-group checks
// themselves live in rules.ts (validateGroups); this file adds where they are: the resource, its
// file and the field path.
import YAML from 'yaml';
import { isMap } from '../common/data.ts';
import { issueResults } from '../common/zod-results.ts';
import { FLUX_SUBSTITUTE } from '../krm/annotations.ts';
import { findMalformed, findReferences, needsProtection } from '../flux/references.ts';
import type { Item } from '../krm/item.ts';
import { error, warning } from '../krm/results.ts';
import type { ResourceRef, Result } from '../krm/types.ts';
import { validateGroups, type Finding } from './rules.ts';
import { API_VERSION, KIND, envelopeSchema } from './schema.ts';
import { sidecarSees, type Settings } from './settings.ts';

interface Where {
  resourceRef: ResourceRef;
  file?: { path: string; index?: number };
}

/** Findings of validateGroups as results; rule-level messages also name their group. */
function findingResults(findings: Finding[], groups: unknown, base: string, where: Where, prefix = ''): Result[] {
  return findings.map((f) => {
    const m = new RegExp(`^${base.replace(/\./g, '\\.')}\\.(\\d+)\\.rules\\.\\d+`).exec(f.path);
    const group = m && Array.isArray(groups) ? (groups[Number(m[1])] as { name?: unknown } | undefined)?.name : undefined;
    const named = typeof group === 'string' && group ? `group "${group}": ` : '';
    return (f.severity === 'error' ? error : warning)(`${prefix}${named}${f.message}`, { ...where, field: f.path });
  });
}

/** Envelope (zod) and rule groups (rules.ts) of one LokiRule. */
export function validateLokiRule(item: Item): Result[] {
  const raw = item.object;
  const where: Where = { resourceRef: refOf(raw), file: item.file };
  if (item.apiVersion !== API_VERSION) {
    return [
      error(`${KIND} apiVersion ${JSON.stringify(item.apiVersion)} is not supported; use ${API_VERSION}`, {
        ...where,
        field: 'apiVersion',
        currentValue: item.apiVersion,
        proposedValue: API_VERSION,
      }),
    ];
  }
  const results: Result[] = [];
  const parsed = envelopeSchema.safeParse(raw);
  if (!parsed.success) results.push(...issueResults(parsed.error.issues, { schema: envelopeSchema, raw, ...where, what: `the ${KIND}` }));
  const spec = raw?.spec;
  if (isMap(spec)) {
    if (spec.groups === undefined || spec.groups === null) {
      results.push(error('is required: a list of rule groups, each with a name and rules', { ...where, field: 'spec.groups' }));
    } else {
      results.push(...findingResults(validateGroups(spec.groups, 'spec.groups'), spec.groups, 'spec.groups', where));
    }
  }
  // Flux variables in rules are never substituted: the generated ConfigMap opts out (see docs).
  const text = JSON.stringify(spec ?? null);
  const seen = [...findReferences(text), ...findMalformed(text)].map((r) => r.raw);
  if (seen.length) {
    const quoted = [...new Set(seen)]
      .slice(0, 3)
      .map((raw) => JSON.stringify(raw))
      .join(', ');
    results.push(
      warning(
        `the rules contain ${quoted}, which reaches Loki literally: the generated ConfigMap opts out of Flux post-build substitution, so Flux variables are not substituted in rules. ` +
          'Put per-cluster values in Loki (ruler external_labels) instead, or ignore this if the text is meant literally.',
        { ...where, field: 'spec.groups' },
      ),
    );
  }
  return results;
}

function refOf(data: unknown): ResourceRef {
  const raw = data as { apiVersion?: unknown; metadata?: { name?: unknown; namespace?: unknown } } | null | undefined;
  const r: ResourceRef = {
    apiVersion: typeof raw?.apiVersion === 'string' ? raw.apiVersion : API_VERSION,
    kind: KIND,
    name: typeof raw?.metadata?.name === 'string' ? raw.metadata.name : '',
  };
  if (typeof raw?.metadata?.namespace === 'string' && raw.metadata.namespace) r.namespace = raw.metadata.namespace;
  return r;
}

/**
 * A ConfigMap someone wrote with the sidecar label: each data key is a rules file the sidecar
 * writes for the ruler. Checked like a LokiRule, never changed.
 */
export function validateRuleConfigMap(item: Item, s: Settings): Result[] {
  const where: Where = { resourceRef: item.ref, file: item.file };
  const labels = item.labels;
  if (!sidecarSees(s, labels)) {
    return [
      warning(
        `ConfigMap carries ${s.label}=${JSON.stringify(String(labels[s.label]))}, but the rules sidecar only loads ${s.label}=${JSON.stringify(s.labelValue)} (${s.source}), so these rules are not loaded`,
        { ...where, field: `metadata.labels.${s.label}`, currentValue: labels[s.label], proposedValue: s.labelValue },
      ),
    ];
  }
  const results: Result[] = [];
  const data = item.object?.data;
  if (!data || typeof data !== 'object' || Object.keys(data).length === 0) {
    return [warning(`ConfigMap has the rules sidecar label ${s.label} but no data: no rules file is loaded`, { ...where, field: 'data' })];
  }
  for (const [key, text] of Object.entries(data)) {
    const field = `data.${key}`;
    const file = `data key "${key}": `;
    if (typeof text !== 'string') {
      results.push(error(`${file}a rules file must be a string, got ${JSON.stringify(text)}`, { ...where, field }));
      continue;
    }
    const doc = YAML.parseDocument(text, { prettyErrors: false, logLevel: 'error' });
    if (doc.errors.length) {
      results.push(error(`${file}not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`, { ...where, field }));
      continue;
    }
    const parsed: unknown = doc.toJS({ maxAliasCount: 100 });
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      results.push(
        error(`${file}a rules file is a mapping with groups: [...], got ${parsed === null ? 'an empty file' : JSON.stringify(parsed).slice(0, 40)}`, {
          ...where,
          field,
        }),
      );
      continue;
    }
    for (const k of Object.keys(parsed)) {
      if (k !== 'groups')
        results.push(error(`${file}unknown top-level field "${k}" in a rules file; only groups is allowed`, { ...where, field: `${field}.${k}` }));
    }
    const groups = (parsed as { groups?: unknown }).groups;
    const base = `${field}.groups`;
    if (groups === undefined) {
      results.push(error(`${file}a rules file needs groups: a list of rule groups, each with a name and rules`, { ...where, field: base }));
      continue;
    }
    results.push(...findingResults(validateGroups(groups, base), groups, base, where, file));
  }
  // Left unchanged, so it is only protected from Flux if its author did it.
  const optedOut = item.labels[FLUX_SUBSTITUTE] === 'disabled' || item.annotations[FLUX_SUBSTITUTE] === 'disabled';
  const all = Object.values(data)
    .filter((v): v is string => typeof v === 'string')
    .join('\n');
  if (!optedOut && needsProtection(all)) {
    const malformed = findMalformed(all)[0];
    results.push(
      warning(
        (malformed
          ? `the rules contain ${JSON.stringify(malformed.raw)}, which Flux post-build substitution cannot parse (${malformed.reason}); it would fail the whole Flux Kustomization. `
          : 'the rules contain "${" or "$$", which Flux post-build substitution replaces or halves. ') +
          `Add the annotation ${FLUX_SUBSTITUTE}: disabled to this ConfigMap.`,
        { ...where, field: `metadata.annotations.${FLUX_SUBSTITUTE}`, proposedValue: 'disabled' },
      ),
    );
  }
  return results;
}

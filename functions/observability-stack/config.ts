// Parsing the ObservabilityConfig (zod: formats and defaults) into the typed config, or results.
import { issueResults } from '../common/zod-results.ts';
import type { Item } from '../krm/item.ts';
import type { Result } from '../krm/types.ts';
import { inlineCredentialMessage } from './credential-check.ts';
import { API_VERSION, KIND, configSchema, type ObservabilityConfig } from './schema.ts';

export function parseConfig(item: Item): { config?: ObservabilityConfig; results: Result[] } {
  const raw = item.object;
  const parsed = configSchema.safeParse(raw);
  if (parsed.success) return { config: parsed.data, results: [] };
  const resourceRef = {
    apiVersion: typeof raw?.apiVersion === 'string' ? raw.apiVersion : API_VERSION,
    kind: typeof raw?.kind === 'string' ? raw.kind : KIND,
    name: typeof raw?.metadata?.name === 'string' ? raw.metadata.name : '',
  };
  return {
    results: issueResults(parsed.error.issues, {
      schema: configSchema,
      raw,
      resourceRef,
      file: item.file,
      what: `the ${KIND}`,
      unknownField: inlineCredentialMessage,
    }),
  };
}

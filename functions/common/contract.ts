// The ObservabilityConfig contract both functions share: its API identity, the namespace default,
// and the rules sidecar block (spec.loki.rules) that observability-stack configures and loki-rules
// labels its ConfigMaps for. observability-stack's schema embeds `rulesSidecarSchema`; loki-rules
// reads a config through `sidecarViewSchema`, so the two always agree on fields, formats and
// defaults.
import * as z from 'zod';
import type { Item } from '../krm/item.ts';
import { LABEL_KEY, LABEL_VALUE, SEARCH_NAMESPACE, dnsLabel } from './formats.ts';

export const CONFIG_GROUP = 'observability.krm.dev';
const CONFIG_VERSION = 'v1alpha1';
export const CONFIG_API_VERSION = `${CONFIG_GROUP}/${CONFIG_VERSION}` as const;
export const CONFIG_KIND = 'ObservabilityConfig';

/** Namespace of the stack, and of LokiRules without one (the sidecar always searches it). */
export const DEFAULT_NAMESPACE = 'observability';
export const DEFAULT_RULE_LABEL = 'loki_rule';
export const DEFAULT_RULE_LABEL_VALUE = 'true';

export const isObservabilityConfig = (i: Item) => i.kind === CONFIG_KIND && i.group === CONFIG_GROUP;

const d = (description: string) => ({ description });

export const namespaceSchema = dnsLabel()
  .default(DEFAULT_NAMESPACE)
  .meta(d(`Namespace of every generated object. Default: ${DEFAULT_NAMESPACE}.`));

export const rulesSidecarSchema = z
  .strictObject({
    enabled: z.boolean().default(true).meta(d('Run the k8s-sidecar that loads rule ConfigMaps into the ruler. Default: true.')),
    searchNamespace: z
      .string()
      .regex(SEARCH_NAMESPACE, { error: 'must be ALL or a comma-separated list of namespaces' })
      .default('ALL')
      .meta(d('Namespaces the sidecar searches for rule ConfigMaps: ALL or "ns1,ns2". Default: ALL.')),
    label: z
      .string()
      .regex(LABEL_KEY, { error: 'must be a Kubernetes label key' })
      .default(DEFAULT_RULE_LABEL)
      .meta(d(`Label a rule ConfigMap must carry. Default: ${DEFAULT_RULE_LABEL}.`)),
    labelValue: z
      .string()
      .regex(LABEL_VALUE, { error: 'must be a Kubernetes label value' })
      .default(DEFAULT_RULE_LABEL_VALUE)
      .meta(d(`Value of that label. Default: "${DEFAULT_RULE_LABEL_VALUE}".`)),
    resource: z
      .enum(['configmap', 'secret', 'both'])
      .default('configmap')
      .meta(d('What the sidecar watches. configmap keeps it away from Secrets. Default: configmap.')),
  })
  .prefault({})
  .meta(d('Alerting and recording rules loaded from labelled ConfigMaps in any namespace.'));

/**
 * The part of an ObservabilityConfig loki-rules reads: spec.namespace and spec.loki.rules. Every
 * other field is observability-stack's business, so the objects around them stay open.
 */
export const sidecarViewSchema = z.looseObject({
  spec: z
    .looseObject({
      namespace: namespaceSchema,
      loki: z.looseObject({ rules: rulesSidecarSchema }).prefault({}),
    })
    .prefault({}),
});

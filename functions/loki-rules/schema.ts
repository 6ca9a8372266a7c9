// The LokiRule API (observability.krm.dev/v1alpha1): Loki ruler rule groups kept in a package as
// local config. The JSON Schema, CRD and field docs are generated from this; every description
// ends with the field's default.
//
// At run time the rule groups are checked by rules.ts (validateGroups), which knows LogQL and Go
// templates and gives better messages than a schema could; zod checks the envelope around them.
import * as z from 'zod';
import { CONFIG_GROUP } from '../common/contract.ts';
import { LOKI_DURATION, PROM_METRIC_NAME, dnsLabel, dnsSubdomain } from '../common/formats.ts';

/** The LokiRule shares its API group with the ObservabilityConfig; its version is its own. */
export const GROUP = CONFIG_GROUP;
export const API_VERSION = `${GROUP}/v1alpha1`;
export const KIND = 'LokiRule';

/** "loki-rules-" + name must stay a valid ConfigMap name (253 characters). */
export const CONFIGMAP_PREFIX = 'loki-rules-';
const MAX_NAME = 253 - CONFIGMAP_PREFIX.length;

const d = (description: string) => ({ description });

const duration = (example: string) =>
  z.string().regex(LOKI_DURATION, { error: `must be a duration such as ${example}, 1h30m or 1d (units: ms, s, m, h, d, w, y)` });

const templated = z.record(z.string(), z.string()).optional();

const ruleSchema = z
  .strictObject({
    alert: z.string().min(1).optional().meta(d('Name of the alert (an alerting rule). Set exactly one of alert and record. Default: unset.')),
    record: z
      .string()
      .regex(PROM_METRIC_NAME, { error: 'must be a metric name such as app:errors:rate5m' })
      .optional()
      .meta(d('Metric name the result is recorded as (a recording rule), e.g. app:errors:rate5m. Set exactly one of alert and record. Default: unset.')),
    expr: z
      .string()
      .min(1)
      .meta(d('LogQL metric query evaluated at every group interval, e.g. sum by (app) (rate({app="api"} |= "error" [5m])) > 1. Required.')),
    for: duration('5m')
      .optional()
      .meta(d('Alerting rules: how long the condition must hold before the alert fires. Default: 0s (fires on the first evaluation that matches).')),
    keep_firing_for: duration('10m').optional().meta(d('Alerting rules: how long the alert keeps firing after the condition stopped matching. Default: 0s.')),
    labels: templated.meta(
      d('Labels added to the alert or the recorded series. Values of alerting rules are Go templates ({{ $labels.app }}, {{ $value }}). Default: none.'),
    ),
    annotations: templated.meta(
      d('Alerting rules only: annotations of the alert (summary, description, runbook_url); Go templates like labels. Default: none.'),
    ),
  })
  .meta(d('One alerting or recording rule, in the Prometheus rule format with a LogQL expr.'));

const groupSchema = z
  .strictObject({
    name: z.string().min(1).meta(d('Name of the rule group, unique within the LokiRule. Required.')),
    interval: duration('1m').optional().meta(d("How often the group's rules are evaluated. Default: the ruler's evaluation_interval (1m in Loki).")),
    limit: z
      .number()
      .int()
      .min(0)
      .optional()
      .meta(d('Most alerts (or series, for recording rules) one evaluation may produce; more fails the evaluation. Default: 0 (no limit).')),
    rules: z.array(ruleSchema).min(1).meta(d('The rules of the group, evaluated in order. Required.')),
  })
  .meta(d('A rule group in the Prometheus/Loki rule-group format.'));

const specSchema = z
  .strictObject({
    groups: z.array(groupSchema).min(1).meta(d('Rule groups, written to one rules file of the ConfigMap the function generates. Required.')),
  })
  .meta(d('What the ruler evaluates. Required.'));

const metadataSchema = z
  .looseObject({
    name: dnsSubdomain()
      .max(MAX_NAME, { error: `must be at most ${MAX_NAME} characters (the ConfigMap is named ${CONFIGMAP_PREFIX}<name>)` })
      .meta(d(`Name; the generated ConfigMap is ${CONFIGMAP_PREFIX}<name>. Required.`)),
    namespace: dnsLabel().optional().meta(d("Namespace of the generated ConfigMap. Default: the ObservabilityConfig's spec.namespace, else observability.")),
  })
  .meta(d('Standard object metadata. Required.'));

export const lokiRuleSchema = z
  .strictObject({
    apiVersion: z.literal(API_VERSION).meta(d(`API version. Always ${API_VERSION}.`)),
    kind: z.literal(KIND).meta(d(`Kind. Always ${KIND}.`)),
    metadata: metadataSchema,
    spec: specSchema,
  })
  .meta(
    d(
      'Loki alerting and recording rules. The loki-rules function turns each LokiRule into a ConfigMap the Loki rules sidecar loads; the LokiRule itself stays in the package as local config and is never applied.',
    ),
  );

/** The schema with the rule groups left to validateGroups (rules.ts), which reports them better. */
export const envelopeSchema = lokiRuleSchema.extend({ spec: specSchema.extend({ groups: z.unknown().optional() }) });

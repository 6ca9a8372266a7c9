// spec.grafana and spec.monitoring: how Grafana gets datasources and dashboards (sidecar ConfigMaps
// or grafana-operator CRs) and which self-alerts the stack ships. Every field documented with its
// default, like schema.ts.
import * as z from 'zod';
import { LABEL_KEY, LABEL_VALUE, dnsLabel } from '../common/formats.ts';
import { d } from './schema-parts.ts';

const labelKey = z.string().regex(LABEL_KEY, { error: 'must be a label key such as dashboards or grafana.example.com/instance' });
const labelValue = z.string().regex(LABEL_VALUE, { error: 'must be a label value: at most 63 letters, digits, "-", "_" or ".", alphanumeric at both ends' });

/** A Kubernetes label selector (metav1.LabelSelector), as grafana-operator's instanceSelector. */
const labelSelectorSchema = z
  .strictObject({
    matchLabels: z.record(labelKey, labelValue).optional().meta(d('Labels the Grafana instance carries. Default: unset.')),
    matchExpressions: z
      .array(
        z.strictObject({
          key: labelKey,
          operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
          values: z.array(labelValue).optional(),
        }),
      )
      .optional()
      .meta(d('Set-based requirements. Default: unset.')),
  })
  .refine((s) => Object.keys(s.matchLabels ?? {}).length + (s.matchExpressions?.length ?? 0) > 0, {
    error: 'must select something: give matchLabels (such as {dashboards: grafana}) or matchExpressions',
  });

const GRAFANA_FORMATS = ['ConfigMap', 'GrafanaDatasource'] as const;

export const grafanaSchema = z
  .strictObject({
    datasources: z
      .strictObject({
        enabled: z.boolean().default(true).meta(d('Emit Grafana datasources for Loki, Tempo and Pyroscope. Default: true.')),
        format: z
          .enum(GRAFANA_FORMATS)
          .default('ConfigMap')
          .meta(
            d(
              'How Grafana receives datasources and dashboards: ConfigMap (provisioning files for the kube-prometheus-stack / grafana chart sidecar) or GrafanaDatasource (grafana-operator CRs: GrafanaDatasource, GrafanaDashboard; needs instanceSelector). Default: ConfigMap.',
            ),
          ),
        instanceSelector: labelSelectorSchema
          .optional()
          .meta(
            d(
              'GrafanaDatasource format: the label selector of the grafana-operator Grafana instances that import the CRs (their metadata.labels). Required with that format. Default: unset.',
            ),
          ),
        instanceNamespace: dnsLabel()
          .optional()
          .meta(
            d(
              "GrafanaDatasource format: namespace of the Grafana instance. When it differs from the namespace of the CRs (spec.grafana.datasources.namespace, else spec.namespace) the CRs set allowCrossNamespaceImport: true, without which the operator ignores them. Default: unset (the Grafana lives in the CRs' namespace).",
            ),
          ),
        namespace: dnsLabel()
          .optional()
          .meta(d('Namespace of the datasource and dashboard ConfigMaps or CRs (e.g. the namespace the sidecar watches). Default: spec.namespace.')),
        label: z.string().min(1).default('grafana_datasource').meta(d('ConfigMap format: label the Grafana sidecar watches. Default: grafana_datasource.')),
        labelValue: z.string().default('1').meta(d('ConfigMap format: value of that label. Default: "1".')),
        uids: z
          .strictObject({
            loki: z.string().min(1).max(40).default('loki').meta(d('Default: loki.')),
            tempo: z.string().min(1).max(40).default('tempo').meta(d('Default: tempo.')),
            pyroscope: z.string().min(1).max(40).default('pyroscope').meta(d('Default: pyroscope.')),
            prometheus: z
              .string()
              .min(1)
              .max(40)
              .default('prometheus')
              .meta(d('UID of your Prometheus datasource, for Tempo service graphs and the dashboards. Default: prometheus.')),
          })
          .prefault({})
          .meta(d('Datasource UIDs, used by the correlations between them and by the dashboards.')),
      })
      .prefault({})
      .meta(d('Grafana datasources with trace-to-logs, trace-to-profiles and log-to-trace links.')),
    dashboards: z
      .strictObject({
        enabled: z
          .boolean()
          .default(false)
          .meta(
            d(
              "Operational dashboards in the datasources format: the Loki chart's own mixin dashboards, and Tempo and Pyroscope dashboards generated here. Default: false.",
            ),
          ),
        label: z.string().min(1).default('grafana_dashboard').meta(d('ConfigMap format: label the Grafana sidecar watches. Default: grafana_dashboard.')),
        labelValue: z.string().default('1').meta(d('ConfigMap format: value of that label. Default: "1".')),
        folder: z.string().min(1).default('Observability').meta(d('GrafanaDatasource format: Grafana folder of the dashboards. Default: Observability.')),
      })
      .prefault({})
      .meta(d('Dashboards for Loki, Tempo and Pyroscope.')),
  })
  .prefault({})
  .meta(d('Grafana integration: datasources and dashboards, for the sidecar or for grafana-operator.'));

export const monitoringSchema = z
  .strictObject({
    serviceMonitors: z
      .boolean()
      .default(true)
      .meta(d('ServiceMonitors for Loki, Tempo, Pyroscope and the collector (needs the prometheus-operator CRDs). Default: true.')),
    alerts: z
      .boolean()
      .optional()
      .meta(
        d(
          "PrometheusRules for the health of the stack: the Loki chart's alerts and recording rules, and alerts for the Loki ruler, retention, Tempo discarded spans, Pyroscope ingestion and full volumes. Default: spec.monitoring.serviceMonitors.",
        ),
      ),
    ruleLabels: z
      .record(labelKey, labelValue)
      .default({})
      .meta(d("Labels on every PrometheusRule, to match your Prometheus' ruleSelector (e.g. {release: kube-prometheus-stack}). Default: {}.")),
  })
  .prefault({})
  .meta(d('Self-monitoring.'));

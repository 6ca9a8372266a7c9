// Self-alerts: what the charts' own rule sets do not cover. The Loki chart renders the Loki mixin's
// alerts and recording rules itself (loki.ts turns monitoring.alerts/rules on: request errors,
// panics, latency, compaction); this PrometheusRule adds the Loki ruler and retention, Tempo and
// Pyroscope ingestion, and volumes close to full. Each metric name is one the program exports
// (docs/grafana.md lists where each was checked).
import { literal } from '../flux/protect.ts';
import type { KrmObject } from '../krm/types.ts';
import { obj, type Releases } from './backends.ts';
import type { Values } from './merge.ts';
import type { Resolved } from './resolve.ts';

interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  severity: 'warning' | 'critical';
  summary: string;
  description: string;
}

export const STACK_ALERTS_APP = 'stack-alerts';

/**
 * Whether the compactor applies retention in the final Loki values: our `retention_enabled: true`,
 * unless `spec.loki.values` turned it off (structuredConfig is merged over the chart's config, so
 * it wins). With retention off the compactor never records a retention run, and the retention
 * alerts would fire forever.
 */
function lokiRetentionEnabled(values: Values | undefined): boolean {
  const loki = obj(values?.loki);
  const set = obj(obj(loki.structuredConfig).compactor).retention_enabled ?? obj(loki.compactor).retention_enabled;
  return set === true || set === 'true';
}

/** Alert groups per deployed system, each expression scoped to the stack's namespace. */
function alertGroups(r: Resolved, releases: Releases): { name: string; rules: AlertRule[] }[] {
  const ns = `namespace="${r.namespace}"`;
  const groups: { name: string; rules: AlertRule[] }[] = [];
  if (r.spec.loki.enabled) {
    const retention = lokiRetentionEnabled(releases.loki?.values);
    groups.push({
      name: 'loki-stack',
      rules: [
        {
          alert: 'LokiRulerEvaluationFailures',
          expr: `sum by (namespace, job) (increase(loki_prometheus_rule_evaluation_failures_total{${ns}}[10m])) > 0`,
          for: '15m',
          severity: 'warning',
          summary: 'The Loki ruler fails to evaluate rules.',
          description:
            '{{ $labels.job }} in {{ $labels.namespace }} failed {{ printf "%.0f" $value }} rule evaluations in 10m: alerts from LogQL rules may be missing. Check the ruler logs for the failing group.',
        },
        ...(retention
          ? ([
              {
                alert: 'LokiRetentionNotRunning',
                // The newest "last successful retention" timestamp of any compactor in the last 6h (a
                // restarted compactor's old series still counts); 0 until the first run.
                expr: `time() - max by (namespace) (max_over_time(loki_compactor_apply_retention_last_successful_run_timestamp_seconds{${ns}}[6h])) > 6 * 3600`,
                for: '1h',
                severity: 'critical',
                summary: 'The Loki compactor has not applied retention for 6 hours.',
                description:
                  'No successful retention run in {{ $labels.namespace }} for {{ $value | humanizeDuration }}: old logs are not deleted and volumes or buckets keep growing.',
              },
              {
                alert: 'LokiRetentionFailures',
                expr: `sum by (namespace) (increase(loki_compactor_apply_retention_operation_total{${ns}, status="failure"}[1h])) > 0`,
                for: '1h',
                severity: 'warning',
                summary: 'Loki retention runs fail.',
                description: '{{ printf "%.0f" $value }} retention runs failed in {{ $labels.namespace }} in the last hour. Check the compactor logs.',
              },
            ] satisfies AlertRule[])
          : []),
      ],
    });
  }
  if (r.spec.tempo.enabled) {
    groups.push({
      name: 'tempo-stack',
      rules: [
        {
          alert: 'TempoDiscardedSpans',
          expr: `sum by (namespace, reason) (increase(tempo_discarded_spans_total{${ns}}[10m])) > 0`,
          for: '15m',
          severity: 'warning',
          summary: 'Tempo discards spans.',
          description:
            'Tempo in {{ $labels.namespace }} discarded {{ printf "%.0f" $value }} spans in 10m, reason {{ $labels.reason }}: traces are incomplete. Raise the matching limit or reduce what is sent.',
        },
        {
          alert: 'TempoRequestErrors',
          expr: `100 * sum by (namespace, route) (rate(tempo_request_duration_seconds_count{${ns}, status_code=~"5.."}[5m])) / sum by (namespace, route) (rate(tempo_request_duration_seconds_count{${ns}}[5m])) > 10`,
          for: '15m',
          severity: 'critical',
          summary: 'Tempo requests fail.',
          description: '{{ printf "%.1f" $value }}% of Tempo requests on {{ $labels.route }} in {{ $labels.namespace }} fail with 5xx.',
        },
      ],
    });
  }
  if (r.spec.pyroscope.enabled) {
    groups.push({
      name: 'pyroscope-stack',
      rules: [
        {
          alert: 'PyroscopeDiscardedSamples',
          expr: `sum by (namespace, reason) (increase(pyroscope_discarded_samples_total{${ns}}[10m])) > 0`,
          for: '15m',
          severity: 'warning',
          summary: 'Pyroscope discards profiles.',
          description: 'Pyroscope in {{ $labels.namespace }} discarded {{ printf "%.0f" $value }} samples in 10m, reason {{ $labels.reason }}.',
        },
        {
          alert: 'PyroscopeIngestionErrors',
          // The ingestion routes, as the Pyroscope mixin selects them.
          expr: `100 * sum by (namespace, route) (rate(pyroscope_request_duration_seconds_count{${ns}, route=~".*push.*|.*ingest.*", status_code=~"5.."}[5m])) / sum by (namespace, route) (rate(pyroscope_request_duration_seconds_count{${ns}, route=~".*push.*|.*ingest.*"}[5m])) > 5`,
          for: '15m',
          severity: 'critical',
          summary: 'Pyroscope fails to ingest profiles.',
          description: '{{ printf "%.1f" $value }}% of pushes to {{ $labels.route }} in {{ $labels.namespace }} fail with 5xx: profiles are lost.',
        },
      ],
    });
  }
  if (groups.length) {
    const free = `kubelet_volume_stats_available_bytes{${ns}} / kubelet_volume_stats_capacity_bytes{${ns}}`;
    groups.push({
      name: 'observability-volumes',
      rules: [
        {
          alert: 'ObservabilityVolumeAlmostFull',
          expr: `${free} < 0.15`,
          for: '15m',
          severity: 'warning',
          summary: 'A volume of the observability stack is almost full.',
          description:
            'PVC {{ $labels.persistentvolumeclaim }} in {{ $labels.namespace }} has {{ $value | humanizePercentage }} free. Shorten retention or grow the volume (spec.<system>.storage.size).',
        },
        {
          alert: 'ObservabilityVolumeFull',
          expr: `${free} < 0.05`,
          for: '5m',
          severity: 'critical',
          summary: 'A volume of the observability stack is full.',
          description: 'PVC {{ $labels.persistentvolumeclaim }} in {{ $labels.namespace }} has {{ $value | humanizePercentage }} free: writes will fail.',
        },
      ],
    });
  }
  return groups;
}

/** The PrometheusRule with the stack's own alerts, or undefined when alerts are off. */
export function stackAlerts(r: Resolved, releases: Releases): KrmObject | undefined {
  if (!r.alerts) return undefined;
  const groups = alertGroups(r, releases);
  if (!groups.length) return undefined;
  const labels = r.spec.monitoring.ruleLabels;
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: `${r.name}-stack-alerts`, namespace: r.namespace, ...(Object.keys(labels).length ? { labels: { ...labels } } : {}) },
    spec: {
      groups: groups.map((g) => ({
        name: g.name,
        rules: g.rules.map(
          (a): Values => ({
            alert: a.alert,
            // `$labels`, `$value` and PromQL text are Prometheus', not Flux variables.
            expr: literal(a.expr),
            for: a.for,
            labels: { severity: a.severity },
            annotations: { summary: a.summary, description: literal(a.description) },
          }),
        ),
      })),
    },
  };
}

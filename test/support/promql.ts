// PromQL checked by Prometheus' own Lezer grammar (@prometheus-io/lezer-promql, the parser of the
// Prometheus UI): syntax errors as positions, and the metric names an expression selects.
import { parser } from '@prometheus-io/lezer-promql';

/** Syntax errors of a PromQL expression, each as `offset: text around it`; [] when it parses. */
export function promqlErrors(expr: string): string[] {
  const out: string[] = [];
  if (!expr.trim()) return ['empty expression'];
  parser.parse(expr).iterate({
    enter: (n) => {
      if (n.type.isError) out.push(`${n.from}: …${expr.slice(Math.max(0, n.from - 20), n.from + 20)}…`);
    },
  });
  return out;
}

/** The metric names of the vector selectors in an expression (`foo` in `rate(foo{a="b"}[5m])`). */
export function metricNames(expr: string): string[] {
  const names = new Set<string>();
  parser.parse(expr).iterate({
    enter: (n) => {
      if (n.name === 'VectorSelector') {
        const first = n.node.firstChild;
        if (first?.name === 'Identifier') names.add(expr.slice(first.from, first.to));
      }
    },
  });
  return [...names].sort();
}

/**
 * A Grafana panel query as Grafana sends it to Prometheus: its built-in interval variables and
 * the dashboard's template variables replaced by values.
 */
export function grafanaInterpolated(expr: string, vars: Record<string, string>): string {
  const all: Record<string, string> = { __rate_interval: '1m', __interval: '30s', __range: '1h', ...vars };
  return expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (m, braced: string | undefined, bare: string | undefined) => all[(braced ?? bare)!] ?? m);
}

/**
 * Metric names our alerts and dashboards may use, each checked against the program that exports it
 * (source or the mixin of the pinned version). A new name must be checked and added here.
 */
export const VERIFIED_METRICS: Record<string, string> = {
  loki_prometheus_rule_evaluation_failures_total: 'Loki ruler: Prometheus rule manager metrics under the loki_ prefix (pkg/ruler tests; loki-mixin)',
  loki_compactor_apply_retention_last_successful_run_timestamp_seconds:
    'Loki pkg/compactor/metrics.go (namespace loki_compactor); loki-retention dashboard of the loki 18.11.0 chart',
  loki_compactor_apply_retention_operation_total:
    'Loki pkg/compactor/metrics.go, label status success|failure; loki-retention dashboard of the loki 18.11.0 chart',
  tempo_discarded_spans_total: 'Tempo modules/overrides (namespace tempo, name discarded_spans_total, labels reason, tenant)',
  tempo_distributor_spans_received_total: 'Tempo modules/distributor (namespace tempo)',
  tempo_request_duration_seconds_count: 'dskit server instrumentation under the tempo namespace; tempo-mixin TempoRequestErrors',
  tempo_request_duration_seconds_bucket: 'dskit server instrumentation (histogram) under the tempo namespace; tempo-mixin',
  pyroscope_discarded_samples_total: 'Pyroscope pkg/validation (namespace pyroscope, labels reason, tenant)',
  pyroscope_distributor_received_compressed_bytes_sum: 'Pyroscope pkg/distributor metrics.go histogram (namespace pyroscope); pyroscope mixin',
  pyroscope_request_duration_seconds_count: 'dskit server instrumentation under the pyroscope namespace; pyroscope mixin',
  pyroscope_request_duration_seconds_bucket: 'dskit server instrumentation (histogram) under the pyroscope namespace; pyroscope mixin',
  kubelet_volume_stats_available_bytes: 'Kubernetes pkg/kubelet/metrics (subsystem kubelet, VolumeStatsAvailableBytesKey); kubernetes-mixin',
  kubelet_volume_stats_capacity_bytes: 'Kubernetes pkg/kubelet/metrics (VolumeStatsCapacityBytesKey); kubernetes-mixin',
  kubelet_volume_stats_used_bytes: 'Kubernetes pkg/kubelet/metrics (VolumeStatsUsedBytesKey)',
};

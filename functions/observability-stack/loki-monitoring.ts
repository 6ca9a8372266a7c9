// The Loki chart's `monitoring` block: its ServiceMonitor, and the Loki mixin's dashboards, alerts
// and recording rules, which the chart renders itself (so they follow the pinned Loki version).
import { instanceTarget, operatorFormat } from './grafana-operator.ts';
import type { Values } from './merge.ts';
import type { Resolved } from './resolve.ts';

export function lokiMonitoringValues(r: Resolved): Values {
  const dash = r.spec.grafana.dashboards;
  const ruleLabels = r.spec.monitoring.ruleLabels;
  const labels = Object.keys(ruleLabels).length ? { labels: { ...ruleLabels } } : {};
  const out: Values = { serviceMonitor: { enabled: r.spec.monitoring.serviceMonitors } };
  if (dash.enabled) {
    // Bloom filters are never deployed by this function: their two dashboards would stay empty.
    const off = { 'loki-bloom-build': { enabled: false }, 'loki-bloom-gateway': { enabled: false } };
    out.dashboards = { enabled: true, labels: { [dash.label]: dash.labelValue }, ...off };
    if (operatorFormat(r)) {
      // The chart adds a GrafanaDashboard per dashboard ConfigMap (allowCrossNamespaceImport is
      // always on in its template, so only the selector and folder are ours to give).
      const { instanceSelector } = instanceTarget(r);
      (out.dashboards as Values).grafanaOperator = { enabled: true, instanceSelector, folder: dash.folder };
    }
  }
  if (r.alerts) {
    // LokiRequestLatency reads a recording rule of monitoring.rules: both or neither.
    out.alerts = { enabled: true, ...labels };
    out.rules = { enabled: true, ...labels };
  }
  return out;
}

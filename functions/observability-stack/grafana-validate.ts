// Checks on spec.grafana and spec.monitoring across fields: what the grafana-operator format needs,
// and switches that have nothing to act on.
import type { ObservabilityConfig } from './schema.ts';

type Spec = ObservabilityConfig['spec'];
type Report = (field: string, message: string) => void;

/** grafana-operator's pattern for spec.uid of its CRs. */
const OPERATOR_UID = /^[a-zA-Z0-9-_]+$/;

export function grafanaFindings(s: Spec, err: Report, warn: Report): void {
  const ds = s.grafana.datasources;
  const f = 'spec.grafana.datasources';
  const operator = ds.format === 'GrafanaDatasource';
  const usesOperator = operator && (ds.enabled || s.grafana.dashboards.enabled);
  if (usesOperator && !ds.instanceSelector) {
    err(
      `${f}.instanceSelector`,
      'the GrafanaDatasource format needs the label selector of your grafana-operator Grafana instance (the labels in its metadata), such as instanceSelector: {matchLabels: {dashboards: grafana}}; or use format: ConfigMap for the Grafana sidecar.',
    );
  }
  if (!operator) {
    if (ds.instanceSelector)
      warn(`${f}.instanceSelector`, 'only the GrafanaDatasource format uses instanceSelector: set format: GrafanaDatasource or remove it.');
    if (ds.instanceNamespace)
      warn(`${f}.instanceNamespace`, 'only the GrafanaDatasource format uses instanceNamespace: set format: GrafanaDatasource or remove it.');
  }
  if (operator && ds.enabled) {
    for (const [system, uid] of Object.entries(ds.uids)) {
      if (!OPERATOR_UID.test(uid)) err(`${f}.uids.${system}`, `"${uid}" is not a grafana-operator UID: use letters, digits, "-" and "_" only.`);
    }
  }
  if (s.monitoring.alerts && !s.monitoring.serviceMonitors) {
    warn(
      'spec.monitoring.alerts',
      'the alerts read metrics the ServiceMonitors make Prometheus scrape: keep spec.monitoring.serviceMonitors on, or scrape Loki, Tempo and Pyroscope yourself.',
    );
  }
}

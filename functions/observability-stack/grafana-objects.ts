// The Grafana side of the output, in the format the user picked: the datasources (one sidecar
// ConfigMap, or a GrafanaDatasource per system) and the Tempo and Pyroscope dashboards.
import { dashboardObjects } from './dashboards.ts';
import { datasourcesConfigMap, type Releases } from './grafana.ts';
import { grafanaDatasources } from './grafana-operator.ts';
import { DATASOURCES_APP, inApp, type Generated } from './layout.ts';
import type { Resolved } from './resolve.ts';

/** App folder of the dashboards (apart from the datasources: users often apply them separately). */
const DASHBOARDS_APP = 'grafana-dashboards';

export function grafanaObjects(r: Resolved, releases: Releases): Generated[] {
  const out: Generated[] = [];
  const configMap = datasourcesConfigMap(r, releases);
  if (configMap) out.push(inApp(r, DATASOURCES_APP, configMap));
  for (const { system, object } of grafanaDatasources(r, releases)) out.push(inApp(r, DATASOURCES_APP, object, system));
  for (const { system, object } of dashboardObjects(r)) out.push(inApp(r, DASHBOARDS_APP, object, system));
  return out;
}

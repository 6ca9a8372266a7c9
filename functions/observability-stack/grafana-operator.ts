// grafana-operator's form of the Grafana wiring (grafana.integreatly.org/v1beta1): one
// GrafanaDatasource per system, and GrafanaDashboard CRs, each selecting the user's Grafana
// instances by label. The operator sends the datasource JSON through Grafana's HTTP API, which
// expands no variables, so Grafana template variables are written as Grafana stores them.
import type { KrmObject } from '../krm/types.ts';
import type { Releases } from './backends.ts';
import { provisioning } from './grafana.ts';
import type { Values } from './merge.ts';
import type { Resolved } from './resolve.ts';

const GRAFANA_OPERATOR_API = 'grafana.integreatly.org/v1beta1';

/** True when datasources and dashboards are grafana-operator CRs. */
export const operatorFormat = (r: Resolved) => r.spec.grafana.datasources.format === 'GrafanaDatasource';

/**
 * The spec fields every CR shares: which Grafana instances import it, and whether they may import
 * it from another namespace (the operator skips CRs outside the instance's namespace otherwise).
 */
export function instanceTarget(r: Resolved): Values {
  const ds = r.spec.grafana.datasources;
  // validate() refuses the operator format without a selector; this is never reached without one.
  if (!ds.instanceSelector) throw new Error('internal error: GrafanaDatasource format without spec.grafana.datasources.instanceSelector');
  const selector: Values = {};
  if (ds.instanceSelector.matchLabels) selector.matchLabels = { ...ds.instanceSelector.matchLabels };
  if (ds.instanceSelector.matchExpressions) selector.matchExpressions = ds.instanceSelector.matchExpressions.map((e) => ({ ...e }));
  const cross = ds.instanceNamespace !== undefined && ds.instanceNamespace !== r.grafanaNamespace;
  return { instanceSelector: selector, ...(cross ? { allowCrossNamespaceImport: true } : {}) };
}

/** One GrafanaDatasource per deployed system, with the same correlations as the provisioning file. */
export function grafanaDatasources(r: Resolved, releases: Releases): { system: string; object: KrmObject }[] {
  const ds = r.spec.grafana.datasources;
  if (!ds.enabled || !operatorFormat(r)) return [];
  const doc = provisioning(r, releases, 'api');
  return (doc.datasources as Values[]).map((d) => {
    const system = String(d.name).toLowerCase();
    const { uid, ...datasource } = d;
    return {
      system,
      object: {
        apiVersion: GRAFANA_OPERATOR_API,
        kind: 'GrafanaDatasource',
        metadata: { name: `${r.name}-${system}`, namespace: r.grafanaNamespace },
        // spec.uid, not the deprecated spec.datasource.uid: the UID the correlations point at.
        spec: { ...instanceTarget(r), uid, datasource },
      },
    };
  });
}

/** A GrafanaDashboard holding the dashboard model inline, in the configured folder. */
export function grafanaDashboard(r: Resolved, name: string, json: string): KrmObject {
  return {
    apiVersion: GRAFANA_OPERATOR_API,
    kind: 'GrafanaDashboard',
    metadata: { name, namespace: r.grafanaNamespace },
    spec: { ...instanceTarget(r), folder: r.spec.grafana.dashboards.folder, json },
  };
}

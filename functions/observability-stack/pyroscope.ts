// Grafana Pyroscope: values for the grafana pyroscope chart (2.x) and its HTTPRoute.
// Facts: ../shared/reference/CHARTS.md §3.
import type { KrmObject } from '../krm/types.ts';
import type { Resolved } from './resolve.ts';
import type { Values } from './merge.ts';

export const PYROSCOPE_PORT = 4040;

export function pyroscopeValues(r: Resolved): Values {
  const p = r.spec.pyroscope;
  const persistence: Values = { enabled: true, size: p.storage.size };
  // Read by the chart's template although values.yaml does not list it.
  if (r.storageClass.pyroscope) persistence.storageClassName = r.storageClass.pyroscope;
  const pyroscope: Values = {
    replicaCount: p.replicas,
    extraArgs: { 'log.level': 'info' },
    persistence,
  };
  if (p.retention) pyroscope.structuredConfig = { limits: { retention_period: p.retention } };
  return {
    pyroscope,
    // The bundled collectors scrape the whole cluster; clusters bring their own Alloy.
    alloy: { enabled: false },
    agent: { enabled: false },
    serviceMonitor: { enabled: r.spec.monitoring.serviceMonitors },
  };
}

/** Our own route (not the chart's httpRoute) so the parentRef and backend are explicit. */
export function pyroscopeRoute(r: Resolved, release: string): KrmObject | undefined {
  const route = r.spec.pyroscope.route;
  if (!route.hostname) return undefined;
  const gw = route.gateway;
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: release, namespace: r.namespace },
    spec: {
      hostnames: [route.hostname],
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: gw.name, namespace: gw.namespace, sectionName: gw.sectionName }],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: release, port: PYROSCOPE_PORT }] }],
    },
  };
}

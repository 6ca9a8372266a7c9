// From a resolved config to the objects the function owns.
import { prune } from '../krm/yaml.ts';
import { collectorValues } from './alloy/values.ts';
import { chartSource, helmRelease } from './flux.ts';
import type { Releases } from './grafana.ts';
import { grafanaObjects } from './grafana-objects.ts';
import { STACK_ALERTS_APP, stackAlerts } from './alerts.ts';
import { layoutObjects } from './kustomization.ts';
import { COLLECTOR_APP, SOURCES_APP, inApp, type Generated } from './layout.ts';
import { lokiValues } from './loki.ts';
import { namespaceObject } from './namespace.ts';
import { deepMerge, type Values } from './merge.ts';
import { pyroscopeRoute, pyroscopeValues } from './pyroscope.ts';
import type { ChartRef, Resolved } from './resolve.ts';
import { tempoDistributedValues } from './tempo-distributed.ts';
import { tempoValues } from './tempo.ts';

interface Component {
  app: 'loki' | 'tempo' | 'pyroscope' | typeof COLLECTOR_APP;
  enabled: boolean;
  chart: ChartRef;
  values: () => Values;
  userValues: Values;
}

export function generate(r: Resolved): Generated[] {
  const s = r.spec;
  const releases: Releases = {};
  const components: Component[] = [
    { app: 'loki', enabled: s.loki.enabled, chart: r.charts.loki, values: () => lokiValues(r), userValues: s.loki.values },
    {
      app: 'tempo',
      enabled: s.tempo.enabled,
      chart: r.charts.tempo,
      values: () => (r.tempo.distributed ? tempoDistributedValues(r) : tempoValues(r)),
      userValues: s.tempo.values,
    },
    { app: 'pyroscope', enabled: s.pyroscope.enabled, chart: r.charts.pyroscope, values: () => pyroscopeValues(r), userValues: s.pyroscope.values },
    // Last: the collector's endpoints come from the backends' final values.
    {
      app: COLLECTOR_APP,
      enabled: s.collector.enabled && (s.loki.enabled || s.tempo.enabled || s.pyroscope.enabled),
      chart: r.charts.alloy,
      values: () => collectorValues(r, releases),
      userValues: s.collector.values,
    },
  ];
  const out: Generated[] = [];
  const sources = new Set<string>();
  for (const c of components.filter((c) => c.enabled)) {
    const source = chartSource(r, c.chart);
    // A HelmRepository serves several charts: emit it once.
    if (!sources.has(source.metadata.name)) {
      sources.add(source.metadata.name);
      const shared = source.kind === 'HelmRepository';
      out.push(shared ? inApp(r, SOURCES_APP, source, source.metadata.name) : inApp(r, c.app, source));
    }
    const values = prune(deepMerge(c.values(), c.userValues));
    if (c.app !== COLLECTOR_APP) releases[c.app] = { name: c.app, chart: c.chart.chart, values };
    out.push(inApp(r, c.app, helmRelease(r, c.app, c.chart, values)));
  }
  if (s.pyroscope.enabled) {
    const route = pyroscopeRoute(r, 'pyroscope', releases.pyroscope?.values);
    if (route) out.push(inApp(r, 'pyroscope', route));
  }
  // Service names come from the final values, so datasources follow any name override.
  out.push(...grafanaObjects(r, releases));
  const alerts = stackAlerts(r, releases);
  if (alerts) out.push(inApp(r, STACK_ALERTS_APP, alerts));
  // Last: the layout's kustomize and Flux Kustomizations list the files above.
  // The Namespace sits beside the app folders, outside every app's kustomization.
  const namespace = namespaceObject(r);
  return [...out, ...layoutObjects(r, out), ...(namespace && out.length ? [namespace] : [])];
}

// From a resolved config to the objects the function owns.
import type { KrmObject } from '../krm/types.ts';
import { prune } from '../krm/yaml.ts';
import { chartSource, helmRelease } from './flux.ts';
import { datasourcesConfigMap, type Releases } from './grafana.ts';
import { layoutObjects } from './kustomization.ts';
import { DATASOURCES_APP, pathFor } from './layout.ts';
import { lokiValues } from './loki.ts';
import { deepMerge, type Values } from './merge.ts';
import { pyroscopeRoute, pyroscopeValues } from './pyroscope.ts';
import type { ChartRef, Resolved } from './resolve.ts';
import { tempoValues } from './tempo.ts';

export interface Generated {
  object: KrmObject;
  path: string;
}

interface Component {
  app: 'loki' | 'tempo' | 'pyroscope';
  enabled: boolean;
  chart: ChartRef;
  values: () => Values;
  userValues: Values;
}

export function generate(r: Resolved): Generated[] {
  const s = r.spec;
  const components: Component[] = [
    { app: 'loki', enabled: s.loki.enabled, chart: r.charts.loki, values: () => lokiValues(r), userValues: s.loki.values },
    { app: 'tempo', enabled: s.tempo.enabled, chart: r.charts.tempo, values: () => tempoValues(r), userValues: s.tempo.values },
    { app: 'pyroscope', enabled: s.pyroscope.enabled, chart: r.charts.pyroscope, values: () => pyroscopeValues(r), userValues: s.pyroscope.values },
  ];
  const out: Generated[] = [];
  const sources = new Set<string>();
  const releases: Releases = {};
  for (const c of components.filter((c) => c.enabled)) {
    const source = chartSource(r, c.chart);
    // A HelmRepository serves several charts: emit it once.
    if (!sources.has(source.metadata.name)) {
      sources.add(source.metadata.name);
      const shared = source.kind === 'HelmRepository';
      out.push({ object: source, path: shared ? pathFor(r, 'sources', source.kind, source.metadata.name) : pathFor(r, c.app, source.kind) });
    }
    const values = prune(deepMerge(c.values(), c.userValues));
    releases[c.app] = { name: c.app, chart: c.chart.chart, values };
    out.push({ object: helmRelease(r, c.app, c.chart, values), path: pathFor(r, c.app, 'HelmRelease') });
  }
  if (s.pyroscope.enabled) {
    const route = pyroscopeRoute(r, 'pyroscope');
    if (route) out.push({ object: route, path: pathFor(r, 'pyroscope', 'HTTPRoute') });
  }
  // Service names come from the final values, so datasources follow any name override.
  const datasources = datasourcesConfigMap(r, releases);
  if (datasources) out.push({ object: datasources, path: pathFor(r, DATASOURCES_APP, 'ConfigMap') });
  // Last: the layout's kustomize and Flux Kustomizations list the files above.
  return [...out, ...layoutObjects(r, out)];
}

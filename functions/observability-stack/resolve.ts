// Defaults that depend on other fields, resolved once so generators read plain values.
import { CHART_SOURCES, HELM_REPOSITORIES, type ChartName } from '../versions.ts';
import type { ObservabilityConfig, Spec } from './schema.ts';
import { tempoDistributedSource } from './tempo-distributed.ts';

export interface ChartRef {
  /** Chart name in the repository, and the name of its OCIRepository. */
  chart: ChartName;
  version: string;
  /** OCI artifact URL (OCIRepository) or index URL (HelmRepository). */
  url: string;
  /** HelmRepository object name, for sourceKind HelmRepository. */
  repoName: string;
}

export interface Resolved {
  name: string;
  spec: Spec;
  namespace: string;
  alertmanagerUrl: string;
  storageClass: { loki?: string; tempo?: string; pyroscope?: string };
  charts: { loki: ChartRef; tempo: ChartRef; pyroscope: ChartRef };
}

function chartRef(chart: ChartName, sourceKind: Spec['flux']['sourceKind'], override: { version?: string; url?: string }): ChartRef {
  const src = CHART_SOURCES[chart];
  const defaultUrl = sourceKind === 'OCIRepository' ? src.oci : HELM_REPOSITORIES[src.repo];
  const url = override.url ?? defaultUrl;
  // A custom index URL gets its own HelmRepository; the upstream ones are shared by name.
  const repoName = override.url && sourceKind === 'HelmRepository' ? `${chart}-charts` : src.repo;
  return { chart, version: override.version ?? src.version, url, repoName };
}

export function resolve(config: ObservabilityConfig): Resolved {
  const spec = config.spec;
  const ns = spec.namespace;
  const kind = spec.flux.sourceKind;
  return {
    name: config.metadata.name,
    spec,
    namespace: ns,
    alertmanagerUrl: spec.alertmanager.url ?? `http://alertmanager-operated.${ns}.svc.cluster.local:9093`,
    storageClass: {
      loki: spec.loki.storage.storageClass ?? spec.storageClass,
      tempo: spec.tempo.storage.storageClass ?? spec.storageClass,
      pyroscope: spec.pyroscope.storage.storageClass ?? spec.storageClass,
    },
    charts: {
      loki: chartRef('loki', kind, spec.loki.chart),
      tempo: tempoDistributedSource(chartRef(spec.tempo.mode === 'Distributed' ? 'tempo-distributed' : 'tempo', kind, spec.tempo.chart), kind, spec.tempo.chart.url),
      pyroscope: chartRef('pyroscope', kind, spec.pyroscope.chart),
    },
  };
}

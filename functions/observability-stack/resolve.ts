// Defaults that depend on other fields and facts of the chosen charts, resolved once so that
// validation and generators read plain values and never work them out again.
import {
  COMMUNITY_INDEX,
  COMMUNITY_REPO,
  COMMUNITY_TEMPO_DISTRIBUTED,
  LOKI_DEFAULT_REPLICAS,
  LOKI_REQUIRED,
  LOKI_RULER,
  LOKI_SCHEMA_FROM,
  LOKI_WRITE_PATH,
  TEMPO_CLASSIC_REPLICAS,
  TEMPO_KAFKA_REPLICAS,
  isCommunityTempoDistributed,
  isKafkaTempo,
  tempoChart,
  type LokiMode,
} from '../chart-facts.ts';
import { CHART_SOURCES, HELM_REPOSITORIES, type ChartName } from '../versions.ts';
import type { ObservabilityConfig, Spec } from './schema.ts';

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
  /** spec.monitoring.alerts, defaulting to the ServiceMonitors switch. */
  alerts: boolean;
  /** Namespace of the Grafana-side objects: datasources and dashboards. */
  grafanaNamespace: string;
  storageClass: { loki?: string; tempo?: string; pyroscope?: string };
  loki: LokiFacts;
  tempo: TempoFacts;
  charts: { loki: ChartRef; tempo: ChartRef; pyroscope: ChartRef; alloy: ChartRef };
}

interface LokiFacts {
  mode: LokiMode;
  /** Replicas of each component of the mode: spec.loki.replicas over the chart defaults. */
  replicas: Record<string, number>;
  /** The chart defaults of the mode; its keys are the mode's components. */
  defaultReplicas: Record<string, number>;
  /** Components the mode cannot run without. */
  required: readonly string[];
  /** The component holding each stream's replicas. */
  writePath: string;
  /** The component running the ruler and the rules sidecar. */
  ruler: string;
  /** spec.loki.replicationFactor, else 1 for a single binary, else up to 3 where the write path has them. */
  replicationFactor: number;
  /** Start of the first schema period. */
  schemaFrom: string;
}

interface TempoFacts {
  /** The tempo-distributed chart (spec.tempo.mode Distributed), else the single-binary tempo chart. */
  distributed: boolean;
  /** tempo-distributed 3.x: Tempo 3, whose distributors write to Kafka. */
  kafka: boolean;
  /** Chart-default replicas of the architecture; its keys are the components sized by replicas. */
  defaultReplicas: Record<string, number>;
  /** spec.tempo.replicas over those defaults. */
  replicas: Record<string, number>;
}

function chartRef(chart: ChartName, sourceKind: Spec['flux']['sourceKind'], override: { version?: string; url?: string }): ChartRef {
  const src = CHART_SOURCES[chart];
  const defaultUrl = sourceKind === 'OCIRepository' ? src.oci : HELM_REPOSITORIES[src.repo];
  const url = override.url ?? defaultUrl;
  // A custom index URL gets its own HelmRepository; the upstream ones are shared by name.
  const repoName = override.url && sourceKind === 'HelmRepository' ? `${chart}-charts` : src.repo;
  const ref = { chart, version: override.version ?? src.version, url, repoName };
  // tempo-distributed >= 2.0.0 without a url override comes from grafana-community: the default
  // grafana repository has no such versions, so the pull would fail.
  if (chart === 'tempo-distributed' && !override.url && isCommunityTempoDistributed(ref.version)) {
    return { ...ref, url: sourceKind === 'OCIRepository' ? COMMUNITY_TEMPO_DISTRIBUTED : COMMUNITY_INDEX, repoName: COMMUNITY_REPO };
  }
  return ref;
}

/** Only the components a map of defaults knows, each with the user's count or the default. */
function withDefaults(defaults: Record<string, number>, given: Record<string, number | undefined>): Record<string, number> {
  return Object.fromEntries(Object.entries(defaults).map(([c, n]) => [c, given[c] ?? n]));
}

function lokiFacts(spec: Spec): LokiFacts {
  const mode = spec.loki.mode;
  const defaultReplicas = LOKI_DEFAULT_REPLICAS[mode];
  const replicas = withDefaults(defaultReplicas, spec.loki.replicas);
  const writePath = LOKI_WRITE_PATH[mode];
  const replicationFactor = spec.loki.replicationFactor ?? (mode === 'SingleBinary' ? 1 : Math.max(1, Math.min(3, replicas[writePath] ?? 0)));
  return {
    mode,
    replicas,
    defaultReplicas,
    required: LOKI_REQUIRED[mode],
    writePath,
    ruler: LOKI_RULER[mode],
    replicationFactor,
    schemaFrom: LOKI_SCHEMA_FROM,
  };
}

function tempoFacts(spec: Spec, chart: ChartRef): TempoFacts {
  const kafka = isKafkaTempo(chart.chart, chart.version);
  const defaultReplicas: Record<string, number> = kafka ? { ...TEMPO_KAFKA_REPLICAS } : { ...TEMPO_CLASSIC_REPLICAS };
  return { distributed: chart.chart === 'tempo-distributed', kafka, defaultReplicas, replicas: withDefaults(defaultReplicas, spec.tempo.replicas) };
}

export function resolve(config: ObservabilityConfig): Resolved {
  const spec = config.spec;
  const ns = spec.namespace;
  const kind = spec.flux.sourceKind;
  const tempo = chartRef(tempoChart(spec.tempo.mode), kind, spec.tempo.chart);
  return {
    name: config.metadata.name,
    spec,
    namespace: ns,
    alertmanagerUrl: spec.alertmanager.url ?? `http://alertmanager-operated.${ns}.svc.cluster.local:9093`,
    alerts: spec.monitoring.alerts ?? spec.monitoring.serviceMonitors,
    grafanaNamespace: spec.grafana.datasources.namespace ?? ns,
    storageClass: {
      loki: spec.loki.storage.storageClass ?? spec.storageClass,
      tempo: spec.tempo.storage.storageClass ?? spec.storageClass,
      pyroscope: spec.pyroscope.storage.storageClass ?? spec.storageClass,
    },
    loki: lokiFacts(spec),
    tempo: tempoFacts(spec, tempo),
    charts: {
      loki: chartRef('loki', kind, spec.loki.chart),
      tempo,
      pyroscope: chartRef('pyroscope', kind, spec.pyroscope.chart),
      alloy: chartRef('alloy', kind, spec.collector.chart),
    },
  };
}

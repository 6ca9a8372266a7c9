// Facts about the pinned charts (functions/versions.ts) that resolution decides from, and that
// validation and generation then read from `Resolved`: chart majors, Tempo's architecture, the
// components and default replicas of each mode. One place, so the checks and the values agree.
import { CHART_SOURCES, HELM_REPOSITORIES } from './versions.ts';

/** The major version of a chart version string ("v3.1.0" -> 3; unparsable -> 0). */
const chartMajor = (version: string) => Number(/^v?(\d+)/.exec(version)?.[1] ?? 0);

// ---- Loki (grafana-community loki chart 18.x) ------------------------------------------------

export type LokiMode = 'SingleBinary' | 'SimpleScalable' | 'Distributed';

/**
 * Replicas per component when spec.loki.replicas leaves one out (the chart's
 * simple-scalable-values.yaml and distributed-values.yaml). Its keys are the mode's components.
 * The chart's distributed example has no ruler; one runs the rules the sidecar loads.
 */
export const LOKI_DEFAULT_REPLICAS: Record<LokiMode, Record<string, number>> = {
  SingleBinary: { singleBinary: 1 },
  SimpleScalable: { read: 3, write: 3, backend: 3 },
  Distributed: { distributor: 3, ingester: 3, querier: 3, queryFrontend: 2, queryScheduler: 2, indexGateway: 2, compactor: 1, ruler: 1 },
};

/** Components a mode cannot run without (0 replicas means no writes, no reads or no retention). */
export const LOKI_REQUIRED: Record<LokiMode, readonly string[]> = {
  SingleBinary: ['singleBinary'],
  SimpleScalable: ['read', 'write', 'backend'],
  Distributed: ['distributor', 'ingester', 'querier', 'queryFrontend', 'queryScheduler', 'indexGateway', 'compactor'],
};

/** The component holding each stream's replicas: the replication factor cannot exceed its count. */
export const LOKI_WRITE_PATH: Record<LokiMode, string> = { SingleBinary: 'singleBinary', SimpleScalable: 'write', Distributed: 'ingester' };

/** Where the ruler (and so the rules sidecar) runs in each mode. */
export const LOKI_RULER: Record<LokiMode, string> = { SingleBinary: 'singleBinary', SimpleScalable: 'backend', Distributed: 'ruler' };

/**
 * Start of the first schema period we write: a fixed past date, never "today", which would change
 * every render. A migration to object storage must start after it.
 */
export const LOKI_SCHEMA_FROM = '2024-04-01';

// ---- Tempo (tempo 2.x single binary; tempo-distributed) --------------------------------------

/** The grafana repository stopped tempo-distributed at 1.61.3; 2.x and 3.x are published by grafana-community. */
export const COMMUNITY_TEMPO_DISTRIBUTED = 'oci://ghcr.io/grafana-community/helm-charts/tempo-distributed';
export const COMMUNITY_REPO = 'grafana-community' as const;
export const COMMUNITY_INDEX = HELM_REPOSITORIES[COMMUNITY_REPO];

/** The chart behind spec.tempo.mode: the single-binary tempo chart, or tempo-distributed. */
export const tempoChart = (mode: 'SingleBinary' | 'Distributed') => (mode === 'Distributed' ? 'tempo-distributed' : 'tempo') as 'tempo' | 'tempo-distributed';

/** The pinned version of a chart. */
export const pinnedVersion = (chart: keyof typeof CHART_SOURCES) => CHART_SOURCES[chart].version;

/** tempo-distributed from 2.0.0 lives in the grafana-community repository only. */
export const isCommunityTempoDistributed = (version: string) => chartMajor(version) >= 2;

/** Tempo 3 (distributors write to Kafka) starts with tempo-distributed chart 3.0.0. */
export const isKafkaTempo = (chart: string, version: string) => chart === 'tempo-distributed' && chartMajor(version) >= 3;

/** Chart-default replicas of the classic (ingester) architecture, from the 1.61.3 values; its keys are its components. */
export const TEMPO_CLASSIC_REPLICAS = { distributor: 1, ingester: 3, querier: 1, queryFrontend: 1, compactor: 1 } as const;
/** Components of the Kafka architecture sized by replicas (block-builders and live-stores follow the partitions). */
export const TEMPO_KAFKA_REPLICAS = { distributor: 1, querier: 1, queryFrontend: 1 } as const;

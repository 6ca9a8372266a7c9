// Tempo Distributed: values for the tempo-distributed chart. Chart keys:
// https://github.com/grafana-community/helm-charts/blob/main/charts/tempo-distributed/values.yaml
//
// Two architectures behind one field:
//   - chart < 3 (default: grafana 1.61.3, Tempo 2.9): distributors write to ingesters, which
//     flush blocks to the bucket; a compactor applies retention. No extra infrastructure.
//   - chart >= 3 (grafana-community, Tempo 3): distributors write to Kafka; block-builders and
//     live-stores consume it; backend-scheduler/-worker compact. Needs spec.tempo.kafka.
import { toGoDuration } from '../common/formats.ts';
import type { Values } from './merge.ts';
import { credentials } from './object-storage.ts';
import type { Resolved } from './resolve.ts';
import { OTLP_GRPC, OTLP_HTTP, traceBackend } from './tempo-common.ts';

/** Components that run the tempo binary (they read the config, so they get env and args). */
const CLASSIC_COMPONENTS = ['distributor', 'ingester', 'compactor', 'querier', 'queryFrontend'];

export function tempoDistributedValues(r: Resolved): Values {
  const t = r.spec.tempo;
  const os = r.spec.objectStorage!;
  const kafka = r.tempo.kafka;
  const otlp = (on: boolean, endpoint: string) => (on ? { enabled: true, receiverConfig: { endpoint } } : { enabled: false });
  const values: Values = {
    // Release "tempo" does not contain the chart name, so the chart would call everything
    // tempo-tempo-distributed-*: pin the short names (tempo-query-frontend, tempo-distributor).
    fullnameOverride: 'tempo',
    reportingEnabled: false,
    storage: { trace: { backend: os.type, ...traceBackend(os) } },
    // The chart merges 0.0.0.0 endpoints itself; explicit ones keep that true for any chart version.
    traces: { otlp: { grpc: otlp(t.otlp.grpc, OTLP_GRPC), http: otlp(t.otlp.http, OTLP_HTTP) } },
    metaMonitoring: { serviceMonitor: { enabled: r.spec.monitoring.serviceMonitors } },
  };
  return kafka ? { ...values, ...kafkaValues(r) } : { ...values, ...classicValues(r) };
}

function classicValues(r: Resolved): Values {
  const t = r.spec.tempo;
  const n = (c: string) => r.tempo.replicas[c] ?? 0;
  const ingesterPersistence: Values = { enabled: true, size: t.storage.size };
  if (r.storageClass.tempo) ingesterPersistence.storageClass = r.storageClass.tempo;
  const out: Values = {
    distributor: { replicas: n('distributor') },
    ingester: {
      replicas: n('ingester'),
      persistence: ingesterPersistence,
      // Writes need replication_factor live ingesters: 3 where there are 3.
      config: { replication_factor: Math.max(1, Math.min(3, n('ingester'))), max_block_duration: toGoDuration(t.maxBlockDuration) },
    },
    querier: { replicas: n('querier') },
    queryFrontend: { replicas: n('queryFrontend') },
    // Retention is a Go duration: 14d is written 336h.
    compactor: { replicas: n('compactor'), config: { compaction: { block_retention: toGoDuration(t.retention) } } },
  };
  // Per component, not global.*: global.extraArgs also reaches memcached, which -config.expand-env would break.
  const c = credentials(r.spec.objectStorage!);
  for (const component of CLASSIC_COMPONENTS) {
    const block: Values = { ...(out[component] as Values | undefined) };
    block.extraEnv = c.env;
    if (c.expandEnv) block.extraArgs = ['-config.expand-env=true'];
    if (c.volumes.length) {
      block.extraVolumes = c.volumes;
      block.extraVolumeMounts = c.mounts;
    }
    out[component] = block;
  }
  return out;
}

function kafkaValues(r: Resolved): Values {
  const t = r.spec.tempo;
  const k = t.kafka!;
  const n = (c: string) => r.tempo.replicas[c] ?? 0;
  // defaults.extraArgs reach only the Tempo binaries in 3.x (templates/_pod.tpl), not memcached.
  const c = credentials(r.spec.objectStorage!);
  const defaults: Values = { extraEnv: c.env };
  if (c.expandEnv) defaults.extraArgs = ['-config.expand-env=true'];
  if (c.volumes.length) {
    defaults.extraVolumes = c.volumes;
    defaults.extraVolumeMounts = c.mounts;
  }
  return {
    ingest: { kafka: { address: k.address, topic: k.topic, auto_create_topic_default_partitions: k.partitions } },
    // Both consume one partition each: their replica counts must equal the partition count.
    blockBuilder: { replicas: k.partitions },
    liveStore: { replicas: k.partitions },
    distributor: { replicas: n('distributor') },
    querier: { replicas: n('querier') },
    queryFrontend: { replicas: n('queryFrontend') },
    backendScheduler: { config: { provider: { compaction: { compaction: { block_retention: toGoDuration(t.retention) } } } } },
    defaults,
  };
}

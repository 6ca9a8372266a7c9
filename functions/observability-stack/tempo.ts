// Grafana Tempo: values for the grafana-community tempo chart (2.x, single binary).
// Facts: ../shared/reference/CHARTS.md §2.
import { toGoDuration } from './formats.ts';
import type { Resolved } from './resolve.ts';
import type { Values } from './merge.ts';

export const OTLP_GRPC = '0.0.0.0:4317';
export const OTLP_HTTP = '0.0.0.0:4318';

/**
 * OTLP receivers with explicit 0.0.0.0 endpoints: since Tempo 2.7 a receiver without one
 * listens on localhost only. A disabled protocol is null, which deletes the chart's default.
 */
export function otlpReceivers(r: Resolved): Values {
  const o = r.spec.tempo.otlp;
  return {
    otlp: {
      protocols: {
        grpc: o.grpc ? { endpoint: OTLP_GRPC } : null,
        http: o.http ? { endpoint: OTLP_HTTP } : null,
      },
    },
  };
}

export function tempoValues(r: Resolved): Values {
  const t = r.spec.tempo;
  const persistence: Values = { enabled: true, size: t.storage.size };
  // This chart's key is storageClassName, not storageClass.
  if (r.storageClass.tempo) persistence.storageClassName = r.storageClass.tempo;
  return {
    tempo: {
      // Tempo parses Go durations: 14d must be written 336h.
      retention: toGoDuration(t.retention),
      reportingEnabled: false,
      receivers: otlpReceivers(r),
      storage: { trace: { backend: 'local', local: { path: '/var/tempo/traces' }, wal: { path: '/var/tempo/wal' } } },
      ingester: { max_block_duration: toGoDuration(t.maxBlockDuration) },
    },
    persistence,
    serviceMonitor: { enabled: r.spec.monitoring.serviceMonitors },
  };
}

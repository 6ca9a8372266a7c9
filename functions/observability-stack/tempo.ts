// Grafana Tempo: values for the grafana-community tempo chart (2.x, single binary); Distributed
// mode is tempo-distributed.ts, receivers and trace storage both share are tempo-common.ts. Chart keys:
// https://github.com/grafana-community/helm-charts/blob/main/charts/tempo/values.yaml
import { toGoDuration } from '../common/formats.ts';
import type { Resolved } from './resolve.ts';
import type { Values } from './merge.ts';
import { credentials } from './object-storage.ts';
import { otlpReceivers, traceBackend } from './tempo-common.ts';

export function tempoValues(r: Resolved): Values {
  const t = r.spec.tempo;
  const os = r.spec.objectStorage;
  const persistence: Values = { enabled: true, size: t.storage.size };
  // This chart's key is storageClassName, not storageClass.
  if (r.storageClass.tempo) persistence.storageClassName = r.storageClass.tempo;
  // With a bucket the volume still holds the WAL and blocks not yet flushed.
  const storage = os
    ? { trace: { backend: os.type, ...traceBackend(os), wal: { path: '/var/tempo/wal' } } }
    : { trace: { backend: 'local', local: { path: '/var/tempo/traces' }, wal: { path: '/var/tempo/wal' } } };
  const tempo: Values = {
    // Tempo parses Go durations: 14d must be written 336h.
    retention: toGoDuration(t.retention),
    reportingEnabled: false,
    receivers: otlpReceivers(r),
    storage,
    ingester: { max_block_duration: toGoDuration(t.maxBlockDuration) },
  };
  const values: Values = { tempo, persistence, serviceMonitor: { enabled: r.spec.monitoring.serviceMonitors } };
  if (os) {
    const c = credentials(os);
    tempo.extraEnv = c.env;
    // The chart renders each extraArgs entry as -<key>=<value>.
    if (c.expandEnv) tempo.extraArgs = { 'config.expand-env': 'true' };
    if (c.volumes.length) {
      tempo.extraVolumeMounts = c.mounts;
      values.extraVolumes = c.volumes;
    }
  }
  return values;
}

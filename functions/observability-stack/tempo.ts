// Grafana Tempo: values for the grafana-community tempo chart (2.x, single binary); Distributed
// mode is in tempo-distributed.ts. Facts: ../shared/reference/CHARTS.md §2.
import { toGoDuration } from './formats.ts';
import type { Resolved } from './resolve.ts';
import type { Values } from './merge.ts';
import { credentials, envRef, ENV, s3Endpoint, type ObjectStorage } from './object-storage.ts';
import { tempoDistributedValues } from './tempo-distributed.ts';

export const OTLP_GRPC = '0.0.0.0:4317';
export const OTLP_HTTP = '0.0.0.0:4318';

/** Where a switched-off protocol listens: inside the pod only. */
export const OTLP_GRPC_OFF = '127.0.0.1:4317';
export const OTLP_HTTP_OFF = '127.0.0.1:4318';

/**
 * OTLP receivers with explicit 0.0.0.0 endpoints: since Tempo 2.7 a receiver without one
 * listens on localhost only. The chart enables both by default and only a null value could
 * delete one, but Flux's server-side apply drops nulls (kustomize-controller#372), so a
 * switched-off protocol is bound to the pod's loopback: nothing outside the pod can reach it.
 */
export function otlpReceivers(r: Resolved): Values {
  const o = r.spec.tempo.otlp;
  return {
    otlp: {
      protocols: {
        grpc: { endpoint: o.grpc ? OTLP_GRPC : OTLP_GRPC_OFF },
        http: { endpoint: o.http ? OTLP_HTTP : OTLP_HTTP_OFF },
      },
    },
  };
}

/**
 * Tempo's storage.trace.<backend> block for an object store (the same keys in the tempo and
 * tempo-distributed charts, which pass it verbatim). Credentials are ${VAR} references.
 */
export function traceBackend(os: ObjectStorage): Values {
  const bucket = os.buckets.tempo;
  if (os.type === 's3') {
    const s3: Values = {
      bucket,
      access_key: envRef(ENV.accessKeyId),
      secret_key: envRef(ENV.secretAccessKey),
      insecure: os.insecure,
      forcepathstyle: os.forcePathStyle,
    };
    s3.endpoint = s3Endpoint(os);
    if (os.region) s3.region = os.region;
    return { s3 };
  }
  if (os.type === 'azure') {
    const azure: Values = { container_name: bucket, storage_account_name: envRef(ENV.accountName), storage_account_key: envRef(ENV.accountKey) };
    if (os.endpoint) azure.endpoint_suffix = os.endpoint;
    return { azure };
  }
  return { gcs: { bucket_name: bucket } };
}

export function tempoValues(r: Resolved): Values {
  if (r.spec.tempo.mode === 'Distributed') return tempoDistributedValues(r);
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

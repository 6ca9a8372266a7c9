// What both Tempo charts (tempo and tempo-distributed) take alike: the OTLP receiver endpoints
// and the trace storage block for an object store.
import type { Values } from './merge.ts';
import { envRef, ENV, s3Endpoint, type ObjectStorage } from './object-storage.ts';
import { OTLP_GRPC_PORT, OTLP_HTTP_PORT } from './otlp.ts';
import type { Resolved } from './resolve.ts';

export const OTLP_GRPC = `0.0.0.0:${OTLP_GRPC_PORT}`;
export const OTLP_HTTP = `0.0.0.0:${OTLP_HTTP_PORT}`;

/** Where a switched-off protocol listens: inside the pod only. */
const OTLP_GRPC_OFF = `127.0.0.1:${OTLP_GRPC_PORT}`;
const OTLP_HTTP_OFF = `127.0.0.1:${OTLP_HTTP_PORT}`;

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

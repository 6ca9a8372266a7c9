// Where the backends listen, read from the final (merged) values of their releases, so that name
// overrides, the Loki gateway and port changes are honoured. Grafana's datasources query the read
// side; the collector pushes to the write side. Both come from here.
import { isMap } from '../common/data.ts';
import type { Values } from './merge.ts';
import { OTLP_GRPC_PORT, OTLP_HTTP_PORT } from './otlp.ts';
import type { Resolved } from './resolve.ts';

/** A generated HelmRelease as its consumers see it: its name, chart and final (merged) values. */
export interface Release {
  name: string;
  chart: string;
  values: Values;
}
export type Releases = Partial<Record<'loki' | 'tempo' | 'pyroscope', Release>>;

const LOKI_HTTP_PORT = 3100;
const TEMPO_HTTP_PORT = 3200;
export const PYROSCOPE_HTTP_PORT = 4040;

/** Loki's push API and its native OTLP endpoint (the OTLP exporter appends /v1/logs). */
export const LOKI_PUSH_PATH = '/loki/api/v1/push';
export const LOKI_OTLP_PATH = '/otlp';

/** A mapping of values, or an empty one for anything else. */
export const obj = (v: unknown): Values => (isMap(v) ? v : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Helm's usual `<chart>.fullname` helper: fullnameOverride, else release, else release-name. */
export function helmFullname(release: string, chart: string, scope: Values): string {
  const override = str(scope.fullnameOverride);
  if (override) return trim63(override);
  const name = str(scope.nameOverride) ?? chart;
  return trim63(release.includes(name) ? release : `${release}-${name}`);
}
const trim63 = (s: string) => s.slice(0, 63).replace(/-+$/, '');

/** A Service of a backend: its in-cluster DNS name and port. */
export interface Endpoint {
  host: string;
  port: number;
}

export const httpUrl = (e: Endpoint, path = '') => `http://${e.host}${e.port === 80 ? '' : `:${e.port}`}${path}`;
export const hostPort = (e: Endpoint) => `${e.host}:${e.port}`;

const at = (service: string, r: Resolved, port: number): Endpoint => ({ host: `${service}.${r.namespace}.svc.cluster.local`, port });

/** Loki: where Grafana reads and where collectors push. The scalable modes go through the gateway unless it is off. */
export function lokiEndpoints(r: Resolved, rel: Release): { read: Endpoint; write: Endpoint; multiTenant: boolean } {
  const full = helmFullname(rel.name, rel.chart, rel.values);
  const multiTenant = obj(rel.values.loki).auth_enabled === true;
  if (r.spec.loki.mode === 'SingleBinary') {
    const single = at(full, r, LOKI_HTTP_PORT);
    return { read: single, write: single, multiTenant };
  }
  const gateway = obj(rel.values.gateway);
  if (gateway.enabled !== false) {
    const e = at(`${full}-gateway`, r, Number(obj(gateway.service).port ?? 80));
    return { read: e, write: e, multiTenant };
  }
  const distributed = r.spec.loki.mode === 'Distributed';
  return {
    read: at(`${full}-${distributed ? 'query-frontend' : 'read'}`, r, LOKI_HTTP_PORT),
    write: at(`${full}-${distributed ? 'distributor' : 'write'}`, r, LOKI_HTTP_PORT),
    multiTenant,
  };
}

/** Tempo: the query side and the OTLP receivers (the distributor in tempo-distributed). */
export function tempoEndpoints(r: Resolved, rel: Release): { read: Endpoint; otlpGrpc?: Endpoint; otlpHttp?: Endpoint; multiTenant: boolean } {
  const full = helmFullname(rel.name, rel.chart, rel.values);
  const distributed = rel.chart === 'tempo-distributed';
  const ingest = distributed ? `${full}-distributor` : full;
  const multiTenant = (distributed ? rel.values.multitenancyEnabled : obj(rel.values.tempo).multitenancyEnabled) === true;
  // A switched-off protocol listens on the pod's loopback only (tempo.ts): not an endpoint.
  const otlp = r.spec.tempo.otlp;
  return {
    read: at(distributed ? `${full}-query-frontend` : full, r, TEMPO_HTTP_PORT),
    otlpGrpc: otlp.grpc ? at(ingest, r, OTLP_GRPC_PORT) : undefined,
    otlpHttp: otlp.http ? at(ingest, r, OTLP_HTTP_PORT) : undefined,
    multiTenant,
  };
}

/** Pyroscope: the chart's own read_url and write_url helpers, as values decide them. */
export function pyroscopeEndpoints(r: Resolved, rel: Release): { read: Endpoint; write: Endpoint; multiTenant: boolean } {
  // This chart keeps its name overrides and service under `pyroscope.`.
  const scope = obj(rel.values.pyroscope);
  const full = helmFullname(rel.name, rel.chart, scope);
  const port = Number(obj(scope.service).port ?? PYROSCOPE_HTTP_PORT);
  const arch = obj(rel.values.architecture);
  const micro = obj(arch.microservices).enabled ?? r.spec.pyroscope.mode === 'Microservices';
  const structured = obj(scope.structuredConfig);
  const multiTenant = structured.multitenancy_enabled === true || String(obj(scope.extraArgs)['auth.multitenancy-enabled']) === 'true';
  if (arch.deployUnifiedServices === true) return { read: at(`${full}-read`, r, 80), write: at(`${full}-write`, r, 80), multiTenant };
  if (micro) return { read: at(`${full}-query-frontend`, r, port), write: at(`${full}-distributor`, r, port), multiTenant };
  const single = at(full, r, port);
  return { read: single, write: single, multiTenant };
}

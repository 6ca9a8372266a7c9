// Grafana Pyroscope: values for the grafana pyroscope chart (2.x) and its HTTPRoute. Chart keys:
// https://github.com/grafana/pyroscope/blob/main/operations/pyroscope/helm/pyroscope/values.yaml
import type { KrmObject } from '../krm/types.ts';
import { PYROSCOPE_HTTP_PORT, helmFullname, obj } from './backends.ts';
import type { Resolved } from './resolve.ts';
import type { Values } from './merge.ts';
import { credentials, envMap, envRef, ENV, s3Endpoint, type ObjectStorage } from './object-storage.ts';

/** Pyroscope's storage block (pkg/objstore/client): backend plus the provider's keys. */
function pyroscopeStorage(os: ObjectStorage): Values {
  const bucket = os.buckets.pyroscope;
  if (os.type === 's3') {
    const s3: Values = {
      bucket_name: bucket,
      endpoint: s3Endpoint(os),
      access_key_id: envRef(ENV.accessKeyId),
      secret_access_key: envRef(ENV.secretAccessKey),
      insecure: os.insecure,
    };
    if (os.region) s3.region = os.region;
    // force_path_style is deprecated in Pyroscope in favour of bucket_lookup_type.
    if (os.forcePathStyle) s3.bucket_lookup_type = 'path-style';
    return { backend: 's3', s3 };
  }
  if (os.type === 'azure') {
    const azure: Values = { container_name: bucket, account_name: envRef(ENV.accountName), account_key: envRef(ENV.accountKey) };
    if (os.endpoint) azure.endpoint_suffix = os.endpoint;
    return { backend: 'azure', azure };
  }
  // service_account left empty: the client falls back to GOOGLE_APPLICATION_CREDENTIALS.
  return { backend: 'gcs', gcs: { bucket_name: bucket } };
}

export function pyroscopeValues(r: Resolved): Values {
  const p = r.spec.pyroscope;
  const os = r.spec.objectStorage;
  const microservices = p.mode === 'Microservices';
  const volume: Values = { enabled: true, size: p.storage.size };
  // Read by the chart's template although values.yaml does not list it.
  if (r.storageClass.pyroscope) volume.storageClassName = r.storageClass.pyroscope;
  const extraArgs: Values = { 'log.level': 'info' };
  const pyroscope: Values = microservices
    ? // A persistence block inherited by every component would give the Deployments a claim the
      // chart never creates (pods stay Pending): keep it off and give the raft metastore its volume.
      { extraArgs, persistence: { enabled: false }, components: { metastore: { persistence: volume } } }
    : { replicaCount: p.replicas, extraArgs, persistence: volume };
  const structured: Values = {};
  if (p.retention) structured.limits = { retention_period: p.retention };
  if (os) {
    structured.storage = pyroscopeStorage(os);
    const c = credentials(os);
    // extraEnvVars, extraArgs and extraVolumes are merged into every component.
    pyroscope.extraEnvVars = envMap(c.env);
    if (c.expandEnv) extraArgs['config.expand-env'] = 'true';
    if (c.volumes.length) {
      pyroscope.extraVolumes = c.volumes;
      pyroscope.extraVolumeMounts = c.mounts;
    }
  }
  if (Object.keys(structured).length) pyroscope.structuredConfig = structured;
  const values: Values = {
    pyroscope,
    // The bundled collectors scrape the whole cluster; clusters bring their own Alloy.
    alloy: { enabled: false },
    agent: { enabled: false },
    serviceMonitor: { enabled: r.spec.monitoring.serviceMonitors },
  };
  if (microservices) values.architecture = { microservices: { enabled: true } };
  return values;
}

/**
 * Backends of the route. Single binary: one Service. Microservices: the component Services
 * (`<release>-<component>`); there is no `<release>` Service then. The chart's own httpRoute
 * decides by `pyroscope.components` having entries, not by architecture.microservices.enabled,
 * so with microservices alone it would still point at the missing `<release>` Service.
 */
function routeRules(r: Resolved, release: string, values: Values = {}): Values[] {
  // Service names and port as the chart derives them from the final values (name overrides live under pyroscope.).
  const scope = obj(values.pyroscope);
  const full = helmFullname(release, 'pyroscope', scope);
  const port = Number(obj(scope.service).port ?? PYROSCOPE_HTTP_PORT);
  const backend = (component?: string) => [{ name: component ? `${full}-${component}` : full, port }];
  const prefix = (...paths: string[]) => paths.map((value) => ({ path: { type: 'PathPrefix', value } }));
  if (r.spec.pyroscope.mode !== 'Microservices') return [{ matches: prefix('/'), backendRefs: backend() }];
  // The same split as the chart's httpRoute template; the longest prefix wins, so / is the UI.
  return [
    { matches: prefix('/', '/querier.v1.QuerierService/', '/render', '/render-diff'), backendRefs: backend('query-frontend') },
    { matches: prefix('/push.v1.PusherService/', '/ingest'), backendRefs: backend('distributor') },
    { matches: prefix('/settings.v1.SettingsService/'), backendRefs: backend('tenant-settings') },
    { matches: prefix('/adhocprofiles.v1.AdHocProfileService/'), backendRefs: backend('ad-hoc-profiles') },
  ];
}

/** Our own route (not the chart's httpRoute) so the parentRef and backends are explicit. `values`: the release's final values. */
export function pyroscopeRoute(r: Resolved, release: string, values: Values = {}): KrmObject | undefined {
  const route = r.spec.pyroscope.route;
  if (!route.hostname) return undefined;
  const gw = route.gateway;
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: release, namespace: r.namespace },
    spec: {
      hostnames: [route.hostname],
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: gw.name, namespace: gw.namespace, sectionName: gw.sectionName }],
      rules: routeRules(r, release, values),
    },
  };
}

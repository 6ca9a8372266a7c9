// Grafana Loki: the HelmRelease values for the grafana-community loki chart (18.x), whose
// values.yaml documents every key used here:
// https://github.com/grafana-community/helm-charts/blob/main/charts/loki/values.yaml
import type { Resolved } from './resolve.ts';
import { deepMerge, type Values } from './merge.ts';
import { lokiStorageValues } from './loki-storage.ts';
import { lokiMonitoringValues } from './loki-monitoring.ts';

/** Loki's tenant when auth is off (-auth.no-auth-tenant): the ruler reads <dir>/<tenant>/. */
const NO_AUTH_TENANT = 'fake';
/** Where the ruler reads local rules; the sidecar writes to RULES_DIR/<tenant>. */
const RULES_DIR = '/rules';

export function lokiValues(r: Resolved): Values {
  const loki = r.spec.loki;
  const storage = lokiStorageValues(r);
  const rulerConfig: Values = { alertmanager_url: r.alertmanagerUrl };
  // The chart never sets local.directory: without this the ruler reads /var/loki/rules and
  // never sees the files the rules sidecar writes to RULES_DIR.
  if (loki.rules.enabled) rulerConfig.storage = { type: 'local', local: { directory: RULES_DIR } };

  const values: Values = {
    deploymentMode: storage.deploymentMode,
    loki: {
      auth_enabled: false,
      analytics: { reporting_enabled: false },
      commonConfig: { replication_factor: storage.replicationFactor },
      storage: storage.storage,
      schemaConfig: { configs: storage.schemaConfigs },
      ingester: { chunk_encoding: 'snappy' },
      // Retention needs all three: the period, the compactor switch and its delete-request store.
      limits_config: { retention_period: loki.retention },
      compactor: {
        working_directory: '/var/loki/compactor/retention',
        delete_request_store: storage.deleteRequestStore,
        retention_enabled: true,
      },
      rulerConfig,
    },
    ...storage.components,
    ruler: { ...(storage.components.ruler as Values | undefined), enabled: true },
    chunksCache: { enabled: false },
    resultsCache: { enabled: false },
    // The chart's test needs the canary: both off, or rendering fails.
    lokiCanary: { enabled: false },
    test: { enabled: false },
    sidecar: sidecarValues(r),
    monitoring: lokiMonitoringValues(r),
  };
  // Deep: storage.extra may add keys under loki (storage_config) as well as top-level blocks.
  return storage.extra ? deepMerge(values, storage.extra) : values;
}

function sidecarValues(r: Resolved): Values {
  const rules = r.spec.loki.rules;
  const image = parseImage(r.spec.loki.sidecarImage);
  // The chart's /healthz probes need a sidecar that serves it (kiwigrid 2.x); 1.x images would never get ready.
  const probes = image.major >= 2;
  return {
    image: { registry: image.registry, repository: image.repository, tag: image.tag, ...(image.sha ? { sha: image.sha } : {}) },
    // Rules from every namespace may share file names: prefix them with the namespace.
    enableUniqueFilenames: true,
    readinessProbe: { enabled: probes },
    livenessProbe: { enabled: probes },
    rules: {
      enabled: rules.enabled,
      label: rules.label,
      labelValue: rules.labelValue,
      folder: `${RULES_DIR}/${NO_AUTH_TENANT}`,
      searchNamespace: rules.searchNamespace,
      resource: rules.resource,
    },
  };
}

function parseImage(ref: string): { registry: string; repository: string; tag: string; sha?: string; major: number } {
  const [nameTag, digest] = ref.split('@');
  const colon = nameTag!.lastIndexOf(':');
  const name = nameTag!.slice(0, colon);
  const tag = nameTag!.slice(colon + 1);
  const slash = name.indexOf('/');
  const major = Number(/^v?(\d+)/.exec(tag)?.[1] ?? 0);
  return { registry: name.slice(0, slash), repository: name.slice(slash + 1), tag, sha: digest?.replace(/^sha256:/, ''), major };
}

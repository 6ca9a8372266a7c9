// Checks that every Helm value path we emit exists in the pinned chart's values.yaml
// (../shared/reference/charts/<chart>-<version>/). The tempo, tempo-distributed and pyroscope
// charts have no values schema and Loki's allows unknown keys, so Helm ignores a misplaced key
// silently (CHARTS.md §5 "Cautionary observations"); this is our substitute for a closed schema.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import YAML from 'yaml';
import { referenceDir } from './crd.ts';

/**
 * Per chart (Chart.yaml `name`), value blocks the chart hands through verbatim (toYaml / tpl) into
 * the application config, so their keys are the application's, not the chart's. A `*` segment
 * matches one key. Read from the config templates in values.yaml and CHARTS.md §1-3.
 */
export const VERBATIM_BLOCKS: Record<string, string[]> = {
  // values.yaml `loki.config` renders these with `tpl (toYaml .)`/`toYaml`; rulerConfig and
  // structuredConfig are merged over the generated config (§1.6). The s3/gcs/azure maps pass every
  // key the chart does not rename (`omit ... | toYaml` in _helpers.tpl), filesystem/swift whole.
  loki: [
    'loki.server', 'loki.pattern_ingester', 'loki.memberlistConfig', 'loki.extraMemberlistConfig',
    'loki.ingester', 'loki.ingester_client', 'loki.block_builder', 'loki.commonConfig', 'loki.limits_config',
    'loki.runtimeConfig', 'loki.schemaConfig', 'loki.testSchemaConfig', 'loki.rulerConfig', 'loki.structuredConfig',
    'loki.query_scheduler', 'loki.storage_config', 'loki.compactor', 'loki.compactor_grpc_client', 'loki.analytics',
    'loki.query_range', 'loki.querier', 'loki.index_gateway', 'loki.frontend', 'loki.frontend_worker',
    'loki.distributor', 'loki.bloom_build', 'loki.bloom_gateway', 'loki.operational_config',
    'loki.storage.s3', 'loki.storage.gcs', 'loki.storage.azure', 'loki.storage.swift', 'loki.storage.filesystem',
    'loki.storage.object_store.s3', 'loki.storage.object_store.gcs', 'loki.storage.object_store.azure',
  ],
  // `config` renders tempo.receivers, ingester, server, storage, querier, queryFrontend and
  // overrides with toYaml (§2); per_tenant_overrides becomes overrides.yaml.
  tempo: [
    'tempo.receivers', 'tempo.ingester', 'tempo.server', 'tempo.storage', 'tempo.querier', 'tempo.queryFrontend',
    'tempo.overrides', 'tempo.per_tenant_overrides', 'tempo.metricsGenerator.processor',
    'tempo.metricsGenerator.registry', 'tempo.metricsGenerator.storage.remote_write',
  ],
  // Only these parts of tempo-distributed's `config` are toYaml'd; most `<component>.config.*`
  // keys are read one by one, so they are NOT verbatim (an unknown one is silently dropped).
  'tempo-distributed': [
    'tempo.structuredConfig', 'storage.trace.search', 'storage.trace.block.dedicated_columns', 'traces.otlp.*.receiverConfig', 'traces.jaeger.*.receiverConfig',
    'traces.zipkin.receiverConfig', 'traces.opencensus.receiverConfig', 'traces.kafka', 'memberlist', 'overrides',
    'per_tenant_overrides', 'cache', 'liveStore.config', 'metricsGenerator.config.processor',
    'metricsGenerator.config.storage', 'metricsGenerator.config.registry', 'metricsGenerator.config.traces_storage',
    'backendScheduler.config.provider.compaction.compaction', 'backendWorker.config.compaction',
    'backendWorker.config.backend_scheduler_client.grpc_client_config',
    'querier.config.frontend_worker.grpc_client_config', 'enterpriseGateway.proxy',
  ],
  // structuredConfig is deep-merged over the templated config (§3); extraArgs keys are CLI flags
  // (`log.level`, `retention-period`); components and tenantOverrides are free maps.
  pyroscope: [
    'pyroscope.structuredConfig', 'pyroscope.extraArgs', 'pyroscope.components', 'pyroscope.tenantOverrides',
    'pyroscope.extraEnvVars', 'pyroscope.extraCustomEnvVars',
  ],
};

/**
 * Keys the templates read that values.yaml does not list (so they are not in our reference copy).
 * Found by comparing the charts' templates at the snapshot commits with values.yaml; each entry
 * also covers everything below it.
 */
export const TEMPLATE_ONLY_KEYS: Record<string, string[]> = {
  loki: [
    'rbac.useExistingRole', // backend/clusterrole.yaml binds an existing ClusterRole (CHARTS.md §1.8)
    'sidecar.rules.sizeLimit', // _pod.tpl: emptyDir sizeLimit of the rules volume (CHARTS.md §1.7)
    'defaults.resources', // _pod.tpl / gateway: coalesce($component.resources, defaults.resources)
    'loki.storage.alibabacloud', 'loki.storage.bos', 'loki.storage.cos', // _helpers.tpl storage backends
  ],
  tempo: [
    'persistence.storageClassName', 'persistence.annotations', 'persistence.selector', // statefulset.yaml (CHARTS.md §2)
    'serviceMonitor.scrapeTimeout', // servicemonitor.yaml; commented out in values.yaml
    'revisionHistoryLimit', 'service.externalIPs', 'service.loadBalancerSourceRanges', // statefulset/service.yaml
    'tempo.pullSecrets', 'tempoQuery.pullSecrets', 'tempoQuery.ingress.ingressClassName',
  ],
  'tempo-distributed': [
    // Rendered with toYaml by values.yaml `config` (CHARTS.md §2.1), but not listed as values.
    'storage.trace.s3', 'storage.trace.gcs', 'storage.trace.azure',
    'storage.admin.s3', 'storage.admin.gcs', 'storage.admin.azure', 'storage.admin.swift', 'storage.admin.filesystem',
    'ingress.ingressClassName', 'ingress.labels', 'ingress.tls', 'gateway.ingress.ingressClassName',
    'queryFrontend.ingress.ingressClassName', 'defaults.hostAliases', // ingress*.yaml, _pod.tpl
  ],
  pyroscope: [
    // deployments-statefulsets.yaml merges pyroscope.* with each component and reads these (CHARTS.md §3)
    'pyroscope.persistence.storageClassName', 'pyroscope.persistence.selector', 'pyroscope.persistence.existingClaim',
    'pyroscope.persistence.extraVolumeClaimTemplates', 'pyroscope.priorityClassName',
    'pyroscope.terminationGracePeriodSeconds', 'pyroscope.hostNetwork', 'pyroscope.service.extraPorts',
    'pyroscope.service.publishNotReadyAddresses',
    'ingress.hosts', 'ingress.tls', // ingress.yaml; commented out in values.yaml
  ],
};

/** Kubernetes structures and free maps the charts render as given, under any parent. */
const FREE_FORM_KEYS = new Set([
  'annotations', 'labels', 'podAnnotations', 'podLabels', 'commonLabels', 'extraLabels', 'additionalLabels',
  'serviceAnnotations', 'serviceLabels', 'headlessAnnotations', 'resources', 'affinity', 'nodeSelector',
  'tolerations', 'topologySpreadConstraints', 'securityContext', 'podSecurityContext', 'containerSecurityContext',
  'extraArgs', 'extraEnv', 'extraEnvFrom', 'extraVolumes', 'extraVolumeMounts', 'env', 'envFrom',
  'initContainers', 'extraContainers', 'dnsConfig', 'hostAliases', 'imagePullSecrets', 'livenessProbe',
  'readinessProbe', 'startupProbe', 'lifecycle', 'strategy', 'updateStrategy', 'relabelings',
  'metricRelabelings', 'tlsConfig', 'namespaceSelector', 'selector', 'matchLabels', 'matchExpressions',
  'sessionAffinityConfig', 'extraObjects',
]);

interface Chart {
  name: string;
  label: string;
  values: Record<string, unknown>;
  subcharts: string[];
}
const charts = new Map<string, Chart>();

function loadChart(chartDir: string): Chart {
  const ref = referenceDir();
  const dir = isAbsolute(chartDir) ? chartDir : ref ? join(ref, 'charts', chartDir) : chartDir;
  const cached = charts.get(dir);
  if (cached) return cached;
  if (!existsSync(join(dir, 'values.yaml'))) throw new Error(`no chart values.yaml in ${dir}`);
  const meta = YAML.parse(readFileSync(join(dir, 'Chart.yaml'), 'utf8'));
  const chart: Chart = {
    name: meta.name,
    label: `${meta.name}-${meta.version}`,
    values: YAML.parse(readFileSync(join(dir, 'values.yaml'), 'utf8')) ?? {},
    // Subchart values are checked by the subchart, whose values.yaml we do not have.
    subcharts: (meta.dependencies ?? []).map((d: { name: string; alias?: string }) => d.alias ?? d.name),
  };
  charts.set(dir, chart);
  return chart;
}

const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Does a dotted pattern (with `*` for one key) cover this path (its prefix)? */
function covers(pattern: string, path: string[]): boolean {
  const parts = pattern.split('.');
  return parts.length <= path.length && parts.every((p, i) => p === '*' || p === path[i]);
}

function show(path: (string | number)[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_][\w-]*$/.test(p) ? (i ? `.${p}` : p) : `[${JSON.stringify(p)}]`))
    .join('');
}

/**
 * Value paths (e.g. `tempo.structuredConfig`, `loki.schemaConfig.configs[0]`) that the chart does
 * not know. `chartDir` is a folder under ../shared/reference/charts (`loki-18.11.0`) or a path;
 * `allowances` are extra patterns, like VERBATIM_BLOCKS entries, accepted with everything below.
 */
export function unknownValueKeys(chartDir: string, values: object, allowances: string[] = []): string[] {
  const chart = loadChart(chartDir);
  const allowed = [...(VERBATIM_BLOCKS[chart.name] ?? []), ...(TEMPLATE_ONLY_KEYS[chart.name] ?? []), ...chart.subcharts, ...allowances];
  const unknown: string[] = [];
  const walk = (ours: Record<string, unknown>, defaults: unknown, path: (string | number)[]) => {
    for (const [key, value] of Object.entries(ours)) {
      const at = [...path, key];
      const keysOnly = at.filter((p): p is string => typeof p === 'string');
      if (allowed.some((p) => covers(p, keysOnly))) continue;
      if (!isMap(defaults) || !(key in defaults)) {
        unknown.push(show(at));
        continue;
      }
      if (FREE_FORM_KEYS.has(key)) continue;
      const dflt = defaults[key];
      if (Array.isArray(value)) {
        // Elements are compared with the chart's first default element, when it is a map.
        if (Array.isArray(dflt) && isMap(dflt[0])) value.forEach((e, i) => isMap(e) && walk(e, dflt[0], [...at, i]));
      } else if (isMap(value) && dflt !== null && dflt !== undefined) {
        walk(value, dflt, at); // a scalar or list default makes every key below unknown
      }
    }
  };
  walk(values as Record<string, unknown>, chart.values, []);
  return unknown;
}

export interface Release {
  name: string;
  chart: string;
  version: string;
  values: object;
}

/** The chart and version of each HelmRelease, from its chartRef/OCIRepository or chart.spec. */
export function releasesOf(objects: any[]): Release[] {
  const tags = new Map(objects.filter((o) => o.kind === 'OCIRepository').map((o) => [o.metadata.name, o.spec.ref.tag]));
  return objects
    .filter((o) => o.kind === 'HelmRelease')
    .map((hr) => {
      const chart = hr.spec.chartRef?.name ?? hr.spec.chart.spec.chart;
      const version = hr.spec.chartRef ? tags.get(chart) : hr.spec.chart.spec.version;
      return { name: hr.metadata.name, chart, version, values: hr.spec.values ?? {} };
    });
}

// What value keys each pinned chart has: the rules that turn a chart's values.yaml into a key
// index (scripts/gen-chart-keys.ts writes chart-keys.generated.ts with them), and the lookup.
// values.yaml is all a chart tells about its values (tempo, tempo-distributed and pyroscope have
// no values schema, Loki's allows any key), so a key it does not list is silently ignored by Helm.
// The tests check the keys we generate with the same lists (test/support/chart-values.ts).
import type { KeyTree } from './chart-key-tree.ts';
import { CHART_KEYS_JSON } from './chart-keys.generated.ts';

export type { KeyTree } from './chart-key-tree.ts';

/**
 * Per chart (Chart.yaml `name`), value blocks the chart hands through verbatim (toYaml / tpl) into
 * the application config, so their keys are the application's, not the chart's. A `*` segment
 * matches one key.
 */
export const VERBATIM_BLOCKS: Record<string, string[]> = {
  // `loki.config` renders these with `tpl (toYaml .)`/`toYaml`; rulerConfig and structuredConfig
  // are merged over the generated config. The s3/gcs/azure maps pass every key the chart does
  // not rename (`omit ... | toYaml`), filesystem/swift whole.
  loki: [
    'loki.server',
    'loki.pattern_ingester',
    'loki.memberlistConfig',
    'loki.extraMemberlistConfig',
    'loki.ingester',
    'loki.ingester_client',
    'loki.block_builder',
    'loki.commonConfig',
    'loki.limits_config',
    'loki.runtimeConfig',
    'loki.schemaConfig',
    'loki.testSchemaConfig',
    'loki.rulerConfig',
    'loki.structuredConfig',
    'loki.query_scheduler',
    'loki.storage_config',
    'loki.compactor',
    'loki.compactor_grpc_client',
    'loki.analytics',
    'loki.query_range',
    'loki.querier',
    'loki.index_gateway',
    'loki.frontend',
    'loki.frontend_worker',
    'loki.distributor',
    'loki.bloom_build',
    'loki.bloom_gateway',
    'loki.operational_config',
    'loki.storage.s3',
    'loki.storage.gcs',
    'loki.storage.azure',
    'loki.storage.swift',
    'loki.storage.filesystem',
    'loki.storage.object_store.s3',
    'loki.storage.object_store.gcs',
    'loki.storage.object_store.azure',
  ],
  // `config` renders tempo.receivers, ingester, server, storage, querier, queryFrontend and
  // overrides with toYaml; per_tenant_overrides becomes overrides.yaml.
  tempo: [
    'tempo.receivers',
    'tempo.ingester',
    'tempo.server',
    'tempo.storage',
    'tempo.querier',
    'tempo.queryFrontend',
    'tempo.overrides',
    'tempo.per_tenant_overrides',
    'tempo.metricsGenerator.processor',
    'tempo.metricsGenerator.registry',
    'tempo.metricsGenerator.storage.remote_write',
  ],
  // Only these parts of tempo-distributed's `config` are toYaml'd; most `<component>.config.*`
  // keys are read one by one, so they are NOT verbatim (an unknown one is silently dropped).
  'tempo-distributed': [
    'tempo.structuredConfig',
    'storage.trace.search',
    'storage.trace.block.dedicated_columns',
    'traces.otlp.*.receiverConfig',
    'traces.jaeger.*.receiverConfig',
    'traces.zipkin.receiverConfig',
    'traces.opencensus.receiverConfig',
    'traces.kafka',
    'memberlist',
    'overrides',
    'per_tenant_overrides',
    'cache',
    'liveStore.config',
    'metricsGenerator.config.processor',
    'metricsGenerator.config.storage',
    'metricsGenerator.config.registry',
    'metricsGenerator.config.traces_storage',
    'backendScheduler.config.provider.compaction.compaction',
    'backendWorker.config.compaction',
    'backendWorker.config.backend_scheduler_client.grpc_client_config',
    'querier.config.frontend_worker.grpc_client_config',
    'enterpriseGateway.proxy',
  ],
  // structuredConfig is deep-merged over the templated config; extraArgs keys are CLI flags
  // (`log.level`, `retention-period`); components and tenantOverrides are free maps.
  pyroscope: [
    'pyroscope.structuredConfig',
    'pyroscope.extraArgs',
    'pyroscope.components',
    'pyroscope.tenantOverrides',
    'pyroscope.extraEnvVars',
    'pyroscope.extraCustomEnvVars',
  ],
};

/**
 * Keys the templates read that values.yaml does not list. Found by comparing the charts'
 * templates with values.yaml; each entry also covers everything below it.
 */
export const TEMPLATE_ONLY_KEYS: Record<string, string[]> = {
  loki: [
    'rbac.useExistingRole', // backend/clusterrole.yaml binds an existing ClusterRole
    'sidecar.rules.sizeLimit', // _pod.tpl: emptyDir sizeLimit of the rules volume
    'defaults.resources', // _pod.tpl / gateway: coalesce($component.resources, defaults.resources)
    'loki.storage.alibabacloud',
    'loki.storage.bos',
    'loki.storage.cos', // _helpers.tpl storage backends
    'loki.storage.bucketNames', // _helpers.tpl: the object store buckets (commented out in values.yaml)
    // monitoring/dashboards/*.yaml: `dig "<dashboard>" "enabled" true .Values.monitoring.dashboards` per dashboard
    'monitoring.dashboards.loki-bloom-build',
    'monitoring.dashboards.loki-bloom-gateway',
  ],
  tempo: [
    'persistence.storageClassName',
    'persistence.annotations',
    'persistence.selector', // statefulset.yaml
    'serviceMonitor.scrapeTimeout', // servicemonitor.yaml; commented out in values.yaml
    'revisionHistoryLimit',
    'service.externalIPs',
    'service.loadBalancerSourceRanges', // statefulset/service.yaml
    'tempo.pullSecrets',
    'tempoQuery.pullSecrets',
    'tempoQuery.ingress.ingressClassName',
  ],
  'tempo-distributed': [
    // Rendered with toYaml by values.yaml `config`, but not listed as values.
    'storage.trace.s3',
    'storage.trace.gcs',
    'storage.trace.azure',
    'storage.admin.s3',
    'storage.admin.gcs',
    'storage.admin.azure',
    'storage.admin.swift',
    'storage.admin.filesystem',
    'ingress.ingressClassName',
    'ingress.labels',
    'ingress.tls',
    'gateway.ingress.ingressClassName',
    'queryFrontend.ingress.ingressClassName',
    'defaults.hostAliases', // ingress*.yaml, _pod.tpl
  ],
  pyroscope: [
    // deployments-statefulsets.yaml merges pyroscope.* with each component and reads these
    'pyroscope.persistence.storageClassName',
    'pyroscope.persistence.selector',
    'pyroscope.persistence.existingClaim',
    'pyroscope.persistence.extraVolumeClaimTemplates',
    'pyroscope.priorityClassName',
    'pyroscope.terminationGracePeriodSeconds',
    'pyroscope.hostNetwork',
    'pyroscope.service.extraPorts',
    'pyroscope.service.publishNotReadyAddresses',
    'ingress.hosts',
    'ingress.tls', // ingress.yaml; commented out in values.yaml
  ],
};

/** Kubernetes structures and free maps the charts render as given, under any parent. */
export const FREE_FORM_KEYS = new Set([
  'annotations',
  'labels',
  'podAnnotations',
  'podLabels',
  'commonLabels',
  'extraLabels',
  'additionalLabels',
  'serviceAnnotations',
  'serviceLabels',
  'headlessAnnotations',
  'resources',
  'affinity',
  'nodeSelector',
  'tolerations',
  'topologySpreadConstraints',
  'securityContext',
  'podSecurityContext',
  'containerSecurityContext',
  'extraArgs',
  'extraEnv',
  'extraEnvFrom',
  'extraVolumes',
  'extraVolumeMounts',
  'env',
  'envFrom',
  'initContainers',
  'extraContainers',
  'dnsConfig',
  'hostAliases',
  'imagePullSecrets',
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
  'lifecycle',
  'strategy',
  'updateStrategy',
  'relabelings',
  'metricRelabelings',
  'tlsConfig',
  'namespaceSelector',
  'selector',
  'instanceSelector',
  'matchLabels',
  'matchExpressions',
  'sessionAffinityConfig',
  'extraObjects',
]);

const parsed = new Map<string, KeyTree>();

/** The key index of a chart version (parsed on first use), or undefined when none was generated for it. */
export function chartKeys(chart: string, version: string): KeyTree | undefined {
  const key = `${chart}-${version}`;
  if (!Object.hasOwn(CHART_KEYS_JSON, key)) return undefined;
  let tree = parsed.get(key);
  if (tree === undefined) {
    tree = JSON.parse(CHART_KEYS_JSON[key]!) as KeyTree;
    parsed.set(key, tree);
  }
  return tree;
}

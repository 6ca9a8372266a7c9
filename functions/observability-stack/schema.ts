// The ObservabilityConfig API (observability.krm.dev/v1alpha1): the single source of its
// validation, its defaults, its JSON Schema and its field documentation.
// Every field's description ends with its default.
import * as z from 'zod';
import { K8S_SIDECAR_IMAGE, K8S_SIDECAR_VERSION } from '../versions.ts';
import { CONFIG_API_VERSION, CONFIG_KIND, namespaceSchema, rulesSidecarSchema } from '../common/contract.ts';
import { dnsLabel, dnsSubdomain, fluxDuration, goDuration, hostname, lokiDuration, quantity, url } from '../common/formats.ts';
import { collectorSchema } from './collector-schema.ts';
import { chart, d, values } from './schema-parts.ts';
import { grafanaSchema, monitoringSchema } from './grafana-schema.ts';

export const API_VERSION = CONFIG_API_VERSION;
export const KIND = CONFIG_KIND;
/** spec.tempo.maxBlockDuration's default; validate.ts tells a set value from it. */
export const TEMPO_MAX_BLOCK_DURATION = '5m';

const storage = (size: string, what: string) =>
  z
    .strictObject({
      size: quantity(size)
        .default(size)
        .meta(d(`Size of the ${what} volume. Default: ${size}.`)),
      storageClass: z
        .string()
        .min(1)
        .optional()
        .meta(d(`Storage class of the ${what} volume. Default: spec.storageClass, else the cluster default.`)),
    })
    .prefault({})
    .meta(d(`Persistent volume for ${what}.`));

const enabled = (what: string) =>
  z
    .boolean()
    .default(true)
    .meta(d(`Deploy ${what}. Default: true.`));

const replicas = (def: number | undefined, what: string) =>
  (def === undefined ? z.number().int().min(0).optional() : z.number().int().min(0).default(def)).meta(
    d(`Replicas of the ${what}.${def === undefined ? ' Default: the chart default for the mode.' : ` Default: ${def}.`}`),
  );

const dependsOn = z
  .array(
    z.strictObject({
      name: dnsSubdomain(),
      namespace: dnsLabel().optional(),
    }),
  )
  .default([]);

const lokiSchema = z
  .strictObject({
    enabled: enabled('Grafana Loki'),
    mode: z
      .enum(['SingleBinary', 'SimpleScalable', 'Distributed'])
      .default('SingleBinary')
      .meta(d('Loki deployment mode. SimpleScalable and Distributed need spec.objectStorage. Default: SingleBinary.')),
    retention: lokiDuration('14d').default('14d').meta(d('How long logs are kept; enforced by the compactor. Default: 14d.')),
    replicas: z
      .strictObject({
        singleBinary: replicas(undefined, 'single binary (1; more needs object storage)'),
        read: replicas(undefined, 'read target (SimpleScalable)'),
        write: replicas(undefined, 'write target (SimpleScalable)'),
        backend: replicas(undefined, 'backend target (SimpleScalable)'),
        distributor: replicas(undefined, 'distributor (Distributed)'),
        ingester: replicas(undefined, 'ingester (Distributed)'),
        querier: replicas(undefined, 'querier (Distributed)'),
        queryFrontend: replicas(undefined, 'query frontend (Distributed)'),
        queryScheduler: replicas(undefined, 'query scheduler (Distributed)'),
        indexGateway: replicas(undefined, 'index gateway (Distributed)'),
        compactor: replicas(undefined, 'compactor (Distributed)'),
        ruler: replicas(undefined, 'ruler (Distributed)'),
      })
      .prefault({})
      .meta(d('Replicas per component, for the components the mode has. Default: the chart default for the mode.')),
    replicationFactor: z
      .number()
      .int()
      .min(1)
      .optional()
      .meta(
        d(
          'Loki replication factor: copies of each log stream. At most the write (SimpleScalable) or ingester (Distributed) replicas. Default: 1 for SingleBinary; 3 for the scalable modes, or the write/ingester replica count when that is lower.',
        ),
      ),
    storage: storage('50Gi', 'Loki data (single binary) or write/backend'),
    schemaMigrationDate: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a date YYYY-MM-DD' })
      .optional()
      .meta(
        d(
          'When moving an existing filesystem install to spec.objectStorage: the first day (UTC, after 2024-04-01, pick a future date) Loki writes to the object store. The filesystem schema period from 2024-04-01 stays, so older logs remain readable from the single-binary volume (see docs/scaling.md). Default: unset (a fresh install, object store from 2024-04-01).',
        ),
      ),
    rules: rulesSidecarSchema,
    sidecarImage: z
      .string()
      .regex(/^[a-z0-9.-]+(:\d+)?\/[a-z0-9._/-]+:[\w][\w.-]*(@sha256:[a-f0-9]{64})?$/, {
        error: 'must be an image reference with registry and tag, such as ghcr.io/home-operations/k8s-sidecar:1.30.10',
      })
      .default(`${K8S_SIDECAR_IMAGE}:${K8S_SIDECAR_VERSION}`)
      .meta(d(`Rules sidecar image. Default: ${K8S_SIDECAR_IMAGE}:${K8S_SIDECAR_VERSION}.`)),
    chart: chart('loki'),
    values,
  })
  .prefault({})
  .meta(d('Grafana Loki (logs).'));

const tempoSchema = z
  .strictObject({
    enabled: enabled('Grafana Tempo'),
    mode: z
      .enum(['SingleBinary', 'Distributed'])
      .default('SingleBinary')
      .meta(d('SingleBinary uses the tempo chart; Distributed the tempo-distributed chart and needs spec.objectStorage. Default: SingleBinary.')),
    retention: goDuration('24h').default('24h').meta(d('How long traces are kept (14d is written as 336h for Tempo). Default: 24h.')),
    storage: storage('10Gi', 'Tempo traces (single binary) or ingester'),
    otlp: z
      .strictObject({
        grpc: z.boolean().default(true).meta(d('OTLP gRPC receiver on 0.0.0.0:4317. Default: true.')),
        http: z.boolean().default(true).meta(d('OTLP HTTP receiver on 0.0.0.0:4318. Default: true.')),
      })
      .prefault({})
      .meta(d('OTLP receivers.')),
    maxBlockDuration: goDuration(TEMPO_MAX_BLOCK_DURATION)
      .default(TEMPO_MAX_BLOCK_DURATION)
      .meta(d('Ingester max_block_duration (Tempo 2; Tempo 3, with Kafka, has no ingesters and a warning says it is ignored). Default: 5m.')),
    replicas: z
      .strictObject({
        distributor: replicas(undefined, 'distributor (Distributed)'),
        ingester: replicas(undefined, 'ingester (Distributed)'),
        querier: replicas(undefined, 'querier (Distributed)'),
        queryFrontend: replicas(undefined, 'query frontend (Distributed)'),
        compactor: replicas(undefined, 'compactor (Distributed)'),
      })
      .prefault({})
      .meta(d('Replicas per component in Distributed mode (ingester and compactor only exist up to chart 2.x). Default: the chart default.')),
    kafka: z
      .strictObject({
        address: z
          .string()
          .regex(/^[A-Za-z0-9.-]+:\d{1,5}(,[A-Za-z0-9.-]+:\d{1,5})*$/, { error: 'must be host:port[,host:port], such as kafka.kafka.svc.cluster.local:9092' })
          .meta(d('Kafka-compatible broker(s), host:port[,host:port]. Required.')),
        topic: z
          .string()
          .regex(/^[A-Za-z0-9._-]{1,249}$/, { error: 'must be a Kafka topic name: letters, digits, ".", "_" and "-"' })
          .default('tempo-traces')
          .meta(d('Topic Tempo writes spans to. Default: tempo-traces.')),
        partitions: z
          .number()
          .int()
          .min(1)
          .default(3)
          .meta(d('Partitions of the topic; the block-builder and live-store replica counts equal it. Default: 3.')),
      })
      .optional()
      .meta(
        d(
          'Kafka write path of Tempo 3 (tempo-distributed chart 3.x, pinned with spec.tempo.chart.version); Distributed mode only. Default: unset (the pinned chart 1.61.3 runs Tempo 2 with ingesters and needs no Kafka).',
        ),
      ),
    chart: chart('tempo'),
    values,
  })
  .prefault({})
  .meta(d('Grafana Tempo (traces).'));

const pyroscopeSchema = z
  .strictObject({
    enabled: enabled('Grafana Pyroscope'),
    mode: z.enum(['SingleBinary', 'Microservices']).default('SingleBinary').meta(d('Microservices needs spec.objectStorage. Default: SingleBinary.')),
    replicas: z.number().int().min(1).default(1).meta(d('Replicas of the single binary. Default: 1.')),
    retention: lokiDuration('31d').optional().meta(d('How long profiles are kept. Default: unset (Pyroscope keeps 31d).')),
    storage: storage('10Gi', 'Pyroscope data'),
    route: z
      .strictObject({
        hostname: hostname
          .optional()
          .meta(
            d(
              'Hostname of the HTTPRoute (needs the Gateway API CRDs and a Gateway, see gateway); no route when unset. Flux variables allowed. Default: unset.',
            ),
          ),
        gateway: z
          .strictObject({
            name: dnsSubdomain().default('envoy-internal').meta(d('Gateway name (the home-ops convention; set yours). Default: envoy-internal.')),
            namespace: dnsLabel().default('network').meta(d('Gateway namespace (the home-ops convention). Default: network.')),
            sectionName: dnsLabel().default('https').meta(d('Gateway listener (the home-ops convention). Default: https.')),
          })
          .prefault({})
          .meta(
            d(
              'Gateway the route attaches to. The route needs the Gateway API CRDs and this Gateway in the cluster; the defaults (envoy-internal in network, listener https) are home-ops conventions.',
            ),
          ),
      })
      .prefault({})
      .meta(d('Gateway API HTTPRoute for the Pyroscope UI.')),
    chart: chart('pyroscope'),
    values,
  })
  .prefault({})
  .meta(d('Grafana Pyroscope (profiles).'));

/** S3/GCS bucket and Azure container names share this shape (3-63 lowercase characters). */
const bucket = (def: string, what: string) =>
  z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
      error: `must be a bucket name: 3-63 lowercase letters, digits, "." or "-" (leave the field out for the default ${def})`,
    })
    .default(def)
    .meta(d(`${what} Default: ${def}.`));

/** A key of the credentials Secret (Kubernetes Secret data key syntax). */
const secretKey = (def: string, what: string) =>
  z
    .string()
    .regex(/^[-._a-zA-Z0-9]{1,253}$/, { error: 'must be a Secret data key: letters, digits, "-", "_" and "."' })
    .default(def)
    .meta(d(`${what} Default: ${def}.`));

const objectStorageSchema = z
  .strictObject({
    type: z.enum(['s3', 'gcs', 'azure']).meta(d('Object store type. Required.')),
    endpoint: z
      .string()
      .min(1)
      .optional()
      .meta(
        d(
          's3: endpoint host[:port] without scheme (MinIO, Ceph RGW, R2); azure: the endpoint suffix (blob.core.windows.net); not used for gcs. Default: the provider default (AWS from spec.objectStorage.region, Azure public cloud).',
        ),
      ),
    region: z.string().min(1).optional().meta(d('Bucket region (s3 only). Default: unset.')),
    insecure: z.boolean().default(false).meta(d('s3: plain HTTP to the endpoint (in-cluster MinIO). Default: false.')),
    forcePathStyle: z.boolean().default(false).meta(d('s3: path-style addressing (MinIO, Ceph). Default: false.')),
    buckets: z
      .strictObject({
        loki: z
          .strictObject({
            chunks: bucket('loki-chunks', 'Loki chunks and index.'),
            ruler: bucket('loki-ruler', 'Loki rules stored through the ruler API (sidecar rules stay local).'),
            admin: bucket('loki-admin', 'Loki admin bucket (only read by Grafana Enterprise Logs).'),
          })
          .prefault({})
          .meta(d('Loki buckets.')),
        tempo: bucket('tempo-traces', 'Tempo blocks; Tempo needs a bucket of its own.'),
        pyroscope: bucket('pyroscope-profiles', 'Pyroscope blocks; Pyroscope needs a bucket of its own.'),
      })
      .prefault({})
      .meta(d('Bucket (container for azure) per system; they must exist.')),
    secretRef: z
      .strictObject({
        name: dnsSubdomain().optional().meta(d('Secret in spec.namespace holding the credentials. Required.')),
        accessKeyIdKey: secretKey('AWS_ACCESS_KEY_ID', 's3: key of the access key id.'),
        secretAccessKeyKey: secretKey('AWS_SECRET_ACCESS_KEY', 's3: key of the secret access key.'),
        accountNameKey: secretKey('AZURE_ACCOUNT_NAME', 'azure: key of the storage account name.'),
        accountKeyKey: secretKey('AZURE_ACCOUNT_KEY', 'azure: key of the storage account key.'),
        serviceAccountKey: secretKey('GOOGLE_SERVICE_ACCOUNT_JSON', 'gcs: key holding the service-account JSON (mounted as a file).'),
      })
      .optional()
      .meta(d('Credentials, never inline: a reference to a Secret the pods read through environment variables (gcs: a mounted file). Required.')),
  })
  .meta(d('Object storage for the scalable modes (or a single binary writing to a bucket). Default: unset (local volumes).'));

const kustomization = z
  .strictObject({
    enabled: z
      .boolean()
      .default(false)
      .meta(
        d(
          'Flat layout: emit ks.yaml, a Flux Kustomization for the rendered folder, and a package-root kustomization.yaml listing only it (needs path). The home-ops layout always writes one per app. Default: false.',
        ),
      ),
    path: z
      .string()
      .min(1)
      .optional()
      .meta(
        d(
          "Git path of the rendered <namespace> folder: the package's path in the repository plus /<namespace> (e.g. ./kubernetes/apps/observability, ./clusters/main/observability/observability). Required whenever Flux Kustomizations are generated (enabled, or the home-ops layout): the function cannot see the repository. Default: unset.",
        ),
      ),
    sourceRef: z
      .strictObject({
        kind: z.enum(['GitRepository', 'OCIRepository', 'Bucket']).default('GitRepository'),
        name: dnsSubdomain().default('flux-system'),
        namespace: dnsLabel().default('flux-system'),
      })
      .prefault({})
      .meta(d('Flux source holding the rendered output. Default: GitRepository flux-system/flux-system.')),
    namespace: dnsLabel().default('flux-system').meta(d('Namespace of the Kustomization. Default: flux-system.')),
    substituteFrom: z
      .array(
        z.strictObject({
          kind: z.enum(['ConfigMap', 'Secret']),
          name: dnsSubdomain(),
          optional: z.boolean().optional(),
        }),
      )
      .default([])
      .meta(d('postBuild.substituteFrom entries (e.g. the cluster-secrets Secret). Default: [].')),
    dependsOn: dependsOn.meta(d('Kustomizations to wait for (e.g. the CRD providers). Default: [].')),
  })
  .prefault({})
  .meta(d('Flux Kustomization (kustomize.toolkit.fluxcd.io/v1) that applies the rendered output.'));

const fluxSchema = z
  .strictObject({
    sourceKind: z
      .enum(['OCIRepository', 'HelmRepository'])
      .default('OCIRepository')
      .meta(d('OCIRepository (HelmRelease chartRef) or HelmRepository (chart.spec). Default: OCIRepository.')),
    interval: fluxDuration('30m').default('30m').meta(d('Reconcile interval of releases and sources. Default: 30m.')),
    timeout: fluxDuration('15m').optional().meta(d('Helm action timeout. Default: unset (Flux default, 5m).')),
    dependsOn: dependsOn.meta(d('HelmReleases every release waits for, e.g. the storage provider. Default: [].')),
    remediation: z
      .strictObject({
        retries: z.number().int().min(0).default(3).meta(d('Install and upgrade retries. Default: 3.')),
        cleanupOnFail: z.boolean().default(true).meta(d('Delete new resources of a failed upgrade. Default: true.')),
      })
      .prefault({})
      .meta(d('Install/upgrade remediation.')),
    kustomization,
  })
  .prefault({})
  .meta(d('How Flux installs the charts.'));

const specSchema = z
  .strictObject({
    namespace: namespaceSchema,
    createNamespace: z
      .boolean()
      .default(true)
      .meta(
        d(
          'Generate the Namespace spec.namespace, annotated kustomize.toolkit.fluxcd.io/prune: disabled so removing the stack never deletes the namespace and what else lives in it. Not generated when the package already holds a Namespace of that name. Set false when something else creates it. Default: true.',
        ),
      ),
    storageClass: z.string().min(1).optional().meta(d('Storage class of every volume unless a component sets its own. Default: the cluster default.')),
    alertmanager: z
      .strictObject({
        url: url.optional().meta(d('Alertmanager the Loki ruler sends to. Default: http://alertmanager-operated.<namespace>.svc.cluster.local:9093.')),
      })
      .prefault({})
      .meta(d('Alertmanager for Loki alerts.')),
    flux: fluxSchema,
    objectStorage: objectStorageSchema.optional(),
    loki: lokiSchema,
    tempo: tempoSchema,
    pyroscope: pyroscopeSchema,
    collector: collectorSchema,
    monitoring: monitoringSchema,
    grafana: grafanaSchema,
    output: z
      .strictObject({
        layout: z
          .enum(['flat', 'home-ops'])
          .default('flat')
          .meta(
            d(
              'File layout kpt writes: flat (<namespace>/<app>/<kind>.yaml) or home-ops (<namespace>/<app>/app/helmrelease.yaml and <namespace>/<app>/ks.yaml). Default: flat.',
            ),
          ),
      })
      .prefault({})
      .meta(d('Where generated objects are written.')),
  })
  .prefault({})
  .meta(d('The stack.'));

export const configSchema = z
  .strictObject({
    apiVersion: z.literal(API_VERSION, { error: `must be ${API_VERSION}` }),
    kind: z.literal(KIND, { error: `must be ${KIND}` }),
    metadata: z
      .looseObject({
        name: dnsSubdomain().meta(d('Name of the config.')),
        namespace: z.string().optional(),
        annotations: z.record(z.string(), z.string()).optional(),
        labels: z.record(z.string(), z.string()).optional(),
      })
      .meta(d('Object metadata; kept as local config, never applied.')),
    spec: specSchema,
  })
  .meta({ title: 'ObservabilityConfig', description: 'Expands into Flux HelmReleases for Grafana Loki, Tempo and Pyroscope.' });

export type ObservabilityConfig = z.output<typeof configSchema>;
export type Spec = ObservabilityConfig['spec'];

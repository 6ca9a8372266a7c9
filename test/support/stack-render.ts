// What the rendered Loki, Tempo and Pyroscope releases must hold for one ObservabilityConfig:
// the settings the config asked for, keys the programs accept, credentials wired from the
// Secret, volumes, ServiceMonitors, and every URL of our output landing on a rendered Service.
// Expectations come from the config (with the schema's documented defaults), never from the
// generated values.
import YAML from 'yaml';
import { Item } from '../../functions/krm/item.ts';
import type { Result } from '../../functions/krm/types.ts';
import { configSchema } from '../../functions/observability-stack/schema.ts';
import { transform } from '../../functions/observability-stack/transform.ts';
import { appVersionOf, keyTrie, unknownConfigKeys } from './config-keys.ts';
import { config } from './fn.ts';
import { chartDir } from './helm.ts';
import {
  claims,
  containers,
  envProblems,
  gcsCredentialProblems,
  ofKind,
  programConfig,
  renderGenerated,
  routeProblems,
  serviceMonitorProblems,
  urlProblem,
  type Obj,
  type Rendered,
} from './rendered.ts';

/** Loki's tenant when auth is off (its -auth.no-auth-tenant default). */
const NO_AUTH_TENANT = 'fake';

const UNITS: Record<string, number> = { ms: 1e-3, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };

/** Seconds of a Go or Prometheus duration (`336h`, `14d`, `1h30m`), to compare meaning, not spelling. */
export function seconds(d: unknown): number {
  const s = String(d);
  const parts = [...s.matchAll(/(\d+(?:\.\d+)?)(ms|[smhdwy])/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== s) throw new Error(`not a duration: ${s}`);
  return parts.reduce((sum, p) => sum + Number(p[1]) * UNITS[p[2]!]!, 0);
}

const get = (o: unknown, path: string): any => path.split('.').reduce((v: any, k) => (v == null ? undefined : v[k]), o);

/** Upstream chart behaviour our values cannot change, logged instead of failing. */
const CHART_QUIRKS = [
  {
    chart: 'tempo-distributed',
    problem: /^ServiceMonitor \S+-metrics-generator selects no rendered Service$/,
    why: 'tempo-distributed 1.x renders this ServiceMonitor even with metricsGenerator.enabled false; it scrapes nothing',
  },
];

export interface StackCheck {
  /** Problems found; empty when Kubernetes would receive what the config asked for. */
  problems: string[];
  /** Releases rendered and checked. */
  releases: number;
  /** Notes for the test log (a key list the reference lacks, ...). */
  notes: string[];
}

/** Generate from a spec in-process, apply Flux, render with Helm v4, and check everything. */
export function checkStack(spec: object): StackCheck {
  const cfg = config(spec);
  const out = transform(Item.fromObject(cfg), [Item.fromObject(cfg)]);
  const errors = out.results.filter((r) => r.severity === 'error');
  if (errors.length) return { problems: errors.map((r) => `generation: ${r.message}`), releases: 0, notes: [] };
  return checkGenerated(
    spec,
    out.items.map((i) => i.object as Obj),
    out.results,
  );
}

export function checkGenerated(spec: object, generated: Obj[], results: Result[]): StackCheck {
  const s = configSchema.parse(config(spec)).spec;
  const { applied, releases } = renderGenerated(generated, results);
  const problems: string[] = [];
  const notes: string[] = [];
  const check = (name: string, fn: (r: Rendered) => string[]) => {
    const r = releases.find((x) => x.release.name === name);
    if (r) problems.push(...fn(r).map((p) => `${name}: ${p}`));
  };
  check('loki', (r) => lokiProblems(s, r, notes));
  check('tempo', (r) => tempoProblems(s, r, notes));
  check('pyroscope', (r) => pyroscopeProblems(s, r, notes));
  for (const r of releases) {
    const monitors = ofKind(r.objects, 'ServiceMonitor').length;
    if (s.monitoring.serviceMonitors !== monitors > 0)
      problems.push(`${r.release.name}: serviceMonitors ${s.monitoring.serviceMonitors} but ${monitors} ServiceMonitors rendered`);
    for (const p of serviceMonitorProblems(r.objects)) {
      const quirk = CHART_QUIRKS.find((q) => q.chart === r.release.chart && q.problem.test(p));
      if (quirk) notes.push(`${r.release.name}: ${p} (${quirk.why})`);
      else problems.push(`${r.release.name}: ${p}`);
    }
    const secret = s.objectStorage?.secretRef?.name;
    problems.push(...envProblems(r.objects, s.objectStorage?.type === 'gcs' ? undefined : secret).map((p) => `${r.release.name}: ${p}`));
    if (s.objectStorage?.type === 'gcs') problems.push(...gcsCredentialProblems(r.objects, secret!).map((p) => `${r.release.name}: ${p}`));
  }
  for (const route of ofKind(applied, 'HTTPRoute')) problems.push(...routeProblems(releases, route));
  const datasources = grafanaDatasources(applied, s.grafana.datasources.label);
  for (const ds of datasources) {
    const p = urlProblem(releases, ds.url, `Grafana datasource ${ds.name}`);
    if (p) problems.push(p);
  }
  const backends = releases.filter((r) => ['loki', 'tempo', 'pyroscope'].includes(r.release.name)).length;
  if (s.grafana.datasources.enabled && datasources.length !== backends) problems.push(`${datasources.length} Grafana datasources for ${backends} backends`);
  return { problems, releases: releases.length, notes };
}

/** Datasources as Grafana gets them: sidecar ConfigMaps (provisioning files) or grafana-operator GrafanaDatasource CRs. */
export function grafanaDatasources(objects: Obj[], sidecarLabel: string): { name: string; url: string }[] {
  const out: { name: string; url: string }[] = [];
  for (const cm of ofKind(objects, 'ConfigMap').filter((c) => c.metadata?.labels?.[sidecarLabel] !== undefined)) {
    for (const text of Object.values(cm.data ?? {})) out.push(...(YAML.parse(String(text))?.datasources ?? []));
  }
  for (const cr of ofKind(objects, 'GrafanaDatasource')) out.push(cr.spec.datasource);
  return out;
}

type Spec = ReturnType<typeof configSchema.parse>['spec'];

/** Keys of the program's config the program would refuse (null when the reference has no list). */
function keyProblems(program: string, r: Rendered, cfg: Obj, notes: string[]): string[] {
  const version = appVersionOf(chartDir(r.release.chart, r.release.version)!);
  const trie = keyTrie(program, version);
  if (!trie) {
    notes.push(`no config-keys/${program}-${version}.json: keys of ${r.release.chart} ${r.release.version} not checked`);
    return [];
  }
  return unknownConfigKeys(trie, cfg).map((k) => `${program} ${version} does not accept config key ${k}`);
}

function claimProblems(r: Rendered, want: { workload: string; size: string; storageClass?: string }[]): string[] {
  const all = claims(r.objects);
  const out: string[] = [];
  for (const w of want) {
    const c = all.find((x) => x.workload === w.workload);
    if (!c) out.push(`StatefulSet ${w.workload} has no volumeClaimTemplate (rendered: ${all.map((x) => x.workload).join(', ') || 'none'})`);
    else {
      if (c.size !== w.size) out.push(`${w.workload} claim ${c.name} is ${c.size}, config asks ${w.size}`);
      if (c.storageClass !== w.storageClass)
        out.push(`${w.workload} claim ${c.name} has storage class ${c.storageClass}, config asks ${w.storageClass ?? 'the cluster default'}`);
    }
  }
  return out;
}

/** The chart's `<name>.fullname`: fullnameOverride, else the release (containing the name) or release-name. */
function fullname(r: Rendered, scope: Obj | undefined): string {
  if (scope?.fullnameOverride) return scope.fullnameOverride;
  const name = scope?.nameOverride ?? r.release.chart;
  return r.release.name.includes(name) ? r.release.name : `${r.release.name}-${name}`;
}

function equal(out: string[], what: string, got: unknown, want: unknown): void {
  if (JSON.stringify(got) !== JSON.stringify(want)) out.push(`${what} is ${JSON.stringify(got)}, config asks ${JSON.stringify(want)}`);
}

function lokiProblems(s: Spec, r: Rendered, notes: string[]): string[] {
  const out: string[] = [];
  const { config: c, readers } = programConfig(r.objects);
  const os = s.objectStorage;
  const store = os?.type ?? 'filesystem';
  out.push(...keyProblems('loki', r, c, notes));
  equal(out, 'limits_config.retention_period (s)', seconds(get(c, 'limits_config.retention_period')), seconds(s.loki.retention));
  equal(out, 'compactor.retention_enabled', get(c, 'compactor.retention_enabled'), true);
  equal(out, 'compactor.delete_request_store', get(c, 'compactor.delete_request_store'), store);
  equal(
    out,
    'ruler.alertmanager_url',
    get(c, 'ruler.alertmanager_url'),
    s.alertmanager.url ?? `http://alertmanager-operated.${s.namespace}.svc.cluster.local:9093`,
  );
  const schemas: Obj[] = get(c, 'schema_config.configs') ?? [];
  const last = schemas.at(-1);
  equal(out, 'last schema_config period (schema, store, object_store)', [last?.schema, last?.store, last?.object_store], ['v13', 'tsdb', store]);
  if (s.loki.schemaMigrationDate)
    equal(
      out,
      'schema_config periods (from, object_store)',
      schemas.map((p) => [p.from, p.object_store]),
      [
        [schemas[0]?.from, 'filesystem'],
        [s.loki.schemaMigrationDate, store],
      ],
    );
  // Periods are dates in order; the first must have begun (a migration period may lie ahead).
  const froms = schemas.map((p) => String(p.from));
  if (froms.some((f) => !/^\d{4}-\d{2}-\d{2}$/.test(f)) || froms.some((f, i) => i > 0 && f <= froms[i - 1]!))
    out.push(`schema periods ${froms.join(', ')} are not dates in order`);
  if (!froms[0] || froms[0] > new Date().toISOString().slice(0, 10)) out.push(`the first schema period (${froms[0]}) has not begun`);
  if (os?.type === 's3') {
    equal(out, 'common.storage.s3.bucketnames', get(c, 'common.storage.s3.bucketnames'), os.buckets.loki.chunks);
    if (os.endpoint) equal(out, 'common.storage.s3.endpoint', get(c, 'common.storage.s3.endpoint'), os.endpoint);
  } else if (os?.type === 'gcs') equal(out, 'common.storage.gcs.bucket_name', get(c, 'common.storage.gcs.bucket_name'), os.buckets.loki.chunks);
  else if (os?.type === 'azure') equal(out, 'common.storage.azure.container_name', get(c, 'common.storage.azure.container_name'), os.buckets.loki.chunks);
  else if (!get(c, 'common.storage.filesystem')) out.push('no common.storage.filesystem without object storage');
  out.push(...lokiRulesProblems(s, r, c, readers));
  const size = s.loki.storage.size;
  const storageClass = s.loki.storage.storageClass ?? s.storageClass;
  const f = fullname(r, r.release.values);
  const want = {
    SingleBinary: [{ workload: f, size, storageClass }],
    SimpleScalable: [
      { workload: `${f}-write`, size, storageClass },
      { workload: `${f}-backend`, size, storageClass },
    ],
    Distributed: [
      { workload: `${f}-ingester`, size, storageClass },
      { workload: `${f}-compactor`, size: '10Gi', storageClass },
      { workload: `${f}-index-gateway`, size: '10Gi', storageClass },
    ],
  }[s.loki.mode];
  out.push(...claimProblems(r, want));
  return out;
}

/** The rules sidecar writes where the ruler reads for the tenant, into a volume Loki mounts there. */
function lokiRulesProblems(s: Spec, r: Rendered, c: Obj, readers: ReturnType<typeof containers>): string[] {
  const out: string[] = [];
  const sidecars = containers(r.objects).filter((x) => (x.container.env ?? []).some((e: Obj) => e.name === 'FOLDER'));
  if (!s.loki.rules.enabled) {
    if (sidecars.length) out.push(`rules off, yet a rules sidecar runs in ${sidecars.map((x) => x.id).join(', ')}`);
    return out;
  }
  equal(out, 'ruler.storage.type', get(c, 'ruler.storage.type'), 'local');
  const dir = get(c, 'ruler.storage.local.directory');
  const tenant = get(c, 'auth_enabled') === false ? NO_AUTH_TENANT : undefined;
  if (!tenant) out.push('auth_enabled is not false: the sidecar folder has no single tenant');
  if (!sidecars.length) out.push('rules on, but no rules sidecar rendered');
  const env = (x: Obj, name: string) => (x.container.env ?? []).find((e: Obj) => e.name === name)?.value;
  for (const sc of sidecars) {
    const folder = env(sc, 'FOLDER');
    equal(out, `${sc.id} FOLDER`, folder, `${dir}/${tenant}`);
    equal(out, `${sc.id} LABEL=LABEL_VALUE`, `${env(sc, 'LABEL')}=${env(sc, 'LABEL_VALUE')}`, `${s.loki.rules.label}=${s.loki.rules.labelValue}`);
    equal(out, `${sc.id} NAMESPACE`, env(sc, 'NAMESPACE'), s.loki.rules.searchNamespace);
    equal(out, `${sc.id} RESOURCE`, env(sc, 'RESOURCE'), s.loki.rules.resource);
    const volume = (sc.container.volumeMounts ?? []).find((m: Obj) => m.mountPath === folder)?.name;
    const loki = readers.filter((x) => x.workload === sc.workload);
    if (!volume) out.push(`${sc.id} does not mount a volume at its FOLDER ${folder}`);
    else if (!loki.length) out.push(`${sc.id} runs beside no Loki container`);
    for (const l of loki) {
      if (!(l.container.volumeMounts ?? []).some((m: Obj) => m.name === volume && m.mountPath === folder))
        out.push(`${l.id} does not mount the sidecar's volume ${volume} at ${folder}`);
    }
  }
  return out;
}

function tempoProblems(s: Spec, r: Rendered, notes: string[]): string[] {
  const out: string[] = [];
  const { config: c } = programConfig(r.objects);
  const os = s.objectStorage;
  const distributed = s.tempo.mode === 'Distributed';
  const kafka = !!s.tempo.kafka;
  out.push(...keyProblems('tempo', r, c, notes));
  const retention = kafka ? 'backend_scheduler.provider.compaction.compaction.block_retention' : 'compactor.compaction.block_retention';
  equal(out, `${retention} (s)`, seconds(get(c, retention) ?? '0s'), seconds(s.tempo.retention));
  if (!kafka) equal(out, 'ingester.max_block_duration (s)', seconds(get(c, 'ingester.max_block_duration') ?? '0s'), seconds(s.tempo.maxBlockDuration));
  for (const [proto, port, on] of [
    ['grpc', 4317, s.tempo.otlp.grpc],
    ['http', 4318, s.tempo.otlp.http],
  ] as const) {
    const endpoint = get(c, `distributor.receivers.otlp.protocols.${proto}.endpoint`);
    if (on) equal(out, `OTLP ${proto} endpoint`, endpoint, `0.0.0.0:${port}`);
    else if (endpoint !== undefined && !String(endpoint).startsWith('127.0.0.1:')) out.push(`OTLP ${proto} is off but listens on ${endpoint}`);
  }
  equal(out, 'storage.trace.backend', get(c, 'storage.trace.backend'), os?.type ?? 'local');
  const bucketKey = { s3: 'storage.trace.s3.bucket', gcs: 'storage.trace.gcs.bucket_name', azure: 'storage.trace.azure.container_name' };
  if (os) equal(out, bucketKey[os.type], get(c, bucketKey[os.type]), os.buckets.tempo);
  if (kafka) {
    // The workers run the retention jobs with their own copy of the setting.
    equal(
      out,
      'backend_worker.compaction.block_retention (s)',
      seconds(get(c, 'backend_worker.compaction.block_retention') ?? '0s'),
      seconds(s.tempo.retention),
    );
    equal(out, 'ingest.kafka.address', get(c, 'ingest.kafka.address'), s.tempo.kafka!.address);
    equal(out, 'ingest.kafka.topic', get(c, 'ingest.kafka.topic'), s.tempo.kafka!.topic);
    // Each block-builder and live-store consumes one partition.
    const f = fullname(r, r.release.values);
    for (const w of ['block-builder', 'live-store']) {
      const sts = r.objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === `${f}-${w}`);
      equal(out, `StatefulSet ${f}-${w} replicas`, sts?.spec?.replicas, s.tempo.kafka!.partitions);
    }
  }
  const storageClass = s.tempo.storage.storageClass ?? s.storageClass;
  const f = fullname(r, r.release.values);
  if (!distributed) out.push(...claimProblems(r, [{ workload: f, size: s.tempo.storage.size, storageClass }]));
  else if (!kafka) out.push(...claimProblems(r, [{ workload: `${f}-ingester`, size: s.tempo.storage.size, storageClass }]));
  return out;
}

function pyroscopeProblems(s: Spec, r: Rendered, notes: string[]): string[] {
  const out: string[] = [];
  const { config: c } = programConfig(r.objects);
  const os = s.objectStorage;
  out.push(...keyProblems('pyroscope', r, c, notes));
  if (s.pyroscope.retention) equal(out, 'limits.retention_period (s)', seconds(get(c, 'limits.retention_period') ?? '0s'), seconds(s.pyroscope.retention));
  equal(out, 'storage.backend', get(c, 'storage.backend') ?? 'filesystem', os?.type ?? 'filesystem');
  const bucketKey = { s3: 'storage.s3.bucket_name', gcs: 'storage.gcs.bucket_name', azure: 'storage.azure.container_name' };
  if (os) equal(out, bucketKey[os.type], get(c, bucketKey[os.type]), os.buckets.pyroscope);
  const storageClass = s.pyroscope.storage.storageClass ?? s.storageClass;
  const micro = s.pyroscope.mode === 'Microservices';
  const f = fullname(r, r.release.values.pyroscope);
  out.push(...claimProblems(r, [{ workload: micro ? `${f}-metastore` : f, size: s.pyroscope.storage.size, storageClass }]));
  if (!micro) {
    const sts = r.objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === f);
    equal(out, `StatefulSet ${f} replicas`, sts?.spec?.replicas, s.pyroscope.replicas);
  }
  return out;
}

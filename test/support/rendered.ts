// What Kubernetes receives from our output: every generated HelmRelease through Flux's strict
// post-build substitution, then Helm v4 against the pinned chart. Reusable lookups and checks on
// the rendered objects (configs the programs read, env they expand, Services URLs land on, volume
// claims), shared by the Loki/Tempo/Pyroscope, collector and Grafana tests.
import { posix } from 'node:path';
import YAML from 'yaml';
import type { Result } from '../../functions/krm/types.ts';
import { applyToObject } from './flux-envsubst/substitute.ts';
import { chartDir, releaseOf, renderRelease, type Release } from './helm.ts';

export type Obj = Record<string, any>;

export interface Rendered {
  /** The HelmRelease as Flux applies it (after post-build substitution). */
  hr: Obj;
  release: Release;
  /** What Helm renders for it. */
  objects: Obj[];
}

/** The variables the function's info result names (tag `variables`), each with a plausible value. */
export function fluxVariables(results: Result[]): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const r of results) {
    for (const name of String(r.tags?.variables ?? '')
      .split(',')
      .filter(Boolean))
      vars[name] = `v-${name.toLowerCase().replaceAll('_', '-')}`;
  }
  return vars;
}

/**
 * Flux post-build substitution as home-ops runs it: strict (an unset `${VAR}` fails) and always
 * on (a cluster Kustomization substitutes from a Secret even when our output needs nothing).
 */
export function fluxApplied(objects: Obj[], vars: Record<string, string>): Obj[] {
  return objects.map((o) => applyToObject(o, vars, { strict: true, always: true }));
}

/**
 * Every HelmRelease among the generated objects, substituted and rendered. The chart of each
 * must be in the reference data: a missing one throws naming `charts-src/<chart>-<version>`.
 */
export function renderGenerated(generated: Obj[], results: Result[]): { applied: Obj[]; releases: Rendered[] } {
  const applied = fluxApplied(generated, fluxVariables(results));
  const releases = applied
    .filter((o) => o.kind === 'HelmRelease')
    .map((hr) => {
      const release = releaseOf(hr, applied);
      return { hr, release, objects: renderRelease(release) };
    });
  return { applied, releases };
}

/** Pinned chart folders the generated releases need that the reference data lacks. */
export function missingCharts(generated: Obj[]): string[] {
  return generated
    .filter((o) => o.kind === 'HelmRelease')
    .map((hr) => releaseOf(hr, generated))
    .filter((rel) => !chartDir(rel.chart, rel.version))
    .map((rel) => `charts-src/${rel.chart}-${rel.version}`);
}

// ---- workloads and the files their containers read ----

export interface ContainerRef {
  workload: Obj;
  pod: Obj;
  container: Obj;
  /** `<Kind>/<name>/<container>`, for messages. */
  id: string;
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

export function containers(objects: Obj[]): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const w of objects.filter((o) => WORKLOADS.has(o.kind))) {
    const pod = w.spec?.template?.spec ?? {};
    for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
      out.push({ workload: w, pod, container: c, id: `${w.kind}/${w.metadata.name}/${c.name}` });
    }
  }
  return out;
}

const argsOf = (c: Obj): string[] => [...(c.command ?? []), ...(c.args ?? [])].map(String);

/** The value of a `-flag=value` (or `--flag=value`) argument. */
export function flag(c: Obj, name: string): string | undefined {
  for (const a of argsOf(c)) {
    const m = /^--?([^=]+)=(.*)$/.exec(a);
    if (m && m[1] === name) return m[2];
  }
  return undefined;
}

export const expandsEnv = (c: Obj) => flag(c, 'config.expand-env') === 'true';

/** The data of a rendered ConfigMap or Secret key (Secrets decoded). */
function dataOf(objects: Obj[], kind: 'ConfigMap' | 'Secret', name: string, key: string): string | undefined {
  const o = objects.find((x) => x.kind === kind && x.metadata?.name === name);
  if (!o) return undefined;
  if (kind === 'Secret') {
    if (o.stringData?.[key] !== undefined) return String(o.stringData[key]);
    return o.data?.[key] !== undefined ? Buffer.from(String(o.data[key]), 'base64').toString('utf8') : undefined;
  }
  return o.data?.[key] !== undefined ? String(o.data[key]) : undefined;
}

/** Where a file in a container comes from: a key of a ConfigMap or Secret volume, or undefined. */
export function fileSource(ref: ContainerRef, path: string): { kind: 'ConfigMap' | 'Secret'; name: string; key: string } | undefined {
  const mounts: Obj[] = [...(ref.container.volumeMounts ?? [])].sort((a, b) => b.mountPath.length - a.mountPath.length);
  for (const m of mounts) {
    const mountPath = String(m.mountPath).replace(/\/+$/, '');
    let rel: string;
    if (m.subPath) {
      if (path !== mountPath) continue;
      rel = m.subPath;
    } else if (path.startsWith(`${mountPath}/`)) rel = path.slice(mountPath.length + 1);
    else continue;
    const vol = (ref.pod.volumes ?? []).find((v: Obj) => v.name === m.name);
    const src = vol?.configMap
      ? { kind: 'ConfigMap' as const, name: vol.configMap.name, items: vol.configMap.items }
      : vol?.secret
        ? { kind: 'Secret' as const, name: vol.secret.secretName, items: vol.secret.items }
        : undefined;
    if (!src) return undefined;
    const item = (src.items as Obj[] | undefined)?.find((i) => posix.normalize(i.path) === rel);
    if (src.items && !item) return undefined;
    return { kind: src.kind, name: src.name, key: item ? item.key : rel };
  }
  return undefined;
}

export interface ConfigRead {
  ref: ContainerRef;
  path: string;
  /** The file's text, or undefined when no rendered ConfigMap/Secret provides it. */
  text?: string;
}

/** Every container that runs a program with `-config.file`, and the text of that file. */
export function configsRead(objects: Obj[]): ConfigRead[] {
  return containers(objects)
    .filter((ref) => flag(ref.container, 'config.file'))
    .map((ref) => {
      const path = flag(ref.container, 'config.file')!;
      const src = fileSource(ref, path);
      return { ref, path, text: src && dataOf(objects, src.kind, src.name, src.key) };
    });
}

/**
 * The one config file the release's program containers read: every reader must find it and
 * read the same text. Throws naming the containers otherwise.
 */
export function programConfig(objects: Obj[]): { text: string; config: Obj; readers: ContainerRef[] } {
  const reads = configsRead(objects);
  if (!reads.length) throw new Error('no container runs with -config.file');
  const lost = reads.filter((r) => r.text === undefined);
  if (lost.length) throw new Error(`config file not provided by any rendered ConfigMap/Secret: ${lost.map((r) => `${r.ref.id} ${r.path}`).join(', ')}`);
  const texts = new Set(reads.map((r) => r.text));
  if (texts.size > 1) throw new Error(`containers read different configs: ${reads.map((r) => r.ref.id).join(', ')}`);
  const text = reads[0]!.text!;
  return { text, config: YAML.parse(text) ?? {}, readers: reads.map((r) => r.ref) };
}

/** `${VAR}` and `${VAR:-default}` references in a config (what -config.expand-env replaces). */
export const envReferences = (text: string): string[] => [...new Set([...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}/g)].map((m) => m[1]!))];

/**
 * Every `${VAR}` of a config a container reads must be expanded (-config.expand-env=true) and set
 * on that container from the credentials Secret; otherwise the program gets the literal text or
 * an empty string. Returns the problems.
 */
export function envProblems(objects: Obj[], secretName: string | undefined): string[] {
  const problems: string[] = [];
  for (const read of configsRead(objects)) {
    const refs = envReferences(read.text ?? '');
    if (!refs.length) continue;
    const c = read.ref.container;
    if (!expandsEnv(c)) problems.push(`${read.ref.id} reads ${refs.map((v) => `\${${v}}`).join(', ')} without -config.expand-env=true`);
    for (const name of refs) {
      const env = (c.env ?? []).find((e: Obj) => e.name === name);
      const from = env?.valueFrom?.secretKeyRef?.name;
      if (!env) problems.push(`${read.ref.id}: \${${name}} is not set on the container`);
      else if (secretName !== undefined && from !== secretName)
        problems.push(`${read.ref.id}: ${name} comes from ${from ? `Secret ${from}` : 'a literal value'}, not the credentials Secret ${secretName}`);
    }
  }
  return problems;
}

/**
 * GCS: the program containers find the service-account key through GOOGLE_APPLICATION_CREDENTIALS,
 * a file that must come from the credentials Secret.
 */
export function gcsCredentialProblems(objects: Obj[], secretName: string): string[] {
  const problems: string[] = [];
  for (const read of configsRead(objects)) {
    const env = (read.ref.container.env ?? []).find((e: Obj) => e.name === 'GOOGLE_APPLICATION_CREDENTIALS');
    if (!env?.value) {
      problems.push(`${read.ref.id}: GOOGLE_APPLICATION_CREDENTIALS is not set`);
      continue;
    }
    const src = fileSource(read.ref, env.value);
    if (src?.kind !== 'Secret' || src.name !== secretName) problems.push(`${read.ref.id}: ${env.value} is not a key of Secret ${secretName}`);
  }
  return problems;
}

// ---- Services and the URLs that point at them ----

const CLUSTER_HOST = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc(?:\.cluster\.local)?\.?$/;

/**
 * `http://svc.ns.svc.cluster.local:port/...`, or a bare `svc.ns.svc:port` (gRPC endpoints) -> its
 * Service, namespace and port.
 */
export function serviceOfUrl(url: string): { service: string; namespace: string; port: number } | undefined {
  const bare = !url.includes('://');
  let u: URL;
  try {
    u = new URL(bare ? `tcp://${url}` : url);
  } catch {
    return undefined;
  }
  const m = CLUSTER_HOST.exec(u.hostname);
  if (!m || (bare && !u.port)) return undefined;
  const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
  return { service: m[1]!, namespace: m[2]!, port };
}

const selects = (selector: Obj | undefined, labels: Obj | undefined) =>
  !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

/**
 * Does `service:port` in `namespace` exist among the rendered releases, select a rendered pod, and
 * reach a port its containers declare? Returns the problem, or undefined.
 */
export function serviceProblem(releases: Rendered[], namespace: string, service: string, port: number, what: string): string | undefined {
  const inNs = releases.filter((r) => r.release.namespace === namespace);
  const all = inNs.flatMap((r) => r.objects);
  const svc = all.find((o) => o.kind === 'Service' && o.metadata?.name === service);
  if (!svc) {
    const names = all.filter((o) => o.kind === 'Service').map((o) => o.metadata.name);
    return `${what}: no Service ${service} in namespace ${namespace} (rendered: ${names.join(', ') || 'none'})`;
  }
  const sp = (svc.spec?.ports ?? []).find((p: Obj) => p.port === port);
  if (!sp) return `${what}: Service ${service} has no port ${port} (ports: ${(svc.spec?.ports ?? []).map((p: Obj) => p.port).join(', ')})`;
  const pods = containers(all).filter((c) => selects(svc.spec?.selector, c.workload.spec?.template?.metadata?.labels));
  if (!pods.length) return `${what}: Service ${service} selects no rendered pod`;
  const target = sp.targetPort ?? sp.port;
  const served = pods.some((c) => (c.container.ports ?? []).some((p: Obj) => p.containerPort === target || p.name === target));
  return served ? undefined : `${what}: Service ${service} port ${port} targets ${target}, which no selected container declares`;
}

/** The check above for a URL (a Grafana datasource, a collector endpoint). */
export function urlProblem(releases: Rendered[], url: string, what: string): string | undefined {
  const s = serviceOfUrl(url);
  if (!s) return `${what}: ${url} is not an in-cluster Service URL`;
  return serviceProblem(releases, s.namespace, s.service, s.port, `${what} (${url})`);
}

/** An HTTPRoute's backendRefs (Services in the route's namespace unless one is named). */
export function routeProblems(releases: Rendered[], route: Obj): string[] {
  const out: string[] = [];
  for (const rule of route.spec?.rules ?? []) {
    for (const b of rule.backendRefs ?? []) {
      if ((b.kind ?? 'Service') !== 'Service') continue;
      const p = serviceProblem(releases, b.namespace ?? route.metadata.namespace, b.name, b.port, `HTTPRoute ${route.metadata.name}`);
      if (p) out.push(p);
    }
  }
  return out;
}

// ---- volumes ----

export interface Claim {
  workload: string;
  name: string;
  size?: string;
  storageClass?: string;
}

/** The volumeClaimTemplates of every rendered StatefulSet. */
export function claims(objects: Obj[]): Claim[] {
  return objects
    .filter((o) => o.kind === 'StatefulSet')
    .flatMap((s) =>
      (s.spec?.volumeClaimTemplates ?? []).map((t: Obj) => ({
        workload: s.metadata.name,
        name: t.metadata?.name,
        size: t.spec?.resources?.requests?.storage,
        storageClass: t.spec?.storageClassName ?? undefined,
      })),
    );
}

export const ofKind = (objects: Obj[], kind: string) => objects.filter((o) => o.kind === kind);

/** Each ServiceMonitor must select a rendered Service that has every port its endpoints scrape. */
export function serviceMonitorProblems(objects: Obj[]): string[] {
  const out: string[] = [];
  const services = ofKind(objects, 'Service');
  for (const sm of ofKind(objects, 'ServiceMonitor')) {
    const match = sm.spec?.selector?.matchLabels;
    const selected = services.filter((s) => selects(match, s.metadata?.labels));
    if (!selected.length) {
      out.push(`ServiceMonitor ${sm.metadata.name} selects no rendered Service`);
      continue;
    }
    for (const e of sm.spec?.endpoints ?? []) {
      if (e.port && !selected.some((s) => (s.spec?.ports ?? []).some((p: Obj) => p.name === e.port)))
        out.push(`ServiceMonitor ${sm.metadata.name} scrapes port ${e.port}, which no selected Service has`);
    }
  }
  return out;
}

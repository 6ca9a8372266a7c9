// The collector's Alloy configuration as a model (model.ts): which pipelines exist follows
// spec.collector and the backends deployed; every address comes from the backends' final values.
import { OTLP_GRPC_PORT, OTLP_HTTP_PORT } from '../otlp.ts';
import type { Resolved } from '../resolve.ts';
import { type Releases, LOKI_OTLP_PATH, LOKI_PUSH_PATH, hostPort, httpUrl, lokiEndpoints, pyroscopeEndpoints, tempoEndpoints } from '../backends.ts';
import { type AlloyConfig, type Component, type Expr, add, block, call, component, object, ref, userText } from './model.ts';
import { EVENTS_JOB, LOG_LABELS } from './labels.ts';
import { excludeRule, podLogRules, pprofRules, PPROF_TYPES, profileTargetRules, scopeRules } from './relabel.ts';

/** Where pod logs are on every node; the chart mounts the host's /var/log read-only. */
export const POD_LOG_ROOT = '/var/log/pods';
/** The Alloy chart sets HOSTNAME to spec.nodeName: the node-local discovery filter. */
const NODE_ENV = 'HOSTNAME';
const TENANT_HEADER = 'X-Scope-OrgID';

/** The addresses the collector sends to, resolved from the backends' releases. */
export interface Destinations {
  lokiPush?: string;
  lokiOtlp?: string;
  lokiTenant?: string;
  tempoGrpc?: string;
  tempoHttp?: string;
  tempoTenant?: string;
  pyroscope?: string;
  pyroscopeTenant?: string;
}

export function destinations(r: Resolved, releases: Releases): Destinations {
  const tenant = r.spec.collector.tenant;
  const out: Destinations = {};
  if (releases.loki) {
    const loki = lokiEndpoints(r, releases.loki);
    out.lokiPush = httpUrl(loki.write, LOKI_PUSH_PATH);
    out.lokiOtlp = httpUrl(loki.write, LOKI_OTLP_PATH);
    if (loki.multiTenant) out.lokiTenant = tenant;
  }
  if (releases.tempo) {
    const tempo = tempoEndpoints(r, releases.tempo);
    // gRPC when Tempo listens on it, else OTLP/HTTP.
    if (tempo.otlpGrpc) out.tempoGrpc = hostPort(tempo.otlpGrpc);
    else if (tempo.otlpHttp) out.tempoHttp = httpUrl(tempo.otlpHttp);
    if (tempo.multiTenant) out.tempoTenant = tenant;
  }
  if (releases.pyroscope) {
    const p = pyroscopeEndpoints(r, releases.pyroscope);
    out.pyroscope = httpUrl(p.write);
    if (p.multiTenant) out.pyroscopeTenant = tenant;
  }
  return out;
}

const tenantHeaders = (tenant?: string) => (tenant ? object([[TENANT_HEADER, tenant]]) : undefined);

/** The user's extra labels, as Alloy external_labels (values may hold Flux variables). */
function externalLabels(r: Resolved): Expr | undefined {
  const entries = Object.entries(r.spec.collector.labels).sort(([a], [b]) => a.localeCompare(b));
  return entries.length ? object(entries.map(([k, v]) => [k, userText(v)])) : undefined;
}

export function alloyConfig(r: Resolved, dest: Destinations): AlloyConfig {
  const c = r.spec.collector;
  const components: Component[] = [];
  /** Adds a component to the file, in order, and returns it for references. */
  const declare = <T extends Component>(x: T): T => {
    components.push(x);
    return x;
  };
  const scope = scopeRules(c.namespaces);

  const wantPodLogs = c.logs.pods && !!dest.lokiPush;
  const wantEvents = c.logs.events && !!dest.lokiPush;
  const wantPprof = c.profiles.pprof && !!dest.pyroscope;
  const wantEbpf = c.profiles.ebpf && !!dest.pyroscope;
  const tracesOut = dest.tempoGrpc ?? dest.tempoHttp;
  const wantOtlp = c.otlp.enabled && !!(tracesOut || dest.lokiOtlp);

  // One writer per backend, referenced by every pipeline that sends there; declared after them.
  const writer = <T extends 'loki.write' | 'pyroscope.write'>(type: T, url: string, tenant: string | undefined) =>
    component(type, 'default', { external_labels: externalLabels(r) }, block('endpoint', { url, headers: tenantHeaders(tenant) }));
  const lokiWrite = wantPodLogs || wantEvents ? writer('loki.write', dest.lokiPush!, dest.lokiTenant) : undefined;
  const pyroscopeWrite = wantPprof || wantEbpf ? writer('pyroscope.write', dest.pyroscope!, dest.pyroscopeTenant) : undefined;

  // One node-local pod discovery shared by pod logs and profiles: each collector pod sees only the pods of its node.
  const pods =
    wantPodLogs || wantPprof || wantEbpf
      ? declare(
          component(
            'discovery.kubernetes',
            'pods',
            { role: 'pod' },
            block('selectors', { role: 'pod', field: add('spec.nodeName=', call('sys.env', NODE_ENV)) }),
          ),
        )
      : undefined;

  if (wantPodLogs) {
    const relabel = declare(component('discovery.relabel', 'pod_logs', { targets: ref(pods!, 'targets') }, ...[...scope, ...podLogRules(POD_LOG_ROOT)]));
    const files = declare(component('local.file_match', 'pod_logs', { path_targets: ref(relabel, 'output') }));
    const process = component(
      'loki.process',
      'pod_logs',
      { forward_to: [ref(lokiWrite!, 'receiver')] },
      // containerd and CRI-O write the CRI log format; dockershim is gone since Kubernetes 1.24.
      block('stage.cri'),
      block('stage.label_drop', { values: ['filename'] }),
    );
    // New collector pods start at the end of existing files instead of re-sending them.
    declare(component('loki.source.file', 'pod_logs', { targets: ref(files, 'targets'), forward_to: [ref(process, 'receiver')], tail_from_end: true }));
    declare(process);
  }

  if (wantEvents) {
    // The instance label is the component ID, the same in every collector pod; dropped so the few
    // events a new owner re-reads after a handover (its positions are per pod) are identical
    // entries of one stream, which Loki drops on ingest.
    const relabel = component(
      'loki.relabel',
      'events',
      { forward_to: [ref(lokiWrite!, 'receiver')] },
      ...(c.namespaces.exclude.length ? [excludeRule(LOG_LABELS.namespace, c.namespaces.exclude)] : []),
      block('rule', { regex: 'instance', action: 'labeldrop' }),
    );
    // Events are cluster-wide: with clustering (values.ts turns the DaemonSet into one Alloy
    // cluster) exactly one collector pod watches them (one per namespace when `include` lists
    // some), instead of one copy and one API watch per node. Alloy v1.16+.
    declare(component('loki.source.kubernetes_events', 'events', eventsArgs(r, [ref(relabel, 'receiver')]), block('clustering', { enabled: true })));
    declare(relabel);
  }
  if (lokiWrite) declare(lokiWrite);

  if (wantOtlp) otlpPipeline(dest, declare);

  if (wantPprof) {
    const targets = declare(component('discovery.relabel', 'profile_targets', { targets: ref(pods!, 'targets') }, ...[...scope, ...profileTargetRules()]));
    for (const type of PPROF_TYPES) {
      const perType = declare(component('discovery.relabel', `pprof_${type.annotation}`, { targets: ref(targets, 'output') }, ...pprofRules(type.annotation)));
      declare(
        component(
          'pyroscope.scrape',
          `pprof_${type.annotation}`,
          { targets: ref(perType, 'output'), forward_to: [ref(pyroscopeWrite!, 'receiver')] },
          block('profiling_config', {}, ...PPROF_TYPES.map((t) => block(`profile.${t.block}`, { enabled: t === type }))),
        ),
      );
    }
  }
  if (wantEbpf) {
    const targets = declare(component('discovery.relabel', 'ebpf_targets', { targets: ref(pods!, 'targets') }, ...[...scope, ...profileTargetRules()]));
    declare(component('pyroscope.ebpf', 'default', { targets: ref(targets, 'output'), forward_to: [ref(pyroscopeWrite!, 'receiver')] }));
  }
  if (pyroscopeWrite) declare(pyroscopeWrite);

  return { blocks: [block('logging', { level: 'info', format: 'logfmt' })], components };
}

function eventsArgs(r: Resolved, forward: Expr) {
  const include = r.spec.collector.namespaces.include;
  return { job_name: EVENTS_JOB, log_format: 'logfmt', namespaces: include.length ? [...include] : undefined, forward_to: forward };
}

/** OTLP in on 4317/4318, batched, traces to Tempo and logs to Loki's native OTLP endpoint. */
function otlpPipeline(dest: Destinations, declare: <T extends Component>(x: T) => T): void {
  const traces = dest.tempoGrpc
    ? component(
        'otelcol.exporter.otlp',
        'tempo',
        {},
        block('client', { endpoint: dest.tempoGrpc, headers: tenantHeaders(dest.tempoTenant) }, block('tls', { insecure: true })),
      )
    : dest.tempoHttp
      ? component('otelcol.exporter.otlphttp', 'tempo', {}, block('client', { endpoint: dest.tempoHttp, headers: tenantHeaders(dest.tempoTenant) }))
      : undefined;
  const logs = dest.lokiOtlp
    ? component('otelcol.exporter.otlphttp', 'loki', {}, block('client', { endpoint: dest.lokiOtlp, headers: tenantHeaders(dest.lokiTenant) }))
    : undefined;
  const output = (to: (c: Component<'otelcol.exporter.otlp' | 'otelcol.exporter.otlphttp' | 'otelcol.processor.batch'>) => Expr) =>
    block('output', { traces: traces ? [to(traces)] : undefined, logs: logs ? [to(logs)] : undefined });
  const batch = component(
    'otelcol.processor.batch',
    'default',
    {},
    output((c) => ref(c, 'input')),
  );
  declare(
    component(
      'otelcol.receiver.otlp',
      'default',
      {},
      block('grpc', { endpoint: `0.0.0.0:${OTLP_GRPC_PORT}` }),
      block('http', { endpoint: `0.0.0.0:${OTLP_HTTP_PORT}` }),
      block('output', { traces: traces ? [ref(batch, 'input')] : undefined, logs: logs ? [ref(batch, 'input')] : undefined }),
    ),
  );
  declare(batch);
  if (traces) declare(traces);
  if (logs) declare(logs);
}

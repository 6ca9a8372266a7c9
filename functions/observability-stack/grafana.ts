// Grafana datasources for Loki, Tempo and Pyroscope, provisioned the way kube-prometheus-stack's
// Grafana sidecar loads them: a ConfigMap carrying the `grafana_datasource` label whose data key is a
// provisioning file (apiVersion: 1, datasources: [...]), linked to each other by UID.
import { literal } from '../krm/flux-protect.ts';
import type { KrmObject } from '../krm/types.ts';
import { stringify } from '../krm/yaml.ts';
import type { Values } from './merge.ts';
import type { Resolved } from './resolve.ts';

/** A generated HelmRelease as the datasources see it: its name, chart and final (merged) values. */
export interface Release {
  name: string;
  chart: string;
  values: Values;
}
export type Releases = Partial<Record<'loki' | 'tempo' | 'pyroscope', Release>>;

/** The chart's profile type for CPU: what a span's "Profiles for this span" link opens. */
export const CPU_PROFILE = 'process_cpu:cpu:nanoseconds:cpu:nanoseconds';
/** OTel resource attribute -> the label Loki 3 and Pyroscope index it under. */
const SERVICE_TAG = [{ key: 'service.name', value: 'service_name' }];

const obj = (v: unknown): Values => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Values) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Helm's usual `<chart>.fullname` helper: fullnameOverride, else release, else release-name. */
export function helmFullname(release: string, chart: string, scope: Values): string {
  const override = str(scope.fullnameOverride);
  if (override) return trim63(override);
  const name = str(scope.nameOverride) ?? chart;
  return trim63(release.includes(name) ? release : `${release}-${name}`);
}
const trim63 = (s: string) => s.slice(0, 63).replace(/-+$/, '');

const svc = (host: string, ns: string, port?: number) => `http://${host}.${ns}.svc.cluster.local${port && port !== 80 ? `:${port}` : ''}`;

/** Where Grafana queries each system, read from the release values so overrides are honoured. */
export function queryUrls(r: Resolved, releases: Releases): { loki?: string; tempo?: string; pyroscope?: string } {
  const ns = r.namespace;
  const out: { loki?: string; tempo?: string; pyroscope?: string } = {};
  if (releases.loki) {
    const { name, chart, values } = releases.loki;
    const full = helmFullname(name, chart, values);
    const port = 3100;
    if (r.spec.loki.mode === 'SingleBinary') out.loki = svc(full, ns, port);
    // The scalable modes are read through the nginx gateway unless the values switch it off.
    else if (obj(values.gateway).enabled !== false) out.loki = svc(`${full}-gateway`, ns, Number(obj(obj(values.gateway).service).port ?? 80));
    else out.loki = svc(`${full}-${r.spec.loki.mode === 'Distributed' ? 'query-frontend' : 'read'}`, ns, port);
  }
  if (releases.tempo) {
    const { name, chart, values } = releases.tempo;
    const full = helmFullname(name, chart, values);
    // tempo-distributed: Grafana talks to the query-frontend's HTTP port.
    out.tempo = chart === 'tempo-distributed' ? svc(`${full}-query-frontend`, ns, 3200) : svc(full, ns, 3200);
  }
  if (releases.pyroscope) {
    const { name, chart, values } = releases.pyroscope;
    // This chart keeps its name overrides and service under `pyroscope.` (its read_url helper).
    const scope = obj(values.pyroscope);
    const full = helmFullname(name, chart, scope);
    const port = Number(obj(scope.service).port ?? 4040);
    const arch = obj(values.architecture);
    const micro = obj(arch.microservices).enabled ?? r.spec.pyroscope.mode === 'Microservices';
    if (arch.deployUnifiedServices === true) out.pyroscope = svc(`${full}-read`, ns);
    else out.pyroscope = micro ? svc(`${full}-query-frontend`, ns, port) : svc(full, ns, port);
  }
  return out;
}

/** The provisioning document: only datasources for deployed systems, and only links between them. */
export function provisioning(r: Resolved, releases: Releases): Values {
  const uids = r.spec.grafana.datasources.uids;
  const urls = queryUrls(r, releases);
  const datasources: Values[] = [];
  if (urls.loki) {
    const jsonData: Values = { maxLines: 1000 };
    if (urls.tempo) {
      jsonData.derivedFields = [
        // Trace IDs in the log line (logfmt traceID=…, JSON "trace_id":"…").
        {
          name: 'TraceID',
          matcherType: 'regex',
          matcherRegex: '(?:traceID|traceId|trace_id)[=:"\\s]+(\\w+)',
          datasourceUid: uids.tempo,
          url: grafanaVar('__value.raw'),
          urlDisplayLabel: 'View trace',
        },
        // OTLP logs carry the trace ID as structured metadata.
        { name: 'trace_id', matcherType: 'label', matcherRegex: 'trace_id', datasourceUid: uids.tempo, url: grafanaVar('__value.raw'), urlDisplayLabel: 'View trace' },
      ];
    }
    datasources.push({ name: 'Loki', type: 'loki', uid: uids.loki, access: 'proxy', url: urls.loki, jsonData });
  }
  if (urls.tempo) {
    const jsonData: Values = {};
    if (urls.loki) {
      jsonData.tracesToLogsV2 = {
        datasourceUid: uids.loki,
        spanStartTimeShift: '-5m',
        spanEndTimeShift: '5m',
        filterByTraceID: true,
        filterBySpanID: false,
        tags: SERVICE_TAG,
      };
      jsonData.lokiSearch = { datasourceUid: uids.loki };
    }
    if (urls.pyroscope) {
      jsonData.tracesToProfiles = { datasourceUid: uids.pyroscope, profileTypeId: CPU_PROFILE, tags: SERVICE_TAG, customQuery: false };
    }
    jsonData.serviceMap = { datasourceUid: uids.prometheus };
    jsonData.nodeGraph = { enabled: true };
    jsonData.search = { hide: false };
    datasources.push({ name: 'Tempo', type: 'tempo', uid: uids.tempo, access: 'proxy', url: urls.tempo, jsonData });
  }
  if (urls.pyroscope) {
    datasources.push({ name: 'Pyroscope', type: 'grafana-pyroscope-datasource', uid: uids.pyroscope, access: 'proxy', url: urls.pyroscope, jsonData: {} });
  }
  return { apiVersion: 1, datasources };
}

/**
 * A Grafana template variable in a provisioning file. Grafana runs os.ExpandEnv over every string
 * it provisions, with `$$` as the escape, so the file says `$${x}` for Grafana to store `${x}`.
 * The `${` is literal text for Flux too: literal() makes the object opt out of substitution.
 */
const grafanaVar = (name: string) => literal(`$\${${name}}`);

export const datasourcesName = (r: Resolved) => `${r.name}-datasources`;

export function datasourcesConfigMap(r: Resolved, releases: Releases): KrmObject | undefined {
  const ds = r.spec.grafana.datasources;
  if (!ds.enabled) return undefined;
  const doc = provisioning(r, releases);
  if (!(doc.datasources as Values[]).length) return undefined;
  const name = datasourcesName(r);
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: ds.namespace ?? r.namespace, labels: { [ds.label]: ds.labelValue } },
    // The sidecar writes each key as a file into one folder: a name unique to this config.
    data: { [`${name}.yaml`]: stringify(doc) },
  };
}

// Grafana datasources for Loki, Tempo and Pyroscope, provisioned the way kube-prometheus-stack's
// Grafana sidecar loads them: a ConfigMap carrying the `grafana_datasource` label whose data key is a
// provisioning file (apiVersion: 1, datasources: [...]), linked to each other by UID.
import { literal } from '../flux/protect.ts';
import type { KrmObject } from '../krm/types.ts';
import { stringify } from '../krm/yaml.ts';
import { TRACE_TO_LOG_TAGS } from './alloy/labels.ts';
import { httpUrl, lokiEndpoints, pyroscopeEndpoints, tempoEndpoints, type Releases } from './backends.ts';
import type { Values } from './merge.ts';
import type { Resolved } from './resolve.ts';

export { helmFullname, type Releases } from './backends.ts';

/** The chart's profile type for CPU: what a span's "Profiles for this span" link opens. */
export const CPU_PROFILE = 'process_cpu:cpu:nanoseconds:cpu:nanoseconds';
/**
 * "Logs for this span": span attribute -> log label. service_name is the label Loki 3 and
 * Pyroscope index service.name under, and the one the collector sets on every pod log stream.
 */
const SERVICE_TAG = TRACE_TO_LOG_TAGS.map((t) => ({ ...t }));

/** Where Grafana queries each system, read from the release values so overrides are honoured. */
function queryUrls(r: Resolved, releases: Releases): { loki?: string; tempo?: string; pyroscope?: string } {
  const out: { loki?: string; tempo?: string; pyroscope?: string } = {};
  if (releases.loki) out.loki = httpUrl(lokiEndpoints(r, releases.loki).read);
  // tempo-distributed: Grafana talks to the query-frontend's HTTP port.
  if (releases.tempo) out.tempo = httpUrl(tempoEndpoints(r, releases.tempo).read);
  if (releases.pyroscope) out.pyroscope = httpUrl(pyroscopeEndpoints(r, releases.pyroscope).read);
  return out;
}

/** The provisioning document: only datasources for deployed systems, and only links between them. */
export function provisioning(r: Resolved, releases: Releases, form: DatasourceForm = 'provisioning'): Values {
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
          url: grafanaVar('__value.raw', form),
          urlDisplayLabel: 'View trace',
        },
        // OTLP logs carry the trace ID as structured metadata.
        {
          name: 'trace_id',
          matcherType: 'label',
          matcherRegex: 'trace_id',
          datasourceUid: uids.tempo,
          url: grafanaVar('__value.raw', form),
          urlDisplayLabel: 'View trace',
        },
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
 * How a Grafana template variable is spelled. A provisioning file goes through Grafana's
 * os.ExpandEnv with `$$` as the escape, so it says `$${x}` for Grafana to store `${x}`; the
 * operator sends JSON through the API, which expands nothing, so a CR says `${x}`. The `${` is
 * literal text for Flux in both: literal() escapes it or opts the object out of substitution.
 */
export type DatasourceForm = 'provisioning' | 'api';
const grafanaVar = (name: string, form: DatasourceForm) => literal(form === 'provisioning' ? `$\${${name}}` : `\${${name}}`);

const datasourcesName = (r: Resolved) => `${r.name}-datasources`;

export function datasourcesConfigMap(r: Resolved, releases: Releases): KrmObject | undefined {
  const ds = r.spec.grafana.datasources;
  if (!ds.enabled || ds.format !== 'ConfigMap') return undefined;
  const doc = provisioning(r, releases);
  if (!(doc.datasources as Values[]).length) return undefined;
  const name = datasourcesName(r);
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: r.grafanaNamespace, labels: { [ds.label]: ds.labelValue } },
    // The sidecar writes each key as a file into one folder: a name unique to this config.
    data: { [`${name}.yaml`]: stringify(doc) },
  };
}

// Operational dashboards for Tempo and Pyroscope, whose charts ship none (Loki's chart renders its
// own mixin dashboards: loki.ts turns them on). Generated here as Grafana dashboard JSON that names
// our datasource UIDs, in the user's format: sidecar ConfigMaps or GrafanaDashboard CRs.
// Grafana template variables (`$namespace`, `${namespace}`, `$__rate_interval`) are literal text,
// so protect() keeps them intact through Flux post-build substitution.
import { literal } from '../flux/protect.ts';
import type { KrmObject } from '../krm/types.ts';
import { LOG_LABELS } from './alloy/labels.ts';
import { grafanaDashboard, operatorFormat } from './grafana-operator.ts';
import type { Values } from './merge.ts';
import type { Resolved } from './resolve.ts';

type System = 'tempo' | 'pyroscope';

interface Panel {
  title: string;
  /** PromQL (Prometheus panels) or LogQL (the logs panel). */
  expr: string;
  legend?: string;
  unit?: string;
  logs?: boolean;
}

/** The template variable every query filters on; its default is the stack's namespace. */
const NS = '$namespace';
const sel = (extra = '') => `{namespace="${NS}"${extra}}`;
const rate = (metric: string, extra = '') => `rate(${metric}${sel(extra)}[$__rate_interval])`;
const p99 = (metric: string, by: string) => `histogram_quantile(0.99, sum by (le, ${by}) (${rate(`${metric}_bucket`)}))`;
const volumeUsed = `max by (persistentvolumeclaim) (kubelet_volume_stats_used_bytes${sel()} / kubelet_volume_stats_capacity_bytes${sel()})`;

/** Panels both systems have alike: requests and latency by route (`<system>_request_duration_seconds`), and volumes. */
const sharedPanels = (system: System): Panel[] => [
  {
    title: 'Requests by route and status',
    expr: `sum by (route, status_code) (${rate(`${system}_request_duration_seconds_count`)})`,
    legend: '{{route}} {{status_code}}',
    unit: 'reqps',
  },
  { title: 'p99 latency by route', expr: p99(`${system}_request_duration_seconds`, 'route'), legend: '{{route}}', unit: 's' },
  { title: 'Volumes used', expr: volumeUsed, legend: '{{persistentvolumeclaim}}', unit: 'percentunit' },
];

/** The panels per system; every metric name is one the system exports (see docs/grafana.md). */
function dashboardPanels(system: System): Panel[] {
  if (system === 'tempo') {
    return [
      { title: 'Spans received in ${namespace}', expr: `sum(${rate('tempo_distributor_spans_received_total')})`, legend: 'spans/s', unit: 'short' },
      { title: 'Discarded spans by reason', expr: `sum by (reason) (${rate('tempo_discarded_spans_total')})`, legend: '{{reason}}', unit: 'short' },
      ...sharedPanels(system),
    ];
  }
  return [
    {
      title: 'Profiles received in ${namespace} (compressed)',
      expr: `sum(${rate('pyroscope_distributor_received_compressed_bytes_sum')})`,
      legend: 'bytes/s',
      unit: 'Bps',
    },
    { title: 'Discarded samples by reason', expr: `sum by (reason) (${rate('pyroscope_discarded_samples_total')})`, legend: '{{reason}}', unit: 'short' },
    ...sharedPanels(system),
  ];
}

const TITLES: Record<System, string> = { tempo: 'Tempo / Operational', pyroscope: 'Pyroscope / Operational' };

/** Dashboard UIDs: Grafana allows 40 characters. */
const dashboardUid = (r: Resolved, system: System) => `${r.name}-${system}`.slice(0, 40).replace(/-+$/, '');

/** The dashboard model for one system, as the JSON Grafana imports. */
function dashboardModel(r: Resolved, system: System): Values {
  const uids = r.spec.grafana.datasources.uids;
  const prometheus = { type: 'prometheus', uid: uids.prometheus };
  const loki = { type: 'loki', uid: uids.loki };
  const panels: Panel[] = [...dashboardPanels(system)];
  // The system's own error logs, by the labels the collector sets on pod logs.
  if (r.spec.loki.enabled) {
    panels.push({
      title: `${TITLES[system].split(' ')[0]} error logs`,
      expr: `{${LOG_LABELS.namespace}="${NS}", ${LOG_LABELS.app}="${system}"} |~ "level=(error|warn)"`,
      logs: true,
    });
  }
  return {
    uid: dashboardUid(r, system),
    title: TITLES[system],
    tags: ['observability-krm', system],
    editable: true,
    schemaVersion: 39,
    version: 1,
    timezone: 'utc',
    refresh: '1m',
    time: { from: 'now-6h', to: 'now' },
    templating: {
      list: [
        {
          name: 'namespace',
          label: 'Namespace',
          type: 'custom',
          query: r.namespace,
          current: { text: r.namespace, value: r.namespace },
          options: [{ text: r.namespace, value: r.namespace, selected: true }],
        },
      ],
    },
    panels: panels.map((p, i) => {
      const datasource = p.logs ? loki : prometheus;
      return {
        id: i + 1,
        type: p.logs ? 'logs' : 'timeseries',
        title: p.title,
        datasource,
        // Two panels per row; the logs panel spans the width.
        gridPos: p.logs ? { h: 10, w: 24, x: 0, y: Math.ceil(i / 2) * 8 } : { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
        ...(p.logs ? {} : { fieldConfig: { defaults: { unit: p.unit ?? 'short' }, overrides: [] } }),
        targets: [{ refId: 'A', datasource, expr: p.expr, ...(p.legend ? { legendFormat: p.legend } : {}) }],
      };
    }),
  };
}

/** The dashboards for the deployed systems, in the datasources' format. */
export function dashboardObjects(r: Resolved): { system: System; object: KrmObject }[] {
  const dash = r.spec.grafana.dashboards;
  if (!dash.enabled) return [];
  const systems = (['tempo', 'pyroscope'] as const).filter((s) => r.spec[s].enabled);
  return systems.map((system) => {
    const name = `${r.name}-${system}-dashboard`;
    // Everything in the model is Grafana's text: literal() keeps each `$` through Flux.
    const json = literal(JSON.stringify(dashboardModel(r, system), null, 2));
    if (operatorFormat(r)) return { system, object: grafanaDashboard(r, name, json) };
    return {
      system,
      object: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, namespace: r.grafanaNamespace, labels: { [dash.label]: dash.labelValue } },
        data: { [`${name}.json`]: json },
      },
    };
  });
}

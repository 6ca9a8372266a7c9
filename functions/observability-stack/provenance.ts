// What each generated file's header says to edit instead of the file (krm/header.ts writes it).
import { headerFor } from '../krm/header.ts';
import type { Item } from '../krm/item.ts';
import type { KrmObject } from '../krm/types.ts';

const SYSTEMS = ['loki', 'tempo', 'pyroscope'] as const;

/** The system a release or chart source belongs to (tempo-distributed is Tempo's chart). */
const systemOf = (name: string) => SYSTEMS.find((s) => name === s || name.startsWith(`${s}-`));

/** The config section of a release or chart source that is not one of the three systems. */
const OTHER_RELEASES: Record<string, string> = { alloy: 'collector' };

/** The config fields that decide an object, for "to change it, edit …". */
function changeHint(o: KrmObject): string {
  const name = o.metadata.name;
  const section = systemOf(name) ?? OTHER_RELEASES[name];
  const labels = Object.keys(o.metadata.labels ?? {});
  switch (o.kind) {
    case 'HelmRelease':
      return section ? `spec.${section} (chart values: spec.${section}.values)` : 'its section of spec';
    case 'OCIRepository':
    case 'HelmRepository':
      return section ? `spec.${section}.chart or spec.flux.sourceKind` : 'spec.flux.sourceKind or the chart of a system (spec.<system>.chart)';
    case 'HTTPRoute':
      return 'spec.pyroscope.route';
    case 'ConfigMap':
      if (labels.some((l) => l.includes('datasource'))) return 'spec.grafana.datasources';
      if (labels.some((l) => l.includes('dashboard'))) return 'spec.grafana.dashboards';
      return 'its section of spec';
    case 'GrafanaDatasource':
      return 'spec.grafana.datasources';
    case 'GrafanaDashboard':
    case 'GrafanaFolder':
      return 'spec.grafana.dashboards';
    case 'PrometheusRule':
      return 'spec.monitoring (alerts, ruleLabels)';
    case 'Namespace':
      return 'spec.namespace or spec.createNamespace';
    case 'Kustomization':
      return o.apiVersion.startsWith('kustomize.toolkit.fluxcd.io/')
        ? 'spec.flux.kustomization'
        : 'spec.output.layout (this file lists the generated files beside it)';
    default:
      return 'its section of spec';
  }
}

/** The header comment of one generated object of `fn`, made from `config`. */
export function headerOf(fn: string, config: Item, o: KrmObject): string {
  return headerFor(o.apiVersion, o.kind, { fn, config: `${config.kind} ${config.name}`, configFile: config.file?.path, change: changeHint(o) });
}

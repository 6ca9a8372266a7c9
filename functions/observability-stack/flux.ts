// Flux objects: chart sources (OCIRepository or HelmRepository) and HelmReleases.
import type { KrmObject } from '../krm/types.ts';
import type { ChartRef, Resolved } from './resolve.ts';
import type { Values } from './merge.ts';

const HELM_RELEASE = 'helm.toolkit.fluxcd.io/v2';
const SOURCE = 'source.toolkit.fluxcd.io/v1';

/** The source a release installs from: one OCIRepository per chart, or a shared HelmRepository. */
export function chartSource(r: Resolved, chart: ChartRef): KrmObject {
  const interval = r.spec.flux.interval;
  if (r.spec.flux.sourceKind === 'OCIRepository') {
    return {
      apiVersion: SOURCE,
      kind: 'OCIRepository',
      metadata: { name: chart.chart, namespace: r.namespace },
      spec: {
        interval,
        layerSelector: { mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', operation: 'copy' },
        ref: { tag: chart.version },
        url: chart.url,
      },
    };
  }
  const spec: Values = { interval, url: chart.url };
  if (chart.url.startsWith('oci://')) spec.type = 'oci';
  return { apiVersion: SOURCE, kind: 'HelmRepository', metadata: { name: chart.repoName, namespace: r.namespace }, spec };
}

export function helmRelease(r: Resolved, name: string, chart: ChartRef, values: Values): KrmObject {
  const flux = r.spec.flux;
  const spec: Values = { interval: flux.interval };
  if (flux.sourceKind === 'OCIRepository') {
    spec.chartRef = { kind: 'OCIRepository', name: chart.chart };
  } else {
    spec.chart = {
      spec: { chart: chart.chart, version: chart.version, sourceRef: { kind: 'HelmRepository', name: chart.repoName }, interval: flux.interval },
    };
  }
  if (flux.timeout) spec.timeout = flux.timeout;
  if (flux.dependsOn.length) spec.dependsOn = flux.dependsOn.map((d) => ({ ...d }));
  spec.install = { remediation: { retries: flux.remediation.retries } };
  spec.upgrade = { cleanupOnFail: flux.remediation.cleanupOnFail, remediation: { retries: flux.remediation.retries } };
  spec.values = values;
  return { apiVersion: HELM_RELEASE, kind: 'HelmRelease', metadata: { name, namespace: r.namespace }, spec };
}

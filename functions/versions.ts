// Every pinned chart and image version, in one file that Renovate bumps (see renovate.json).
// Each constant has a `# renovate:` style comment naming its datasource and package.

// renovate: datasource=docker depName=ghcr.io/grafana-community/helm-charts/loki
export const LOKI_CHART_VERSION = '18.11.0';
// renovate: datasource=docker depName=ghcr.io/grafana-community/helm-charts/tempo
export const TEMPO_CHART_VERSION = '2.2.4';
// renovate: datasource=docker depName=ghcr.io/grafana/helm-charts/tempo-distributed
export const TEMPO_DISTRIBUTED_CHART_VERSION = '1.61.3';
// renovate: datasource=docker depName=ghcr.io/grafana/helm-charts/pyroscope
export const PYROSCOPE_CHART_VERSION = '2.2.1';
// renovate: datasource=docker depName=ghcr.io/grafana/helm-charts/alloy
export const ALLOY_CHART_VERSION = '1.11.1';
// renovate: datasource=docker depName=ghcr.io/home-operations/k8s-sidecar
export const K8S_SIDECAR_VERSION = '1.30.10';

export const K8S_SIDECAR_IMAGE = 'ghcr.io/home-operations/k8s-sidecar';

/** Where each chart is published: OCI artifact for OCIRepository, classic index for HelmRepository. */
export const CHART_SOURCES = {
  loki: { oci: 'oci://ghcr.io/grafana-community/helm-charts/loki', repo: 'grafana-community', version: LOKI_CHART_VERSION },
  tempo: { oci: 'oci://ghcr.io/grafana-community/helm-charts/tempo', repo: 'grafana-community', version: TEMPO_CHART_VERSION },
  'tempo-distributed': {
    oci: 'oci://ghcr.io/grafana/helm-charts/tempo-distributed',
    repo: 'grafana',
    version: TEMPO_DISTRIBUTED_CHART_VERSION,
  },
  pyroscope: { oci: 'oci://ghcr.io/grafana/helm-charts/pyroscope', repo: 'grafana', version: PYROSCOPE_CHART_VERSION },
  alloy: { oci: 'oci://ghcr.io/grafana/helm-charts/alloy', repo: 'grafana', version: ALLOY_CHART_VERSION },
} as const;

export type ChartName = keyof typeof CHART_SOURCES;

export const HELM_REPOSITORIES = {
  'grafana-community': 'https://grafana-community.github.io/helm-charts',
  grafana: 'https://grafana.github.io/helm-charts',
} as const;

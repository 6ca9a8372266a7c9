import { docUrl, schemaUrl } from '../common/links.ts';

export const usage = `observability-stack: expand an ObservabilityConfig into Flux manifests for Grafana Loki, Tempo,
Pyroscope and the Grafana Alloy collector that feeds them.

Usage:
  observability-stack [flags] < resource-list.yaml > out.yaml   KRM function (kpt, kustomize)
  observability-stack CONFIG_FILE                               kustomize legacy exec plugin

Reads a ResourceList (config.kubernetes.io/v1) on stdin and writes one on stdout. The config is the
functionConfig, or else the one ObservabilityConfig (observability.krm.dev/v1alpha1) in the items.
Writes, under <spec.namespace>/: namespace.yaml (spec.createNamespace), a chart source and a
HelmRelease per system (loki, tempo, pyroscope; alloy with spec.collector.enabled), the Pyroscope
HTTPRoute, Grafana datasources and dashboards (spec.grafana: sidecar ConfigMaps or grafana-operator
CRs), the stack's self-alerts (spec.monitoring.alerts) and, with spec.flux.kustomization, a Flux
Kustomization. Each generated object records its config, so several configs share a package; items
it does not own pass through unchanged.

Flags (compatible with kpt-functions based functions):
  -i, --input FILE             read the ResourceList from FILE instead of stdin ("-" is stdin)
  -o, --output FILE            write the ResourceList to FILE instead of stdout
  -f, --function-config FILE   use the ObservabilityConfig in FILE as functionConfig
  -d KEY=VALUE                 functionConfig as a ConfigMap (refused: this function needs an ObservabilityConfig)
      --json                   write JSON instead of YAML
      --version                print the version
  -h, --help                   print this help

Exit codes: 0 success, 1 the config or input has errors (see results), 2 bad flags or a directory argument.
Stderr: one summary line under kpt (which prints the results itself); one line per result under
kustomize, which ignores results. KRM_STDERR=lines or KRM_STDERR=summary chooses.

Docs: ${docUrl('README.md')}
      ${docUrl('docs/observability-stack.md')} (every config field, output layouts)
      ${docUrl('docs/grafana.md')} (Grafana datasources and dashboards in both formats, self-alerts)
      ${docUrl('docs/sending-data.md')} (the collector: what it collects, OTLP endpoints, profiling annotations)
Editor schema: # yaml-language-server: $schema=${schemaUrl('observabilityconfig.v1alpha1.json')}
`;

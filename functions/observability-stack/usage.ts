export const usage = `observability-stack: expand an ObservabilityConfig into Flux manifests for Grafana Loki, Tempo and Pyroscope.

Usage:
  observability-stack [flags] < resource-list.yaml > out.yaml   KRM function (kpt, kustomize)
  observability-stack CONFIG_FILE                               kustomize legacy exec plugin

Reads a ResourceList (config.kubernetes.io/v1) on stdin and writes one on stdout. The config is the
functionConfig, or else the one ObservabilityConfig (observability.krm.dev/v1alpha1) in the items.

Flags (compatible with kpt-functions based functions):
  -i, --input FILE             read the ResourceList from FILE instead of stdin ("-" is stdin)
  -o, --output FILE            write the ResourceList to FILE instead of stdout
  -f, --function-config FILE   use the ObservabilityConfig in FILE as functionConfig
  -d KEY=VALUE                 functionConfig as a ConfigMap (refused: this function needs an ObservabilityConfig)
      --json                   write JSON instead of YAML
      --version                print the version
  -h, --help                   print this help

Exit codes: 0 success, 1 the config or input has errors (see results and stderr), 2 bad flags.
Docs: README.md and docs/observability-stack.md (every config field, output layouts, Grafana).
Editor schema: schemas/observabilityconfig.v1alpha1.json (# yaml-language-server: $schema=...).
`;

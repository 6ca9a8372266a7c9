import { docUrl, schemaUrl } from '../common/links.ts';

export const usage = `loki-rules: validate LokiRules (Loki alerting and recording rules) and turn each into a ConfigMap
the Loki rules sidecar loads.

Usage:
  loki-rules [flags] < resource-list.yaml > out.yaml   KRM function (kpt, kustomize)
  loki-rules LOKIRULE_FILE                             kustomize legacy exec plugin (one LokiRule per file)

Reads a ResourceList (config.kubernetes.io/v1) on stdin and writes one on stdout. Every LokiRule
(observability.krm.dev/v1alpha1) in the items, or given as functionConfig, becomes ConfigMap
loki-rules-<name> in its namespace (default: the ObservabilityConfig's spec.namespace, else
observability), with the sidecar label and one data key <namespace>_<name>.yaml. The LokiRule stays
as local config. ConfigMaps that already carry the sidecar label are validated and left unchanged.
With several ObservabilityConfigs in the package, name the one to follow as functionConfig (kpt
configPath); each ConfigMap records its config, and a run replaces only that config's ConfigMaps.

The sidecar label is, in this order: spec.loki.rules.label/labelValue of that
ObservabilityConfig (the functionConfig, else the package's one); the functionConfig ConfigMap's
data.label/data.labelValue; loki_rule="true".

Flags (compatible with kpt-functions based functions):
  -i, --input FILE             read the ResourceList from FILE instead of stdin ("-" is stdin)
  -o, --output FILE            write the ResourceList to FILE instead of stdout
  -f, --function-config FILE   functionConfig from FILE: a ConfigMap, an ObservabilityConfig or a LokiRule
  -d KEY=VALUE                 functionConfig ConfigMap data; keys: label, labelValue (e.g. -d label=loki_rule)
      --json                   write JSON instead of YAML
      --version                print the version
  -h, --help                   print this help

Exit codes: 0 success (warnings possible), 1 invalid rules or input (see results), 2 bad flags or a
directory argument.
Stderr: one summary line under kpt (which prints the results itself); under kustomize, which ignores
results, one line per problem naming the resource, file and field. KRM_STDERR=lines|summary chooses.

Docs: ${docUrl('docs/loki-rules.md')}
Editor schema: # yaml-language-server: $schema=${schemaUrl('lokirule.v1alpha1.json')}
`;

// Collector test fixtures: configs covering every pipeline shape, and the Alloy text as the
// cluster gets it (after Flux post-build substitution and Helm's tpl).
import { substitute } from './flux-envsubst/substitute.ts';
import { generateFor } from './transform.ts';

/** Configs that exercise every pipeline shape the generator has. */
export const COLLECTOR_CONFIGS: Record<string, object> = {
  default: { collector: { enabled: true } },
  'all-signals': {
    collector: {
      enabled: true,
      logs: { events: true },
      profiles: { ebpf: true },
      namespaces: { include: ['apps', 'shop'], exclude: ['shop-canary'] },
      labels: { cluster: 'home', env: 'prod "eu" {{x}} \\ $1' },
    },
  },
  'events-exclude': { collector: { enabled: true, logs: { events: true }, namespaces: { exclude: ['kube-system'] } } },
  'otlp-only': { collector: { enabled: true, logs: { pods: false }, profiles: { pprof: false } } },
  'no-tempo-grpc': { collector: { enabled: true }, tempo: { otlp: { grpc: false } } },
  'only-loki': { collector: { enabled: true }, tempo: { enabled: false }, pyroscope: { enabled: false } },
  'multi-tenant': {
    collector: { enabled: true, tenant: 'team-a' },
    loki: { values: { loki: { auth_enabled: true } } },
    tempo: { values: { tempo: { multitenancyEnabled: true } } },
  },
  scalable: {
    collector: { enabled: true, profiles: { ebpf: true } },
    objectStorage: { type: 'gcs', secretRef: { name: 'gcs' } },
    loki: { mode: 'Distributed' },
    tempo: { mode: 'Distributed' },
    pyroscope: { mode: 'Microservices' },
  },
  'simple-scalable-no-gateway': {
    collector: { enabled: true },
    objectStorage: { type: 's3', endpoint: 'minio:9000', secretRef: { name: 's3' } },
    loki: { mode: 'SimpleScalable', values: { gateway: { enabled: false } } },
  },
};

/** The collector HelmRelease of a config and its Alloy text, as it reaches the cluster (after Flux and Helm's tpl). */
export function collectorOf(spec: object, vars: Record<string, string> = {}) {
  const g = generateFor(spec);
  const hr = g.get('HelmRelease', 'alloy');
  if (!hr) throw new Error(`no alloy HelmRelease: ${JSON.stringify(g.results)}`);
  const raw: string = hr.spec.values.alloy.configMap.content;
  const disabled = hr.metadata.annotations?.['kustomize.toolkit.fluxcd.io/substitute'] === 'disabled';
  const flux = disabled ? raw : substitute(raw, vars, { strict: true });
  return { g, hr, raw, text: helmTpl(flux) };
}

/** What Helm's tpl does to the only template actions the renderer writes. */
export const helmTpl = (s: string) => s.replaceAll('{{ "{{" }}', '{{');

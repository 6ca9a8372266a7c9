// Random valid ObservabilityConfig specs (fast-check), shared by the property tests and the Helm
// render tests.
import fc from 'fast-check';

const size = fc.tuple(fc.integer({ min: 1, max: 999 }), fc.constantFrom('Mi', 'Gi', 'Ti')).map(([n, u]) => `${n}${u}`);
const duration = fc.tuple(fc.integer({ min: 1, max: 400 }), fc.constantFrom('h', 'd', 'w', 'm')).map(([n, u]) => `${n}${u}`);
const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/);
const host = fc.tuple(label, label).map(([a, b]) => `${a}.${b}.example.com`);

export const validSpec = fc.record(
  {
    namespace: label,
    storageClass: label,
    flux: fc.record(
      { sourceKind: fc.constantFrom('OCIRepository', 'HelmRepository'), interval: fc.constantFrom('5m', '30m', '1h', '90s') },
      { requiredKeys: [] },
    ),
    loki: fc.record(
      {
        enabled: fc.boolean(),
        retention: duration,
        storage: fc.record({ size, storageClass: label }, { requiredKeys: [] }),
        rules: fc.record(
          { enabled: fc.boolean(), searchNamespace: fc.constantFrom('ALL', 'apps', 'a,b'), resource: fc.constantFrom('configmap', 'secret', 'both') },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    ),
    tempo: fc.record(
      {
        enabled: fc.boolean(),
        retention: duration,
        maxBlockDuration: fc.constantFrom('5m', '30m', '1h'),
        otlp: fc.record({ grpc: fc.boolean(), http: fc.boolean() }),
      },
      { requiredKeys: [] },
    ),
    pyroscope: fc.record(
      { enabled: fc.boolean(), replicas: fc.integer({ min: 1, max: 3 }), route: fc.record({ hostname: host }, { requiredKeys: [] }) },
      { requiredKeys: [] },
    ),
    monitoring: fc.record({ serviceMonitors: fc.boolean() }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);

/** Scalable modes need object storage: added together, so every generated spec stays valid. */
export const scalable = fc.record({
  objectStorage: fc.record({ type: fc.constantFrom('s3', 'gcs', 'azure'), secretRef: fc.record({ name: label }) }),
  modes: fc.record({
    loki: fc.constantFrom('SingleBinary', 'SimpleScalable', 'Distributed'),
    tempo: fc.constantFrom('SingleBinary', 'Distributed'),
    pyroscope: fc.constantFrom('SingleBinary', 'Microservices'),
  }),
});

/** Grafana in either format (the operator one with its required selector), dashboards and alerts on or off. */
const grafanaShape = fc.record({
  operator: fc.boolean(),
  dashboards: fc.boolean(),
  alerts: fc.option(fc.boolean(), { nil: undefined }),
  instanceNamespace: fc.option(label, { nil: undefined }),
});

/** A whole valid spec: any of the above, in either layout, with or without datasources. */
export const anySpec = fc
  .tuple(validSpec, fc.option(scalable), fc.constantFrom('flat', 'home-ops'), fc.boolean(), grafanaShape)
  .map(([spec, sc, layout, datasources, g]) => {
    const format = g.operator
      ? {
          format: 'GrafanaDatasource',
          instanceSelector: { matchLabels: { dashboards: 'grafana' } },
          ...(g.instanceNamespace ? { instanceNamespace: g.instanceNamespace } : {}),
        }
      : {};
    const out: any = { ...spec, output: { layout }, grafana: { datasources: { enabled: datasources, ...format }, dashboards: { enabled: g.dashboards } } };
    if (g.alerts !== undefined) out.monitoring = { ...out.monitoring, alerts: g.alerts };
    // home-ops writes Flux Kustomizations, whose Git path the user must give.
    if (layout === 'home-ops') out.flux = { ...out.flux, kustomization: { path: `./kubernetes/apps/${out.namespace ?? 'observability'}` } };
    if (sc) {
      out.objectStorage = sc.objectStorage;
      for (const c of ['loki', 'tempo', 'pyroscope'] as const) out[c] = { ...out[c], mode: sc.modes[c] };
    }
    return out;
  });

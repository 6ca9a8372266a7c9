// The collector as Kubernetes receives it: the alloy HelmRelease rendered by Helm v4 from the
// pinned chart is one DaemonSet running exactly the generated configuration, mounting what it
// reads, least privilege; every address it sends to is a Service and port of the rendered
// backends; and the output keeps the function's guarantees (CRDs, idempotence, passthrough).
import test from 'ava';
import { Item } from '../functions/krm/item.ts';
import { STORAGE_PATH } from '../functions/observability-stack/alloy/values.ts';
import { transform } from '../functions/observability-stack/transform.ts';
import { check, findBlocks, parse, type BlockNode, type Node } from './support/alloy-syntax.ts';
import { COLLECTOR_CONFIGS, collectorOf } from './support/collector.ts';
import { celChecks, hasSchema, validateObject } from './support/crd.ts';
import { config } from './support/fn.ts';
import { applyToObject } from './support/flux-envsubst/substitute.ts';
import { HELM_TOOL, releaseOf, renderRelease } from './support/helm.ts';
import { testWith } from './support/needs.ts';
import { generateFor } from './support/transform.ts';

const CHARTS = [
  'charts-src/alloy-1.11.1',
  'charts-src/loki-18.11.0',
  'charts-src/tempo-2.2.4',
  'charts-src/tempo-distributed-1.61.3',
  'charts-src/pyroscope-2.2.1',
];
const needs = { reference: CHARTS, tools: [HELM_TOOL] };
const VARS = { CLUSTER: 'home' };

/** Render a generated release as Flux would install it: post-build substitution, then Helm. */
function rendered(objects: any[], name: string) {
  const hr = objects.find((o) => o.kind === 'HelmRelease' && o.metadata.name === name);
  return renderRelease(releaseOf(applyToObject(hr, VARS), objects));
}

const attr = (b: BlockNode, name: string) => b.body.find((n): n is Extract<Node, { type: 'attr' }> => n.type === 'attr' && n.name === name);
const components = (nodes: Node[], type: string) => nodes.filter((n): n is BlockNode => n.type === 'block' && n.name === type);

for (const name of ['default', 'all-signals', 'scalable', 'no-tempo-grpc', 'otlp-only']) {
  testWith(needs, `${name}: Helm renders one DaemonSet running the generated configuration, mounting what it reads, least privilege`, (t) => {
    const spec = COLLECTOR_CONFIGS[name]!;
    const { g, text } = collectorOf(spec, VARS);
    const objs = rendered(g.objects, 'alloy');
    const kinds = objs.map((o) => o.kind);
    t.is(kinds.filter((k) => k === 'DaemonSet').length, 1);
    t.false(kinds.includes('Deployment') || kinds.includes('StatefulSet'));
    const cm = objs.find((o) => o.kind === 'ConfigMap')!;
    t.is(cm.data['config.alloy'], text.trimEnd(), 'the ConfigMap holds the generated configuration, intact through Flux and tpl');
    t.deepEqual(check(cm.data['config.alloy']).errors, []);

    const pod = objs.find((o) => o.kind === 'DaemonSet')!.spec.template.spec;
    const alloy = pod.containers.find((c: any) => c.name === 'alloy');
    const mountAt = (path: string) => alloy.volumeMounts.find((m: any) => path === m.mountPath || path.startsWith(`${m.mountPath}/`));
    const volume = (n: string) => pod.volumes.find((v: any) => v.name === n);
    t.is(volume(mountAt('/etc/alloy/config.alloy').name).configMap.name, cm.metadata.name);
    t.truthy(volume(mountAt(STORAGE_PATH).name).emptyDir, 'Alloy data on an emptyDir: the root filesystem is read-only');
    t.true(alloy.args.includes(`--storage.path=${STORAGE_PATH}`));
    const nodes = parse(cm.data['config.alloy']).nodes;
    // Every file the configuration tails is under a read-only hostPath mount of the same path.
    const paths = findBlocks(components(nodes, 'discovery.relabel'), 'rule')
      .filter((r) => attr(r, 'target_label')?.stringValue === '__path__')
      .map((r) => attr(r, 'replacement')!.stringValue!);
    t.is(paths.length > 0, components(nodes, 'loki.source.file').length > 0);
    for (const p of paths) {
      const m = mountAt(p);
      t.truthy(m, `${p} is mounted`);
      t.true(m.readOnly);
      t.is(volume(m.name).hostPath?.path, m.mountPath);
    }
    t.false(
      pod.volumes.some((v: any) => v.hostPath && !paths.some((p) => p.startsWith(`${v.hostPath.path}/`))),
      'no hostPath the configuration does not read',
    );
    // Node-local discovery reads HOSTNAME: the chart sets it to the node name.
    t.is(alloy.env.find((e: any) => e.name === 'HOSTNAME').valueFrom.fieldRef.fieldPath, 'spec.nodeName');

    const ebpf = components(nodes, 'pyroscope.ebpf').length > 0;
    t.is(pod.hostPID === true, ebpf);
    t.falsy(pod.hostNetwork);
    const sc = alloy.securityContext;
    t.true(sc.readOnlyRootFilesystem);
    if (ebpf) t.true(sc.privileged);
    else {
      t.true(sc.runAsNonRoot);
      t.not(sc.runAsUser, 0);
      t.false(sc.allowPrivilegeEscalation);
      t.deepEqual(sc.capabilities.drop, ['ALL']);
      t.falsy(sc.privileged);
    }

    const role = objs.find((o) => o.kind === 'ClusterRole')!;
    const resources = role.rules.flatMap((r: any) => r.resources ?? []);
    t.false(
      resources.some((r: string) => /secret|configmap|nodes\/proxy|pods\/exec/.test(r)),
      JSON.stringify(resources),
    );
    t.true(role.rules.every((r: any) => r.verbs.every((v: string) => ['get', 'list', 'watch'].includes(v))));
    t.false(role.rules.some((r: any) => r.nonResourceURLs));
    const svc = objs.find((o) => o.kind === 'Service')!;
    const ports = svc.spec.ports.map((p: any) => p.port);
    t.is(ports.includes(4317) && ports.includes(4318), components(nodes, 'otelcol.receiver.otlp').length > 0);
    t.truthy(
      objs.find((o) => o.kind === 'ServiceMonitor'),
      'ServiceMonitors are on by default',
    );
  });
}

testWith(needs, 'ServiceMonitors off: no ServiceMonitor for Alloy either', (t) => {
  const g = generateFor({ collector: { enabled: true }, monitoring: { serviceMonitors: false } });
  t.falsy(rendered(g.objects, 'alloy').find((o) => o.kind === 'ServiceMonitor'));
});

/** `host:port` of an URL or of a bare gRPC endpoint. */
function hostPortOf(endpoint: string): string {
  if (!/^[a-z]+:\/\//.test(endpoint)) return endpoint;
  const u = new URL(endpoint);
  return `${u.hostname}:${u.port || (u.protocol === 'https:' ? 443 : 80)}`;
}

for (const name of ['default', 'scalable', 'simple-scalable-no-gateway', 'no-tempo-grpc', 'multi-tenant']) {
  testWith(needs, `${name}: every address the collector sends to is a rendered Service and port of the backends`, (t) => {
    const { g, text } = collectorOf(COLLECTOR_CONFIGS[name]!, VARS);
    const services = new Set<string>();
    for (const app of ['loki', 'tempo', 'pyroscope']) {
      if (!g.get('HelmRelease', app)) continue;
      for (const s of rendered(g.objects, app).filter((o) => o.kind === 'Service')) {
        for (const p of s.spec.ports) services.add(`${s.metadata.name}.${s.metadata.namespace}.svc.cluster.local:${p.port}`);
      }
    }
    const nodes = parse(text).nodes;
    const endpoints = [
      ...findBlocks(components(nodes, 'loki.write'), 'endpoint').map((b) => attr(b, 'url')!.stringValue!),
      ...findBlocks(components(nodes, 'pyroscope.write'), 'endpoint').map((b) => attr(b, 'url')!.stringValue!),
      ...findBlocks([...components(nodes, 'otelcol.exporter.otlp'), ...components(nodes, 'otelcol.exporter.otlphttp')], 'client').map(
        (b) => attr(b, 'endpoint')!.stringValue!,
      ),
    ];
    t.true(endpoints.length >= 3, endpoints.join(' '));
    for (const e of endpoints)
      t.true(
        services.has(hostPortOf(e)),
        `${e} -> ${hostPortOf(e)} is not among ${[...services].filter((s) => s.includes(hostPortOf(e).split('.')[0]!)).join(', ')}`,
      );
  });
}

testWith({ reference: ['crds'] }, 'with the collector on, every generated object with a CRD schema validates against it', (t) => {
  for (const spec of Object.values(COLLECTOR_CONFIGS)) {
    const cfg = config(spec);
    const out = transform(Item.fromObject(cfg), [Item.fromObject(cfg)]);
    const checked = out.items.filter((i) => hasSchema(i.object.apiVersion, i.object.kind));
    t.true(checked.length > 0, 'not vacuous: some objects have a CRD schema');
    for (const i of checked) t.deepEqual([...validateObject(i.object), ...celChecks(i.object)], [], `${i.object.kind}/${i.object.metadata.name}`);
  }
});

test('with the collector on, output is idempotent and passes foreign resources through', (t) => {
  const foreign = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'shop', namespace: 'apps', annotations: { 'profiles.grafana.com/cpu.scrape': 'true' } },
    spec: { replicas: 1 },
  };
  for (const spec of Object.values(COLLECTOR_CONFIGS)) {
    const cfg = config(spec);
    const first = transform(Item.fromObject(cfg), [Item.fromObject(cfg), Item.fromObject(foreign)]);
    t.false(
      first.results.some((r) => r.severity === 'error'),
      JSON.stringify(first.results),
    );
    t.deepEqual(first.items.find((i) => i.object.kind === 'Deployment')!.object, foreign);
    const again = transform(
      Item.fromObject(cfg),
      first.items.map((i) => Item.fromObject(i.object)),
    );
    t.is(again.items.map((i) => i.toYAML()).join('---\n'), first.items.map((i) => i.toYAML()).join('---\n'));
  }
});

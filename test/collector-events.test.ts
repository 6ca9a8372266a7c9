// Kubernetes events are cluster-wide: the collector must send them once, not once per node. With
// events on, the DaemonSet's pods form one Alloy cluster and only the events source opts into it,
// so one pod watches them; with events off the DaemonSet is exactly as before (no cluster).
import test from 'ava';
import { findBlocks, parse, type BlockNode, type Node } from './support/alloy-syntax.ts';
import { COLLECTOR_CONFIGS, collectorOf } from './support/collector.ts';
import { applyToObject } from './support/flux-envsubst/substitute.ts';
import { HELM_TOOL, releaseOf, renderRelease } from './support/helm.ts';
import { testWith } from './support/needs.ts';

const needs = { reference: ['charts-src/alloy-1.11.1'], tools: [HELM_TOOL] };
const VARS = { CLUSTER: 'home' };
const WITH_EVENTS = ['all-signals', 'events-exclude'];
const WITHOUT_EVENTS = ['default', 'otlp-only', 'scalable'];

const blocks = (nodes: Node[], type: string) => nodes.filter((n): n is BlockNode => n.type === 'block' && n.name === type);
/** Whether a component body has `clustering { enabled = true }`. */
function clustered(text: string, c: BlockNode): boolean {
  const b = blocks(c.body, 'clustering')[0];
  const enabled = b?.body.find((n) => n.type === 'attr' && n.name === 'enabled');
  // `true` is a literal, not a reference; the line in the text says which literal.
  return !!enabled && text.split('\n')[enabled.line - 1]!.trim() === 'enabled = true';
}

function renderedCollector(name: string) {
  const { g, text } = collectorOf(COLLECTOR_CONFIGS[name]!, VARS);
  const hr = g.get('HelmRelease', 'alloy');
  return { text, objects: renderRelease(releaseOf(applyToObject(hr, VARS), g.objects)) };
}

for (const name of WITH_EVENTS) {
  test(`${name}: the events source opts into clustering; pod logs and profiles stay node-local`, (t) => {
    const { text } = collectorOf(COLLECTOR_CONFIGS[name]!, VARS);
    const nodes = parse(text).nodes;
    const events = blocks(nodes, 'loki.source.kubernetes_events');
    t.is(events.length, 1);
    t.true(clustered(text, events[0]!), 'loki.source.kubernetes_events has clustering { enabled = true }');
    // Only the events source is distributed: every other component runs in every pod.
    const others = nodes.filter((n): n is BlockNode => n.type === 'block' && n.name !== 'loki.source.kubernetes_events');
    t.deepEqual(
      others.filter((c) => findBlocks(c.body, 'clustering').length > 0).map((c) => `${c.name}.${c.label}`),
      [],
    );
  });

  testWith(needs, `${name}: Helm renders one Alloy cluster of the DaemonSet's pods, so one pod watches events`, (t) => {
    const { objects } = renderedCollector(name);
    const ds = objects.filter((o) => o.kind === 'DaemonSet');
    t.is(ds.length, 1);
    t.false(objects.some((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet'));
    const pod = ds[0]!.spec.template;
    const alloy = pod.spec.containers.find((c: any) => c.name === 'alloy');
    t.true(alloy.args.includes('--cluster.enabled=true'), alloy.args.join(' '));
    // The peers are found through the join address: a headless Service selecting exactly these pods,
    // listing them before they are ready (a cluster forms while the pods start), on Alloy's HTTP port.
    const join = alloy.args.find((a: string) => a.startsWith('--cluster.join-addresses='))?.split('=')[1];
    t.truthy(join);
    const svc = objects.find((o) => o.kind === 'Service' && o.metadata.name === join);
    if (!svc) return t.fail(`${join} is not a rendered Service`);
    t.is(svc.spec.clusterIP, 'None');
    t.true(svc.spec.publishNotReadyAddresses);
    t.is(svc.metadata.namespace, ds[0]!.metadata.namespace);
    for (const [k, v] of Object.entries(svc.spec.selector)) t.is(pod.metadata.labels[k], v, `selector ${k}`);
    const listen = alloy.args
      .find((a: string) => a.startsWith('--server.http.listen-addr='))!
      .split(':')
      .pop();
    const containerPorts = alloy.ports.map((p: any) => p.containerPort);
    t.true(containerPorts.includes(Number(listen)));
    t.true(
      svc.spec.ports.some((p: any) => String(p.targetPort) === listen),
      'the cluster Service reaches the port Alloy listens on',
    );
    // Events need cluster-wide read on events: granted, and still nothing broader.
    const role = objects.find((o) => o.kind === 'ClusterRole')!;
    const grants = role.rules.flatMap((r: any) => r.resources.flatMap((res: string) => r.verbs.map((v: string) => `${res}:${v}`)));
    for (const v of ['get', 'list', 'watch']) t.true(grants.includes(`events:${v}`), grants.join(' '));
    t.true(
      grants.every((g: string) => /^(pods|events):(get|list|watch)$/.test(g)),
      grants.join(' '),
    );
  });
}

for (const name of WITHOUT_EVENTS) {
  testWith(needs, `${name}: events off, the DaemonSet is not clustered and cannot read events`, (t) => {
    const { text, objects } = renderedCollector(name);
    t.is(blocks(parse(text).nodes, 'loki.source.kubernetes_events').length, 0);
    const alloy = objects.find((o) => o.kind === 'DaemonSet')!.spec.template.spec.containers.find((c: any) => c.name === 'alloy');
    t.false(
      alloy.args.some((a: string) => a.startsWith('--cluster.')),
      alloy.args.join(' '),
    );
    t.false(objects.some((o) => o.kind === 'Service' && o.spec.clusterIP === 'None'));
    const role = objects.find((o) => o.kind === 'ClusterRole');
    t.false((role?.rules ?? []).some((r: any) => r.resources.includes('events')));
  });
}

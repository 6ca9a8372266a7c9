// spec.collector: the Grafana Alloy DaemonSet that sends pod logs, OTLP and profiles to the
// backends of the same config. Every field documented with its default, like schema.ts.
import * as z from 'zod';
import { dnsLabel } from '../common/formats.ts';
import { chart, d, values } from './schema-parts.ts';

/** Loki and Pyroscope label names: Prometheus label syntax, `__` reserved for internal labels. */
const LABEL_NAME = /^(?!__)[a-zA-Z_][a-zA-Z0-9_]*$/;

const toggle = (def: boolean, what: string) =>
  z
    .boolean()
    .default(def)
    .meta(d(`${what} Default: ${def}.`));

const namespaceList = (what: string) =>
  z
    .array(dnsLabel())
    .default([])
    .meta(d(`${what} Default: [].`));

/** A Kubernetes quantity, including milli-units for CPU (100m). */
const resource = (def: string | undefined, what: string) => {
  const q = z.string().regex(/^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/, { error: `must be a Kubernetes quantity such as ${def ?? '500m'}` });
  return (def === undefined ? q.optional() : q.default(def)).meta(d(`${what} Default: ${def ?? 'unset'}.`));
};
export const collectorSchema = z
  .strictObject({
    enabled: toggle(
      false,
      'Deploy Grafana Alloy as a DaemonSet wired to the Loki, Tempo and Pyroscope of this config. Off when the cluster already has a collector.',
    ),
    logs: z
      .strictObject({
        pods: toggle(true, "Every pod's container logs, read from /var/log/pods on its node, to Loki."),
        events: toggle(
          false,
          'Kubernetes events to Loki (job="integrations/kubernetes/eventhandler"), once for the cluster: the collector pods form an Alloy cluster and one of them watches the events.',
        ),
      })
      .prefault({})
      .meta(d('Logs sent to Loki.')),
    otlp: z
      .strictObject({
        enabled: toggle(true, 'OTLP receiver (gRPC 0.0.0.0:4317, HTTP 0.0.0.0:4318) on the collector Service: traces to Tempo, logs to Loki.'),
      })
      .prefault({})
      .meta(d('The OTLP endpoint applications send to.')),
    profiles: z
      .strictObject({
        pprof: toggle(true, 'Scrape pprof endpoints of pods annotated profiles.grafana.com/<type>.scrape: "true" and send them to Pyroscope.'),
        ebpf: toggle(
          false,
          'eBPF CPU profiling of every process on the node (pyroscope.ebpf). Runs the collector privileged, as root, with the host PID namespace.',
        ),
      })
      .prefault({})
      .meta(d('Profiles sent to Pyroscope.')),
    namespaces: z
      .strictObject({
        include: namespaceList('Only these namespaces (pod logs, events, profiles); empty means all.'),
        exclude: namespaceList('Never these namespaces.'),
      })
      .prefault({})
      .meta(d('Which namespaces are collected.')),
    labels: z
      .record(z.string().regex(LABEL_NAME, { error: 'must be a label name: letters, digits and "_", not starting with a digit or "__"' }), z.string())
      .default({})
      .meta(d('Labels added to every log stream and profile, e.g. {cluster: home}. Flux variables allowed in values. Default: {}.')),
    tenant: z
      .string()
      .regex(/^[A-Za-z0-9!._*'()-]{1,150}$/, { error: "must be a tenant ID: letters, digits and !-_.*'()" })
      .default('fake')
      .meta(
        d(
          'Tenant (X-Scope-OrgID) the collector writes as, sent only to backends whose final values turn multi-tenancy on (Loki auth_enabled, Tempo multitenancyEnabled). Default: fake (the tenant the Loki rules sidecar loads into).',
        ),
      ),
    resources: z
      .strictObject({
        requests: z
          .strictObject({ cpu: resource('50m', 'CPU request.'), memory: resource('128Mi', 'Memory request.') })
          .prefault({})
          .meta(d('Requests.')),
        limits: z
          .strictObject({ cpu: resource(undefined, 'CPU limit.'), memory: resource('512Mi', 'Memory limit.') })
          .prefault({})
          .meta(d('Limits.')),
      })
      .prefault({})
      .meta(d('Resources of the alloy container in each collector pod.')),
    chart: chart('alloy'),
    values,
  })
  .prefault({})
  .meta(d('Grafana Alloy collector (DaemonSet): pod logs, OTLP and profiles into this stack.'));

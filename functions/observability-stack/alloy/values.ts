// Values for the grafana alloy chart (1.x): one DaemonSet running the generated configuration,
// non-root with a read-only root filesystem, privileged only for eBPF profiling.
import type { Releases } from '../backends.ts';
import type { Values } from '../merge.ts';
import type { Resolved } from '../resolve.ts';
import { OTLP_GRPC_PORT, OTLP_HTTP_PORT } from '../otlp.ts';
import { POD_LOG_ROOT, alloyConfig, destinations } from './config.ts';
import type { AlloyConfig } from './model.ts';
import { forHelmTpl, render } from './render.ts';

/** The uid and gid of the `alloy` user in the grafana/alloy image. */
const ALLOY_UID = 473;
/** containerd writes pod logs 0640 root:root: the root group reads them, the root user is not needed. */
const LOG_READER_GROUP = 0;
/** Alloy's data (file positions, WAL) lives here: an emptyDir, as the root filesystem is read-only. */
export const STORAGE_PATH = '/tmp/alloy';
const TMP_VOLUME = 'tmp';
const POD_LOGS_VOLUME = 'pod-logs';

/** The collector's configuration for a config and the backends' releases: the model and its text. */
function collectorConfig(r: Resolved, releases: Releases): { model: AlloyConfig; text: string } {
  const model = alloyConfig(r, destinations(r, releases));
  return { model, text: render(model) };
}

const has = (model: AlloyConfig, type: string) => model.components.some((c) => c.type === type);

export function collectorValues(r: Resolved, releases: Releases): Values {
  const c = r.spec.collector;
  const { model, text } = collectorConfig(r, releases);
  const ebpf = has(model, 'pyroscope.ebpf');
  const readsLogs = has(model, 'loki.source.file');
  const otlp = has(model, 'otelcol.receiver.otlp');
  const events = has(model, 'loki.source.kubernetes_events');

  const resources: Values = { requests: { ...c.resources.requests } };
  if (c.resources.limits.cpu || c.resources.limits.memory) resources.limits = { ...c.resources.limits };

  const alloy: Values = {
    configMap: { create: true, content: forHelmTpl(text) },
    storagePath: STORAGE_PATH,
    enableReporting: false,
    // The collector pods form one Alloy cluster (peers found through the chart's headless
    // `<release>-cluster` Service) so that the events source runs in one pod, not in every pod.
    // Only the events source opts in: pod logs and profiles stay node-local.
    ...(events ? { clustering: { enabled: true } } : {}),
    mounts: {
      // Not the chart's whole-/var/log mount: only the pod log folder, read-only.
      varlog: false,
      dockercontainers: false,
      extra: [{ name: TMP_VOLUME, mountPath: '/tmp' }, ...(readsLogs ? [{ name: POD_LOGS_VOLUME, mountPath: POD_LOG_ROOT, readOnly: true }] : [])],
    },
    extraPorts: otlp
      ? [
          { name: 'otlp-grpc', port: OTLP_GRPC_PORT, targetPort: OTLP_GRPC_PORT, protocol: 'TCP', appProtocol: 'grpc' },
          { name: 'otlp-http', port: OTLP_HTTP_PORT, targetPort: OTLP_HTTP_PORT, protocol: 'TCP', appProtocol: 'http' },
        ]
      : [],
    resources,
    securityContext: ebpf
      ? // eBPF programs need CAP_SYS_ADMIN/BPF/PERFMON and the host's processes: privileged root, nothing less works.
        { privileged: true, runAsUser: 0, runAsGroup: 0, runAsNonRoot: false, readOnlyRootFilesystem: true }
      : {
          runAsNonRoot: true,
          runAsUser: ALLOY_UID,
          runAsGroup: ALLOY_UID,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        },
  };
  const controller: Values = {
    type: 'daemonset',
    hostPID: ebpf,
    // Every node's pods, control-plane nodes included.
    tolerations: [{ operator: 'Exists', effect: 'NoSchedule' }],
    volumes: { extra: [{ name: TMP_VOLUME, emptyDir: {} }, ...(readsLogs ? [{ name: POD_LOGS_VOLUME, hostPath: { path: POD_LOG_ROOT } }] : [])] },
  };
  return {
    crds: { create: false },
    alloy,
    controller,
    global: { podSecurityContext: readsLogs && !ebpf ? { supplementalGroups: [LOG_READER_GROUP] } : {} },
    rbac: { create: true, ...rbacRules(model) },
    service: { enabled: true },
    serviceMonitor: { enabled: r.spec.monitoring.serviceMonitors },
  };
}

/**
 * Only what the configuration reads: pods for discovery, events when collected. No Secrets, no
 * ConfigMaps, no node proxy; the chart's broad default lists are replaced. The chart writes
 * `rules` and `clusterRules` one after the other into one ClusterRole and breaks on a single empty
 * list, so both are either empty or not: the verbs are split between them.
 */
function rbacRules(model: AlloyConfig): { rules: Values[]; clusterRules: Values[] } {
  const pods = has(model, 'discovery.kubernetes');
  const events = has(model, 'loki.source.kubernetes_events');
  const read = (resource: string, verbs: string[]) => ({ apiGroups: [''], resources: [resource], verbs });
  if (pods && events) return { rules: [read('pods', ['get', 'list', 'watch'])], clusterRules: [read('events', ['get', 'list', 'watch'])] };
  if (pods) return { rules: [read('pods', ['list', 'watch'])], clusterRules: [read('pods', ['get'])] };
  if (events) return { rules: [read('events', ['list', 'watch'])], clusterRules: [read('events', ['get'])] };
  return { rules: [], clusterRules: [] };
}

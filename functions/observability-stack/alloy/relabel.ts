// Relabel rules of the collector: which pods are collected and the labels their logs and
// profiles carry. Kubernetes discovery names pod labels and annotations
// __meta_kubernetes_pod_label_<name> / _annotation_<name>, every character outside [A-Za-z0-9_]
// replaced by `_`.
import { type Block, type BodySpec, block } from './model.ts';
import { LOG_LABELS } from './labels.ts';

const rule = (attrs: BodySpec) => block('rule', attrs);
const META = '__meta_kubernetes_';
const sanitize = (name: string) => name.replace(/[^A-Za-z0-9_]/g, '_');
const podLabel = (name: string) => `${META}pod_label_${sanitize(name)}`;
const podAnnotation = (name: string) => `${META}pod_annotation_${sanitize(name)}`;

/** The first non-empty value of `;`-joined source labels (no match, and no label, when all are empty). */
const FIRST_NON_EMPTY = '^;*([^;]+).*$';
const firstOf = (sources: string[], target: string) =>
  rule({ source_labels: sources, separator: ';', regex: FIRST_NON_EMPTY, replacement: '$1', target_label: target });

/** The OTel operator's annotation for a pod's service.name, also honoured by Loki and Pyroscope tooling. */
const SERVICE_NAME_ANNOTATION = 'resource.opentelemetry.io/service.name';
/** The Pyroscope chart's own service_name annotation. */
const PROFILES_SERVICE_NAME_ANNOTATION = 'profiles.grafana.com/service_name';

/** Namespace filters; relabel regexes are anchored, so `a|b` matches exactly a or b. */
const includeRule = (label: string, namespaces: string[]) => rule({ source_labels: [label], regex: namespaces.join('|'), action: 'keep' });
export const excludeRule = (label: string, namespaces: string[]) => rule({ source_labels: [label], regex: namespaces.join('|'), action: 'drop' });

export function scopeRules(ns: { include: string[]; exclude: string[] }, label = `${META}namespace`): Block[] {
  const out: Block[] = [];
  if (ns.include.length) out.push(includeRule(label, ns.include));
  if (ns.exclude.length) out.push(excludeRule(label, ns.exclude));
  return out;
}

/** namespace, pod, container, node and app: the labels people query pods by. */
function podIdentity(): Block[] {
  return [
    rule({ source_labels: [`${META}namespace`], target_label: LOG_LABELS.namespace }),
    rule({ source_labels: [`${META}pod_name`], target_label: LOG_LABELS.pod }),
    rule({ source_labels: [`${META}pod_container_name`], target_label: LOG_LABELS.container }),
    rule({ source_labels: [`${META}pod_node_name`], target_label: LOG_LABELS.node }),
    firstOf([podLabel('app.kubernetes.io/name'), podLabel('app')], LOG_LABELS.app),
  ];
}

/**
 * Pod log streams: identity labels, service_name as Loki 3 would derive it from them (with the
 * OTel annotation first, so logs match the service.name of the pod's spans), and the file path.
 */
export function podLogRules(root: string): Block[] {
  return [
    ...podIdentity(),
    firstOf([podAnnotation(SERVICE_NAME_ANNOTATION), LOG_LABELS.app, LOG_LABELS.container], LOG_LABELS.serviceName),
    rule({ source_labels: [`${META}pod_uid`, `${META}pod_container_name`], separator: '/', replacement: `${root}/*$1/*.log`, target_label: '__path__' }),
    // Static pods (kubelet manifests) log under their config hash, not their API uid.
    rule({
      source_labels: [podAnnotation('kubernetes.io/config.mirror'), `${META}pod_container_name`],
      separator: '/',
      regex: '(.+/.+)',
      replacement: `${root}/*$1/*.log`,
      target_label: '__path__',
    }),
  ];
}

/** Running pods with identity labels and service_name, for pprof scraping and eBPF. */
export function profileTargetRules(): Block[] {
  return [
    rule({ source_labels: [`${META}pod_phase`], regex: 'Pending|Succeeded|Failed|Completed', action: 'drop' }),
    ...podIdentity(),
    firstOf(
      [podAnnotation(PROFILES_SERVICE_NAME_ANNOTATION), podAnnotation(SERVICE_NAME_ANNOTATION), LOG_LABELS.app, LOG_LABELS.container],
      LOG_LABELS.serviceName,
    ),
  ];
}

/** pprof profile types: the annotation's <type> and pyroscope.scrape's profile block. */
export const PPROF_TYPES = [
  { annotation: 'memory', block: 'memory' },
  { annotation: 'cpu', block: 'process_cpu' },
  { annotation: 'goroutine', block: 'goroutine' },
  { annotation: 'block', block: 'block' },
  { annotation: 'mutex', block: 'mutex' },
  { annotation: 'fgprof', block: 'fgprof' },
] as const;

const pprofAnnotation = (type: string, key: 'scrape' | 'port' | 'port_name' | 'path' | 'scheme') => `profiles.grafana.com/${type}.${key}`;

/**
 * The annotations of the Pyroscope chart's bundled Alloy: `<type>.scrape: "true"` opts a pod in;
 * `.port` (a declared container port number) or `.port_name` (its name) pick the port, otherwise
 * every declared port is scraped; `.scheme` (http|https) and `.path` override the defaults.
 */
export function pprofRules(type: string): Block[] {
  const a = (key: Parameters<typeof pprofAnnotation>[1]) => podAnnotation(pprofAnnotation(type, key));
  // keepequal against a copy of itself keeps everything; the annotation, when set, replaces the copy.
  const choose = (discovered: string, annotation: string, tmp: string) => [
    rule({ source_labels: [discovered], target_label: tmp }),
    rule({ source_labels: [annotation], regex: '(.+)', replacement: '$1', target_label: tmp }),
    rule({ source_labels: [discovered], target_label: tmp, action: 'keepequal' }),
  ];
  return [
    rule({ source_labels: [a('scrape')], regex: 'true', action: 'keep' }),
    // One target per declared container port; containers without ports have nothing to scrape.
    rule({ source_labels: [`${META}pod_container_port_number`], regex: '', action: 'drop' }),
    ...choose(`${META}pod_container_port_name`, a('port_name'), '__tmp_port_name'),
    ...choose(`${META}pod_container_port_number`, a('port'), '__tmp_port_number'),
    rule({ regex: '__tmp_port_(name|number)', action: 'labeldrop' }),
    rule({ source_labels: [a('scheme')], regex: '(https?)', replacement: '$1', target_label: '__scheme__' }),
    rule({ source_labels: [a('path')], regex: '(.+)', replacement: '$1', target_label: '__profile_path__' }),
  ];
}

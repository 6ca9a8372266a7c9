// The labels the collector puts on every pod log stream (and profile), exported so the Grafana
// datasources correlate by labels that really exist ("Logs for this span", "Profiles for this span").

/** Pod log stream labels, by meaning. */
export const LOG_LABELS = {
  namespace: 'namespace',
  pod: 'pod',
  container: 'container',
  /** app.kubernetes.io/name, else the `app` pod label. */
  app: 'app',
  node: 'node',
  /** As Loki 3 derives it: the OTel service.name annotation, else app, else the container name. */
  serviceName: 'service_name',
} as const;

/**
 * Span attribute -> log label for Tempo's traces-to-logs. OTLP SDKs set service.name; pod logs
 * carry the same value as service_name when the pod is annotated resource.opentelemetry.io/service.name
 * or labelled with the same app name.
 */
export const TRACE_TO_LOG_TAGS: readonly { key: string; value: string }[] = [{ key: 'service.name', value: LOG_LABELS.serviceName }];

/** The `job` label of Kubernetes events, the one Grafana's Kubernetes integrations query. */
export const EVENTS_JOB = 'integrations/kubernetes/eventhandler';

// Checks on spec.collector across fields: signals whose backend is not deployed, and labels
// that would overwrite the ones the collector sets.
import type { ObservabilityConfig } from './schema.ts';
import { LOG_LABELS } from './alloy/labels.ts';

type Spec = ObservabilityConfig['spec'];
type Report = (field: string, message: string) => void;

/** Labels the collector sets itself; `job` names the events stream. */
const RESERVED = new Set<string>([...Object.values(LOG_LABELS), 'job']);

export function collectorFindings(s: Spec, err: Report, warn: Report): void {
  const c = s.collector;
  if (!c.enabled) return;
  const f = 'spec.collector';
  if (!s.loki.enabled && !s.tempo.enabled && !s.pyroscope.enabled) {
    warn(
      `${f}.enabled`,
      'Loki, Tempo and Pyroscope are all disabled: the collector has nowhere to send data, so none is generated. Enable a backend or set spec.collector.enabled: false.',
    );
  }
  if (!s.loki.enabled && (c.logs.pods || c.logs.events)) {
    warn(`${f}.logs`, 'Loki is disabled, so pod logs and events are not collected: enable spec.loki or set spec.collector.logs.pods/events: false.');
  }
  if (!s.pyroscope.enabled && (c.profiles.pprof || c.profiles.ebpf)) {
    warn(`${f}.profiles`, 'Pyroscope is disabled, so no profiles are collected: enable spec.pyroscope or set spec.collector.profiles.pprof/ebpf: false.');
  }
  if (c.otlp.enabled && s.tempo.enabled && !s.tempo.otlp.grpc && !s.tempo.otlp.http) {
    warn(`${f}.otlp.enabled`, 'Tempo has both OTLP receivers off (spec.tempo.otlp), so the collector cannot forward traces to it: turn one on.');
  }
  for (const name of Object.keys(c.labels)) {
    if (RESERVED.has(name)) {
      err(
        `${f}.labels.${name}`,
        `"${name}" is a label the collector sets on every stream (${[...RESERVED].join(', ')}): choose another name, such as cluster.`,
      );
    }
  }
  const both = c.namespaces.include.filter((n) => c.namespaces.exclude.includes(n));
  if (both.length) warn(`${f}.namespaces`, `${both.join(', ')} is both included and excluded, so it is not collected: remove it from one list.`);
}

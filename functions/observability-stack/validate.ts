// Checks across fields: combinations the schema alone cannot refuse. Each finding names the
// field and says what to do. Reads the resolved config: chart facts (majors, Kafka mode, components
// and default replicas) are decided once in resolve.ts, never worked out again here.
import { error, warning } from '../krm/results.ts';
import type { Result, ResourceRef } from '../krm/types.ts';
import { pinnedVersion } from '../chart-facts.ts';
import { fluxPathFindings } from './flux-path.ts';
import { literalCredentials } from './credential-check.ts';
import { collectorFindings } from './collector-validate.ts';
import { grafanaFindings } from './grafana-validate.ts';
import { type ObservabilityConfig, TEMPO_MAX_BLOCK_DURATION } from './schema.ts';
import type { Resolved } from './resolve.ts';

type Finding = { severity: 'error' | 'warning'; field: string; message: string };
type Spec = ObservabilityConfig['spec'];
type Report = (field: string, message: string) => void;

function findings(r: Resolved): Finding[] {
  const s = r.spec;
  const out: Finding[] = [];
  const err: Report = (field, message) => out.push({ severity: 'error', field, message });
  const warn: Report = (field, message) => out.push({ severity: 'warning', field, message });

  if (s.objectStorage && (s.loki.enabled || s.tempo.enabled || s.pyroscope.enabled)) objectStorage(s, err, warn);
  if (s.loki.enabled) loki(r, err, warn);
  if (s.tempo.enabled) tempo(r, err, warn);
  if (s.pyroscope.enabled && s.pyroscope.mode === 'Microservices' && !s.objectStorage) {
    err('spec.pyroscope.mode', 'Pyroscope Microservices needs object storage: add spec.objectStorage or use mode SingleBinary.');
  }
  for (const app of ['loki', 'tempo', 'pyroscope'] as const) {
    for (const path of literalCredentials(s[app].values, `spec.${app}.values`)) {
      err(
        path,
        'a literal credential would be committed to Git with this config: remove it and give spec.objectStorage.secretRef (a Secret in spec.namespace) instead.',
      );
    }
  }
  collectorFindings(s, err, warn);
  grafanaFindings(s, err, warn);
  if (!s.pyroscope.enabled && s.pyroscope.route.hostname) {
    warn('spec.pyroscope.route.hostname', 'Pyroscope is disabled, so no HTTPRoute is generated for this hostname.');
  }
  if (!s.loki.enabled && !s.tempo.enabled && !s.pyroscope.enabled) {
    warn('spec', 'Loki, Tempo and Pyroscope are all disabled: nothing is generated.');
  }
  for (const f of fluxPathFindings(s)) err(f.field, f.message);
  return out;
}

function objectStorage(s: Spec, err: Report, warn: Report): void {
  const os = s.objectStorage!;
  const keys =
    os.type === 's3'
      ? 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY'
      : os.type === 'azure'
        ? 'AZURE_ACCOUNT_NAME and AZURE_ACCOUNT_KEY'
        : 'GOOGLE_SERVICE_ACCOUNT_JSON (the key file)';
  if (!os.secretRef) {
    err(
      'spec.objectStorage.secretRef',
      `credentials come from a Secret, never from the config: create a Secret in ${s.namespace} with the keys ${keys} and add secretRef: {name: <secret>}.`,
    );
  } else if (!os.secretRef.name) {
    err(
      'spec.objectStorage.secretRef.name',
      `name the Secret in ${s.namespace} that holds the credentials (keys ${keys}, or set the *Key fields to your key names).`,
    );
  }
  if (os.endpoint && /^[a-z][a-z0-9+.-]*:\/\//i.test(os.endpoint)) {
    const bare = os.endpoint.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/.*$/, '');
    err(
      'spec.objectStorage.endpoint',
      `give the endpoint as host[:port] without a scheme ("${bare}")${os.type === 's3' && /^http:/i.test(os.endpoint) ? ' and set insecure: true for plain HTTP' : ''}.`,
    );
  }
  if (os.type === 'gcs') {
    for (const [field, set] of [
      ['endpoint', !!os.endpoint],
      ['region', !!os.region],
      ['insecure', os.insecure],
      ['forcePathStyle', os.forcePathStyle],
    ] as const) {
      if (set)
        warn(`spec.objectStorage.${field}`, `does not apply to gcs and is ignored: remove it (GCS is always reached over HTTPS at its global endpoint).`);
    }
  }
  if (os.type === 'azure') {
    for (const [field, set] of [
      ['region', !!os.region],
      ['insecure', os.insecure],
      ['forcePathStyle', os.forcePathStyle],
    ] as const) {
      if (set) warn(`spec.objectStorage.${field}`, `does not apply to azure and is ignored: remove it (endpoint is the Azure endpoint suffix).`);
    }
  }
  // Tempo and Pyroscope treat every top-level prefix of their bucket as a tenant.
  const users: [string, string][] = [];
  if (s.loki.enabled) users.push(['loki.chunks', os.buckets.loki.chunks]);
  if (s.tempo.enabled) users.push(['tempo', os.buckets.tempo]);
  if (s.pyroscope.enabled) users.push(['pyroscope', os.buckets.pyroscope]);
  for (const [name, bucket] of users) {
    if (name === 'loki.chunks') continue;
    const other = users.find(([n, b]) => n !== name && b === bucket);
    if (other)
      err(
        `spec.objectStorage.buckets.${name}`,
        `bucket "${bucket}" is also buckets.${other[0]}: ${name === 'tempo' ? 'Tempo' : 'Pyroscope'} needs a bucket of its own; give it another name.`,
      );
  }
}

function loki(r: Resolved, err: Report, warn: Report): void {
  const s = r.spec;
  const l = s.loki;
  const facts = r.loki;
  const os = s.objectStorage;
  const mode = l.mode;
  if (mode !== 'SingleBinary' && !os) {
    err('spec.loki.mode', `Loki ${mode} needs object storage: add spec.objectStorage (type, buckets, secretRef) or use mode SingleBinary.`);
  }
  const single = l.replicas.singleBinary;
  if (mode === 'SingleBinary' && single !== undefined && single > 1 && !os) {
    err('spec.loki.replicas.singleBinary', 'more than one single-binary replica needs spec.objectStorage; on a filesystem volume use 1.');
  }
  const allowed = Object.keys(facts.defaultReplicas);
  for (const [component, n] of Object.entries(l.replicas)) {
    if (n !== undefined && !allowed.includes(component)) {
      err(`spec.loki.replicas.${component}`, `${component} is not a component of Loki mode ${mode} (its components: ${allowed.join(', ')}).`);
    }
  }
  for (const component of facts.required) {
    if (facts.replicas[component] === 0) {
      err(
        `spec.loki.replicas.${component}`,
        `Loki ${mode} cannot run without a ${component}: give it at least 1 replica (default ${facts.defaultReplicas[component]}).`,
      );
    }
  }
  if (mode === 'Distributed' && l.rules.enabled && facts.replicas[facts.ruler] === 0) {
    warn(
      'spec.loki.replicas.ruler',
      'no ruler replica: the rule ConfigMaps the sidecar loads are never evaluated. Give the ruler 1 replica or set spec.loki.rules.enabled: false.',
    );
  }
  if (mode === 'Distributed' && (facts.replicas.compactor ?? 0) > 1) {
    warn('spec.loki.replicas.compactor', 'only one compactor is ever active (it applies retention); extra replicas stand by idle. Use 1.');
  }
  const writer = facts.writePath;
  const writers = facts.replicas[writer] ?? 0;
  if (l.replicationFactor !== undefined && l.replicationFactor > writers) {
    err(
      'spec.loki.replicationFactor',
      `replication factor ${l.replicationFactor} is above the ${writers} ${writer} replica(s): writes would fail. Lower it or raise spec.loki.replicas.${writer}.`,
    );
  }
  if (l.schemaMigrationDate) schemaMigration(s, facts.schemaFrom, err, warn);
}

function schemaMigration(s: Spec, schemaFrom: string, err: Report, warn: Report): void {
  const date = s.loki.schemaMigrationDate!;
  const field = 'spec.loki.schemaMigrationDate';
  if (!s.objectStorage) {
    err(field, 'a schema migration date only applies when moving to spec.objectStorage; remove it or add spec.objectStorage.');
    return;
  }
  const parsed = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) {
    err(field, `${date} is not a calendar date: give a real day as YYYY-MM-DD.`);
  } else if (date <= schemaFrom) {
    err(
      field,
      `must be after ${schemaFrom}, the start of the filesystem schema period it follows: pick a date after today (UTC), so no stored logs fall into the new period.`,
    );
  }
  if (s.loki.mode !== 'SingleBinary') {
    warn(
      field,
      `logs before ${date} stay on the single-binary volume, which Loki ${s.loki.mode} does not mount: they cannot be queried after this change. ` +
        'To keep them readable, first add spec.objectStorage and the date with mode SingleBinary, and switch mode once the retention period has passed (docs/scaling.md).',
    );
  }
}

function tempo(r: Resolved, err: Report, warn: Report): void {
  const s = r.spec;
  const t = s.tempo;
  const { distributed, kafka: kafkaChart } = r.tempo;
  if (distributed && !s.objectStorage) {
    err('spec.tempo.mode', 'Tempo Distributed needs object storage: add spec.objectStorage or use mode SingleBinary.');
  }
  const version = r.charts.tempo.version;
  if (kafkaChart && !t.kafka) {
    err(
      'spec.tempo.kafka',
      `tempo-distributed ${version} runs Tempo 3, whose distributors write to Kafka: add spec.tempo.kafka.address (a Kafka-compatible broker such as Redpanda or Strimzi), or remove spec.tempo.chart.version to use the pinned ${pinnedVersion('tempo-distributed')} (Tempo 2, no Kafka).`,
    );
  }
  if (t.kafka && !kafkaChart) {
    warn(
      'spec.tempo.kafka',
      distributed
        ? `ignored: tempo-distributed ${version} has no Kafka write path; set spec.tempo.chart.version to a 3.x release to use it.`
        : 'ignored: Kafka is only used by Tempo Distributed with tempo-distributed 3.x.',
    );
  }
  // Only a value other than the default can be told from an unset field after parsing.
  if (kafkaChart && t.maxBlockDuration !== TEMPO_MAX_BLOCK_DURATION) {
    warn(
      'spec.tempo.maxBlockDuration',
      `ignored: tempo-distributed ${version} runs Tempo 3, which has no ingesters (block-builders cut blocks from Kafka); remove it.`,
    );
  }
  const components = Object.keys(r.tempo.defaultReplicas);
  for (const [component, n] of Object.entries(t.replicas)) {
    if (n === undefined) continue;
    if (!distributed) {
      err(`spec.tempo.replicas.${component}`, `Tempo SingleBinary runs one process: per-component replicas need mode Distributed; remove it.`);
    } else if (!components.includes(component)) {
      err(
        `spec.tempo.replicas.${component}`,
        `tempo-distributed ${version} has no ${component} (Tempo 3 replaced ingesters and the compactor with block-builders, live-stores and backend workers, sized by spec.tempo.kafka.partitions); remove it.`,
      );
    } else if (n === 0) {
      err(`spec.tempo.replicas.${component}`, `Tempo Distributed cannot run without a ${component}: give it at least 1 replica.`);
    }
  }
}

/** kpt prints `<field>: <message>`, so the field goes in the result only, never again in the message. */
export function validate(r: Resolved, resourceRef: ResourceRef, file?: { path: string; index?: number }): Result[] {
  return findings(r).map((f) => (f.severity === 'error' ? error : warning)(f.message, { resourceRef, file, field: f.field }));
}

// Value formats both functions accept, each pattern defined once, with the message a person sees
// when a value is refused.
import * as z from 'zod';
import { withSampleVariables } from '../flux/references.ts';

/** Prometheus/Loki duration: 14d, 2w, 336h, 1h30m, 90s, 500ms. */
export const LOKI_DURATION = /^(?=\d)(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$/;
/** Prometheus metric name (recording rules' `record`). */
export const PROM_METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
/** Prometheus/Loki label name. */
export const PROM_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** What Flux accepts for intervals and timeouts (Go duration without days). */
const FLUX_DURATION = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;
/** Kubernetes resource quantity as used for volume sizes. */
const QUANTITY = /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Kubernetes label key: optional DNS-subdomain prefix and `/`, then a name of letters, digits, `-_.`. */
export const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
/** Kubernetes label value: empty, or up to 63 letters, digits and `-_.`, alphanumeric at both ends. */
export const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
/** A k8s-sidecar search list: ALL, or comma-separated namespace names. */
export const SEARCH_NAMESPACE = /^(ALL|[a-z0-9]([-a-z0-9]*[a-z0-9])?(,[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$/;

// A bare number given for a duration (`retention: 14`) gets a suggestion in the unit of the
// field's example (`14d`). Keyed by schema; zod clones (.meta, .describe) point back through parent.
const NUMBER_HINTS = new WeakMap<object, (n: number) => string>();

/** The part of a zod schema's internals this walks: clones point back to their original through parent. */
type ZodNode = { _zod?: { parent?: ZodNode } };

/** How to write a number given where this schema wants a string, if it knows better than quoting. */
export function numberHintOf(schema: unknown): ((n: number) => string) | undefined {
  for (let s = schema as ZodNode | undefined; s; s = s._zod?.parent) {
    const hint = NUMBER_HINTS.get(s);
    if (hint) return hint;
  }
  return undefined;
}

function withUnitHint<T extends z.ZodString>(schema: T, example: string): T {
  const unit = /[A-Za-z]+$/.exec(example)?.[0] ?? '';
  NUMBER_HINTS.set(schema, (n) => `${n}${unit}`);
  return schema;
}

export const lokiDuration = (example: string) =>
  withUnitHint(z.string().regex(LOKI_DURATION, { error: `must be a duration such as ${example}, 336h or 1h30m (units: ms, s, m, h, d, w, y)` }), example);

export const goDuration = (example: string) =>
  withUnitHint(z.string().regex(LOKI_DURATION, { error: `must be a duration such as ${example}, 1h30m or 14d (units: ms, s, m, h, d, w)` }), example);

export const fluxDuration = (example: string) =>
  withUnitHint(z.string().regex(FLUX_DURATION, { error: `must be a Flux duration such as ${example}, 1h or 90s (units: ms, s, m, h)` }), example);

export const quantity = (example: string) =>
  withUnitHint(z.string().regex(QUANTITY, { error: `must be a Kubernetes quantity such as ${example}, 500Mi or 1Ti` }), example);

// Messages never name the field: kpt prints `<field>: <message>`.
export const dnsLabel = () => z.string().regex(DNS_LABEL, { error: "must be a DNS-1123 label: lowercase letters, digits and '-', at most 63 characters" });

export const dnsSubdomain = () => z.string().regex(DNS_SUBDOMAIN, { error: "must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.'" });

/** A hostname for an HTTPRoute; `*.` wildcards and Flux variables allowed. */
export const hostname = z.string().refine((s) => DNS_SUBDOMAIN.test(withSampleVariables(s).replace(/^\*\./, '')), {
  error: 'must be a hostname such as pyroscope.example.com or pyroscope.${SECRET_DOMAIN} (lowercase, no scheme, no port)',
});

export const url = z.string().refine((s) => /^https?:\/\/[^\s/]+(\/\S*)?$/.test(withSampleVariables(s)), {
  error: 'must be an http:// or https:// URL such as http://alertmanager-operated.observability.svc.cluster.local:9093',
});

const UNITS_MS: Record<string, number> = { y: 365 * 864e5, w: 7 * 864e5, d: 864e5, h: 36e5, m: 6e4, s: 1e3, ms: 1 };

function durationMs(d: string): number {
  let total = 0;
  for (const [, n, u] of d.matchAll(/(\d+)(ms|y|w|d|h|m|s)/g)) total += Number(n) * UNITS_MS[u!]!;
  return total;
}

/** Go's time.ParseDuration has no d/w/y: 14d becomes 336h, 90m becomes 1h30m. */
export function toGoDuration(d: string): string {
  let ms = durationMs(d);
  if (ms === 0) return '0s';
  let out = '';
  for (const [u, size] of [
    ['h', 36e5],
    ['m', 6e4],
    ['s', 1e3],
    ['ms', 1],
  ] as const) {
    const n = Math.floor(ms / size);
    if (n) out += `${n}${u}`;
    ms -= n * size;
  }
  return out;
}

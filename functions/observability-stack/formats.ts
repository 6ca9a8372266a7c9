// Value formats the config accepts, each with the message a person sees when a value is refused.
import { z } from 'zod';

/** Prometheus/Loki duration: 14d, 2w, 336h, 1h30m, 90s, 500ms. */
export const LOKI_DURATION = /^(?=\d)(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$/;
/** What Flux accepts for intervals and timeouts (Go duration without days). */
export const FLUX_DURATION = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;
/** Kubernetes resource quantity as used for volume sizes. */
export const QUANTITY = /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Flux post-build variables (`${SECRET_DOMAIN}`, `${X:=default}`) are allowed inside values. */
const FLUX_VAR = /\$\{[_a-zA-Z][_a-zA-Z0-9]*(?:(?::?[=-])[^}]*)?\}/g;

/** The text as it will look after Flux substitutes a plausible value for each variable. */
export const withSampleVariables = (s: string) => s.replace(FLUX_VAR, 'x');

export const lokiDuration = (example: string) =>
  z.string().regex(LOKI_DURATION, { error: `must be a duration such as ${example}, 336h or 1h30m (units: ms, s, m, h, d, w, y)` });

export const goDuration = (example: string) =>
  z.string().regex(LOKI_DURATION, { error: `must be a duration such as ${example}, 1h30m or 14d (units: ms, s, m, h, d, w)` });

export const fluxDuration = (example: string) =>
  z.string().regex(FLUX_DURATION, { error: `must be a Flux duration such as ${example}, 1h or 90s (units: ms, s, m, h)` });

export const quantity = (example: string) =>
  z.string().regex(QUANTITY, { error: `must be a Kubernetes quantity such as ${example}, 500Mi or 1Ti` });

export const dnsLabel = (what: string) =>
  z.string().regex(DNS_LABEL, { error: `${what} must be a DNS-1123 label: lowercase letters, digits and '-', at most 63 characters` });

export const dnsSubdomain = (what: string) =>
  z.string().regex(DNS_SUBDOMAIN, { error: `${what} must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.'` });

/** A hostname for an HTTPRoute; `*.` wildcards and Flux variables allowed. */
export const hostname = z.string().refine((s) => DNS_SUBDOMAIN.test(withSampleVariables(s).replace(/^\*\./, '')), {
  error: 'must be a hostname such as pyroscope.example.com or pyroscope.${SECRET_DOMAIN} (lowercase, no scheme, no port)',
});

export const url = z.string().refine((s) => /^https?:\/\/[^\s/]+(\/\S*)?$/.test(withSampleVariables(s)), {
  error: 'must be an http:// or https:// URL such as http://alertmanager-operated.observability.svc.cluster.local:9093',
});

const UNITS_MS: Record<string, number> = { y: 365 * 864e5, w: 7 * 864e5, d: 864e5, h: 36e5, m: 6e4, s: 1e3, ms: 1 };

export function durationMs(d: string): number {
  let total = 0;
  for (const [, n, u] of d.matchAll(/(\d+)(ms|y|w|d|h|m|s)/g)) total += Number(n) * UNITS_MS[u!]!;
  return total;
}

/** Go's time.ParseDuration has no d/w/y: 14d becomes 336h, 90m becomes 1h30m. */
export function toGoDuration(d: string): string {
  let ms = durationMs(d);
  if (ms === 0) return '0s';
  let out = '';
  for (const [u, size] of [['h', 36e5], ['m', 6e4], ['s', 1e3], ['ms', 1]] as const) {
    const n = Math.floor(ms / size);
    if (n) out += `${n}${u}`;
    ms -= n * size;
  }
  return out;
}

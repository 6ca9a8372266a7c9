// The Kustomizations a GitOps repository needs around the generated objects:
//   home-ops layout: per app, app/kustomization.yaml (kustomize) listing the app's files and
//     ks.yaml (Flux) applying that folder, the way home-ops repositories lay out apps;
//   flat layout with spec.flux.kustomization.enabled: one Flux Kustomization for the whole folder.
import { LOCAL_CONFIG } from '../krm/annotations.ts';
import type { KrmObject } from '../krm/types.ts';
import { APP_DIR, KUSTOMIZATION_FILE, ROOT_KS_PATH, SOURCES_APP, ksPathFor, sourcePath, type Generated } from './layout.ts';
import type { Values } from './merge.ts';
import type { Resolved } from './resolve.ts';
import { withPackageRoot } from './package-root.ts';

const KUSTOMIZE_API = 'kustomize.config.k8s.io/v1beta1';
const FLUX_KUSTOMIZE_API = 'kustomize.toolkit.fluxcd.io/v1';

export function layoutObjects(r: Resolved, generated: Generated[]): Generated[] {
  if (r.spec.output.layout === 'home-ops') return homeOps(r, generated);
  if (!r.spec.flux.kustomization.enabled || generated.length === 0) return [];
  return withPackageRoot(r, { object: fluxKustomization(r, r.name, sourcePath(r), undefined, []), path: ROOT_KS_PATH });
}

function homeOps(r: Resolved, generated: Generated[]): Generated[] {
  const apps = new Map<string, Generated[]>();
  for (const g of generated) {
    const app = g.app;
    if (!app) throw new Error(`internal error: ${g.path} belongs to no app of the home-ops layout`);
    apps.set(app, [...(apps.get(app) ?? []), g]);
  }
  const out: Generated[] = [];
  for (const [app, members] of apps) {
    const dir = `${r.namespace}/${app}/${APP_DIR}`;
    // Every member was placed by pathFor in `dir`: list it relative to the app's kustomization.
    const files = [...new Set(members.map((m) => m.path.slice(dir.length + 1)))].sort();
    out.push({ object: kustomizeKustomization(app, files), path: `${dir}/${KUSTOMIZATION_FILE}` });
    // Every object of an app shares one namespace (the datasources may differ from spec.namespace).
    const namespaces = [...new Set(members.map((m) => m.object.metadata.namespace).filter((n): n is string => !!n))];
    const target = namespaces.length === 1 ? namespaces[0] : undefined;
    // Releases from a shared HelmRepository wait for the app that applies it.
    const usesShared = app !== SOURCES_APP && apps.has(SOURCES_APP) && members.some((m) => m.object.kind === 'HelmRelease');
    const internal = usesShared ? [{ name: SOURCES_APP, namespace: r.spec.flux.kustomization.namespace }] : [];
    out.push({ object: fluxKustomization(r, app, sourcePath(r, app), target, internal), path: ksPathFor(r, app) });
  }
  return out;
}

/**
 * kustomize's own Kustomization (app/kustomization.yaml). kpt reads and writes it like any other
 * item, so it is local config: kpt live apply and kustomize builds never send it to a cluster.
 */
function kustomizeKustomization(app: string, files: string[]): KrmObject {
  return {
    apiVersion: KUSTOMIZE_API,
    kind: 'Kustomization',
    metadata: { name: app, annotations: { [LOCAL_CONFIG]: 'true' } },
    resources: files.map((f) => `./${f}`),
  };
}

function fluxKustomization(
  r: Resolved,
  name: string,
  path: string,
  targetNamespace: string | undefined,
  internalDeps: { name: string; namespace: string }[],
): KrmObject {
  const k = r.spec.flux.kustomization;
  const dependsOn = [...internalDeps, ...k.dependsOn.map((d) => ({ ...d }))];
  // Keys in the alphabetical order home-ops files use.
  const spec: Values = {};
  if (dependsOn.length) spec.dependsOn = dependsOn;
  spec.interval = r.spec.flux.interval;
  spec.path = path;
  if (k.substituteFrom.length) spec.postBuild = { substituteFrom: k.substituteFrom.map((s) => ({ ...s })) };
  spec.prune = true;
  spec.sourceRef = { kind: k.sourceRef.kind, name: k.sourceRef.name, namespace: k.sourceRef.namespace };
  if (targetNamespace) spec.targetNamespace = targetNamespace;
  return { apiVersion: FLUX_KUSTOMIZE_API, kind: 'Kustomization', metadata: { name, namespace: k.namespace }, spec };
}

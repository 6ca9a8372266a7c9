// Where kpt writes each generated object (internal.config.kubernetes.io/path).
import type { Resolved } from './resolve.ts';

const FILE_BY_KIND: Record<string, string> = {
  HelmRelease: 'helmrelease.yaml',
  OCIRepository: 'ocirepository.yaml',
  HelmRepository: 'helmrepository.yaml',
  HTTPRoute: 'httproute.yaml',
  ConfigMap: 'configmap.yaml',
};

/** The app folder of the Grafana datasource ConfigMap (not `grafana`: that is usually Grafana itself). */
export const DATASOURCES_APP = 'grafana-datasources';
/** Folder of each app's objects in the home-ops layout. */
export const APP_DIR = 'app';
/** kustomize's file name: kustomize and Flux find it by this name. */
export const KUSTOMIZATION_FILE = 'kustomization.yaml';
/** Flat layout: the Flux Kustomization for the whole rendered folder sits beside it, at the package root. */
export const ROOT_KS_PATH = 'ks.yaml';

/**
 * flat:     <namespace>/<app>/<kind>.yaml
 * home-ops: <namespace>/<app>/app/<kind>.yaml (the app's ks.yaml sits beside app/)
 */
export function pathFor(r: Resolved, app: string, kind: string, name?: string): string {
  const file = name ? `${kind.toLowerCase()}-${name}.yaml` : FILE_BY_KIND[kind] ?? `${kind.toLowerCase()}.yaml`;
  return r.spec.output.layout === 'home-ops' ? `${r.namespace}/${app}/${APP_DIR}/${file}` : `${r.namespace}/${app}/${file}`;
}

/** The home-ops per-app Flux Kustomization file. */
export const ksPathFor = (r: Resolved, app: string) => `${r.namespace}/${app}/ks.yaml`;

/** The home-ops app folder a generated path belongs to, or undefined outside the layout. */
export function appOf(r: Resolved, path: string): string | undefined {
  const parts = path.split('/');
  return parts.length === 4 && parts[0] === r.namespace && parts[2] === APP_DIR ? parts[1] : undefined;
}

/** The path of an app folder in the Git source, for a Flux Kustomization's spec.path. */
export function sourcePath(r: Resolved, app?: string): string {
  const base = (r.spec.flux.kustomization.path ?? `./${r.namespace}`).replace(/\/+$/, '');
  return app ? `${base}/${app}/${APP_DIR}` : base;
}

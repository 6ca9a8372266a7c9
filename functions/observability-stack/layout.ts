// Where kpt writes each generated object (internal.config.kubernetes.io/path).
import type { KrmObject } from '../krm/types.ts';
import type { Resolved } from './resolve.ts';

/** A generated object, the app folder it belongs to, and its file. */
export interface Generated {
  object: KrmObject;
  /** File path in the package (internal.config.kubernetes.io/path). */
  path: string;
  /** The app folder (loki, sources, grafana-datasources, ...); none for files outside every app (the flat ks.yaml, the Namespace). */
  app?: string;
}

const FILE_BY_KIND: Record<string, string> = {
  HelmRelease: 'helmrelease.yaml',
  OCIRepository: 'ocirepository.yaml',
  HelmRepository: 'helmrepository.yaml',
  HTTPRoute: 'httproute.yaml',
  ConfigMap: 'configmap.yaml',
};

/** The app folder and HelmRelease name of the Grafana Alloy collector. */
export const COLLECTOR_APP = 'alloy';
/** The home-ops app holding HelmRepositories shared by several releases (sourceKind HelmRepository). */
export const SOURCES_APP = 'sources';
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
function pathFor(r: Resolved, app: string, kind: string, name?: string): string {
  const file = name ? `${kind.toLowerCase()}-${name}.yaml` : (FILE_BY_KIND[kind] ?? `${kind.toLowerCase()}.yaml`);
  return r.spec.output.layout === 'home-ops' ? `${r.namespace}/${app}/${APP_DIR}/${file}` : `${r.namespace}/${app}/${file}`;
}

/** The home-ops per-app Flux Kustomization file. */
export const ksPathFor = (r: Resolved, app: string) => `${r.namespace}/${app}/ks.yaml`;

/** An object in its app's folder; `name` tells apart several objects of one kind (shared HelmRepositories). */
export const inApp = (r: Resolved, app: string, object: KrmObject, name?: string): Generated => ({ object, app, path: pathFor(r, app, object.kind, name) });

/** The path of an app folder in the Git source, for a Flux Kustomization's spec.path. */
export function sourcePath(r: Resolved, app?: string): string {
  const base = (r.spec.flux.kustomization.path ?? `./${r.namespace}`).replace(/\/+$/, '');
  return app ? `${base}/${app}/${APP_DIR}` : base;
}

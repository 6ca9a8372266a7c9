// Where kpt writes each generated object (internal.config.kubernetes.io/path).
import type { Resolved } from './resolve.ts';

const FILE_BY_KIND: Record<string, string> = {
  HelmRelease: 'helmrelease.yaml',
  OCIRepository: 'ocirepository.yaml',
  HelmRepository: 'helmrepository.yaml',
  HTTPRoute: 'httproute.yaml',
  ConfigMap: 'configmap.yaml',
};

/**
 * flat:     <namespace>/<app>/<kind>.yaml
 * home-ops: <namespace>/<app>/app/<kind>.yaml (the app's ks.yaml sits beside app/)
 */
export function pathFor(r: Resolved, app: string, kind: string, name?: string): string {
  const file = name ? `${kind.toLowerCase()}-${name}.yaml` : FILE_BY_KIND[kind] ?? `${kind.toLowerCase()}.yaml`;
  return r.spec.output.layout === 'home-ops' ? `${r.namespace}/${app}/app/${file}` : `${r.namespace}/${app}/${file}`;
}

/** The home-ops per-app Flux Kustomization file. */
export const ksPathFor = (r: Resolved, app: string) => `${r.namespace}/${app}/ks.yaml`;

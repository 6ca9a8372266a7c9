// spec.flux.kustomization.path: where the rendered `<namespace>/` folder sits in the Git source.
// The function cannot see the repository, only the package, so the path cannot be derived: a
// guess (`./<namespace>`) is right only when the package is the repository root and silently
// wrong everywhere else. Whenever a Flux Kustomization is generated, the path is required, and it
// must name the rendered folder.
import type { Spec } from './schema.ts';

export interface PathFinding {
  field: string;
  message: string;
}

const PATH_FIELD = 'spec.flux.kustomization.path';

/** Does the config generate Flux Kustomizations (and so need the path)? */
const needsFluxPath = (s: Spec) => s.output.layout === 'home-ops' || s.flux.kustomization.enabled;

export function fluxPathFindings(s: Spec): PathFinding[] {
  if (!needsFluxPath(s)) return [];
  const ns = s.namespace;
  const path = s.flux.kustomization.path;
  if (path === undefined) {
    const message =
      s.output.layout === 'home-ops'
        ? `required by the home-ops layout, whose ks.yaml files point Flux at <path>/<app>/app: give the Git path of the rendered ${ns}/ folder, the package's path in the repository plus /${ns} (home-ops keeps the package at kubernetes/apps: ./kubernetes/apps/${ns}).`
        : `required with spec.flux.kustomization.enabled: give the Git path of the rendered ${ns}/ folder, the package's path in the repository plus /${ns} (a package at clusters/main/observability: ./clusters/main/observability/${ns}). The function cannot see where the package sits in your repository.`;
    return [{ field: PATH_FIELD, message }];
  }
  const segments = path.replace(/^\.\//, '').replace(/\/+$/, '').split('/');
  if (path.startsWith('/') || segments.includes('..')) {
    return [
      {
        field: PATH_FIELD,
        message: `must be relative to the root of the Flux source, without "..", such as ./clusters/main/observability/${ns}; got ${JSON.stringify(path)}.`,
      },
    ];
  }
  if (segments.at(-1) !== ns) {
    return [
      {
        field: PATH_FIELD,
        message: `must end with /${ns}: the function renders into a folder named after spec.namespace, and Flux must apply that folder. For a package at ${JSON.stringify(path)} the path is ${JSON.stringify(`${path.replace(/\/+$/, '')}/${ns}`)}.`,
      },
    ];
  }
  return [];
}

// Annotation keys orchestrators (kpt, kustomize) and Flux read. Facts: the KRM Functions
// Specification (https://github.com/kubernetes-sigs/kustomize/blob/master/cmd/config/docs/api-conventions/functions-spec.md)
// and Flux's kustomize-controller docs (https://fluxcd.io/flux/components/kustomize/kustomizations/).

export const PATH = 'internal.config.kubernetes.io/path';
export const INDEX = 'internal.config.kubernetes.io/index';
const ID = 'internal.config.kubernetes.io/id';
export const LEGACY_PATH = 'config.kubernetes.io/path';
export const LEGACY_INDEX = 'config.kubernetes.io/index';
const LEGACY_ID = 'config.k8s.io/id';
const KUSTOMIZE_ID = 'kustomize.config.k8s.io/id';
export const LOCAL_CONFIG = 'config.kubernetes.io/local-config';
export const FUNCTION = 'config.kubernetes.io/function';

/** Annotations the orchestrator owns: never compared, never part of an object's meaning. */
export const ORCHESTRATOR_ANNOTATIONS = [PATH, INDEX, ID, LEGACY_PATH, LEGACY_INDEX, LEGACY_ID, KUSTOMIZE_ID];

/** Flux kustomize-controller skips post-build substitution for objects carrying this (label or annotation). */
export const FLUX_SUBSTITUTE = 'kustomize.toolkit.fluxcd.io/substitute';

/** Flux kustomize-controller skips garbage collection of objects carrying this annotation set to `disabled`. */
export const FLUX_PRUNE = 'kustomize.toolkit.fluxcd.io/prune';

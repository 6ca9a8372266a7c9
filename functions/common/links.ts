// Absolute links for --help and messages: a user running the image has no repository checkout,
// so repository-relative paths would point nowhere. Links pin the release tag of this version.
import pkg from '../../package.json' with { type: 'json' };

export const REPOSITORY_URL = 'https://github.com/observability-krm/observability-krm';
const VERSION: string = pkg.version;
const RELEASE_TAG = `v${VERSION}`;

/** A file of this release on GitHub, e.g. docs/observability-stack.md. */
export const docUrl = (path: string) => `${REPOSITORY_URL}/blob/${RELEASE_TAG}/${path}`;
/** The raw JSON Schema of this release, for `# yaml-language-server: $schema=`. */
export const schemaUrl = (file: string) => `https://raw.githubusercontent.com/observability-krm/observability-krm/${RELEASE_TAG}/schemas/${file}`;

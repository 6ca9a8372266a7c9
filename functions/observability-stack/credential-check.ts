// Credentials must never be written into the config, which is committed to Git: the checks that
// refuse them (an inline credential field under spec.objectStorage, a literal credential in
// spec.<system>.values). Generators never import this; parse and validate do.
import { findReferences } from '../flux/references.ts';

/**
 * Config keys that hold credentials in the charts and binaries we configure. A literal value
 * under one of them would be committed to Git: only `${VAR}` references are acceptable.
 */
const CREDENTIAL_KEYS = new Set([
  'accessKeyId',
  'secretAccessKey',
  'access_key_id',
  'secret_access_key',
  'access_key',
  'secret_key',
  'accessKey',
  'secretKey',
  'accountKey',
  'account_key',
  'storage_account_key',
  'connectionString',
  'connection_string',
  'sas_token',
  'service_account',
  'serviceAccountJson',
  'client_secret',
  'password',
  'rootPassword',
  'session_token',
]);

/** Field names people try under spec.objectStorage when they mean to give a credential. */
const INLINE_CREDENTIAL =
  /^(access[-_]?key([-_]?id)?|secret([-_]?access)?[-_]?key|account[-_]?(key|name)|key|password|secret|token|session[-_]?token|sas[-_]?token|connection[-_]?string|credentials?|service[-_]?account([-_]?(json|key))?|client[-_]?secret|user(name)?)$/i;

/**
 * The message for an unknown field under spec.objectStorage that looks like an inline
 * credential: say why it is refused and what to write instead.
 */
export function inlineCredentialMessage(path: string[], key: string): string | undefined {
  if (path[0] !== 'spec' || path[1] !== 'objectStorage' || !INLINE_CREDENTIAL.test(key)) return undefined;
  return (
    `"${key}" looks like a credential: spec.objectStorage never takes credential values, because the config is committed to Git. ` +
    `Put them in a Secret in spec.namespace and reference it: secretRef: {name: <secret>} ` +
    `(s3 keys AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, azure AZURE_ACCOUNT_NAME and AZURE_ACCOUNT_KEY, gcs GOOGLE_SERVICE_ACCOUNT_JSON; ` +
    `other key names through secretRef.accessKeyIdKey, secretAccessKeyKey, accountNameKey, accountKeyKey, serviceAccountKey).`
  );
}

/** A value that is one Flux variable and nothing else (`${S3_KEY}`): substituted from a Secret at apply time. A default would be a literal. */
function isSoleVariable(text: string): boolean {
  const refs = findReferences(text);
  return refs.length === 1 && refs[0]!.raw === text && !refs[0]!.hasDefault;
}

/** Paths (dotted) of literal credentials in a values tree: keys from CREDENTIAL_KEYS whose value is not a ${VAR}. */
export function literalCredentials(values: unknown, prefix: string): string[] {
  const found: string[] = [];
  const walk = (v: unknown, path: string) => {
    if (Array.isArray(v)) for (const [i, x] of v.entries()) walk(x, `${path}.${i}`);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        const p = `${path}.${k}`;
        if (CREDENTIAL_KEYS.has(k) && typeof x === 'string' && x !== '' && !isSoleVariable(x)) found.push(p);
        else walk(x, p);
      }
    }
  };
  walk(values, prefix);
  return found;
}

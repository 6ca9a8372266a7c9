// spec.objectStorage, shared by the Loki, Tempo and Pyroscope generators: how pods get the
// credentials (never a value, only Secret references) and how config files name them.
//
// s3 and azure: each credential becomes an environment variable read from the Secret with
// secretKeyRef, and the config refers to it as ${VAR}, expanded by the binaries'
// -config.expand-env=true. secretKeyRef (not envFrom) so a missing key stops the pod with
// "couldn't find key … in Secret" instead of expanding to an empty string.
// gcs: the service-account JSON is mounted as a file and named by GOOGLE_APPLICATION_CREDENTIALS,
// which Loki, Tempo and Pyroscope all honour (Google application default credentials); a JSON
// document spliced into YAML by env expansion would break the config.
import { literal } from '../flux/protect.ts';
import type { Spec } from './schema.ts';
import type { Values } from './merge.ts';

export type ObjectStorage = NonNullable<Spec['objectStorage']>;

/** Environment variable names the generated configs refer to. */
export const ENV = {
  accessKeyId: 'AWS_ACCESS_KEY_ID',
  secretAccessKey: 'AWS_SECRET_ACCESS_KEY',
  accountName: 'AZURE_STORAGE_ACCOUNT',
  accountKey: 'AZURE_STORAGE_KEY',
  googleCredentials: 'GOOGLE_APPLICATION_CREDENTIALS',
} as const;

const GCS_VOLUME = 'objstore-credentials';
const GCS_DIR = '/etc/objstore';
const GCS_FILE = 'service-account.json';

/** `${VAR}` for a config file, marked so Flux post-build substitution leaves it alone. */
export const envRef = (name: string) => literal(`\${${name}}`);

/**
 * The S3 endpoint for clients that need one (Tempo, Pyroscope: minio-go refuses an empty one):
 * the given S3-compatible endpoint, else AWS's regional endpoint.
 */
export const s3Endpoint = (os: ObjectStorage) => os.endpoint ?? (os.region ? `s3.${os.region}.amazonaws.com` : 's3.amazonaws.com');

export interface Credentials {
  /** Container env entries (secretKeyRef or a plain value). */
  env: Values[];
  /** Pod volumes and container mounts (gcs). */
  volumes: Values[];
  mounts: Values[];
  /** The config refers to ${VAR}: the binary needs -config.expand-env=true. */
  expandEnv: boolean;
}

const fromSecret = (name: string, secret: string, key: string): Values => ({ name, valueFrom: { secretKeyRef: { name: secret, key } } });

export function credentials(os: ObjectStorage): Credentials {
  const ref = os.secretRef!;
  const secret = ref.name!;
  if (os.type === 's3') {
    return {
      env: [fromSecret(ENV.accessKeyId, secret, ref.accessKeyIdKey), fromSecret(ENV.secretAccessKey, secret, ref.secretAccessKeyKey)],
      volumes: [],
      mounts: [],
      expandEnv: true,
    };
  }
  if (os.type === 'azure') {
    return {
      env: [fromSecret(ENV.accountName, secret, ref.accountNameKey), fromSecret(ENV.accountKey, secret, ref.accountKeyKey)],
      volumes: [],
      mounts: [],
      expandEnv: true,
    };
  }
  return {
    env: [{ name: ENV.googleCredentials, value: `${GCS_DIR}/${GCS_FILE}` }],
    volumes: [{ name: GCS_VOLUME, secret: { secretName: secret, items: [{ key: ref.serviceAccountKey, path: GCS_FILE }] } }],
    mounts: [{ name: GCS_VOLUME, mountPath: GCS_DIR, readOnly: true }],
    expandEnv: false,
  };
}

/** The same env as Pyroscope's `extraEnvVars` map (name -> value or {valueFrom}). */
export function envMap(env: Values[]): Values {
  const out: Values = {};
  for (const e of env) out[e.name as string] = 'valueFrom' in e ? { valueFrom: e.valueFrom } : e.value;
  return out;
}

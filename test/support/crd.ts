// Validation of emitted objects against the upstream CRDs of the reference data (`crds/`),
// with the ajv recipe of FLUX_AND_KRM.md §1.3, closed schemas (§1.2: server-side apply rejects
// undeclared fields) and hand-written versions of the CEL rules ajv cannot evaluate.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import YAML from 'yaml';
import { REFERENCE_DIR, reference } from './reference.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv; // CJS default export under NodeNext

/** The reference data folder (REFERENCE_DIR, see reference.ts), or undefined when it is not there. */
export function referenceDir(): string | undefined {
  return reference();
}

/** Go RE2's leading `(?i)` (PrometheusRule partial_response_strategy) becomes the JS `i` flag. */
function goRegExp(pattern: string, flags = ''): RegExp {
  const m = /^(\^?)\(\?i\)/.exec(pattern);
  return m ? new RegExp(m[1] + pattern.slice(m[0].length), `${flags}i`) : new RegExp(pattern, flags);
}

type Schema = Record<string, any>;

/** §1.2 workaround: every node with `properties` and no `additionalProperties` becomes closed. */
export function closeObjects(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closeObjects);
  if (!node || typeof node !== 'object') return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node)) {
    // Only schema-valued keywords are walked; `properties` is a map of schemas, `default`/`enum` are data.
    if (k === 'properties') out[k] = Object.fromEntries(Object.entries(v as Schema).map(([p, s]) => [p, closeObjects(s)]));
    else if (['items', 'additionalProperties', 'not', 'anyOf', 'oneOf', 'allOf'].includes(k)) out[k] = closeObjects(v);
    else out[k] = v;
  }
  if (out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) out.additionalProperties = false;
  return out;
}

let ajv: Ajv | undefined;
function getAjv(): Ajv {
  if (ajv) return ajv;
  ajv = new Ajv({ allErrors: true, strictTypes: false, code: { regExp: goRegExp as any } });
  addFormats(ajv);
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  for (const kw of [
    'x-kubernetes-validations',
    'x-kubernetes-preserve-unknown-fields',
    'x-kubernetes-int-or-string',
    'x-kubernetes-list-type',
    'x-kubernetes-list-map-keys',
    'x-kubernetes-map-type',
    'x-kubernetes-embedded-resource',
  ])
    ajv.addKeyword(kw);
  return ajv;
}

interface CrdVersion {
  schema: Schema;
  validate?: ValidateFunction;
}
let crds: Map<string, Map<string, CrdVersion>> | undefined; // "group/Kind" -> served version -> schema

function index(): Map<string, Map<string, CrdVersion>> {
  if (crds) return crds;
  // No silent pass: a check reached without the CRDs is a test not wrapped in testWith.
  const dir = reference('crds');
  if (!dir) {
    throw new Error(
      `missing ${join(REFERENCE_DIR, 'crds')} (set REFERENCE_DIR to the reference data folder); wrap the test in testWith({ reference: ['crds'] })`,
    );
  }
  crds = new Map();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    const crd = YAML.parse(readFileSync(join(dir, file), 'utf8'));
    if (crd?.kind !== 'CustomResourceDefinition') continue;
    const versions = new Map<string, CrdVersion>();
    for (const v of crd.spec.versions) if (v.served) versions.set(v.name, { schema: v.schema.openAPIV3Schema });
    crds.set(`${crd.spec.group}/${crd.spec.names.kind}`, versions);
  }
  return crds;
}

function split(apiVersion: unknown): [group: string, version: string] {
  const s = typeof apiVersion === 'string' ? apiVersion : '';
  const i = s.lastIndexOf('/');
  return i < 0 ? ['', s] : [s.slice(0, i), s.slice(i + 1)];
}

/** True when a vendored CRD defines this kind in this group (any served version). */
export function hasSchema(apiVersion: string, kind: string): boolean {
  return index().has(`${split(apiVersion)[0]}/${kind}`);
}

/** Every served apiVersion/kind pair of the vendored CRDs. */
export function servedKinds(): { apiVersion: string; kind: string }[] {
  const out: { apiVersion: string; kind: string }[] = [];
  for (const [gk, versions] of index()) {
    const [group, kind] = [gk.slice(0, gk.lastIndexOf('/')), gk.slice(gk.lastIndexOf('/') + 1)];
    for (const v of versions.keys()) out.push({ apiVersion: `${group}/${v}`, kind });
  }
  return out;
}

/** `/spec/rules/0/name` -> `spec.rules[0].name` */
function jsonPath(pointer: string): string {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : /^[A-Za-z_][\w-]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`;
  return out.replace(/^\./, '') || '(root)';
}

function describe(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties') return `field not declared in schema: ${JSON.stringify(p.additionalProperty)}`;
  if (e.keyword === 'enum') return `${e.message}: ${JSON.stringify(p.allowedValues)}`;
  return e.message ?? e.keyword;
}

function nullPaths(value: unknown, path: string, out: string[]) {
  if (value === null) out.push(path);
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) nullPaths(v, `${path}/${i}`, out);
  else if (typeof value === 'object')
    for (const [k, v] of Object.entries(value as object)) nullPaths(v, `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, out);
}

function label(obj: any): string {
  return `${obj?.kind ?? '?'}/${obj?.metadata?.name ?? '?'}`;
}

/**
 * Schema errors of an object whose group/kind has a vendored CRD, as `Kind/name path: message`.
 * Kinds without a CRD give []. Nulls are errors everywhere, also under preserve-unknown-fields
 * (HelmRelease spec.values): our output must not contain any.
 */
export function validateObject(obj: any): string[] {
  const [group, version] = split(obj?.apiVersion);
  const versions = index().get(`${group}/${obj?.kind}`);
  if (!versions) return [];
  const v = versions.get(version);
  if (!v) return [`${label(obj)}: apiVersion ${obj.apiVersion} is not served (served: ${[...versions.keys()].join(', ')})`];
  v.validate ??= getAjv().compile(closeObjects(v.schema) as Schema);
  const nulls: string[] = [];
  nullPaths(obj, '', nulls);
  const errors: string[] = [];
  const ok = v.validate(obj);
  const typed = new Set((v.validate.errors ?? []).map((e) => e.instancePath));
  for (const p of nulls) {
    // A typed field's null is dropped by the API server (prunenulls.go); a schema-free one (Helm
    // values) is kept and means "delete the chart default" to Helm, but server-side apply drops
    // nulls added on update (fluxcd/kustomize-controller#372), so it is unreliable under Flux.
    const why = typed.has(p) ? 'the API server drops it' : 'Flux server-side apply drops nulls added on update, kustomize-controller#372';
    errors.push(`${label(obj)} ${jsonPath(p)}: null is not allowed (${why}; strip nulls before emitting)`);
  }
  if (!ok) {
    for (const e of v.validate.errors ?? []) {
      if (nulls.includes(e.instancePath)) continue; // already reported as a null
      errors.push(`${label(obj)} ${jsonPath(e.instancePath)}: ${describe(e)}`);
    }
  }
  return [...new Set(errors)];
}

// ---- CEL rules, by hand ----------------------------------------------------------------------

const has = (o: any, k: string) => o != null && typeof o === 'object' && o[k] !== undefined && o[k] !== null;
const empty = (s: unknown) => s === undefined || s === null || s === '';

/**
 * The x-kubernetes-validations rules of the vendored CRDs that our objects can trip, evaluated on
 * the object as the API server sees it after defaulting (messages are the CRDs' own).
 */
export function celChecks(obj: any): string[] {
  const errs: string[] = [];
  const err = (path: string, msg: string) => errs.push(`${label(obj)} ${path}: ${msg}`);
  const [group] = split(obj?.apiVersion);
  const spec = obj?.spec ?? {};
  const kubeConfig = () => {
    if (has(spec, 'kubeConfig') && has(spec.kubeConfig, 'configMapRef') === has(spec.kubeConfig, 'secretRef'))
      err('spec.kubeConfig', 'exactly one of spec.kubeConfig.configMapRef or spec.kubeConfig.secretRef must be specified');
  };
  if (group === 'helm.toolkit.fluxcd.io' && obj.kind === 'HelmRelease') {
    if (has(spec, 'chart') === has(spec, 'chartRef')) err('spec', 'either chart or chartRef must be set');
    kubeConfig();
    const install = spec.install?.strategy,
      upgrade = spec.upgrade?.strategy;
    if (has(install, 'retryInterval') && install.name === 'RemediateOnFailure')
      err('spec.install.strategy', ".retryInterval cannot be set when .name is 'RemediateOnFailure'");
    if (has(upgrade, 'retryInterval') && upgrade.name !== 'RetryOnFailure')
      err('spec.upgrade.strategy', ".retryInterval can only be set when .name is 'RetryOnFailure'");
  }
  if (group === 'kustomize.toolkit.fluxcd.io' && obj.kind === 'Kustomization') kubeConfig();
  if (group === 'gateway.networking.k8s.io' && obj.kind === 'HTTPRoute') httpRoute(spec, err);
  if (group === 'grafana.integreatly.org' && ['GrafanaDashboard', 'GrafanaFolder'].includes(obj.kind)) {
    const [uid, ref, plain] = obj.kind === 'GrafanaDashboard' ? ['folderUID', 'folderRef', 'folder'] : ['parentFolderUID', 'parentFolderRef', undefined];
    if (has(spec, uid) && has(spec, ref)) err('spec', `Only one of ${uid} or ${ref} can be declared at the same time`);
    if (plain && has(spec, plain) && (has(spec, uid) || has(spec, ref)))
      err('spec', 'folder field cannot be set when folderUID or folderRef is already declared');
  }
  return errs;
}

const PATH_CHARS = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$/;
const FILTER_FIELDS: Record<string, string> = {
  RequestHeaderModifier: 'requestHeaderModifier',
  ResponseHeaderModifier: 'responseHeaderModifier',
  RequestMirror: 'requestMirror',
  RequestRedirect: 'requestRedirect',
  URLRewrite: 'urlRewrite',
  ExtensionRef: 'extensionRef',
  CORS: 'cors',
};

function httpRoute(spec: any, err: (path: string, msg: string) => void) {
  // parentRefs: group/kind defaults apply before CEL runs; port is not part of "the same parent".
  const parents: any[] = Array.isArray(spec.parentRefs) ? spec.parentRefs : [];
  const key = (p: any) => JSON.stringify([p.group ?? 'gateway.networking.k8s.io', p.kind ?? 'Gateway', p.name, p.namespace || '']);
  const groups = new Map<string, any[]>();
  for (const p of parents) groups.set(key(p), [...(groups.get(key(p)) ?? []), p]);
  for (const refs of groups.values()) {
    if (refs.length < 2) continue;
    const named = refs.filter((p) => !empty(p.sectionName));
    if (named.length > 0 && named.length < refs.length)
      err('spec.parentRefs', 'sectionName must be specified when parentRefs includes 2 or more references to the same parent');
    if (new Set(refs.map((p) => p.sectionName || '')).size < refs.length)
      err('spec.parentRefs', 'sectionName must be unique when parentRefs includes 2 or more references to the same parent');
  }
  const rules: any[] = Array.isArray(spec.rules) ? spec.rules : [{}];
  const matchesOf = (r: any): any[] => (Array.isArray(r.matches) ? r.matches : [{ path: { type: 'PathPrefix', value: '/' } }]);
  // The CEL rule sums the first 16 rules and allows <= 128; its message says "less than 128".
  const total = rules.slice(0, 16).reduce((n, r) => n + matchesOf(r).length, 0);
  if (total > 128)
    err('spec.rules', 'While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128');
  rules.forEach((r, i) => {
    const at = `spec.rules[${i}]`;
    const backendRefs: any[] = Array.isArray(r.backendRefs) ? r.backendRefs : [];
    const filters: any[] = Array.isArray(r.filters) ? r.filters : [];
    if (backendRefs.length > 0 && filters.some((f) => has(f, 'requestRedirect'))) err(at, 'RequestRedirect filter must not be used together with backendRefs');
    const prefixRewrite = (fs: any[], field: string) =>
      fs.filter((f) => f?.[field]?.path?.type === 'ReplacePrefixMatch' && has(f[field].path, 'replacePrefixMatch')).length === 1;
    const singlePrefix = () => {
      const m = matchesOf(r);
      return m.length === 1 && has(m[0], 'path') && (m[0].path.type ?? 'PathPrefix') === 'PathPrefix';
    };
    for (const [field, name] of [
      ['requestRedirect', 'RequestRedirect'],
      ['urlRewrite', 'URLRewrite'],
    ] as const) {
      if (prefixRewrite(filters, field) && !singlePrefix())
        err(at, `When using ${name} filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified`);
    }
    checkFilters(filters, `${at}.filters`, err);
    backendRefs.forEach((b, j) => {
      if (empty(b.group) && (b.kind ?? 'Service') === 'Service' && !has(b, 'port')) err(`${at}.backendRefs[${j}]`, 'Must have port for Service reference');
      checkFilters(Array.isArray(b.filters) ? b.filters : [], `${at}.backendRefs[${j}].filters`, err);
    });
    matchesOf(r).forEach((m, j) => {
      if (!has(m, 'path')) return;
      const type = m.path.type ?? 'PathPrefix',
        value = String(m.path.value ?? '/');
      if (type !== 'Exact' && type !== 'PathPrefix') return;
      const p = `${at}.matches[${j}].path`,
        when = "when type one of ['Exact', 'PathPrefix']";
      if (!value.startsWith('/')) err(p, `value must be an absolute path and start with '/' ${when}`);
      for (const bad of ['//', '/./', '/../', '%2f', '%2F', '#']) if (value.includes(bad)) err(p, `must not contain '${bad}' ${when}`);
      for (const end of ['/..', '/.']) if (value.endsWith(end)) err(p, `must not end with '${end}' ${when}`);
      if (!PATH_CHARS.test(value)) err(p, `must only contain valid characters (matching ${PATH_CHARS.source}) for types ['Exact', 'PathPrefix']`);
    });
  });
}

function checkFilters(filters: any[], at: string, err: (path: string, msg: string) => void) {
  const count = (t: string) => filters.filter((f) => f?.type === t).length;
  if (count('RequestRedirect') > 0 && count('URLRewrite') > 0)
    err(at, 'May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both');
  for (const t of ['CORS', 'RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestRedirect', 'URLRewrite'])
    if (count(t) > 1) err(at, `${t} filter cannot be repeated`);
  filters.forEach((f, i) => {
    for (const [type, field] of Object.entries(FILTER_FIELDS)) {
      if (f?.type === type && !has(f, field)) err(`${at}[${i}]`, `filter.${field} must be specified for ${type} filter.type`);
      if (f?.type !== type && has(f, field)) err(`${at}[${i}]`, `filter.${field} must be nil if the filter.type is not ${type}`);
    }
  });
}

// ---- metadata names (apimachinery validation) -------------------------------------------------

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;

const isLabel = (s: string) => s.length <= 63 && DNS1123_LABEL.test(s);
const isSubdomain = (s: string) => s.length <= 253 && DNS1123_SUBDOMAIN.test(s);

/** k8s IsQualifiedName: `[prefix/]name`, prefix a DNS-1123 subdomain, name <= 63 characters. */
function qualifiedNameError(key: string): string | undefined {
  if (key.split('/').length > 2) return 'a qualified name must have at most one "/"';
  const slash = key.indexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = key.slice(slash + 1);
  if (prefix !== undefined && !isSubdomain(prefix)) return `prefix ${JSON.stringify(prefix)} must be a DNS-1123 subdomain`;
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name))
    return 'name part must be 1-63 characters of [A-Za-z0-9-_.], starting and ending alphanumeric';
  return undefined;
}

/** Kinds whose names are not DNS-1123 subdomains. */
const NAME_RULES: Record<string, [test: (s: string) => boolean, what: string]> = {
  Service: [(s) => s.length <= 63 && DNS1035_LABEL.test(s), 'a DNS-1035 label (lower case, starts with a letter, <= 63)'],
  Namespace: [isLabel, 'a DNS-1123 label (<= 63)'],
  // RBAC names are path segments (e.g. "system:auth-delegator").
  ...Object.fromEntries(
    ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'].map((k) => [
      k,
      [(s: string) => s !== '.' && s !== '..' && !/[/%]/.test(s), 'a path segment (no "/" or "%", not "." or "..")'],
    ]),
  ),
};

/** metadata.name, namespace, label and annotation keys/values, ConfigMap/Secret data keys. */
export function validateNames(obj: any): string[] {
  const errs: string[] = [];
  const err = (path: string, msg: string) => errs.push(`${label(obj)} ${path}: ${msg}`);
  const meta = obj?.metadata ?? {};
  const name = meta.name;
  const [test, what] = NAME_RULES[obj?.kind] ?? [isSubdomain, 'a DNS-1123 subdomain (lower case, <= 253)'];
  if (typeof name !== 'string' || name === '') err('metadata.name', 'is required');
  else if (!test(name)) err('metadata.name', `${JSON.stringify(name)} must be ${what}`);
  if (meta.namespace !== undefined && !(typeof meta.namespace === 'string' && isLabel(meta.namespace)))
    err('metadata.namespace', `${JSON.stringify(meta.namespace)} must be a DNS-1123 label (<= 63)`);
  for (const [k, v] of Object.entries((meta.labels ?? {}) as Record<string, unknown>)) {
    const e = qualifiedNameError(k);
    if (e) err(`metadata.labels[${JSON.stringify(k)}]`, `invalid key: ${e}`);
    if (typeof v !== 'string') err(`metadata.labels[${JSON.stringify(k)}]`, 'value must be a string');
    else if (v.length > 63 || !LABEL_VALUE.test(v))
      err(`metadata.labels[${JSON.stringify(k)}]`, `invalid value ${JSON.stringify(v)}: <= 63 characters of [A-Za-z0-9-_.], starting and ending alphanumeric`);
  }
  let size = 0;
  for (const [k, v] of Object.entries((meta.annotations ?? {}) as Record<string, unknown>)) {
    const e = qualifiedNameError(k.toLowerCase()); // the API server lowercases annotation keys first
    if (e) err(`metadata.annotations[${JSON.stringify(k)}]`, `invalid key: ${e}`);
    if (typeof v !== 'string') err(`metadata.annotations[${JSON.stringify(k)}]`, 'value must be a string');
    else size += Buffer.byteLength(k) + Buffer.byteLength(v);
  }
  if (size > 256 * 1024) err('metadata.annotations', `total size ${size} exceeds 262144 bytes`);
  if (obj?.kind === 'ConfigMap' || obj?.kind === 'Secret') {
    for (const field of ['data', 'binaryData', 'stringData']) {
      for (const k of Object.keys(obj[field] ?? {}))
        if (k.length > 253 || !CONFIG_MAP_KEY.test(k) || k === '.' || k === '..')
          err(`${field}[${JSON.stringify(k)}]`, 'key must be <= 253 characters of [-._a-zA-Z0-9], not "." or ".."');
    }
  }
  return errs;
}

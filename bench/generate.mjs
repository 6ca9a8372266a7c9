// Deterministic inputs for the benchmarks (and the line-reader fidelity tests): ResourceLists laid
// out the way kpt writes them (items at column 0, kpt's path annotations), with the comments,
// block scalars and Flux `${VAR}` strings a home-ops repository is full of.
import { readFileSync } from 'node:fs';
import YAML from 'yaml';

const root = new URL('..', import.meta.url).pathname;

export const quickstartConfig = () => YAML.parse(readFileSync(`${root}examples/quickstart/config.yaml`, 'utf8'));

/** A ResourceList as kpt sends it: items as block sequence entries at column 0. */
export function resourceListText(itemTexts, functionConfig) {
  let out = 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n';
  for (const t of itemTexts) out += entry(t);
  if (functionConfig) out += `functionConfig:\n${indent(YAML.stringify(functionConfig))}`;
  return out;
}

/** The quickstart config as the one item and as the functionConfig (kpt fn render with configPath). */
export function quickstartList() {
  const config = quickstartConfig();
  return resourceListText([YAML.stringify(config)], config);
}

/** `n` unrelated resources (about 600 bytes each) and the quickstart config. */
export function packageList(n) {
  const texts = [];
  for (let i = 0; i < n; i++) texts.push(resource(i));
  const config = quickstartConfig();
  texts.push(YAML.stringify(config));
  return resourceListText(texts, config);
}

/** The text of the i-th generated resource: one of six home-ops shapes. */
export function resource(i) {
  const app = `app-${i}`;
  const ns = `ns-${i % 40}`;
  const path = `kubernetes/apps/${ns}/${app}/${['deployment', 'service', 'configmap', 'helmrelease', 'ks', 'secret'][i % 6]}.yaml`;
  const meta = (extra = '') => `metadata:
  name: ${app}
  namespace: ${ns}
  labels:
    app.kubernetes.io/name: ${app}
    app.kubernetes.io/part-of: home-ops${extra}
  annotations:
    config.kubernetes.io/index: '0'
    config.kubernetes.io/path: '${path}'
    internal.config.kubernetes.io/index: '0'
    internal.config.kubernetes.io/path: '${path}'
`;
  switch (i % 6) {
    case 0:
      return `# ${app}: the web front end
apiVersion: apps/v1
kind: Deployment
${meta()}spec:
  replicas: 2 # two for rolling updates
  selector:
    matchLabels:
      app.kubernetes.io/name: ${app}
  template:
    spec:
      containers:
      - name: app
        image: ghcr.io/home-ops/${app}:1.${i % 17}.0 # renovate: datasource=docker
        args: ["--listen=:8080", "--log-level=\${LOG_LEVEL}"]
        env:
        - name: TZ
          value: "Europe/Paris"
        - name: FEATURE_ON
          value: "yes"
        resources: {}
`;
    case 1:
      return `apiVersion: v1
kind: Service
${meta()}spec:
  type: ClusterIP
  ports:
  - name: http
    port: 80
    targetPort: 8080 # the container port
  selector:
    app.kubernetes.io/name: ${app}
`;
    case 2:
      return `apiVersion: v1
kind: ConfigMap
${meta()}data:
  config.yaml: |
    # embedded document: not a YAML stream of the list
    server:
      port: 8080
    ---
    - item: "${i}"
  mode: "0755"
  enabled: "on"
  empty: ""
`;
    case 3:
      return `# yaml-language-server: $schema=https://example.com/helmrelease.json
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
${meta()}spec:
  interval: 30m
  chart:
    spec:
      chart: app-template
      version: 3.${i % 9}.1 # renovate: datasource=helm
      sourceRef: {kind: HelmRepository, name: bjw-s, namespace: flux-system}
  values:
    ingress:
      main:
        hosts:
        - host: ${app}.\${SECRET_DOMAIN}
    persistence:
      config:
        existingClaim: ${app}
`;
    case 4:
      return `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
${meta()}spec:
  targetNamespace: ${ns}
  commonMetadata:
    labels:
      app.kubernetes.io/name: &app ${app}
  path: ./kubernetes/apps/${ns}/${app}/app
  prune: true
  postBuild:
    substitute:
      APP: *app
  wait: false
`;
    default:
      return `apiVersion: v1
kind: Secret
${meta()}type: Opaque
stringData:
  username: admin # not a real secret
  password: "s3cr3t-${i}"
  note: café ☕ 日本語
`;
  }
}

/**
 * LokiRules with `groups` rule groups in all (four per LokiRule), and the config that names the
 * label. Written as the examples write them: local config already (a render that must add the
 * annotation rewrites each LokiRule once, then never again).
 */
export function lokiRulesList(groups) {
  const texts = [YAML.stringify(quickstartConfig())];
  const perRule = 4;
  for (let r = 0; r * perRule < groups; r++) {
    const n = Math.min(perRule, groups - r * perRule);
    const rule = {
      apiVersion: 'observability.krm.dev/v1alpha1',
      kind: 'LokiRule',
      metadata: {
        name: `app-${r}`,
        namespace: `ns-${r % 20}`,
        annotations: { 'config.kubernetes.io/local-config': 'true', 'internal.config.kubernetes.io/path': `apps/app-${r}/rules.yaml` },
      },
      spec: {
        groups: Array.from({ length: n }, (_, g) => ({
          name: `app-${r}-group-${g}`,
          rules: [
            {
              alert: `App${r}Errors${g}`,
              expr: `sum by (pod) (count_over_time({app="app-${r}"} |~ "error" [5m])) > ${g}`,
              for: '5m',
              labels: { severity: 'warning' },
              annotations: { summary: '{{ $labels.pod }} logs errors' },
            },
            { record: `app:lines:rate5m:${r}_${g}`, expr: `sum by (app) (rate({app="app-${r}"} | json | level="error" [5m]))` },
          ],
        })),
      },
    };
    texts.push(YAML.stringify(rule));
  }
  return resourceListText(texts);
}

function entry(text) {
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  return `${body
    .split('\n')
    .map((l, i) => (i === 0 ? `- ${l}` : l === '' ? '' : `  ${l}`))
    .join('\n')}\n`;
}

function indent(text) {
  return `${text
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => (l ? `  ${l}` : l))
    .join('\n')}\n`;
}

// Grafana wiring: the datasource ConfigMap the kube-prometheus-stack sidecar loads, its URLs, UIDs
// and correlations, what Grafana's provisioning makes of it, and its way through Flux substitution.
import test from 'ava';
import YAML from 'yaml';
import { FLUX_SUBSTITUTE } from '../functions/krm/annotations.ts';
import { applyToObject } from './support/flux-envsubst/substitute.ts';
import { CPU_PROFILE, helmFullname } from '../functions/observability-stack/grafana.ts';
import { generateFor } from './support/transform.ts';
import { grafanaProvisioned } from './support/grafana-provisioning.ts';

const S3 = { type: 's3', endpoint: 'minio.storage.svc:9000', secretRef: { name: 'object-store' } };

function datasources(spec: object) {
  const out = generateFor(spec);
  const errors = out.results.filter((r) => r.severity === 'error');
  const cms = out.objects.filter((o: any) => o.kind === 'ConfigMap' && o.metadata.name.endsWith('-datasources'));
  const cm = cms[0];
  const key = cm ? Object.keys(cm.data)[0]! : '';
  const doc = cm ? YAML.parse(cm.data[key]) : undefined;
  const byType = (type: string) => doc?.datasources.find((d: any) => d.type === type);
  return { out, errors, cms, cm, key, doc, loki: byType('loki'), tempo: byType('tempo'), pyroscope: byType('grafana-pyroscope-datasource') };
}

test('grafanaProvisioned() follows Go os.ExpandEnv and Grafana $$ escaping', (t) => {
  t.is(grafanaProvisioned('${__value.raw}'), '');
  t.is(grafanaProvisioned('$${__value.raw}'), '${__value.raw}');
  t.is(grafanaProvisioned('a $HOME b', { HOME: '/h' }), 'a /h b');
  t.is(grafanaProvisioned('cost: 5$'), 'cost: 5$');
});

test('default config: one ConfigMap labelled for the Grafana sidecar, in spec.namespace', (t) => {
  const d = datasources({});
  t.deepEqual(d.errors, []);
  t.is(d.cms.length, 1);
  t.is(d.cm.metadata.name, 'observability-datasources');
  t.is(d.cm.metadata.namespace, 'observability');
  t.is(d.cm.metadata.labels.grafana_datasource, '1');
  t.is(d.key, 'observability-datasources.yaml');
  t.is(d.doc.apiVersion, 1);
  t.deepEqual(
    d.doc.datasources.map((x: any) => [x.name, x.type, x.uid, x.url]),
    [
      ['Loki', 'loki', 'loki', 'http://loki.observability.svc.cluster.local:3100'],
      ['Tempo', 'tempo', 'tempo', 'http://tempo.observability.svc.cluster.local:3200'],
      ['Pyroscope', 'grafana-pyroscope-datasource', 'pyroscope', 'http://pyroscope.observability.svc.cluster.local:4040'],
    ],
  );
  t.true(d.doc.datasources.every((x: any) => x.access === 'proxy'));
});

test('correlations: traces to logs and profiles, service map, node graph, logs to traces', (t) => {
  const { tempo, loki } = datasources({});
  const j = tempo.jsonData;
  t.is(j.tracesToLogsV2.datasourceUid, 'loki');
  t.true(j.tracesToLogsV2.filterByTraceID);
  t.deepEqual(j.tracesToLogsV2.tags, [{ key: 'service.name', value: 'service_name' }]);
  t.deepEqual(j.tracesToProfiles, {
    datasourceUid: 'pyroscope',
    profileTypeId: CPU_PROFILE,
    tags: [{ key: 'service.name', value: 'service_name' }],
    customQuery: false,
  });
  t.deepEqual(j.serviceMap, { datasourceUid: 'prometheus' });
  t.deepEqual(j.nodeGraph, { enabled: true });
  t.deepEqual(j.lokiSearch, { datasourceUid: 'loki' });
  const fields = loki.jsonData.derivedFields;
  t.deepEqual(
    fields.map((f: any) => [f.matcherType, f.datasourceUid]),
    [
      ['regex', 'tempo'],
      ['label', 'tempo'],
    ],
  );
  const re = new RegExp(fields[0].matcherRegex);
  t.is(re.exec('level=info traceID=4bf92f3577b34da6a3ce929d0e0e4736 msg=ok')?.[1], '4bf92f3577b34da6a3ce929d0e0e4736');
  t.is(re.exec('{"msg":"ok","trace_id":"0af7651916cd43dd8448eb211c80319c"}')?.[1], '0af7651916cd43dd8448eb211c80319c');
  t.is(fields[1].matcherRegex, 'trace_id');
});

test("Grafana's provisioning turns the derived-field URL into ${__value.raw}", (t) => {
  const { loki } = datasources({});
  for (const f of loki.jsonData.derivedFields) {
    t.is(f.url, '$${__value.raw}', 'escaped in the file');
    t.is(grafanaProvisioned(f.url), '${__value.raw}', 'what Grafana stores');
  }
});

test('the ConfigMap opts out of Flux substitution and survives strict substitution from cluster-secrets', (t) => {
  const { cm } = datasources({ pyroscope: { route: { hostname: 'pyroscope.${SECRET_DOMAIN}' } } });
  t.is(cm.metadata.annotations[FLUX_SUBSTITUTE], 'disabled');
  const vars = { SECRET_DOMAIN: 'example.org', CLUSTER_NAME: 'main' };
  t.deepEqual(applyToObject(cm, vars, { strict: true }), cm);
  // Without the opt-out Flux would read `$${` as its own escape: the file would say `${__value.raw}`
  // and Grafana's provisioning would expand that to an empty link.
  const exposed = structuredClone(cm);
  delete exposed.metadata.annotations[FLUX_SUBSTITUTE];
  const after = applyToObject(exposed, vars, { strict: true }) as any;
  const url = YAML.parse(Object.values<string>(after.data)[0]!).datasources[0].jsonData.derivedFields[0].url;
  t.is(url, '${__value.raw}');
  t.is(grafanaProvisioned(url), '');
});

test('UIDs, namespace and label come from the config', (t) => {
  const d = datasources({
    grafana: {
      datasources: {
        namespace: 'monitoring',
        label: 'grafana_ds',
        labelValue: 'yes',
        uids: { loki: 'logs', tempo: 'traces', pyroscope: 'profiles', prometheus: 'prom' },
      },
    },
  });
  t.is(d.cm.metadata.namespace, 'monitoring');
  t.deepEqual(
    Object.keys(d.cm.metadata.labels).filter((k) => !k.startsWith('app.kubernetes.io/')),
    ['grafana_ds'],
  );
  t.is(d.cm.metadata.labels.grafana_ds, 'yes');
  t.deepEqual(
    d.doc.datasources.map((x: any) => x.uid),
    ['logs', 'traces', 'profiles'],
  );
  t.is(d.tempo.jsonData.tracesToLogsV2.datasourceUid, 'logs');
  t.is(d.tempo.jsonData.tracesToProfiles.datasourceUid, 'profiles');
  t.is(d.tempo.jsonData.serviceMap.datasourceUid, 'prom');
  t.is(d.tempo.jsonData.lokiSearch.datasourceUid, 'logs');
  t.true(d.loki.jsonData.derivedFields.every((f: any) => f.datasourceUid === 'traces'));
  // The URLs still name the systems' own namespace.
  t.is(d.loki.url, 'http://loki.observability.svc.cluster.local:3100');
});

test('only enabled systems get a datasource, and only links between them', (t) => {
  const noTempo = datasources({ tempo: { enabled: false } });
  t.deepEqual(
    noTempo.doc.datasources.map((x: any) => x.name),
    ['Loki', 'Pyroscope'],
  );
  t.is(noTempo.loki.jsonData.derivedFields, undefined);

  const noProfiles = datasources({ pyroscope: { enabled: false } });
  t.is(noProfiles.tempo.jsonData.tracesToProfiles, undefined);
  t.truthy(noProfiles.tempo.jsonData.tracesToLogsV2);

  const noLogs = datasources({ loki: { enabled: false } });
  t.is(noLogs.tempo.jsonData.tracesToLogsV2, undefined);
  t.is(noLogs.tempo.jsonData.lokiSearch, undefined);
  t.truthy(noLogs.tempo.jsonData.tracesToProfiles);

  const profilesOnly = datasources({ loki: { enabled: false }, tempo: { enabled: false } });
  t.deepEqual(
    profilesOnly.doc.datasources.map((x: any) => x.name),
    ['Pyroscope'],
  );
  t.is(profilesOnly.cm.metadata.annotations?.[FLUX_SUBSTITUTE], undefined, 'nothing literal to protect');

  t.is(datasources({ grafana: { datasources: { enabled: false } } }).cms.length, 0);
});

test('scalable modes: the Loki gateway, the Tempo query-frontend and the Pyroscope query-frontend', (t) => {
  const d = datasources({ objectStorage: S3, loki: { mode: 'SimpleScalable' }, tempo: { mode: 'Distributed' }, pyroscope: { mode: 'Microservices' } });
  t.deepEqual(d.errors, []);
  t.is(d.loki.url, 'http://loki-gateway.observability.svc.cluster.local');
  const tempoValues = d.out.get('HelmRelease', 'tempo').spec.values;
  // Whatever name the tempo-distributed values give the release, the URL follows the chart's rule.
  t.is(d.tempo.url, `http://${helmFullname('tempo', 'tempo-distributed', tempoValues)}-query-frontend.observability.svc.cluster.local:3200`);
  t.is(d.pyroscope.url, 'http://pyroscope-query-frontend.observability.svc.cluster.local:4040');
  t.is(datasources({ objectStorage: S3, loki: { mode: 'Distributed' } }).loki.url, 'http://loki-gateway.observability.svc.cluster.local');
});

test('service names follow value overrides: fullnameOverride, gateway off, service port', (t) => {
  const d = datasources({
    objectStorage: S3,
    loki: { mode: 'SimpleScalable', values: { gateway: { enabled: false } } },
    tempo: { mode: 'Distributed', values: { fullnameOverride: 'tempo' } },
    pyroscope: { values: { pyroscope: { fullnameOverride: 'profiles', service: { port: 4041 } } } },
  });
  t.is(d.loki.url, 'http://loki-read.observability.svc.cluster.local:3100');
  t.is(d.tempo.url, 'http://tempo-query-frontend.observability.svc.cluster.local:3200');
  t.is(d.pyroscope.url, 'http://profiles.observability.svc.cluster.local:4041');
  t.is(
    datasources({ objectStorage: S3, loki: { mode: 'Distributed', values: { gateway: { enabled: false } } } }).loki.url,
    'http://loki-query-frontend.observability.svc.cluster.local:3100',
  );
});

test("helmFullname() is the charts' fullname helper", (t) => {
  t.is(helmFullname('loki', 'loki', {}), 'loki');
  t.is(helmFullname('tempo', 'tempo-distributed', {}), 'tempo-tempo-distributed');
  t.is(helmFullname('my-tempo-distributed', 'tempo-distributed', {}), 'my-tempo-distributed');
  t.is(helmFullname('x', 'loki', { nameOverride: 'logs' }), 'x-logs');
  t.is(helmFullname('x', 'loki', { fullnameOverride: 'a'.repeat(70) }), 'a'.repeat(63));
});

test('dashboards: the Loki chart gets monitoring.dashboards with the sidecar label; Tempo and Pyroscope get ours (their charts ship none)', (t) => {
  const out = generateFor({ grafana: { dashboards: { enabled: true, label: 'grafana_dashboard', labelValue: 'observability' } } });
  const loki = out.get('HelmRelease', 'loki').spec.values;
  t.like(loki.monitoring.dashboards, { enabled: true, labels: { grafana_dashboard: 'observability' } });
  for (const name of ['tempo', 'pyroscope']) {
    t.false(JSON.stringify(out.get('HelmRelease', name).spec.values).includes('dashboard'), name);
    t.is(out.get('ConfigMap', `observability-${name}-dashboard`).metadata.labels.grafana_dashboard, 'observability');
  }
  t.is(generateFor({}).get('HelmRelease', 'loki').spec.values.monitoring.dashboards, undefined, 'off by default');
});

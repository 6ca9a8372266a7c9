// Scale out with one field: spec.loki.mode / tempo.mode / pyroscope.mode plus spec.objectStorage
// give the values the charts' scalable modes need (CHARTS.md §1-3).
import test from 'ava';
import { generateFor, values } from './support/transform.ts';

const s3 = {
  type: 's3',
  endpoint: 'minio.minio.svc.cluster.local:9000',
  insecure: true,
  forcePathStyle: true,
  secretRef: { name: 'objstore' },
};
const gcs = { type: 'gcs', secretRef: { name: 'gcs-key', serviceAccountKey: 'key.json' } };
const azure = { type: 'azure', endpoint: 'blob.core.chinacloudapi.cn', secretRef: { name: 'az' } };

const SUBSTITUTE = 'kustomize.toolkit.fluxcd.io/substitute';
const errors = (out: { results: { severity: string }[] }) => out.results.filter((r) => r.severity === 'error');

const secretEnv = (name: string, secret: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: secret, key } } });

// ---------------------------------------------------------------- Loki

test('loki SimpleScalable on s3: mode, store, buckets, schema, retention store, replication', (t) => {
  const v = values({ objectStorage: s3, loki: { mode: 'SimpleScalable' } }, 'loki');
  t.is(v.deploymentMode, 'SimpleScalable');
  t.deepEqual(v.loki.storage.bucketNames, { chunks: 'loki-chunks', ruler: 'loki-ruler', admin: 'loki-admin' });
  t.like(v.loki.storage, { type: 's3', s3: { endpoint: 'minio.minio.svc.cluster.local:9000', insecure: true, s3ForcePathStyle: true } });
  t.deepEqual(
    v.loki.schemaConfig.configs.map((c: any) => [c.from, c.object_store, c.store, c.schema]),
    [['2024-04-01', 's3', 'tsdb', 'v13']],
  );
  t.is(v.loki.compactor.delete_request_store, 's3');
  t.true(v.loki.compactor.retention_enabled);
  t.is(v.loki.commonConfig.replication_factor, 3);
  t.deepEqual([v.read.replicas, v.write.replicas, v.backend.replicas, v.singleBinary.replicas], [3, 3, 3, 0]);
  t.true(v.gateway.enabled);
  t.false('memberlistConfig' in v.loki, 'memberlist stays as the chart sets it (the <fullname>-memberlist service)');
});

test('loki SimpleScalable: sidecar rules on the backend, the ruler reading them from local storage', (t) => {
  const v = values({ objectStorage: s3, loki: { mode: 'SimpleScalable' } }, 'loki');
  t.deepEqual(v.loki.rulerConfig.storage, { type: 'local', local: { directory: '/rules' } });
  t.is(v.sidecar.rules.folder, '/rules/fake');
  t.true(v.backend.sidecar);
  t.false(v.singleBinary.sidecar);
  t.false(v.ruler.sidecar);
  t.true(v.ruler.enabled);
});

test('loki Distributed: every component has replicas, the ruler runs and carries the sidecar', (t) => {
  const v = values({ objectStorage: gcs, loki: { mode: 'Distributed' } }, 'loki');
  t.is(v.deploymentMode, 'Distributed');
  t.deepEqual(
    Object.fromEntries(
      ['distributor', 'ingester', 'querier', 'queryFrontend', 'queryScheduler', 'indexGateway', 'compactor', 'ruler'].map((c) => [c, v[c].replicas]),
    ),
    { distributor: 3, ingester: 3, querier: 3, queryFrontend: 2, queryScheduler: 2, indexGateway: 2, compactor: 1, ruler: 1 },
  );
  // The chart refuses scalable and distributed replicas together outside transition modes.
  t.deepEqual([v.read.replicas, v.write.replicas, v.backend.replicas, v.singleBinary.replicas], [0, 0, 0, 0]);
  t.true(v.ruler.sidecar);
  t.false(v.backend.sidecar);
  t.false(v.singleBinary.sidecar);
  t.deepEqual(v.loki.rulerConfig.storage, { type: 'local', local: { directory: '/rules' } });
  t.true(v.gateway.enabled);
  t.is(v.loki.storage.type, 'gcs');
  t.is(v.loki.schemaConfig.configs[0].object_store, 'gcs');
  t.is(v.loki.compactor.delete_request_store, 'gcs');
  t.false(v.ingester.zoneAwareReplication.enabled, 'one ingester StatefulSet: replicas stay exact');
});

test('loki replicas per component from spec.loki.replicas; replication factor follows the write path', (t) => {
  const v = values({ objectStorage: s3, loki: { mode: 'SimpleScalable', replicas: { read: 2, write: 2, backend: 1 } } }, 'loki');
  t.deepEqual([v.read.replicas, v.write.replicas, v.backend.replicas], [2, 2, 1]);
  t.is(v.loki.commonConfig.replication_factor, 2, 'at most the write replicas');
  const d = values({ objectStorage: s3, loki: { mode: 'Distributed', replicas: { ingester: 4, querier: 1 } } }, 'loki');
  t.is(d.ingester.replicas, 4);
  t.is(d.querier.replicas, 1);
  t.is(d.loki.commonConfig.replication_factor, 3);
  t.false(d.ingester.zoneAwareReplication.enabled, 'with zones, 4 ingesters would become 6');
  t.is(values({ objectStorage: s3, loki: { mode: 'Distributed', replicationFactor: 2 } }, 'loki').loki.commonConfig.replication_factor, 2);
});

test('loki persistence: write, backend and ingester volumes with the storage class', (t) => {
  const spec = { storageClass: 'ceph-block', objectStorage: s3, loki: { storage: { size: '20Gi' } } };
  const ssd = values({ ...spec, loki: { ...spec.loki, mode: 'SimpleScalable' } }, 'loki');
  t.like(ssd.write.persistence, { volumeClaimsEnabled: true, size: '20Gi', storageClass: 'ceph-block' });
  t.like(ssd.backend.persistence, { enabled: true, size: '20Gi', storageClass: 'ceph-block' });
  const dist = values({ ...spec, loki: { ...spec.loki, mode: 'Distributed' } }, 'loki');
  t.true(dist.ingester.persistence.enabled);
  t.like(dist.ingester.persistence.claims[0], { name: 'data', size: '20Gi', storageClass: 'ceph-block' });
  t.like(dist.compactor.persistence.claims[0], { name: 'data', storageClass: 'ceph-block' });
  t.like(dist.indexGateway.persistence, { enabled: true, storageClass: 'ceph-block' });
});

test('loki s3 credentials: env from the Secret, ${VAR} in the config, protected from Flux', (t) => {
  const out = generateFor({
    objectStorage: { ...s3, secretRef: { name: 'objstore', accessKeyIdKey: 'id', secretAccessKeyKey: 'secret' } },
    loki: { mode: 'SimpleScalable' },
  });
  const hr = out.get('HelmRelease', 'loki');
  const v = hr.spec.values;
  t.is(v.loki.storage.s3.accessKeyId, '${AWS_ACCESS_KEY_ID}');
  t.is(v.loki.storage.s3.secretAccessKey, '${AWS_SECRET_ACCESS_KEY}');
  t.deepEqual(v.defaults.extraEnv, [secretEnv('AWS_ACCESS_KEY_ID', 'objstore', 'id'), secretEnv('AWS_SECRET_ACCESS_KEY', 'objstore', 'secret')]);
  // The chart already passes -config.expand-env=true to every Loki container (templates/_pod.tpl).
  t.false('extraArgs' in v.defaults);
  t.is(hr.metadata.annotations[SUBSTITUTE], 'disabled');
});

test('loki azure: account name and key from the Secret, endpoint suffix', (t) => {
  const v = values({ objectStorage: azure, loki: { mode: 'SimpleScalable' } }, 'loki');
  t.deepEqual(v.loki.storage.azure, {
    accountName: '${AZURE_STORAGE_ACCOUNT}',
    accountKey: '${AZURE_STORAGE_KEY}',
    endpointSuffix: 'blob.core.chinacloudapi.cn',
  });
  t.deepEqual(v.defaults.extraEnv, [secretEnv('AZURE_STORAGE_ACCOUNT', 'az', 'AZURE_ACCOUNT_NAME'), secretEnv('AZURE_STORAGE_KEY', 'az', 'AZURE_ACCOUNT_KEY')]);
});

test('loki gcs: the key file is mounted from the Secret, nothing to substitute', (t) => {
  const out = generateFor({ objectStorage: gcs, loki: { mode: 'Distributed' } });
  const hr = out.get('HelmRelease', 'loki');
  const d = hr.spec.values.defaults;
  t.deepEqual(d.extraEnv, [{ name: 'GOOGLE_APPLICATION_CREDENTIALS', value: '/etc/objstore/service-account.json' }]);
  t.deepEqual(d.extraVolumes, [
    { name: 'objstore-credentials', secret: { secretName: 'gcs-key', items: [{ key: 'key.json', path: 'service-account.json' }] } },
  ]);
  t.deepEqual(d.extraVolumeMounts, [{ name: 'objstore-credentials', mountPath: '/etc/objstore', readOnly: true }]);
  t.false(SUBSTITUTE in (hr.metadata.annotations ?? {}));
});

test('loki schemaMigrationDate keeps the filesystem period and adds the object store from that date', (t) => {
  const v = values({ objectStorage: s3, loki: { schemaMigrationDate: '2031-01-15' } }, 'loki');
  t.deepEqual(
    v.loki.schemaConfig.configs.map((c: any) => [c.from, c.object_store]),
    [
      ['2024-04-01', 'filesystem'],
      ['2031-01-15', 's3'],
    ],
  );
  t.is(v.loki.storage.type, 's3');
  // The old period reads the single binary's volume again.
  t.deepEqual(v.loki.storage_config.filesystem, { directory: '/var/loki/chunks' });
  t.is(v.deploymentMode, 'Monolithic');
  t.is(v.singleBinary.replicas, 1);
  t.true(v.singleBinary.persistence.enabled);
});

test('loki single binary on object storage: Monolithic with a bucket, more than one replica allowed', (t) => {
  const out = generateFor({ objectStorage: s3, loki: { replicas: { singleBinary: 2 }, replicationFactor: 2 } });
  t.deepEqual(errors(out), []);
  const v = out.get('HelmRelease', 'loki').spec.values;
  t.is(v.deploymentMode, 'Monolithic');
  t.is(v.singleBinary.replicas, 2);
  t.is(v.loki.commonConfig.replication_factor, 2);
  t.is(v.loki.storage.type, 's3');
  t.false(v.gateway.enabled);
});

test('loki with user Flux variables in values: literal ${VAR} are escaped as $${VAR} instead of the annotation', (t) => {
  const hr = generateFor({
    objectStorage: s3,
    loki: { mode: 'SimpleScalable', values: { gateway: { ingress: { hosts: [{ host: 'loki.${SECRET_DOMAIN}' }] } } } },
  }).get('HelmRelease', 'loki');
  t.is(hr.spec.values.loki.storage.s3.accessKeyId, '$${AWS_ACCESS_KEY_ID}');
  t.is(hr.spec.values.gateway.ingress.hosts[0].host, 'loki.${SECRET_DOMAIN}');
  t.false(SUBSTITUTE in hr.metadata.annotations);
});

// ---------------------------------------------------------------- Tempo

test('tempo single binary on s3: object-store backend, env and expand-env, protected', (t) => {
  const hr = generateFor({ objectStorage: { ...s3, region: 'eu-west-1' } }).get('HelmRelease', 'tempo');
  const v = hr.spec.values;
  t.is(v.tempo.storage.trace.backend, 's3');
  t.deepEqual(v.tempo.storage.trace.s3, {
    bucket: 'tempo-traces',
    endpoint: 'minio.minio.svc.cluster.local:9000',
    region: 'eu-west-1',
    access_key: '${AWS_ACCESS_KEY_ID}',
    secret_key: '${AWS_SECRET_ACCESS_KEY}',
    insecure: true,
    forcepathstyle: true,
  });
  t.false('local' in v.tempo.storage.trace);
  t.is(v.tempo.storage.trace.wal.path, '/var/tempo/wal', 'the WAL stays on the volume');
  t.deepEqual(v.tempo.extraArgs, { 'config.expand-env': 'true' });
  t.deepEqual(
    v.tempo.extraEnv.map((e: any) => e.name),
    ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'],
  );
  t.true(v.persistence.enabled);
  t.is(hr.metadata.annotations[SUBSTITUTE], 'disabled');
});

test('tempo s3 on AWS without an endpoint: the regional AWS endpoint', (t) => {
  const v = values({ objectStorage: { type: 's3', region: 'eu-west-1', secretRef: { name: 'aws' } } }, 'tempo');
  t.is(v.tempo.storage.trace.s3.endpoint, 's3.eu-west-1.amazonaws.com');
});

test('tempo Distributed (1.61.3): classic components, receivers on 0.0.0.0, retention, monitoring', (t) => {
  const out = generateFor({ objectStorage: s3, tempo: { mode: 'Distributed', retention: '14d', replicas: { ingester: 2, querier: 2 } } });
  t.deepEqual(errors(out), []);
  t.is(out.get('OCIRepository', 'tempo-distributed').spec.ref.tag, '1.61.3');
  t.is(out.get('OCIRepository', 'tempo-distributed').spec.url, 'oci://ghcr.io/grafana/helm-charts/tempo-distributed');
  const hr = out.get('HelmRelease', 'tempo');
  const v = hr.spec.values;
  t.deepEqual(v.traces.otlp.grpc, { enabled: true, receiverConfig: { endpoint: '0.0.0.0:4317' } });
  t.deepEqual(v.traces.otlp.http, { enabled: true, receiverConfig: { endpoint: '0.0.0.0:4318' } });
  t.is(v.compactor.config.compaction.block_retention, '336h');
  t.deepEqual(
    ['distributor', 'ingester', 'querier', 'queryFrontend', 'compactor'].map((c) => v[c].replicas),
    [1, 2, 2, 1, 1],
  );
  t.is(v.ingester.config.replication_factor, 2, 'no more than the ingesters');
  t.is(v.ingester.config.max_block_duration, '5m');
  t.true(v.ingester.persistence.enabled);
  t.true(v.metaMonitoring.serviceMonitor.enabled);
  t.is(v.storage.trace.backend, 's3');
  t.is(v.storage.trace.s3.bucket, 'tempo-traces');
  for (const c of ['distributor', 'ingester', 'querier', 'queryFrontend', 'compactor']) {
    t.deepEqual(v[c].extraArgs, ['-config.expand-env=true'], c);
    t.deepEqual(
      v[c].extraEnv,
      [secretEnv('AWS_ACCESS_KEY_ID', 'objstore', 'AWS_ACCESS_KEY_ID'), secretEnv('AWS_SECRET_ACCESS_KEY', 'objstore', 'AWS_SECRET_ACCESS_KEY')],
      c,
    );
  }
  t.false('global' in v, 'global.extraArgs would reach memcached too');
  t.is(hr.metadata.annotations[SUBSTITUTE], 'disabled');
});

test('tempo on gcs: the key file mounted (single binary and every distributed component), no env expansion', (t) => {
  const single = values({ objectStorage: gcs }, 'tempo');
  t.deepEqual(single.tempo.storage.trace.gcs, { bucket_name: 'tempo-traces' });
  t.is(single.extraVolumes[0].secret.secretName, 'gcs-key', 'pod volumes are top-level in the tempo chart');
  t.is(single.tempo.extraVolumeMounts[0].mountPath, '/etc/objstore');
  t.false('extraArgs' in single.tempo);
  const dist = values({ objectStorage: gcs, tempo: { mode: 'Distributed' } }, 'tempo');
  for (const c of ['distributor', 'ingester', 'querier', 'queryFrontend', 'compactor']) {
    t.is(dist[c].extraVolumes[0].secret.items[0].key, 'key.json', c);
    t.deepEqual(dist[c].extraEnv, [{ name: 'GOOGLE_APPLICATION_CREDENTIALS', value: '/etc/objstore/service-account.json' }], c);
    t.false('extraArgs' in dist[c], c);
  }
});

test('tempo Distributed: otlp switches, serviceMonitors off', (t) => {
  const v = values({ objectStorage: s3, tempo: { mode: 'Distributed', otlp: { http: false } }, monitoring: { serviceMonitors: false } }, 'tempo');
  t.deepEqual(v.traces.otlp.http, { enabled: false });
  t.true(v.traces.otlp.grpc.enabled);
  t.false(v.metaMonitoring.serviceMonitor.enabled);
});

test('tempo Distributed on tempo-distributed 3.x with Kafka: the Tempo 3 write path from grafana-community', (t) => {
  const out = generateFor({
    objectStorage: azure,
    tempo: { mode: 'Distributed', chart: { version: '3.3.0' }, kafka: { address: 'redpanda.kafka.svc:9092', partitions: 2 }, retention: '2d' },
  });
  t.deepEqual(errors(out), []);
  const src = out.get('OCIRepository', 'tempo-distributed');
  t.is(src.spec.url, 'oci://ghcr.io/grafana-community/helm-charts/tempo-distributed');
  const v = out.get('HelmRelease', 'tempo').spec.values;
  t.deepEqual(v.ingest.kafka, { address: 'redpanda.kafka.svc:9092', topic: 'tempo-traces', auto_create_topic_default_partitions: 2 });
  t.is(v.blockBuilder.replicas, 2);
  t.is(v.liveStore.replicas, 2);
  t.is(v.backendScheduler.config.provider.compaction.compaction.block_retention, '48h');
  t.false('ingester' in v);
  t.false('compactor' in v);
  t.deepEqual(v.defaults.extraArgs, ['-config.expand-env=true']);
  t.deepEqual(
    v.defaults.extraEnv.map((e: any) => e.valueFrom.secretKeyRef.key),
    ['AZURE_ACCOUNT_NAME', 'AZURE_ACCOUNT_KEY'],
  );
  t.deepEqual(v.storage.trace.azure, {
    container_name: 'tempo-traces',
    storage_account_name: '${AZURE_STORAGE_ACCOUNT}',
    storage_account_key: '${AZURE_STORAGE_KEY}',
    endpoint_suffix: 'blob.core.chinacloudapi.cn',
  });
});

test('tempo-distributed >= 2 with HelmRepository comes from the grafana-community repository', (t) => {
  const out = generateFor({ flux: { sourceKind: 'HelmRepository' }, objectStorage: s3, tempo: { mode: 'Distributed', chart: { version: '2.26.2' } } });
  t.deepEqual(errors(out), []);
  t.deepEqual(out.get('HelmRelease', 'tempo').spec.chart.spec.sourceRef, { kind: 'HelmRepository', name: 'grafana-community' });
  const custom = generateFor({
    objectStorage: s3,
    tempo: { mode: 'Distributed', chart: { version: '3.3.0', url: 'oci://mirror.example.com/charts/tempo-distributed' }, kafka: { address: 'k:9092' } },
  });
  t.is(custom.get('OCIRepository', 'tempo-distributed').spec.url, 'oci://mirror.example.com/charts/tempo-distributed', 'an explicit url wins');
});

// ---------------------------------------------------------------- Pyroscope

test('pyroscope single binary on s3: structuredConfig storage, env, expand-env', (t) => {
  const hr = generateFor({ objectStorage: s3, pyroscope: { retention: '30d' } }).get('HelmRelease', 'pyroscope');
  const p = hr.spec.values.pyroscope;
  t.deepEqual(p.structuredConfig.storage, {
    backend: 's3',
    s3: {
      bucket_name: 'pyroscope-profiles',
      endpoint: 'minio.minio.svc.cluster.local:9000',
      access_key_id: '${AWS_ACCESS_KEY_ID}',
      secret_access_key: '${AWS_SECRET_ACCESS_KEY}',
      insecure: true,
      bucket_lookup_type: 'path-style',
    },
  });
  t.deepEqual(p.structuredConfig.limits, { retention_period: '30d' });
  t.is(p.extraArgs['config.expand-env'], 'true');
  t.is(p.extraArgs['log.level'], 'info');
  t.deepEqual(p.extraEnvVars.AWS_ACCESS_KEY_ID, { valueFrom: { secretKeyRef: { name: 'objstore', key: 'AWS_ACCESS_KEY_ID' } } });
  t.true(p.persistence.enabled, 'the raft metastore of the single binary keeps its volume');
  t.is(p.replicaCount, 1);
  t.false('architecture' in hr.spec.values);
  t.is(hr.metadata.annotations[SUBSTITUTE], 'disabled');
});

test('pyroscope Microservices on gcs: architecture switch, metastore volume only, key file mounted', (t) => {
  const v = values({ storageClass: 'fast', objectStorage: gcs, pyroscope: { mode: 'Microservices' } }, 'pyroscope');
  t.true(v.architecture.microservices.enabled);
  t.deepEqual(v.pyroscope.structuredConfig.storage, { backend: 'gcs', gcs: { bucket_name: 'pyroscope-profiles' } });
  t.false(v.pyroscope.persistence.enabled, 'Deployments must not inherit a claim the chart never creates');
  t.deepEqual(v.pyroscope.components.metastore.persistence, { enabled: true, size: '10Gi', storageClassName: 'fast' });
  t.false('replicaCount' in v.pyroscope);
  t.is(v.pyroscope.extraEnvVars.GOOGLE_APPLICATION_CREDENTIALS, '/etc/objstore/service-account.json');
  t.is(v.pyroscope.extraVolumes[0].secret.secretName, 'gcs-key');
  t.false('config.expand-env' in v.pyroscope.extraArgs);
});

test('pyroscope route: the single-binary Service, or the component Services in Microservices mode', (t) => {
  const route = { hostname: 'pyroscope.example.com' };
  const single = generateFor({ objectStorage: s3, pyroscope: { route } }).get('HTTPRoute', 'pyroscope');
  t.deepEqual(single.spec.rules, [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'pyroscope', port: 4040 }] }]);
  const micro = generateFor({ objectStorage: s3, pyroscope: { mode: 'Microservices', route } }).get('HTTPRoute', 'pyroscope');
  const byPath: Record<string, string> = {};
  for (const rule of micro.spec.rules) for (const m of rule.matches) byPath[m.path.value] = rule.backendRefs.map((b: any) => `${b.name}:${b.port}`).join();
  t.is(byPath['/'], 'pyroscope-query-frontend:4040', 'the UI');
  t.is(byPath['/querier.v1.QuerierService/'], 'pyroscope-query-frontend:4040');
  t.is(byPath['/ingest'], 'pyroscope-distributor:4040');
  t.is(byPath['/push.v1.PusherService/'], 'pyroscope-distributor:4040');
  t.is(byPath['/settings.v1.SettingsService/'], 'pyroscope-tenant-settings:4040');
  t.is(byPath['/adhocprofiles.v1.AdHocProfileService/'], 'pyroscope-ad-hoc-profiles:4040');
  t.false(Object.values(byPath).includes('pyroscope:4040'), 'no Service named pyroscope exists in microservices mode');
});

// ---------------------------------------------------------------- credentials never leak

test('no credential value anywhere in the output: only Secret references and ${VAR}', (t) => {
  for (const os of [s3, gcs, azure]) {
    const out = generateFor({ objectStorage: os, loki: { mode: 'Distributed' }, tempo: { mode: 'Distributed' }, pyroscope: { mode: 'Microservices' } });
    t.deepEqual(errors(out), [], os.type);
    const credentialKey =
      /^(accessKeyId|secretAccessKey|access_key_id|secret_access_key|access_key|secret_key|accountKey|account_key|accountName|account_name|storage_account_name|storage_account_key|service_account)$/;
    const walk = (v: unknown, path: string) => {
      if (Array.isArray(v)) for (const [i, x] of v.entries()) walk(x, `${path}.${i}`);
      else if (v && typeof v === 'object')
        for (const [k, x] of Object.entries(v)) {
          if (credentialKey.test(k)) t.regex(String(x), /^\$?\$\{[A-Z_]+\}$/, `${os.type}: ${path}.${k}`);
          walk(x, `${path}.${k}`);
        }
    };
    for (const o of out.objects) walk(o, o.kind);
    // Env values are either a file path (gcs) or a secretKeyRef.
    const text = JSON.stringify(out.objects);
    for (const m of text.matchAll(/"name":"(AWS_[A-Z_]+|AZURE_[A-Z_]+)","value"/g)) t.fail(`plain env value for ${m[1]}`);
  }
});

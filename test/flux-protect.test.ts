// Generated literal `${` text survives Flux post-build substitution, with or without user variables.
import test from 'ava';
import { literal, protect } from '../functions/flux/protect.ts';
import { applyToObject } from './support/flux-envsubst/substitute.ts';

const obj = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'y' }, data });
const VARS = { SECRET_DOMAIN: 'example.com', TEMPO_UID: 'tempo' };

for (const text of ['${__value.raw}', '$${__value.raw}', 'a $$ b ${S3_KEY}', '$$$${x}', 'plain ${__span.traceId} text']) {
  test(`literal ${JSON.stringify(text)} alone: opted out of substitution, text intact`, (t) => {
    const { object } = protect(obj({ v: literal(text) }) as any);
    t.is(object.metadata.annotations?.['kustomize.toolkit.fluxcd.io/substitute'], 'disabled');
    t.is((applyToObject(object, VARS, { strict: true }) as any).data.v, text);
  });

  test(`literal ${JSON.stringify(text)} beside a user variable: escaped, and Flux gives back the text`, (t) => {
    const { object, variables } = protect(obj({ v: literal(text), host: 'p.${SECRET_DOMAIN}', uid: '${TEMPO_UID}' }) as any);
    t.deepEqual(variables.sort(), ['SECRET_DOMAIN', 'TEMPO_UID']);
    t.falsy(object.metadata.annotations?.['kustomize.toolkit.fluxcd.io/substitute']);
    const after = applyToObject(object, VARS, { strict: true }) as any;
    t.is(after.data.v, text);
    t.is(after.data.host, 'p.example.com');
  });
}

test('no literal: objects are left for Flux as they are', (t) => {
  const o = obj({ host: 'p.${SECRET_DOMAIN}' }) as any;
  t.is(protect(o).object, o);
});

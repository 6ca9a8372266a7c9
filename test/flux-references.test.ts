// One answer to "what does Flux post-build substitution substitute", shared by every check:
// protection of generated text, the variables info result, and value formats.
import test from 'ava';
import { hostname, url } from '../functions/common/formats.ts';
import { literal, protect } from '../functions/flux/protect.ts';
import { fluxVariables, withSampleVariables } from '../functions/flux/references.ts';
import { applyToObject, substitute } from './support/flux-envsubst/substitute.ts';

const obj = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'y' }, data });

test('a variable after an escaped dollar ($$${X}) is a variable: Flux halves $$ and substitutes ${X}', (t) => {
  t.is(substitute('p.$$${SECRET_DOMAIN}', { SECRET_DOMAIN: 'example.com' }), 'p.$example.com');
  t.deepEqual(fluxVariables('p.$$${SECRET_DOMAIN}'), ['SECRET_DOMAIN']);
  t.deepEqual(fluxVariables('$${ESCAPED} $$$$${NOT_ESCAPED}'), ['NOT_ESCAPED']);
});

test('protect: a user variable behind $$ beside literal text is substituted, not opted out', (t) => {
  const { object, variables } = protect(obj({ link: literal('${__value.raw}'), host: 'p.$$${SECRET_DOMAIN}' }) as any);
  t.deepEqual(variables, ['SECRET_DOMAIN']);
  t.falsy(object.metadata.annotations?.['kustomize.toolkit.fluxcd.io/substitute'], 'Flux must still substitute the user variable');
  const after = applyToObject(object, { SECRET_DOMAIN: 'example.com' }, { strict: true }) as any;
  t.is(after.data.host, 'p.$example.com');
  t.is(after.data.link, '${__value.raw}');
});

test('nested defaults count as variables, inner ones included', (t) => {
  t.deepEqual(fluxVariables('${DOMAIN:-${FALLBACK}}'), ['DOMAIN', 'FALLBACK']);
});

test('formats test a value as Flux will leave it: a nested default is one whole variable', (t) => {
  t.is(withSampleVariables('pyroscope.${DOMAIN:-${FALLBACK}}'), 'pyroscope.x');
  t.is(withSampleVariables('a.${X}.${Y:=b}.c'), 'a.x.x.c');
  t.is(withSampleVariables('$${ESCAPED}.example.com'), '$${ESCAPED}.example.com', 'an escape is no variable');
  t.true(hostname.safeParse('pyroscope.${DOMAIN:-${FALLBACK}}').success);
  t.true(url.safeParse('https://${HOST:=${DEFAULT_HOST}}/path').success);
  t.false(hostname.safeParse('pyroscope.${DOMAIN:-${FALLBACK}}}').success, 'a stray brace is still refused');
});

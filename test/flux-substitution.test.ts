// Flux post-build substitution rules (FLUX_AND_KRM.md §2). Expected values come from the reference
// text and from fluxcd/pkg envsubst's own eval_test.go / parse_test.go (v1.7.0).
import test from 'ava';
import fc from 'fast-check';
import {
  applyToObject,
  escapeForFlux,
  findMalformed,
  findReferences,
  FluxSubstitutionError,
  needsProtection,
  substitute,
} from './support/flux-envsubst/substitute.ts';

const lax = { strict: false };

test('escapes documented in §2.3: $$ is halved outside ${}', (t) => {
  t.is(substitute('$${var}', { var: 'x' }), '${var}');
  t.is(substitute('a$$b', {}), 'a$b');
  t.is(substitute('$$$', {}), '$$');
  t.is(substitute('$$${x}', { x: 'v' }), '$v'); // the third $ opens an expression
  t.is(substitute('echo $$ > pid', {}), 'echo $ > pid'); // a shell PID is corrupted
  t.is(substitute('something $${var=${default_var}}', { default_var: 'foo' }, lax), 'something ${var=foo}');
  t.is(substitute('some text ${var01}$${var$${var01}$var01${var01}', { var01: 'abcdEFGH28ij' }), 'some text abcdEFGH28ij${var${var01}$var01abcdEFGH28ij');
});

test('unbraced and template dollars are left alone', (t) => {
  for (const s of ['$VAR', '$var01', '{{ $labels.pod }}', 'replacement: $1', '|~ "error$"', '$__rate_interval', '$', '}{']) t.is(substitute(s, {}), s);
  t.is(substitute('\\\\.\\pipe ${x} \\\\', { x: 'v' }), '\\\\.\\pipe v \\\\'); // backslashes outside ${} stay
});

test('defaults: :=, =, :- (and :?, :+ parsed as defaults)', (t) => {
  for (const op of [':=', '=', ':-', ':?', ':+']) {
    t.is(substitute(`\${v${op}dflt}`, {}), 'dflt', op);
    t.is(substitute(`\${v${op}dflt}`, { v: 'set' }), 'set', op);
    t.is(substitute(`\${v${op}dflt}`, { v: '' }), 'dflt', `${op} treats empty like unset`);
  }
  t.is(substitute('${var=${default_var}}', { default_var: 'foo' }), 'foo');
  t.is(substitute('foo: ${var=prefix${default_var}-suffix}', { default_var: 'foo1' }), 'foo: prefixfoo1-suffix');
  t.is(substitute('${v:-}', {}), '');
});

test('bare -, ?, + defaults are NOT parsed, although §2.2 lists ${var-default}', (t) => {
  // parse.go only dispatches on ':' '=' ',' '^' '/' '#' '%' after the name.
  for (const s of ['${var-default}', '${var?x}', '${var+x}']) t.throws(() => substitute(s, { var: 'x' }), { message: 'missing closing brace' }, s);
});

test('length, case, substring, trim and replacement functions', (t) => {
  const v = { var01: 'abcdEFGH28ij', up: 'ABCDEFGH28IJ', p: '/home/bozo/ideas/thoughts.for.today' };
  t.is(substitute('${#var01}', v), '12');
  t.is(substitute('${var01^}', v), 'AbcdEFGH28ij');
  t.is(substitute('${var01^^}', v), 'ABCDEFGH28IJ');
  t.is(substitute('${up,}', v), 'aBCDEFGH28IJ');
  t.is(substitute('${up,,}', v), 'abcdefgh28ij');
  t.is(substitute('${p:11}', v), 'ideas/thoughts.for.today');
  t.is(substitute('${p:11:5}', v), 'ideas');
  t.is(substitute('${p:-5}', v), v.p); // ':-' is a default, as in bash
  t.is(substitute('${p:${neg}}', { ...v, neg: '-5' }), 'today'); // a negative offset only via a nested value
  t.is(substitute('${p: -5}', v), '/home/bozo/ideas/thoughts.for.today'); // " -5" is no integer: value kept
  t.is(substitute('${p:100}', v), '');
  const f = { f: 'bash.string.txt', z: 'abcABC123ABCabc', s: 'foo/bar/baz' };
  t.is(substitute('${f#*.}', f), 'string.txt');
  t.is(substitute('${f##*.}', f), 'txt');
  t.is(substitute('${f%.*}', f), 'bash.string');
  t.is(substitute('${f%%.*}', f), 'bash');
  t.is(substitute('${z/abc/xyz}', f), 'xyzABC123ABCabc');
  t.is(substitute('${z//abc/xyz}', f), 'xyzABC123ABCxyz');
  t.is(substitute('${z/#abc/XYZ}', f), 'XYZABC123ABCabc');
  t.is(substitute('${z/%abc/XYZ}', f), 'abcABC123ABCXYZ');
  t.is(substitute('${z/./}', { z: 'foo.bar' }), 'foobar');
  t.is(substitute('${s//\\//-}', f), 'foo-bar-baz'); // \/ escapes a slash inside ${}
  t.is(substitute('${z/abc/$&}', f), '$&ABC123ABCabc'); // no JS replacement patterns
});

test('Loki ${VAR:default} is a substring, so the default is lost', (t) => {
  t.is(substitute('endpoint: ${S3_ENDPOINT:minio:9000}', {}, lax), 'endpoint: ');
  t.is(substitute('endpoint: ${S3_ENDPOINT:minio:9000}', { S3_ENDPOINT: 's3:443' }), 'endpoint: s3:443');
  t.throws(() => substitute('endpoint: ${S3_ENDPOINT:minio:9000}', {}), {
    message: 'variable not set (strict mode): "S3_ENDPOINT"',
  });
});

test('strict mode: undefined variables fail unless a default operator is used', (t) => {
  const err = { instanceOf: FluxSubstitutionError, message: 'variable not set (strict mode): "missing"' };
  for (const s of [
    '${missing}',
    '${#missing}',
    '${missing^^}',
    '${missing,}',
    '${missing:0}',
    '${missing:0:10}',
    '${missing/a/b}',
    '${missing//a/b}',
    '${missing#p}',
    '${missing%%p}',
  ])
    t.throws(() => substitute(s, {}, { strict: true }), err, s);
  t.throws(() => substitute('${missing}', {}), err, 'strict is the default, as in kustomize-controller v1.9+');
  t.is(substitute('${missing:-fallback}', {}, { strict: true }), 'fallback');
  t.is(substitute('${missing}', {}, lax), '');
  t.is(substitute('a${missing^^}b', {}, lax), 'ab');
  // Default arguments are evaluated eagerly, so a nested unset variable fails even when unused.
  t.throws(() => substitute('${a:=${b}}', { a: 'x' }), { message: 'variable not set (strict mode): "b"' });
  t.is(substitute('${1}', { 1: 'one' }), 'one'); // manifests may say ${1}; Flux can never define "1"
});

test('malformed ${ fails with the Go parser messages', (t) => {
  const cases: [string, string][] = [
    ["url: '${__value.raw}'", 'missing closing brace'],
    ['${ foo }', 'unable to parse variable name'],
    ['${}', 'unable to parse variable name'],
    ['${.Values.x}', 'unable to parse variable name'],
    ['query: {${__tags}} |= "${__span.traceId}"', 'missing closing brace'],
    ['${x', 'missing closing brace'],
    ['${x:=abc', 'unable to parse substitution within function'],
    ['${#}', 'bad substitution'],
    ['${x:é}', 'bad substitution'], // Go unreads ':' with the width of 'é' (2 bytes)
    ['${x^a}', 'bad substitution'],
  ];
  for (const [s, message] of cases) {
    t.throws(() => substitute(s, { x: 'v', __tags: 't' }, lax), { instanceOf: FluxSubstitutionError, message }, s);
    t.true(needsProtection(s), s);
  }
  t.is(substitute('${x:a}', { x: 'value' }), 'value'); // the ASCII version of the same text is a substring
});

test('byte semantics of the Go implementation', (t) => {
  t.is(substitute('${#v}', { v: 'é' }), '2');
  t.is(substitute('${v:1}', { v: 'aé' }), 'é');
  t.is(substitute('a\u0000${undefined}', {}), 'a'); // rune 0 is the scanner's EOF
  t.is(substitute('\uFEFFx', {}), '\uFEFFx');
  t.is(substitute('${é_1}', { é_1: 'ok' }), 'ok'); // any Unicode letter or digit is part of a name
});

test('findReferences lists the variables a text expects, nested ones included', (t) => {
  const text = 'a: ${A}\nb: "$${ESCAPED} ${B:=x} ${C=${D}}"\nc: é${#E}';
  t.deepEqual(findReferences(text), [
    { name: 'A', hasDefault: false, raw: '${A}', offset: 3, nested: false },
    { name: 'B', hasDefault: true, raw: '${B:=x}', offset: text.indexOf('${B'), nested: false },
    { name: 'C', hasDefault: true, raw: '${C=${D}}', offset: text.indexOf('${C'), nested: false },
    { name: 'D', hasDefault: false, raw: '${D}', offset: text.indexOf('${D'), nested: true },
    { name: 'E', hasDefault: false, raw: '${#E}', offset: text.indexOf('${#E'), nested: false },
  ]);
  t.deepEqual(findReferences('$$${x}'), [{ name: 'x', hasDefault: false, raw: '${x}', offset: 2, nested: false }]);
  t.deepEqual(findReferences('$VAR {{ $labels.x }} $${y}'), []);
  t.deepEqual(findReferences('${s/\\//-}'), [{ name: 's', hasDefault: false, raw: '${s/\\//-}', offset: 0, nested: false }]);
});

test('findMalformed reports every bad ${ and references after it are still found', (t) => {
  const text = "url: '${__value.raw}'\nq: ${ok}\nx: ${ foo }\ny: ${}";
  t.deepEqual(findMalformed(text), [
    { raw: '${__value.raw}', offset: 6, reason: 'missing closing brace' },
    { raw: '${ foo }', offset: text.indexOf('${ foo'), reason: 'unable to parse variable name' },
    { raw: '${}', offset: text.indexOf('${}'), reason: 'unable to parse variable name' },
  ]);
  t.deepEqual(
    findReferences(text).map((r) => r.name),
    ['ok'],
  );
  t.deepEqual(findMalformed('fine ${x} $${__value.raw}'), []);
});

test('needsProtection is the §2.5 emitter rule', (t) => {
  t.true(needsProtection('${x}'));
  t.true(needsProtection('pid $$'));
  t.false(needsProtection('{{ $labels.pod }} $1 $__rate_interval |~ "x$"'));
  t.false(needsProtection('$ {x}'));
});

test('escapeForFlux doubles $ runs before { and runs longer than one', (t) => {
  t.is(escapeForFlux('${var}'), '$${var}');
  t.is(escapeForFlux('$$'), '$$$$');
  t.is(escapeForFlux('$${x}'), '$$$${x}');
  t.is(escapeForFlux('$1 $labels'), '$1 $labels');
  t.is(substitute(escapeForFlux("url: '${__value.raw}' pid $$ $$$ ${"), {}), "url: '${__value.raw}' pid $$ $$$ ${");
});

// A unit biased towards the characters the scanner cares about, mixed with any code point.
const unit = fc.oneof(fc.constantFrom('$', '$', '$', '{', '}', '\\', '/', ':', '#', '=', 'a'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
// U+0000 is excluded: Flux's scanner stops at it, so no escape can carry it (see the byte test).
const text = fc.string({ unit, maxLength: 40 }).filter((s) => !s.includes('\0'));

test('property: substitute(escapeForFlux(s), {}) === s', (t) => {
  fc.assert(
    fc.property(text, (s) => {
      const e = escapeForFlux(s);
      return substitute(e, {}, { strict: true }) === s && findReferences(e).length === 0 && findMalformed(e).length === 0;
    }),
    { numRuns: 3000 },
  );
  t.pass();
});

test('property: texts without ${ or $$ come back unchanged', (t) => {
  fc.assert(
    fc.property(
      text.filter((s) => !needsProtection(s)),
      (s) => substitute(s, {}) === s,
    ),
    { numRuns: 2000 },
  );
  t.pass();
});

const cm = (extra: Record<string, unknown> = {}): any => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'cm', ...extra },
  data: { '${KEY:=k}': 'v-${VALUE}', literal: '$${x}', port: '${PORT}' },
});

test('applyToObject substitutes keys and values of the serialized object, then re-parses', (t) => {
  const out = applyToObject(cm(), { VALUE: 'x', PORT: '8080' });
  t.deepEqual(out.data, { k: 'v-x', literal: '${x}', port: 8080 }); // the number changes type (§2.1)
  const quoted = { ...cm(), data: { port: '${quote}${PORT}${quote}' } }; // the documented workaround
  t.is(applyToObject(quoted, { quote: '"', PORT: '8080' }).data.port, '8080');
  t.is(applyToObject(cm(), { VALUE: 'multi\nline', PORT: '1' }).data.k, 'v-multiline'); // newlines stripped
  const date = applyToObject({ kind: 'X', metadata: { name: 'n' }, from: '${D}' }, { D: '2024-04-01' });
  t.is(date.from, '2024-04-01'); // go-yaml v2 keeps dates as strings
});

test('applyToObject honours the opt-out label or annotation and the no-variables skip', (t) => {
  const off = { 'kustomize.toolkit.fluxcd.io/substitute': 'disabled' };
  for (const meta of [{ labels: off }, { annotations: off }]) {
    const o = cm(meta);
    t.is(applyToObject(o, { VALUE: 'x' }), o);
  }
  const o = cm();
  t.is(applyToObject(o, {}), o, 'no variables and WithVariables strategy: untouched');
  t.throws(() => applyToObject(o, {}, { always: true }), {
    message: 'envsubst error: variable substitution failed: variable not set (strict mode): "VALUE"',
  });
  t.is(applyToObject(o, {}, { always: true, strict: false }).data.port, null);
});

test('applyToObject rejects invalid variable names and malformed text like Flux', (t) => {
  t.throws(() => applyToObject(cm(), { 'values.yaml': 'x' }), {
    message: "'values.yaml' var name is invalid, must match '^[_[:alpha:]][_[:alpha:][:digit:]]*$'",
  });
  const grafana = { kind: 'ConfigMap', metadata: { name: 'ds' }, data: { url: '${__value.raw}' } };
  t.throws(() => applyToObject(grafana, { A: '1' }), {
    message: 'envsubst error: variable substitution failed: missing closing brace',
  });
  const escaped = { ...grafana, data: { url: escapeForFlux('${__value.raw}') } };
  t.is(applyToObject(escaped, { A: '1' }).data.url, '${__value.raw}');
});

// Renovate keeps functions/versions.ts current: every exported version constant carries its
// `// renovate:` annotation, and the regex manager committed in renovate.json (run here as
// Renovate runs it) finds each one, names the right package and can replace the value.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as versions from '../functions/versions.ts';
import { ROOT } from './support/fn.ts';

const FILE = 'functions/versions.ts';
const text = readFileSync(join(ROOT, FILE), 'utf8');
const renovate = JSON.parse(readFileSync(join(ROOT, 'renovate.json'), 'utf8'));

/** Version constants: exported strings named *_VERSION. */
const constants = Object.entries(versions).filter(([k, v]) => k.endsWith('_VERSION') && typeof v === 'string') as [string, string][];

/** Renovate's `/regex/` form of managerFilePatterns (globs are not used here). */
const fileRegex = (p: string) => {
  const m = /^\/(.*)\/([a-z]*)$/.exec(p);
  if (!m) throw new Error(`managerFilePatterns entry ${p} is not in /regex/ form`);
  return new RegExp(m[1]!, m[2]);
};
const managers = (renovate.customManagers ?? []).filter(
  (m: any) => m.customType === 'regex' && (m.managerFilePatterns ?? []).some((p: string) => fileRegex(p).test(FILE)),
);
/** What Renovate extracts: every matchString run globally over the file (matchStringsStrategy "any"). */
const extract = (source: string) =>
  managers.flatMap((m: any) => m.matchStrings.flatMap((s: string) => [...source.matchAll(new RegExp(s, 'g'))])) as RegExpMatchArray[];

test('renovate.json: one regex manager for functions/versions.ts, RE2-compatible', (t) => {
  t.is(renovate.$schema, 'https://docs.renovatebot.com/renovate-schema.json');
  t.is(managers.length, 1);
  for (const s of managers[0].matchStrings) {
    // Renovate runs these with RE2: no lookaround, no backreferences.
    t.false(/\(\?<?[=!]|\\[1-9]/.test(s), s);
    for (const g of ['datasource', 'depName', 'currentValue']) t.true(s.includes(`(?<${g}>`), `${g} group`);
  }
});

test('every exported version constant has a `// renovate:` annotation right above it', (t) => {
  t.true(constants.length >= 5);
  const lines = text.split('\n');
  for (const [name] of constants) {
    const i = lines.findIndex((l) => new RegExp(`^export const ${name}\\b`).test(l));
    t.true(i > 0, `${name} is not declared on its own line`);
    t.regex(lines[i - 1] ?? '', /^\/\/ renovate: datasource=[a-z-]+ depName=\S+/, `${name} has no renovate annotation`);
  }
});

test("renovate.json's regex finds exactly the version constants, with their values", (t) => {
  const found = extract(text);
  t.deepEqual(found.map((m) => m.groups!.currentValue).sort(), constants.map(([, v]) => v).sort());
  t.is(found.length, constants.length, 'one match per constant');
  for (const m of found) t.is(m.groups!.datasource, 'docker', 'charts are OCI artifacts and the sidecar an image: the docker datasource');
});

test('each annotation names the package the constant is used for', (t) => {
  const byValue = new Map(extract(text).map((m) => [m.groups!.currentValue, m.groups!.depName]));
  for (const src of Object.values(versions.CHART_SOURCES)) {
    t.is(`oci://${byValue.get(src.version)}`, src.oci, `chart ${src.oci}`);
  }
  t.is(byValue.get(versions.K8S_SIDECAR_VERSION), versions.K8S_SIDECAR_IMAGE);
});

test('a bump Renovate writes is found again (its autoreplace check)', (t) => {
  for (const m of extract(text)) {
    const value = m.groups!.currentValue!;
    const start = m.index! + m[0].lastIndexOf(value);
    const bumped = `${text.slice(0, start)}99.0.0${text.slice(start + value.length)}`;
    const again = extract(bumped).map((x) => x.groups!.currentValue);
    t.true(again.includes('99.0.0'), m.groups!.depName);
    t.false(again.includes(value) && constants.filter(([, v]) => v === value).length === 1, `${value} still found`);
  }
});

test('rendered examples and Kptfile image tags are left to the release, not Renovate', (t) => {
  t.true(renovate.ignorePaths.includes('examples/**'));
  t.false(managers.some((m: any) => m.managerFilePatterns.some((p: string) => fileRegex(p).test('examples/quickstart/Kptfile'))));
});

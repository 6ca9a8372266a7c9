// Release step: stamps the CHANGELOG section of a version with its date and prints that section
// (the GitHub release notes). Used by .github/workflows/release.yml; checked by test/release.test.ts.
//
//   node scripts/release-notes.mjs <version> [--date YYYY-MM-DD] [--changelog FILE] [--check]
//
// `## [X.Y.Z] - Unreleased` becomes `## [X.Y.Z] - <date>` (default: today, UTC); a section already
// stamped keeps its date, so a re-run changes nothing. --check stamps nothing and only prints the
// notes. Fails when the CHANGELOG has no section for the version.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function fail(msg) {
  console.error(`release-notes: ${msg}`);
  process.exit(1);
}

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === undefined) fail(`${name} needs a value`);
  args.splice(i, 2);
  return v;
};
const check = args.includes('--check');
if (check) args.splice(args.indexOf('--check'), 1);
const date = option('--date') ?? new Date().toISOString().slice(0, 10);
const file = option('--changelog') ?? join(root, 'CHANGELOG.md');
const version = args[0]?.replace(/^v/, '');
if (!version || !/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) fail('usage: release-notes.mjs <version> [--date YYYY-MM-DD] [--changelog FILE] [--check]');
if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) fail(`--date must be YYYY-MM-DD, got ${date}`);

const text = readFileSync(file, 'utf8');
const escaped = version.replace(/[.]/g, '\\.');
const heading = new RegExp(`^## \\[${escaped}\\] - (Unreleased|\\d{4}-\\d{2}-\\d{2})$`, 'm');
const m = heading.exec(text);
if (!m) fail(`${file} has no "## [${version}] - Unreleased" section`);

const stamped = m[1] === 'Unreleased' ? text.replace(heading, `## [${version}] - ${date}`) : text;
if (!check && stamped !== text) writeFileSync(file, stamped);

// The notes: the section's body, up to the next "## " heading or the link references.
const start = stamped.indexOf('\n', heading.exec(stamped).index) + 1;
const rest = stamped.slice(start);
const end = rest.search(/^## |^\[[^\]]+\]: /m);
process.stdout.write(`${(end < 0 ? rest : rest.slice(0, end)).trim()}\n`);

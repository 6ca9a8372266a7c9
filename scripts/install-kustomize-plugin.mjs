#!/usr/bin/env node
// Installs a function bundle as a kustomize legacy exec plugin:
//   npm run install-plugin [-- [--plugin-home DIR] [FUNCTION]]
// kustomize looks for <plugin home>/<group>/<version>/<lowercase kind>/<Kind> and runs it with the
// config file as its argument (kubectl kustomize --enable-alpha-plugins does this too).
// Plugin home: --plugin-home, else $KUSTOMIZE_PLUGIN_HOME, else $XDG_CONFIG_HOME/kustomize/plugin,
// else ~/.config/kustomize/plugin (the order kustomize itself searches).
// Prints the installed path as the last line of stdout. The bundle needs `node` on PATH.
import { chmodSync, copyFileSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);

// The config kind each function reads (functions/<fn>/schema.ts); kustomize finds a plugin by it.
const KINDS = {
  'observability-stack': { apiVersion: 'observability.krm.dev/v1alpha1', kind: 'ObservabilityConfig' },
  'loki-rules': { apiVersion: 'observability.krm.dev/v1alpha1', kind: 'LokiRule' },
};

const USAGE = `usage: npm run install-plugin -- [--plugin-home DIR] [FUNCTION]
  FUNCTION      one of: ${Object.keys(KINDS).join(', ')} (default: observability-stack)
  --plugin-home where kustomize looks for plugins (default: $KUSTOMIZE_PLUGIN_HOME,
                else $XDG_CONFIG_HOME/kustomize/plugin, else ~/.config/kustomize/plugin)
`;

function fail(msg) {
  process.stderr.write(`install-plugin: ${msg}\n\n${USAGE}`);
  process.exit(2);
}

let home;
let fn = 'observability-stack';
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '-h' || a === '--help') {
    process.stdout.write(USAGE);
    process.exit(0);
  } else if (a === '--plugin-home') {
    home = argv[++i];
    if (!home) fail('--plugin-home needs a directory');
  } else if (a.startsWith('--plugin-home=')) {
    home = a.slice('--plugin-home='.length);
  } else if (a.startsWith('-')) {
    fail(`unknown flag ${a}`);
  } else {
    fn = a;
  }
}
const target = KINDS[fn];
if (!target) fail(`unknown function "${fn}"`);

home ||=
  process.env.KUSTOMIZE_PLUGIN_HOME ||
  (process.env.XDG_CONFIG_HOME ? join(process.env.XDG_CONFIG_HOME, 'kustomize', 'plugin') : join(homedir(), '.config', 'kustomize', 'plugin'));
home = resolve(home);

const src = join(root, 'dist', `${fn}.cjs`);
if (!existsSync(src)) fail(`${src} does not exist: run \`npm run build\` first`);

const [group, version] = target.apiVersion.split('/');
const dest = join(home, group, version, target.kind.toLowerCase(), target.kind);
mkdirSync(dirname(dest), { recursive: true });
// Copy then rename: a kustomize run at the same moment sees the old or the new file, never half.
const tmp = `${dest}.tmp-${process.pid}`;
copyFileSync(src, tmp);
chmodSync(tmp, 0o755);
renameSync(tmp, dest);
process.stderr.write(`install-plugin: installed ${fn} for ${target.apiVersion} ${target.kind}; use it with kubectl kustomize --enable-alpha-plugins\n`);
process.stdout.write(`${dest}\n`);

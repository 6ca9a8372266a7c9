// The edge of every function: arguments, stdin/stdout, stderr lines and the exit code.
// Everything inside `transform` is pure.
import { fstatSync, readFileSync, readSync, statSync, writeFileSync, writeSync } from 'node:fs';
import YAML from 'yaml';
import { Item } from './item.ts';
import { InputError, ItemError, MAX_INPUT_BYTES, readResourceList, writeDocuments, writeResourceList, type ResourceList } from './resource-list.ts';
import { error, formatResult, hasErrors } from './results.ts';
import type { Result } from './types.ts';
import { LOCAL_CONFIG } from './annotations.ts';
import { stderrStyle, stderrText } from './stderr.ts';
import { showPosition, yamlReason } from './read-errors.ts';

type Transform = (functionConfig: Item | undefined, items: Item[]) => { items: Item[]; results: Result[] };

export interface FunctionDef {
  name: string;
  version: string;
  usage: string;
  transform: Transform;
}

interface Args {
  input?: string;
  output?: string;
  functionConfig?: string;
  data: Record<string, string>;
  json: boolean;
  legacyConfig?: string;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Args | 'help' | 'version' {
  const args: Args = { data: {}, json: false };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '-h':
      case '--help':
        return 'help';
      case '--version':
        return 'version';
      case '-i':
      case '--input':
        args.input = value();
        break;
      case '-o':
      case '--output':
        args.output = value();
        break;
      case '-f':
      case '--function-config':
        args.functionConfig = value();
        break;
      case '-d': {
        const kv = value();
        const eq = kv.indexOf('=');
        if (eq <= 0) throw new UsageError(`-d takes key=value, got ${JSON.stringify(kv)}`);
        args.data[kv.slice(0, eq)] = kv.slice(eq + 1);
        break;
      }
      case '--json':
        args.json = true;
        break;
      default:
        if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown flag ${a}`);
        positional.push(a);
    }
  }
  // kustomize's legacy exec plugins are called with the plugin config file as the first argument.
  if (positional.length) args.legacyConfig = positional[0];
  return args;
}

function readText(path: string | undefined): string {
  return path === undefined || path === '-' ? readStdin() : readFileSync(path, 'utf8');
}

/**
 * stdin may be a non-blocking pipe (a parent that spawns with large input), where
 * readFileSync(0) fails with EAGAIN: read in a loop and wait briefly when no data is ready.
 */
function readStdin(): string {
  const chunks: Buffer[] = [];
  const buf = Buffer.allocUnsafe(1 << 20);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  let total = 0;
  for (;;) {
    let n: number;
    try {
      n = readSync(0, buf, 0, buf.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        Atomics.wait(pause, 0, 0, 2);
        continue;
      }
      if (code === 'EOF') break;
      throw e;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
    total += n;
    // Stop reading early: memory stays bounded whatever is piped in.
    if (total > MAX_INPUT_BYTES) {
      throw new InputError(`input is over the limit of ${MAX_INPUT_BYTES} bytes; split the package or raise KRM_MAX_INPUT_BYTES`);
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseConfigFile(text: string, path: string): Item {
  const docs = YAML.parseAllDocuments(text).filter((d) => d.contents !== null);
  if (!Array.isArray(docs) || docs.length !== 1 || docs[0]!.errors.length) {
    const e = docs[0]?.errors[0];
    const why = e ? `${yamlReason(e)} at ${showPosition(text, e.pos[0])}` : `expected one YAML document, got ${docs.length}`;
    throw new InputError(`cannot read function config ${path}: ${why}`);
  }
  return Item.fromNode(docs[0]!.contents);
}

/** Runs a function as a process and returns its exit code. Never throws. */
export function main(def: FunctionDef, argv = process.argv.slice(2)): number {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`${def.name}: ${(e as Error).message}\n\n${def.usage}`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write(def.usage);
    return 0;
  }
  if (args === 'version') {
    process.stdout.write(`${def.name} ${def.version}\n`);
    return 0;
  }
  const dir = [args.legacyConfig, args.input, args.functionConfig].find((p) => p !== undefined && p !== '-' && isDirectory(p));
  if (dir !== undefined) {
    process.stderr.write(`${def.name}: ${directoryMessage(def.name, dir)}\n`);
    return 2;
  }
  try {
    return args.legacyConfig ? runLegacy(def, args) : runResourceList(def, args);
  } catch (e) {
    const msg = e instanceof InputError ? e.message : describe(e);
    process.stderr.write(`${def.name}: error: ${msg}\n`);
    if (process.env.KRM_DEBUG && !(e instanceof InputError)) process.stderr.write(`${(e as Error)?.stack}\n`);
    return 1;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // a missing file is reported when it is read
  }
}

/**
 * A package directory is kpt's to read and write (it keeps comments, file paths and the Kptfile
 * pipeline); the function reads a ResourceList. Say how to get from one to the other.
 */
function directoryMessage(fn: string, dir: string): string {
  return (
    `${dir} is a directory; ${fn} reads a ResourceList on stdin (or a kustomize plugin config file as its argument), not a package. ` +
    `To see what it generates: kpt fn source ${dir} | ${fn}. To write the files: kpt fn render ${dir} (Kptfile pipeline) or kpt fn eval ${dir} --exec <path to ${fn}.cjs>.`
  );
}

function runResourceList(def: FunctionDef, args: Args): number {
  if (args.input === undefined && stdinIsTTY()) {
    process.stderr.write(`${def.name}: reads a ResourceList on stdin\n\n${def.usage}`);
    return 2;
  }
  let list: ResourceList;
  try {
    list = readResourceList(readText(args.input));
  } catch (e) {
    if (!(e instanceof ItemError)) throw e;
    // An item that is not YAML cannot be written back: the result names it, and exit 1 tells the
    // orchestrator to keep the package as it was.
    return writeOutput(def, args, [], [e.result], undefined);
  }
  let fc = list.functionConfig;
  if (args.functionConfig) fc = parseConfigFile(readText(args.functionConfig), args.functionConfig);
  if (Object.keys(args.data).length) {
    fc = Item.fromObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'function-input' }, data: args.data });
  }
  const { items, results } = safeTransform(def, fc, list.items);
  return writeOutput(def, args, items, results, fc);
}

function writeOutput(def: FunctionDef, args: Args, items: Item[], results: Result[], fc: Item | undefined): number {
  // Only when there is something to say: creating process.stderr loads node's stream modules (~2 ms).
  const note = stderrText(def.name, results, stderrStyle(process.env, fc?.annotations));
  if (note) process.stderr.write(note);
  let out = writeResourceList(items, results);
  if (args.json) out = `${JSON.stringify(YAML.parse(out), null, 2)}\n`;
  if (args.output && args.output !== '-') writeFileSync(args.output, out);
  else writeStdout(out);
  return hasErrors(results) ? 1 : 0;
}

// Startup: process.stdin and process.stdout are streams whose modules node loads on first use;
// a run needs neither (BENCHMARKS.md).

/** A terminal is a character device: only then is process.stdin worth creating to ask. */
function stdinIsTTY(): boolean {
  try {
    if (!fstatSync(0).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  return process.stdin.isTTY === true;
}

/** Writes all of `text` to fd 1; falls back to process.stdout when the pipe is non-blocking and full. */
function writeStdout(text: string): void {
  const buf = Buffer.from(text);
  let done = 0;
  try {
    while (done < buf.length) done += writeSync(1, buf, done);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    process.stdout.write(buf.subarray(done));
  }
}

/** A bug must not lose the user's package: report it as a result and pass every item through. */
function safeTransform(def: FunctionDef, fc: Item | undefined, items: Item[]) {
  try {
    return def.transform(fc, items);
  } catch (e) {
    if (process.env.KRM_DEBUG) process.stderr.write(`${(e as Error)?.stack}\n`);
    return { items, results: [error(describe(e, def.name))] };
  }
}

/** kustomize legacy exec plugin: config file as argument, resources (if any) as YAML documents on stdin. */
function runLegacy(def: FunctionDef, args: Args): number {
  const fc = parseConfigFile(readText(args.legacyConfig), args.legacyConfig!);
  const stdin = stdinIsTTY() ? '' : readText(undefined);
  const items: Item[] = [];
  for (const d of YAML.parseAllDocuments(stdin)) {
    const e = d.errors[0];
    if (e) throw new InputError(`stdin is not valid YAML (${yamlReason(e)}) at ${showPosition(stdin, e.pos[0])}`);
    if (d.contents !== null) items.push(Item.fromNode(d.contents));
  }
  const { items: out, results } = safeTransform(def, fc, items);
  for (const r of results) if (r.severity !== 'info') process.stderr.write(`${formatResult(def.name, r)}\n`);
  if (hasErrors(results)) return 1;
  // kustomize would apply a local-config echo of the plugin config: leave it out. Local config that
  // came in on stdin goes back: later transformers read it (loki-rules reads the ObservabilityConfig)
  // and kustomize drops it from the build output itself.
  const given = new Set(items.map((i) => i.key));
  const isLocal = (i: Item) => LOCAL_CONFIG in i.annotations && i.annotations[LOCAL_CONFIG] !== 'false';
  process.stdout.write(writeDocuments(out.filter((i) => given.has(i.key) || !isLocal(i))));
  return 0;
}

/** What went wrong, in one line: exhausted stacks come from input nested too deeply, not from a bug. */
function describe(e: unknown, fn?: string): string {
  if (/Maximum call stack size exceeded/.test(String((e as Error)?.message))) {
    return 'the input is nested too deeply to read (thousands of levels); flatten the offending resource';
  }
  return `internal error${fn ? ` in ${fn}` : ''}: ${(e as Error)?.message ?? e}`;
}

// Golden examples: each examples/<name>/ is a kpt package committed with its rendered output.
import test from 'ava';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT } from './support/fn.ts';
import { copyToTemp, exampleNames, readTree, removeGenerated } from './support/tree.ts';
// @ts-expect-error: plain JS module shared with the regeneration script
import { renderExec } from '../scripts/render-examples.mjs';

const hasKpt = spawnSync('kpt', ['version']).status === 0;

for (const name of exampleNames(ROOT)) {
  const dir = join(ROOT, 'examples', name);

  test(`examples/${name}: rendering from its sources gives the committed output`, (t) => {
    if (!hasKpt) return t.fail('kpt is not installed: it is needed to render examples (see .ci/run)');
    const tmp = copyToTemp(dir);
    removeGenerated(tmp);
    t.true(Object.keys(readTree(tmp)).length < Object.keys(readTree(dir)).length, 'the example has generated files');
    renderExec(tmp);
    t.deepEqual(readTree(tmp), readTree(dir), 'run `node scripts/render-examples.mjs` and commit the result if the change is intended');
  });

  test(`examples/${name}: a second render changes nothing`, (t) => {
    if (!hasKpt) return t.fail('kpt is not installed');
    const tmp = copyToTemp(dir);
    renderExec(tmp);
    const once = readTree(tmp);
    renderExec(tmp);
    t.deepEqual(readTree(tmp), once);
    t.deepEqual(once, readTree(dir));
  });
}

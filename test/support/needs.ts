// A test that needs reference data or a tool: with CI=true a missing need fails the test; elsewhere
// the test is skipped and its title says what is missing and how to provide it. A skipped check
// never reports "ok".
import test, { type ExecutionContext } from 'ava';
import { IN_CI, missing, type Needs } from './reference.ts';

/**
 * An ava test that runs when its needs are met. When they are not: under CI=true it fails naming
 * them; elsewhere it is registered as skipped with the reason in its title.
 */
export function testWith(needs: Needs, title: string, fn: (t: ExecutionContext) => void | Promise<void>): void {
  const why = missing(needs);
  if (!why) test(title, fn);
  else if (IN_CI) test(title, (t) => t.fail(`${why}: CI=true requires it`));
  else test.skip(`${title} [SKIPPED: ${why}]`, fn);
}

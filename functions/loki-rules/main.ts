import { main } from '../krm/cli.ts';
import { transform, FN } from './transform.ts';
import { usage } from './usage.ts';
import pkg from '../../package.json' with { type: 'json' };

process.exitCode = main({ name: FN, version: pkg.version, usage, transform });

// The YAML writer (functions/krm/yaml-writer.ts) writes what yaml writes with OUTPUT_OPTIONS, or
// declines and leaves the data to yaml.
import test from 'ava';
import fc from 'fast-check';
import YAML from 'yaml';
import { writePlainYaml } from '../functions/krm/yaml-writer.ts';
import { OUTPUT_OPTIONS } from '../functions/krm/yaml.ts';

test('the YAML writer writes exactly what yaml writes, or leaves it to yaml', (t) => {
  const tricky = fc.constantFrom(
    ...['yes', 'No', 'on', 'OFF', 'y', 'n', 'true', 'null', '~', '', '0755', '0o17', '0x1F', '1e3', '1_000', '-1', '.5', '.inf', '12:30', '2024-04-01'],
    ...['2024-04-01T10:00:00Z', '<<', '=', 'a: b', 'a #b', '#x', '&a', '*a', '!t', '[x]', '{}', "it's", '"q"', `'"`, 'café ☕', '${VAR}', 'x\ny', 'x\ny\n'],
    ...['x\n\ny\n\n', '  lead\nx', '\nlead', 'trail \nx', 'x\n  ', 'a\tb', 'a\t', '\t', '- x', '-', '? x', '%x', '@x', '|', '>', '--- x', 'a\n---\nb'],
    ...['...', ' ', 'a ', ' a', 'é\u2028x', 'k:v', 'http://x:80/a#b', 'a,b', '1.2.3', '10Gi', '0.0.0.0:4317', 'line\n  indented\n', 'a\u0007b'],
  );
  const str = fc.oneof(tricky, fc.string({ maxLength: 10 }), fc.stringMatching(/^[a-z][a-z0-9./-]{0,10}$/), fc.string({ unit: 'binary', maxLength: 6 }));
  const leaf = fc.oneof(str, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined));
  const key = fc.oneof(str, fc.stringMatching(/^[a-z]{1,6}$/));
  const { v: value } = fc.letrec((tie) => ({
    v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(key, tie('v'), { maxKeys: 3 })),
  }));
  let wrote = 0;
  let runs = 0;
  fc.assert(
    fc.property(fc.dictionary(key, value, { maxKeys: 4 }), (o) => {
      runs++;
      const mine = writePlainYaml(o);
      if (mine === undefined) return;
      wrote++;
      const theirs = YAML.stringify(o, OUTPUT_OPTIONS);
      if (mine !== theirs) throw new Error(`writer:\n${mine}\nyaml:\n${theirs}`);
    }),
    { numRuns: 5000 },
  );
  t.true(wrote > runs / 2, `the writer wrote ${wrote} of ${runs}`);
  t.log(`the writer wrote ${wrote} of ${runs} random objects; yaml wrote the rest`);
});

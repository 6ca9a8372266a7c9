// Regexes in LogQL are Go RE2 (Loki compiles them with Go's regexp package). The checker uses
// re2js, a port of RE2/J that follows Go's regexp/syntax parser; these cases pin Go's verdicts
// (from Go's regexp/syntax rules and parse tests) where JavaScript or older Go differ.
import test from 'ava';
import { compileRe2 } from '../functions/loki-rules/logql/re2.ts';
import { checkLogQL } from '../functions/loki-rules/logql/index.ts';

const GO_VALID = [
  '[😀-😎]', // a range beyond U+FFFF (JavaScript without the u flag: "Range out of order")
  '(?<name>x)', // named group without P: valid since Go 1.22 (Loki 3 is built with a later Go)
  '(?P<name>x)',
  '(?P<1a>x)',
  '(?i)error',
  '(?is:a.b)',
  '(?U)a+',
  '(?i)(?-i)a',
  '(?)',
  '[[:digit:]]+',
  '[[:^alpha:]]',
  '\\Qa.b*c\\E',
  '\\Qopen',
  'abc\\z',
  '\\Aabc',
  '[]a]',
  '[^]a]',
  '\\pL+',
  '\\p{Greek}',
  '\\PL',
  '[\\p{Lu}]',
  '\\x{263a}',
  '\\x{10FFFF}',
  '\\x41',
  '\\101',
  '\\_',
  '\\#',
  'a{2,1000}',
  'a{1000}',
  'a{,5}', // not a repeat in Go: literal text
  '(a{10}){100}',
  'x*?',
  '\\b\\B',
  '(?m)^a$',
  '\\v\\f\\a',
];

const GO_INVALID: [string, RegExp][] = [
  ['(a{500}){500}', /invalid repeat count/], // nested repeats whose product exceeds 1000
  ['((a{100}){100}){100}', /invalid repeat count/],
  ['a{1001}', /invalid repeat count/],
  ['a{2,1}', /invalid repeat count/],
  ['a**', /invalid nested repetition operator/],
  ['x{2}{3}', /invalid nested repetition operator/],
  ['\\Q\\E*', /missing argument to repetition operator/],
  ['a(?=b)', /invalid or unsupported Perl syntax/],
  ['(?<!a)b', /invalid named capture: `\(\?<!a\)b`/], // since Go 1.22, (?< starts a name
  ['(?#comment)', /invalid or unsupported Perl syntax/],
  ['(?P=name)', /invalid or unsupported Perl syntax/],
  ['(a)\\1', /invalid escape sequence: `\\1`/],
  ['\\8', /invalid escape sequence/],
  ['\\Z', /invalid escape sequence/],
  ['\\C', /invalid escape sequence/],
  ['\\x{110000}', /invalid escape sequence/],
  ['(?P<a>x)(?P<a>y)', /duplicate capture group name/],
  ['(?P<>a)', /invalid named capture/],
  ['(?<x y>a)', /invalid named capture/],
  ['(?P<é>a)', /invalid named capture/], // Go: ASCII letters, digits and _ only
  ['[a-Z]', /invalid character class range/],
  ['[[:foo:]]', /invalid character class range/],
  ['\\p{Foo}', /invalid character class range/],
  ['[a', /missing closing \]/],
  ['(a', /missing closing \)/],
  ['a)', /unexpected \)/],
  ['error\\', /trailing backslash/],
  ['('.repeat(1001) + ')'.repeat(1001), /expression nests too deeply/],
  ['(xx?){1000}'.repeat(1000), /expression too large/],
];

test('RE2 accepts what Go accepts', (t) => {
  for (const re of GO_VALID) t.is(typeof compileRe2(re), 'object', re);
});

test("RE2 refuses what Go refuses, in Go's words", (t) => {
  for (const [re, msg] of GO_INVALID) {
    const r = compileRe2(re);
    t.is(typeof r, 'string', re.slice(0, 40));
    if (typeof r === 'string') t.regex(r, msg, re.slice(0, 40));
  }
});

test('capture groups in order, named or not', (t) => {
  const r = compileRe2('(?P<a>x)(y)(?:z)(?<b>w)');
  t.deepEqual(typeof r === 'object' ? r.groups : r, ['a', null, 'b']);
});

test('in a query: matchers, line filters, the regexp parser and label_replace are checked as RE2', (t) => {
  t.true(checkLogQL('{a=~"[😀-😎]"}').ok);
  t.true(checkLogQL('{a="b"} | regexp `(?<status>\\d{3})`').ok);
  for (const q of ['{a=~"(a{500}){500}"}', '{a="b"} |~ "a**"', '{a="b"} | regexp `(?<s>\\d)(?<s>x)`', 'label_replace(vector(1), "d", "", "s", "(?=x)")']) {
    const r = checkLogQL(q);
    t.false(r.ok, q);
    if (!r.ok) t.regex(r.message, /invalid regular expression/, q);
  }
});

// Random LogQL for comparing the recognizer with the Lezer-based checker: queries built
// from the whole grammar (every form of Lezer's LogRangeExpr, all stages, operators and
// modifiers), with values chosen to hit the edges (keywords as label names, escapes,
// invalid regexes and durations, signs, exponents), then mutated token by token.
// Deterministic for a seed.
import { RANGE_OPS as LOKI_RANGE_OPS, VECTOR_OPS as LOKI_VECTOR_OPS } from '../../functions/loki-rules/logql/tokens.ts';

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LABELS = [
  'app',
  'job',
  'namespace',
  'level',
  'status',
  'pod',
  '_x',
  'a1',
  'a:b',
  'on',
  'json',
  'duration',
  'Sum',
  'by',
  'count',
  'ip',
  'OFFSET',
  'latency_ms',
  'rate',
  'bool',
];
const STRINGS = [
  '"api"',
  '""',
  '"a b"',
  '`raw\\d`',
  '"\\\\d+"',
  '"\\d"',
  '"tab\\t"',
  '"\\x41"',
  '"\\u00e9"',
  '"\\101"',
  '"q\\"q"',
  '".*"',
  '".+"',
  '"a|b"',
  '"(a"',
  '"(?=x)"',
  '"(?i)err"',
  '"(?P<code>\\\\d+)"',
  '"[[:alpha:]]+"',
  '"\\\\Qa.b\\\\E"',
  '`a"b`',
  '"#not a comment"',
  '"(?P<a>x) (?P<b>y)"',
  '"<a> <b>"',
  '"<_> <status>"',
  '"<a><b>"',
  '"<a> <a>"',
  '"{{ .x }}"',
];
const NUMBERS = ['0', '1', '5', '0.5', '10', '0.99', '1e3', '0x1f', '.5', '5.', '-1', '007'];
const DURATIONS = ['5m', '1h30m', '0s', '1.5h', '-5m', '5x', '1y', '100ms', '5us', '1d2h', '30s', '1m30h', '5M', '10'];
const VALUES = ['500', '1s', '250ms', '10KB', '1.5MiB', '5m', '-5', '1e3', '2.5', '1x', '10kB', '0'];
// Loki's operator names (the recognizer's lists, so a new one is generated too), plus near misses.
const RANGE_OPS = [...LOKI_RANGE_OPS, 'Rate', 'foo_over_time'];
const VECTOR_OPS = [...LOKI_VECTOR_OPS, 'SUM', 'Topk'];
const BIN_OPS = ['+', '-', '*', '/', '%', '^', '==', '!=', '>', '>=', '<', '<=', 'and', 'or', 'unless', 'AND'];
const FILTERS = ['|=', '!=', '|~', '!~', '|>', '!>'];
const MATCH = ['=', '!=', '=~', '!~'];
const COMPARE = ['>', '>=', '<', '<=', '!=', '=', '=='];
const SEPARATORS = [' ', ' ', ' ', '', '\n  ', ' # note\n', '\t'];

export class LogQLGen {
  constructor(private readonly r: () => number) {}

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)]!;
  }
  private chance(p: number): boolean {
    return this.r() < p;
  }
  private list(n: number, f: () => string, sep = ', '): string {
    return Array.from({ length: n }, f).join(sep);
  }
  private label(): string {
    return this.chance(0.8) ? this.pick(LABELS.slice(0, 8)) : this.pick(LABELS);
  }
  private str(): string {
    return this.chance(0.5) ? this.pick(STRINGS.slice(0, 3)) : this.pick(STRINGS);
  }
  private sp(): string {
    return this.chance(0.85) ? ' ' : this.pick(SEPARATORS);
  }

  query(): string {
    return this.chance(0.3) ? this.logQuery() : this.metric(0);
  }

  selector(): string {
    return `{${this.list(1 + Math.floor(this.r() * 3), () => `${this.label()}${this.pick(MATCH)}${this.str()}`, this.chance(0.9) ? ', ' : ',')}${this.chance(0.03) ? ',' : ''}}`;
  }

  logQuery(): string {
    const q = this.selector() + this.pipeline();
    return this.chance(0.05) ? `(${q})` : q;
  }

  pipeline(): string {
    let out = '';
    const n = Math.floor(this.r() * 4);
    for (let k = 0; k < n; k++) out += this.sp() + this.stage();
    return out;
  }

  stage(): string {
    switch (Math.floor(this.r() * 13)) {
      case 0:
      case 1: {
        let f = `${this.pick(FILTERS)} ${this.chance(0.1) ? `ip(${this.str()})` : this.str()}`;
        while (this.chance(0.2)) f += ` or ${this.chance(0.15) ? `ip(${this.str()})` : this.str()}`;
        return f;
      }
      case 2:
        return `| json${this.chance(0.3) ? ` ${this.list(1 + Math.floor(this.r() * 2), () => (this.chance(0.5) ? `${this.label()}=${this.str()}` : this.label()))}` : ''}`;
      case 3:
        return `| logfmt${this.chance(0.3) ? ' --strict' : ''}${this.chance(0.2) ? ' --keep-empty' : ''}${this.chance(0.05) ? ' --foo' : ''}${this.chance(0.2) ? ` ${this.label()}` : ''}`;
      case 4:
        return `| regexp ${this.str()}`;
      case 5:
        return `| pattern ${this.str()}`;
      case 6:
        return this.pick(['| unpack', '| decolorize', '| JSON', '| xml']);
      case 7:
        return `| line_format ${this.str()}`;
      case 8:
        return `| label_format ${this.list(1 + Math.floor(this.r() * 2), () => `${this.label()}=${this.chance(0.5) ? this.label() : this.str()}`)}`;
      case 9:
        return `| ${this.pick(['drop', 'keep'])} ${this.list(1 + Math.floor(this.r() * 2), () => (this.chance(0.6) ? this.label() : `${this.label()}${this.pick(MATCH)}${this.str()}`))}`;
      case 10:
        return `| unwrap ${this.unwrapTarget()}`;
      default:
        return `| ${this.labelFilter(0)}`;
    }
  }

  unwrapTarget(): string {
    return this.chance(0.6) ? this.label() : `${this.pick(['bytes', 'duration', 'duration_seconds', 'Bytes'])}(${this.label()})`;
  }

  labelFilter(d: number): string {
    let f: string;
    const k = Math.floor(this.r() * 5);
    if (k === 0 && d < 2) f = `(${this.labelFilter(d + 1)})`;
    else if (k === 1) f = `${this.label()} ${this.pick(['=', '!='])} ip(${this.str()})`;
    else if (k === 2) f = `${this.label()}${this.sp()}${this.pick(COMPARE)}${this.sp()}${this.pick(VALUES)}`;
    else f = `${this.label()}${this.pick(MATCH)}${this.str()}`;
    if (d < 2 && this.chance(0.3)) f += `${this.pick([' and ', ' or ', ', ', ' AND ', ' ', ''])}${this.labelFilter(d + 1)}`;
    return f;
  }

  logRange(): string {
    const s = this.selector();
    const p = () => this.pipeline();
    const u = () => ` | unwrap ${this.unwrapTarget()}${this.chance(0.3) ? ` | ${this.labelFilter(1)}` : ''}`;
    const r = () => `${this.sp()}[${this.pick(DURATIONS)}]`;
    const o = () => ` offset ${this.pick(DURATIONS)}`;
    const forms = [
      () => s + r(),
      () => s + r() + o(),
      () => s + u() + r(),
      () => s + u() + r() + o(),
      () => s + p() + r(),
      () => s + p() + r() + o(),
      () => s + p() + u() + r(),
      () => s + p() + u() + r() + o(),
      () => s + r() + p(),
      () => s + r() + o() + p(),
      () => s + r() + p() + u(),
      () => s + r() + o() + p() + u(),
      () => s + r() + u(),
      () => `(${s})${r()}`,
      () => `(${s + p()})${r()}`,
      () => `(${s + r()})`,
      () => s + p() + r() + p(),
      () => `(${s + p() + u()})${r()}`,
      () => `(${s + u()})${r()}${o()}`,
      () => `(${s})${r()}${u()}`,
      () => `(${s + r() + p()})`,
    ];
    return this.pick(forms)();
  }

  grouping(): string {
    return `${this.pick(['by', 'without', 'By'])} (${this.chance(0.1) ? '' : this.list(1 + Math.floor(this.r() * 2), () => this.label())})`;
  }

  metric(d: number): string {
    const k = d > 3 ? 3 + Math.floor(this.r() * 2) : Math.floor(this.r() * 9);
    switch (k) {
      case 0:
      case 1: {
        const op = this.pick(RANGE_OPS);
        const param = this.chance(op === 'quantile_over_time' ? 0.8 : 0.05) ? `${this.pick(NUMBERS)}, ` : '';
        return `${op}(${param}${this.logRange()})${this.chance(0.15) ? ` ${this.grouping()}` : ''}`;
      }
      case 2: {
        const op = this.pick(VECTOR_OPS);
        const param = this.chance(/k$/i.test(op) ? 0.85 : 0.05) ? `${this.pick(NUMBERS)}, ` : '';
        const where = Math.floor(this.r() * 4);
        const g = () => this.grouping();
        const inner = `(${param}${this.chance(0.05) ? this.logQuery() : this.metric(d + 1)})`;
        return where === 0
          ? `${op} ${g()} ${inner}`
          : where === 1
            ? `${op}${inner} ${g()}`
            : where === 2 && this.chance(0.1)
              ? `${op} ${g()} ${inner} ${g()}`
              : `${op}${inner}`;
      }
      case 3:
        return this.pick(NUMBERS.slice(0, 6));
      case 4:
        return `${this.pick(['', '-', '+'])}${this.pick(NUMBERS)}`;
      case 5:
      case 6: {
        const mod = this.modifier();
        const op = this.pick(BIN_OPS);
        const right = this.chance(0.05) ? this.logQuery() : this.metric(d + 1);
        return `${this.metric(d + 1)}${this.sp()}${op}${mod}${this.sp()}${right}`;
      }
      case 7:
        return this.chance(0.5) ? `(${this.metric(d + 1)})` : `vector(${this.pick(NUMBERS)})`;
      default:
        return `label_replace(${this.metric(d + 1)}, ${this.str()}, "$1", ${this.str()}, ${this.str()})`;
    }
  }

  modifier(): string {
    if (this.chance(0.75)) return '';
    let m = this.chance(0.3) ? ' bool' : '';
    if (this.chance(0.7)) {
      m += ` ${this.pick(['on', 'ignoring'])} (${this.chance(0.2) ? '' : this.list(1 + Math.floor(this.r() * 2), () => this.label())}${this.chance(0.05) ? ',' : ''})`;
      if (this.chance(0.5)) m += ` ${this.pick(['group_left', 'group_right'])}${this.chance(0.5) ? ` (${this.label()})` : ''}`;
    }
    return m;
  }

  /** One random edit at the token level: delete, duplicate, swap, insert, or change a character. */
  mutate(q: string): string {
    const toks = q.match(/"(?:[^"\\\n]|\\.)*"|`[^`]*`|[A-Za-z_:][\w:]*|\d[\w.]*|\s+|[|!=~<>]{1,2}|./g) ?? [];
    if (toks.length === 0) return q;
    const at = Math.floor(this.r() * toks.length);
    switch (Math.floor(this.r() * 5)) {
      case 0:
        toks.splice(at, 1);
        break;
      case 1:
        toks.splice(at, 0, toks[at]!);
        break;
      case 2:
        if (at + 1 < toks.length) [toks[at], toks[at + 1]] = [toks[at + 1]!, toks[at]!];
        break;
      case 3:
        toks.splice(at, 0, this.pick([' ', '(', ')', ',', '|', '{', '}', '[5m]', ' or ', ' by (a) ', '"x"', '1', '#', '-', 'json', '\n']));
        // An insert also changes a character (as it always has: the seeded corpora stay the same).
        return this.changeCharacter(toks.join(''));
      default:
        return this.changeCharacter(toks.join(''));
    }
    return toks.join('');
  }

  private changeCharacter(s: string): string {
    const i = Math.floor(this.r() * s.length);
    return s.slice(0, i) + this.pick(['', 'x', ' ', '"', '`', '\\', '0', '.', ':', 'µ', '\u00a0']) + s.slice(i + 1);
  }
}

// LogQL checking on top of Grafana's Lezer grammar (@grafana/lezer-logql).
//
// The Lezer grammar exists for editor highlighting, so it is lenient: it recovers
// from errors and accepts several queries Loki's own parser rejects. We (1) run a
// small lexical pre-pass for strings and brackets, which gives better messages and
// positions than Lezer's recovery, (2) report the first Lezer error node, and
// (3) re-implement the semantic checks Loki's parser does (pkg/logql/syntax) that
// the grammar does not encode: unwrap/grouping/parameter rules, binary operations
// on log queries, Go string escapes, RE2 regex validity, pattern/regexp parsers.
//
// Lezer is the costly part, so checkLogQL first asks a hand-written recognizer of the
// common query shapes (logql-fast.ts); it answers only for queries it proves valid, with
// the same result, and everything else (every error included) comes here.
import * as G from '@grafana/lezer-logql';
import { fastCheckLogQL } from './logql-fast.ts';
import {
  GO_SIMPLE_ESCAPES, SET_OPS, labelReplaceProblem, patternProblem, rangeAggregationProblem, rangeProblem, regexpParserProblem, regexProblem,
  vectorAggregationProblem,
} from './logql-rules.ts';

export { matchesEmpty, translateRe2 } from './re2.ts';

type SyntaxNode = ReturnType<typeof G.parser.parse>['topNode'];

export type MatchOp = '=' | '!=' | '=~' | '!~';
export interface LabelMatcher { name: string; op: MatchOp; value: string }
export type LogQLResult =
  | { ok: true; kind: 'log' | 'metric'; matchers: LabelMatcher[][] }
  | { ok: false; message: string; offset: number; line: number; column: number };

/** Loki refuses queries of this many bytes or more (syntax.maxInputSize). */
export const MAX_QUERY_BYTES = 5120;

class QueryError extends Error {
  constructor(readonly offset: number, readonly detail: string, readonly syntax: boolean) {
    super(detail);
  }
}
const syntaxError = (offset: number, detail: string): never => { throw new QueryError(offset, detail, true); };
const invalid = (offset: number, detail: string): never => { throw new QueryError(offset, detail, false); };

/** 1-based line and column of a 0-based offset (columns count UTF-16 units, like the offsets). */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lastNl = before.lastIndexOf('\n');
  return { line: before.split('\n').length, column: offset - lastNl };
}

/** `full`: skip the fast recognizer (the tests compare the two). */
export function checkLogQL(expr: string, { full = false } = {}): LogQLResult {
  if (!full) {
    const fast = fastCheckLogQL(expr);
    if (fast) return fast;
  }
  try {
    return analyse(expr);
  } catch (e) {
    if (!(e instanceof QueryError)) throw e;
    const { line, column } = lineColumn(expr, e.offset);
    const rest = expr.slice(e.offset).split('\n')[0].trimEnd();
    const near = rest === '' ? '' : ` near "${rest.length > 24 ? rest.slice(0, 24) + '…' : rest}"`;
    const kind = e.syntax ? 'syntax error' : 'invalid query';
    return { ok: false, message: `${kind} at line ${line}, column ${column}${near}: ${e.detail}`, offset: e.offset, line, column };
  }
}

// Node types checkNode looks at: one walk collects them (and the first error node) without
// materializing a SyntaxNode for every other node of the tree.
const CHECKED = new Set<number>([G.Selector, G.Matcher, G.LineFilter, G.LabelParser, G.Range, G.RangeAggregationExpr,
  G.VectorAggregationExpr, G.BinOpExpr, G.LabelReplaceExpr]);
const utf8 = new TextEncoder();

function analyse(q: string): LogQLResult {
  // A UTF-16 unit is at most 3 UTF-8 bytes: only long queries need counting.
  if (q.length * 3 >= MAX_QUERY_BYTES && utf8.encode(q).length >= MAX_QUERY_BYTES) invalid(0, `query is longer than Loki's limit of ${MAX_QUERY_BYTES - 1} bytes`);
  lexicalScan(q);
  const tree = G.parser.parse(q);
  const body = tree.topNode.getChild('Expr');
  if (!body && q.replace(/#[^\n]*/g, '').trim() === '') syntaxError(0, 'empty query');

  // Pre-order visits nodes by start offset, so the first error node met has the smallest start.
  let firstError: SyntaxNode | null = null;
  const checked: SyntaxNode[] = [];
  tree.iterate({
    enter: (n) => {
      if (firstError) return false;
      if (n.type.isError) firstError = n.node;
      else if (CHECKED.has(n.type.id)) checked.push(n.node);
      return undefined;
    },
  });
  if (firstError) reportSyntax(q, firstError);
  if (!body?.firstChild) syntaxError(0, 'not a LogQL query'); // defensive: Lezer marks such input with error nodes

  const matchers: LabelMatcher[][] = [];
  const byStart = new Map<number, LabelMatcher>();
  for (const n of checked) checkNode(q, n, matchers, byStart);
  const kind = body!.firstChild!.type.id === G.LogExpr ? 'log' : 'metric';
  return { ok: true, kind, matchers };
}

// ---------------------------------------------------------------- lexical pass

const CLOSER: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/** Strings (with Go escape rules), comments and bracket balance, before Lezer's error recovery blurs them. */
function lexicalScan(q: string): void {
  const stack: { ch: string; at: number }[] = [];
  for (let i = 0; i < q.length; i++) {
    const c = q[i];
    if (c === '#') {
      const nl = q.indexOf('\n', i);
      i = nl < 0 ? q.length : nl;
    } else if (c === '"' || c === '`') {
      i = decodeString(q, i).end - 1;
    } else if (c in CLOSER) {
      stack.push({ ch: c, at: i });
    } else if (c === ')' || c === ']' || c === '}') {
      const open = stack.pop();
      if (!open) syntaxError(i, `unexpected "${c}" without a matching opening bracket`);
      if (CLOSER[open!.ch] !== c) {
        const { line, column } = lineColumn(q, open!.at);
        syntaxError(i, `"${c}" does not close "${open!.ch}" opened at line ${line}, column ${column} (expected "${CLOSER[open!.ch]}")`);
      }
    }
  }
  const open = stack.pop();
  if (open) syntaxError(open.at, `"${open.ch}" is never closed (missing "${CLOSER[open.ch]}")`);
}

/** Decodes the string literal starting at `start` the way Go's strconv.Unquote does (Loki uses it). */
function decodeString(q: string, start: number): { end: number; value: string } {
  if (q[start] === '`') {
    const close = q.indexOf('`', start + 1);
    if (close < 0) syntaxError(start, 'unterminated string: missing closing backtick (`)');
    return { end: close + 1, value: q.slice(start + 1, close) };
  }
  let value = '';
  for (let i = start + 1; i < q.length; ) {
    const c = q[i];
    if (c === '"') return { end: i + 1, value };
    if (c === '\n') break;
    if (c !== '\\') { value += c; i++; continue; }
    const e = q[i + 1] ?? '';
    if (e in GO_SIMPLE_ESCAPES) { value += GO_SIMPLE_ESCAPES[e]; i += 2; continue; }
    const hexLen = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    const digits = hexLen ? q.slice(i + 2, i + 2 + hexLen) : q.slice(i + 1, i + 4);
    const code = hexLen && /^[0-9a-fA-F]+$/.test(digits) && digits.length === hexLen ? parseInt(digits, 16)
      : !hexLen && /^[0-7]{3}$/.test(digits) ? parseInt(digits, 8) : NaN;
    const max = e === 'x' || !hexLen ? 0xff : 0x10ffff;
    if (Number.isNaN(code) || code > max || (code >= 0xd800 && code <= 0xdfff)) {
      if (e === '' || e === '\n') break;
      syntaxError(i, `invalid escape sequence "\\${e}" in a double-quoted string: write "\\\\${e}" or use a backtick-quoted string`);
    }
    value += String.fromCodePoint(code);
    i += hexLen ? 2 + hexLen : 4;
  }
  return syntaxError(start, 'unterminated string: missing closing double quote (")');
}

// ---------------------------------------------------------------- Lezer errors

const CONTEXT: [string[], string][] = [
  [['Selector', 'Matchers', 'Matcher'], 'in stream selector, expected matchers like {app="api"}'],
  [['Range'], 'in range, expected a duration like [5m]'],
  [['Grouping', 'Labels', 'GroupingLabels', 'GroupingLabelList'], 'in label list, expected label names like (job, instance)'],
  [['UnwrapExpr'], 'after unwrap, expected a label name or duration(label)/bytes(label)'],
  [['LineFilter', 'LineFilters', 'OrFilter'], 'in line filter, expected a string like |= "error"'],
  [['PipelineStage', 'PipelineExpr'], 'in log pipeline stage'],
  [['RangeAggregationExpr', 'LogRangeExpr'], 'in range aggregation, expected a selector and range like rate({app="api"}[5m])'],
  [['VectorAggregationExpr'], 'in aggregation, expected a metric query like sum(rate({app="api"}[5m]))'],
];

function reportSyntax(q: string, err: SyntaxNode): never {
  const end = q.replace(/\s+$/, '').length;
  let ctx = '';
  for (let p = err.parent; p && !ctx; p = p.parent) ctx = CONTEXT.find(([names]) => names.includes(p!.name))?.[1] ?? '';
  if (err.parent?.name === 'LogRangeExpr' && !err.parent.getChild('Range')) {
    syntaxError(Math.min(err.from, end), 'missing range after the log selector: add a duration like [5m]');
  }
  if (err.from >= end) return syntaxError(end, `unexpected end of query${ctx ? ` (${ctx})` : ''}`);
  // Lezer often flags the second half of a bad word ("1x" -> "x", "--foo" -> "foo"): report the whole word.
  let from = err.from;
  while (from > 0 && /[\w.-]/.test(q[from]) && /[\w.-]/.test(q[from - 1])) from--;
  const token = q.slice(from).match(/^[\w.-]+|^\S/)![0];
  let inRange = false;
  for (let p = err.parent; p; p = p.parent) inRange ||= p.name === 'LogRangeExpr';
  if (token === '[' && !inRange) syntaxError(from, 'a range like [5m] is only allowed inside a range aggregation such as count_over_time({...}[5m])');
  const prev = err.prevSibling;
  if (token === ')' && prev?.name === 'Expr' && prev.firstChild?.name === 'LogExpr') {
    syntaxError(prev.from, 'a log query cannot be used here; aggregate it first, e.g. count_over_time({...}[5m])');
  }
  if (token.startsWith('--')) syntaxError(from, `unknown parser flag "${token}" (logfmt accepts --strict and --keep-empty)`);
  return syntaxError(from, `unexpected "${token}"${ctx ? ` ${ctx}` : ''}`);
}

// ---------------------------------------------------------------- semantic checks

const BIN_OPS = new Set([G.Or, G.And, G.Unless, G.Add, G.Sub, G.Mul, G.Div, G.Mod, G.Pow, G.Eql, G.Neq, G.Gtr, G.Gte, G.Lss, G.Lte]);
const MATCH_OPS: Record<number, MatchOp> = { [G.Eq]: '=', [G.Neq]: '!=', [G.Re]: '=~', [G.Nre]: '!~' };

const text = (q: string, n: SyntaxNode) => q.slice(n.from, n.to);
const str = (q: string, n: SyntaxNode) => decodeString(q, n.from).value;
const check = (n: SyntaxNode, problem: string | null) => { if (problem) invalid(n.from, problem); };

/** `byStart`: matchers read for their selector, so each Matcher node is decoded once. */
function checkNode(q: string, n: SyntaxNode, selectors: LabelMatcher[][], byStart: Map<number, LabelMatcher>): void {
  switch (n.type.id) {
    case G.Selector:
      selectors.push(descendants(n, G.Matcher).map((m) => {
        const matcher = matcherOf(q, m);
        byStart.set(m.from, matcher);
        return matcher;
      }));
      break;
    case G.Matcher: {
      const m = byStart.get(n.from) ?? matcherOf(q, n);
      if (m.op === '=~' || m.op === '!~') checkRegex(child(n, G.String)!, m.value);
      break;
    }
    case G.LineFilter: {
      const op = child(n, G.Filter)!.firstChild!.type.id;
      if (op !== G.PipeMatch && op !== G.Nre) break;
      // Strings of `|~ "a" or "b"` are all regexes; ip("...") arguments are not.
      for (const s of descendants(n, G.String)) if (!child(s.parent!, G.FilterOp)) checkRegex(s, str(q, s));
      break;
    }
    case G.LabelParser: {
      const arg = child(n, G.String);
      if (child(n, G.Regexp)) check(arg!, regexpParserProblem(str(q, arg!)));
      if (child(n, G.Pattern)) check(arg!, patternProblem(str(q, arg!)));
      break;
    }
    case G.Range:
      check(n, rangeProblem(text(q, child(n, G.Duration) ?? n).replace(/^\[|\]$/g, '').trim()));
      break;
    case G.RangeAggregationExpr: checkRangeAggregation(q, n); break;
    case G.VectorAggregationExpr: checkVectorAggregation(q, n); break;
    case G.BinOpExpr: checkBinOp(q, n); break;
    case G.LabelReplaceExpr: {
      const [dst, , , re] = n.getChildren('String');
      check(dst, labelReplaceProblem(str(q, dst)));
      checkRegex(re, str(q, re));
      break;
    }
  }
}

function checkRegex(s: SyntaxNode, re: string): void {
  const r = regexProblem(re);
  if (typeof r === 'string') invalid(s.from, r);
}

function matcherOf(q: string, m: SyntaxNode): LabelMatcher {
  const id = child(m, G.Identifier)!;
  return { name: text(q, id), op: MATCH_OPS[id.nextSibling!.type.id], value: str(q, child(m, G.String)!) };
}

/** The first direct child of a type: getChild without its name lookup and array (hot: every node checked). */
function child(n: SyntaxNode, type: number): SyntaxNode | null {
  const c = n.cursor();
  if (!c.firstChild()) return null;
  do if (c.type.id === type) return c.node; while (c.nextSibling());
  return null;
}

function firstDescendant(n: SyntaxNode, type: number): SyntaxNode | undefined {
  let found: SyntaxNode | undefined;
  n.cursor().iterate((ref) => {
    if (found) return false;
    if (ref.type.id === type) found = ref.node;
    return undefined;
  });
  return found;
}

function descendants(n: SyntaxNode, type: number): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  const c = n.cursor();
  c.iterate((ref) => { if (ref.type.id === type) out.push(ref.node); });
  return out;
}

function checkRangeAggregation(q: string, n: SyntaxNode): void {
  // One pass over the children instead of a getChild walk per child.
  let opNode: SyntaxNode | null = null, param: SyntaxNode | null = null, grouping: SyntaxNode | null = null, logRange: SyntaxNode | null = null;
  const c = n.cursor();
  if (c.firstChild()) {
    do {
      const id = c.type.id;
      if (id === G.RangeOp) opNode ??= c.node;
      else if (id === G.Number) param ??= c.node;
      else if (id === G.Grouping) grouping ??= c.node;
      else if (id === G.LogRangeExpr) logRange ??= c.node;
    } while (c.nextSibling());
  }
  const unwrap = firstDescendant(logRange!, G.UnwrapExpr);
  const problem = rangeAggregationProblem(text(q, opNode!), !!param, !!grouping, !!unwrap);
  if (problem) invalid({ op: opNode!, param, grouping, unwrap, expr: n }[problem[0]]!.from, problem[1]);
}

function checkVectorAggregation(q: string, n: SyntaxNode): void {
  const param = child(n, G.Number);
  const grouping = child(n, G.Grouping);
  const problem = vectorAggregationProblem(text(q, child(n, G.VectorOp)!).toLowerCase(), param && text(q, param), !!grouping?.getChild('Labels'));
  if (problem) invalid({ op: n, param, grouping, unwrap: null, expr: n }[problem[0]]!.from, problem[1]);
}

function checkBinOp(q: string, n: SyntaxNode): void {
  const legs = n.getChildren('Expr');
  let opNode = n.firstChild;
  while (opNode && !BIN_OPS.has(opNode.type.id)) opNode = opNode.nextSibling;
  const op = text(q, opNode!).toLowerCase();
  for (const leg of legs) {
    if (leg.firstChild!.type.id === G.LogExpr) {
      invalid(leg.from, `a log query cannot be an operand of "${op}"; turn it into a metric first, e.g. count_over_time(${text(q, leg).trim()} [5m])`);
    }
    if (SET_OPS.has(op) && isLiteral(leg)) invalid(leg.from, `"${op}" is a set operator and needs vectors on both sides, not a number`);
  }
}

/** Whether an Expr/MetricExpr is a plain number (Loki folds number-op-number into one). */
function isLiteral(n: SyntaxNode): boolean {
  const inner = n.type.id === G.Expr || n.type.id === G.MetricExpr ? n.firstChild : n;
  if (!inner) return false;
  if (inner.type.id === G.LiteralExpr) return true;
  if (inner.type.id === G.MetricExpr || inner.type.id === G.Expr) return isLiteral(inner);
  if (inner.type.id === G.BinOpExpr) return inner.getChildren('Expr').every(isLiteral);
  return false;
}

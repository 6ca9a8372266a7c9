// LogQL checking on top of Grafana's Lezer grammar (@grafana/lezer-logql).
//
// The Lezer grammar exists for editor highlighting, so it is lenient: it recovers from errors
// and accepts several queries Loki's own parser rejects, and its operator precedence is not
// Loki's. We (1) run a lexical pre-pass for strings and brackets (go-strings.ts), which gives
// better messages and positions than Lezer's recovery, (2) report the first Lezer error node
// (lezer-errors.ts), and (3) apply the rules Loki's parser applies that the grammar does not
// encode (parser-rules.ts), re-associating chains of binary operators by Loki's table.
import * as G from '@grafana/lezer-logql';
import { decodeString, lexicalScan } from './go-strings.ts';
import { rewriteForLezer } from './grammar-gaps.ts';
import { reportSyntax, type SyntaxNode } from './lezer-errors.ts';
import {
  MAX_QUERY_BYTES,
  anchoredRegexProblem,
  binOpChainProblem,
  labelReplaceWarning,
  numberProblem,
  patternProblem,
  rangeAggregationProblem,
  rangeProblem,
  regexpParserProblem,
  regexProblem,
  selectorProblem,
  vectorAggregationProblem,
  type BinOp,
  type Operand,
} from './parser-rules.ts';
import { QueryError, errorResult, invalid, syntaxError } from './query-error.ts';
import type { LabelMatcher, LogQLResult, LogQLWarning, MatchOp } from './types.ts';

/** The result, and whether an error came from Lezer's grammar (which lacks some of Loki's forms). */
export interface LezerVerdict {
  result: LogQLResult;
  grammarError: boolean;
}

export function checkWithLezer(expr: string): LezerVerdict {
  try {
    return { result: analyse(expr), grammarError: false };
  } catch (e) {
    if (!(e instanceof QueryError)) throw e;
    return { result: errorResult(expr, e), grammarError: e.grammar };
  }
}

// Node types checkNode looks at: one walk collects them (and the first error node) without
// materializing a SyntaxNode for every other node of the tree.
const CHECKED = new Set<number>([
  G.Selector,
  G.Matcher,
  G.LineFilter,
  G.LabelParser,
  G.Range,
  G.RangeAggregationExpr,
  G.VectorAggregationExpr,
  G.BinOpExpr,
  G.LabelReplaceExpr,
  G.Number,
  G.GroupingLabels,
]);
const utf8 = new TextEncoder();

/** The query's size as Loki counts it (UTF-8 bytes), only computed when it could matter. */
function tooLong(q: string): boolean {
  return q.length * 3 >= MAX_QUERY_BYTES && utf8.encode(q).length >= MAX_QUERY_BYTES;
}

interface Walk {
  q: string;
  selectors: LabelMatcher[][];
  byStart: Map<number, LabelMatcher>;
  warnings: LogQLWarning[];
}

function analyse(q: string): LogQLResult {
  if (tooLong(q)) invalid(0, `query is longer than Loki's limit of ${MAX_QUERY_BYTES - 1} bytes`);
  lexicalScan(q);
  // Lezer reads a same-length rewrite without the Loki forms its grammar lacks; checks read `q`.
  const tree = G.parser.parse(rewriteForLezer(q));
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
  const top = body?.firstChild;
  if (!top) return syntaxError(0, 'not a LogQL query'); // defensive: Lezer marks such input with error nodes

  const walk: Walk = { q, selectors: [], byStart: new Map(), warnings: [] };
  for (const n of checked) checkNode(walk, n);
  const kind = top.type.id === G.LogExpr ? 'log' : 'metric';
  return walk.warnings.length ? { ok: true, kind, matchers: walk.selectors, warnings: walk.warnings } : { ok: true, kind, matchers: walk.selectors };
}

const BIN_OPS = new Set([G.Or, G.And, G.Unless, G.Add, G.Sub, G.Mul, G.Div, G.Mod, G.Pow, G.Eql, G.Neq, G.Gtr, G.Gte, G.Lss, G.Lte]);
const MATCH_OPS: Record<number, MatchOp> = { [G.Eq]: '=', [G.Neq]: '!=', [G.Re]: '=~', [G.Nre]: '!~' };

const text = (q: string, n: SyntaxNode) => q.slice(n.from, n.to);
const str = (q: string, n: SyntaxNode) => decodeString(q, n.from).value;
const check = (n: SyntaxNode, problem: string | null) => {
  if (problem) invalid(n.from, problem);
};

function checkNode(w: Walk, n: SyntaxNode): void {
  const q = w.q;
  switch (n.type.id) {
    case G.Selector: {
      // Matchers are read for their selector, so each Matcher node is decoded once.
      const sel = descendants(n, G.Matcher).map((m) => {
        const matcher = matcherOf(q, m);
        w.byStart.set(m.from, matcher);
        return matcher;
      });
      w.selectors.push(sel);
      check(n, selectorProblem(sel));
      break;
    }
    case G.Matcher: {
      const m = w.byStart.get(n.from) ?? matcherOf(q, n);
      if (m.op === '=~' || m.op === '!~') check(child(n, G.String)!, anchoredRegexProblem(m.value, 'matcher'));
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
      check(
        n,
        rangeProblem(
          text(q, child(n, G.Duration) ?? n)
            .replace(/^\[|\]$/g, '')
            .trim(),
        ),
      );
      break;
    case G.Number:
      check(n, numberProblem(text(q, n)));
      break;
    case G.GroupingLabels: {
      // Lezer allows `on (a,)`; Loki's label list has no trailing comma.
      const comma = /,\s*\)$/.exec(text(q, n));
      if (comma) syntaxError(n.from + comma.index, 'unexpected "," before ")" in label list: remove the trailing comma');
      break;
    }
    case G.RangeAggregationExpr:
      checkRangeAggregation(q, n);
      break;
    case G.VectorAggregationExpr:
      checkVectorAggregation(q, n);
      break;
    case G.BinOpExpr:
      if (!inChain(n)) checkBinOpChain(q, n);
      break;
    case G.LabelReplaceExpr: {
      const [dst, , , re] = n.getChildren('String');
      const warning = labelReplaceWarning(str(q, dst!));
      if (warning) w.warnings.push({ message: warning, offset: dst!.from });
      check(re!, anchoredRegexProblem(str(q, re!), 'label_replace'));
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
  return { name: text(q, id), op: MATCH_OPS[id.nextSibling!.type.id]!, value: str(q, child(m, G.String)!) };
}

/** The first direct child of a type: getChild without its name lookup and array (hot: every node checked). */
function child(n: SyntaxNode, type: number): SyntaxNode | null {
  const c = n.cursor();
  if (!c.firstChild()) return null;
  do if (c.type.id === type) return c.node;
  while (c.nextSibling());
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
  n.cursor().iterate((ref) => {
    if (ref.type.id === type) out.push(ref.node);
  });
  return out;
}

function checkRangeAggregation(q: string, n: SyntaxNode): void {
  // One pass over the children instead of a getChild walk per child.
  let opNode: SyntaxNode | null = null,
    param: SyntaxNode | null = null,
    grouping: SyntaxNode | null = null,
    logRange: SyntaxNode | null = null;
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
  const kind = !grouping ? 'none' : grouping.getChild('Labels') ? 'labels' : 'empty';
  // The whole word: approx_topk reaches Lezer as topk.
  const op = /^\w+/.exec(q.slice(child(n, G.VectorOp)!.from))![0].toLowerCase();
  const problem = vectorAggregationProblem(op, param && text(q, param), kind);
  if (problem) invalid({ op: n, param, grouping, unwrap: null, expr: n }[problem[0]]!.from, problem[1]);
}

// ---------------------------------------------------------------- binary operators

/** The BinOpExpr a leg (Expr) holds without parentheses, so it belongs to the same chain. */
function chainedBinOp(leg: SyntaxNode): SyntaxNode | null {
  const metric = leg.firstChild;
  const inner = metric?.type.id === G.MetricExpr ? metric.firstChild : null;
  return inner?.type.id === G.BinOpExpr ? inner : null;
}

/** Whether a BinOpExpr is a leg of an enclosing chain (then the chain's top checks it). */
function inChain(n: SyntaxNode): boolean {
  const leg = n.parent?.parent;
  return leg?.type.id === G.Expr && leg.parent?.type.id === G.BinOpExpr;
}

/**
 * Lezer's grammar nests `a op b op c` by its own precedence, not Loki's: flatten the chain
 * (parenthesized operands stay whole) and let parser-rules re-associate it.
 */
function checkBinOpChain(q: string, top: SyntaxNode): void {
  const operands: (Operand & { node: SyntaxNode })[] = [];
  const ops: BinOp[] = [];
  const flatten = (n: SyntaxNode) => {
    const [left, right] = n.getChildren('Expr');
    let opNode = n.firstChild;
    while (opNode && !BIN_OPS.has(opNode.type.id)) opNode = opNode.nextSibling;
    for (const [k, leg] of [left!, right!].entries()) {
      if (k === 1) ops.push({ op: text(q, opNode!).toLowerCase(), at: opNode!.from });
      const inner = chainedBinOp(leg);
      if (inner) flatten(inner);
      else operands.push({ literal: isLiteral(leg), at: leg.from, node: leg });
    }
  };
  flatten(top);
  for (const [k, { node }] of operands.entries()) {
    if (node.firstChild?.type.id === G.LogExpr) {
      const op = ops[k === 0 ? 0 : k - 1]!.op;
      invalid(node.from, `a log query cannot be an operand of "${op}"; turn it into a metric first, e.g. count_over_time(${text(q, node).trim()} [5m])`);
    }
  }
  const problem = binOpChainProblem(operands, ops);
  if (problem) invalid(problem.at, problem.message);
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

// Messages for the first error node of Lezer's tree: what was expected there, in words, and the
// whole word at the position (Lezer often flags only the second half of a bad word).
import type * as G from '@grafana/lezer-logql';
import { grammarError } from './query-error.ts';

export type SyntaxNode = ReturnType<typeof G.parser.parse>['topNode'];

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

export function reportSyntax(q: string, err: SyntaxNode): never {
  const end = q.replace(/\s+$/, '').length;
  let ctx = '';
  for (let p = err.parent; p && !ctx; p = p.parent) {
    const name = p.name;
    ctx = CONTEXT.find(([names]) => names.includes(name))?.[1] ?? '';
  }
  if (err.parent?.name === 'LogRangeExpr' && !err.parent.getChild('Range')) {
    grammarError(Math.min(err.from, end), 'missing range after the log selector: add a duration like [5m]');
  }
  if (err.from >= end) return grammarError(end, `unexpected end of query${ctx ? ` (${ctx})` : ''}`);
  let from = err.from;
  // Lezer parsed a same-length rewrite (grammar-gaps.ts): a comma it added sits on a space here.
  while (/\s/.test(q[from] ?? '')) from++;
  while (from > 0 && /[\w.-]/.test(q[from]!) && /[\w.-]/.test(q[from - 1]!)) from--;
  const token = q.slice(from).match(/^[\w.-]+|^\S/)![0];
  let inRange = false;
  for (let p = err.parent; p; p = p.parent) inRange ||= p.name === 'LogRangeExpr';
  if (token === '[' && !inRange) grammarError(from, 'a range like [5m] is only allowed inside a range aggregation such as count_over_time({...}[5m])');
  const prev = err.prevSibling;
  if (token === ')' && prev?.name === 'Expr' && prev.firstChild?.name === 'LogExpr') {
    grammarError(prev.from, 'a log query cannot be used here; aggregate it first, e.g. count_over_time({...}[5m])');
  }
  if (token.startsWith('--')) grammarError(from, `unknown parser flag "${token}" (logfmt accepts --strict and --keep-empty)`);
  return grammarError(from, `unexpected "${token}"${ctx ? ` ${ctx}` : ''}`);
}

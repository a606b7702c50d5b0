// Generic traversal of artifact expressions, shared by the dependency check and explanations.

import type { Expr } from '@mql/artifact';

/** The direct sub-expressions of `expr`, including a query's `where`. */
export function childExprs(expr: Expr): Expr[] {
  switch (expr.op) {
    case 'literal':
    case 'list':
    case 'field':
    case 'attr':
    case 'now':
    case 'segment':
    case 'score':
    case 'grade':
      return [];
    case 'email_part':
      return [expr.of];
    case 'not':
    case 'neg':
      return [expr.arg];
    case 'and':
    case 'or':
      return expr.args;
    case 'arith':
    case 'compare':
      return [expr.left, expr.right];
    case 'in':
      return [expr.subject, expr.list];
    case 'contains':
    case 'starts_with':
    case 'ends_with':
      return [expr.subject, expr.value];
    case 'between':
      return [expr.subject, expr.low, expr.high];
    case 'is_set':
    case 'within':
      return [expr.subject];
    case 'count':
    case 'any':
    case 'none':
    case 'sum':
    case 'days_since_event':
      return expr.query.where ? [expr.query.where] : [];
    case 'days_since_date':
      return [expr.arg];
    case 'math':
      return expr.args;
  }
}

/** Calls `visit` on `expr` and every sub-expression, depth first. */
export function walkExpr(expr: Expr, visit: (e: Expr) => void): void {
  visit(expr);
  for (const child of childExprs(expr)) walkExpr(child, visit);
}

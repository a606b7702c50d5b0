// Generic traversal of expressions, shared by the checker (depth guard), the language server
// (node at a position) and lints. Iterative where depth is unbounded, so hostile input cannot
// overflow the stack.

import type { Expr } from './ast.js';

/** The direct sub-expressions of an expression, in source order. */
export function exprChildren(expr: Expr): Expr[] {
  const out: (Expr | undefined)[] = [];
  switch (expr.kind) {
    case 'Array':
      out.push(...expr.elements);
      break;
    case 'Paren':
      out.push(expr.expr);
      break;
    case 'Unary':
      out.push(expr.operand);
      break;
    case 'Binary':
    case 'Compare':
      out.push(expr.left, expr.right);
      break;
    case 'In':
      out.push(expr.subject, expr.collection);
      break;
    case 'TextTest':
      out.push(expr.subject, expr.value);
      break;
    case 'Between':
      out.push(expr.subject, expr.low, expr.high);
      break;
    case 'IsSet':
    case 'Within':
      out.push(expr.subject);
      break;
    case 'Call':
      out.push(expr.query?.where, expr.arg);
      break;
    case 'FunctionCall':
      out.push(...expr.args);
      break;
    default:
      break;
  }
  return out.filter((e): e is Expr => e !== undefined);
}

/** The depth of an expression tree (a literal is 1), computed without recursion. */
export function exprDepth(root: Expr): number {
  let deepest = 0;
  const pending: [Expr, number][] = [[root, 1]];
  while (pending.length > 0) {
    const [expr, depth] = pending.pop()!;
    if (depth > deepest) deepest = depth;
    for (const child of exprChildren(expr)) pending.push([child, depth + 1]);
  }
  return deepest;
}

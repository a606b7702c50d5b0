// Expressions as generated code (LoadOptions.codegen): an expression tree becomes one function, or
// part of a larger one (a score's rules, scores.ts), instead of a closure per node.
//
// Why: a compiled closure tree makes a call per node, and the call sites in the shared closures
// see every expression of the program, so V8 can inline none of them. Generated code has one call
// site per use, each seeing one function, which V8 inlines. Measured on the throughput benchmark:
// see packages/bench/README.md ("Fourth round").
//
// This file only composes: what an operator means is in expr-ops.ts, which the closures of
// compile-expr.ts call too, and where a field or an attribute sits, and what a name or an event
// function is, compile-expr.ts answers (SourceHooks). Event functions and references to names stay
// closures (memoised per evaluation), called from the generated code. Safety: codegen.ts.

import type { Expr, MathFunction } from '@mql/artifact';
import { int, type Codegen } from './codegen.js';
import type { Fn } from './context.js';
import {
  applyMath, ARITH, attrLowered, attrValue, between, COMPARE, daysSince, EMAIL_PART, inList, inSet, isSet, listContains, negate, TEXT, within,
} from './expr-ops.js';

/** What the generator asks compile-expr.ts about the program. */
export interface SourceHooks {
  /** The lead field's slot (marked as read). */
  field(path: string[]): number;
  /** An attribute of the scope's event type: `at`, or its slot and whether its text compares lower-cased. */
  attr(name: string): { type: number; slot: number | 'at'; lowered: boolean };
  /** A closure for what stays one: names and event functions. */
  leaf(expr: Expr): Fn;
  /** A numeric function's implementation (arity checked). */
  math(name: MathFunction, arity: number): (args: number[]) => number;
  /** A literal's value in comparison form (text lower-cased). */
  constant(expr: Expr): unknown;
  /** A literal list's values in comparison form. */
  list(values: readonly (string | number)[]): readonly (string | number)[];
}

/**
 * The constants a generated function closes over (helpers, literals, sets, closures), each passed
 * in as a parameter `k<i>`: only names the generator made are spliced into the source.
 */
export class SourceUnit {
  private readonly names = new Map<unknown, string>();
  private readonly params: string[] = [];
  private readonly values: unknown[] = [];

  constant(value: unknown): string {
    // Objects and functions are shared by identity; primitives are not, so -0 stays apart from 0.
    const shared = (typeof value === 'object' && value !== null) || typeof value === 'function';
    let name = shared ? this.names.get(value) : undefined;
    if (name === undefined) {
      name = `k${int(this.values.length)}`;
      this.params.push(name);
      this.values.push(value);
      if (shared) this.names.set(value, name);
    }
    return name;
  }

  /** `source` is a function expression over the constants; undefined where code generation is not allowed. */
  build<F>(codegen: Codegen, source: string): F | undefined {
    const make = codegen.compile(this.params, `return ${source};`);
    return make?.(...this.values) as F | undefined;
  }
}

/** The operators whose value is always a boolean, never missing. */
export const GIVES_BOOLEAN: ReadonlySet<Expr['op']> = new Set<Expr['op']>([
  'not', 'and', 'or', 'compare', 'in', 'contains', 'starts_with', 'ends_with', 'between', 'is_set', 'within', 'any', 'none', 'segment',
]);

/** An expression as a condition's source: true only when its value is exactly `true`. */
export function conditionSource(expr: Expr, unit: SourceUnit, hooks: SourceHooks): string {
  const value = exprSource(expr, unit, hooks);
  return GIVES_BOOLEAN.has(expr.op) ? value : `(${value} === true)`;
}

/** An expression's source, over `ctx` (the EvalContext) and `ev` (the event inside a `where`). */
export function exprSource(expr: Expr, unit: SourceUnit, hooks: SourceHooks): string {
  const sub = (e: Expr) => exprSource(e, unit, hooks);
  const call = (fn: unknown, ...args: string[]) => `${unit.constant(fn)}(${args.join(', ')})`;
  const bool = (b: boolean) => (b ? 'true' : 'false');
  switch (expr.op) {
    case 'literal':
      return unit.constant(hooks.constant(expr));
    case 'list':
      return unit.constant(hooks.list(expr.values));
    case 'field':
      return `ctx.lead[${int(hooks.field(expr.path))}]`;
    case 'attr': {
      const { type, slot, lowered } = hooks.attr(expr.name);
      const list = `ctx.events[${int(type)}]`;
      if (slot === 'at') return `${list}.at[ev]`;
      return call(lowered ? attrLowered : attrValue, list, 'ev', int(slot));
    }
    case 'email_part':
      return call(EMAIL_PART[expr.part], sub(expr.of));
    case 'now':
      return 'ctx.now';
    case 'segment':
    case 'score':
    case 'grade':
    case 'count':
    case 'any':
    case 'none':
    case 'sum':
    case 'days_since_event':
      return call(hooks.leaf(expr), 'ctx', 'ev');
    case 'not':
      return `(${sub(expr.arg)} !== true)`;
    case 'and':
      return `(${expr.args.map((a) => `${sub(a)} === true`).join(' && ')})`;
    case 'or':
      return `(${expr.args.map((a) => `${sub(a)} === true`).join(' || ')})`;
    case 'neg':
      return call(negate, sub(expr.arg));
    case 'arith':
      return call(ARITH[expr.fn], sub(expr.left), sub(expr.right));
    case 'compare':
      return call(COMPARE[expr.cmp], sub(expr.left), sub(expr.right));
    case 'in':
      if (expr.list.op === 'list') return call(inSet, sub(expr.subject), unit.constant(new Set(hooks.list(expr.list.values))), bool(expr.negated));
      return call(inList, sub(expr.subject), sub(expr.list), bool(expr.negated));
    case 'contains':
      if (expr.on === 'list') return call(listContains, sub(expr.subject), sub(expr.value));
      return call(TEXT.contains, sub(expr.subject), sub(expr.value));
    case 'starts_with':
    case 'ends_with':
      return call(TEXT[expr.op], sub(expr.subject), sub(expr.value));
    case 'between':
      return call(between, sub(expr.subject), sub(expr.low), sub(expr.high));
    case 'is_set':
      return call(isSet, sub(expr.subject), bool(expr.negated));
    case 'within':
      return call(within, sub(expr.subject), 'ctx.now', unit.constant(expr.durationMs));
    case 'days_since_date':
      return call(daysSince, sub(expr.arg), 'ctx.now');
    case 'math':
      return call(applyMath, unit.constant(hooks.math(expr.fn, expr.args.length)), `[${expr.args.map(sub).join(', ')}]`);
  }
}

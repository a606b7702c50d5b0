// Compiles artifact expressions once, at load: into generated code where the platform allows it
// (expr-codegen.ts), else into a closure per node. Either way, what each operator means is in
// expr-ops.ts (LANGUAGE.md §5); this file holds the closures and what both need from the program:
// where a field or attribute sits, names, event functions.

import type { EventQuery, Expr, MathFunction } from '@mql/artifact';
import type { Codegen } from './codegen.js';
import type { Condition, Fn } from './context.js';
import { fail } from './errors.js';
import { conditionSource, exprSource, GIVES_BOOLEAN, SourceUnit, type SourceHooks } from './expr-codegen.js';
import {
  applyMath, ARITH, attrLowered, attrValue, between, COMPARE, daysSince, EMAIL_PART, finite, inList, inSet, isSet, listContains, MATH, negate, TEXT, within,
} from './expr-ops.js';
import type { NameTable } from './names.js';
import type { QueryTable } from './queries.js';
import { comparedLowerCase, type EventModel, type RecordModel } from './schema.js';

export interface CompileEnv {
  model: RecordModel;
  names: NameTable;
  queries: QueryTable;
  /** Where the expression sits in the artifact, for error messages: `segment "decision_maker"`. */
  where: string;
  /** Whether (and how) to generate code for this load (codegen.ts). */
  codegen: Codegen;
}

/** `scope` is the event type whose attributes `attr` reads (inside a `where`), else undefined. */
export function compileExpr(expr: Expr, env: CompileEnv, scope?: EventModel): Fn {
  return generated(expr, env, scope, false) ?? closureOf(expr, env, scope);
}

/** A boolean condition: true only when the expression is exactly `true` (missing → false). */
export function compileCondition(expr: Expr, env: CompileEnv, scope?: EventModel): Condition {
  const fn = generated(expr, env, scope, true);
  if (fn !== undefined) return fn as Condition;
  const closure = closureOf(expr, env, scope);
  // Predicates already give exactly true or false; only a value (a field, an attribute) needs the test.
  if (GIVES_BOOLEAN.has(expr.op)) return closure as Condition;
  return (ctx, ev) => closure(ctx, ev) === true;
}

/** The expression as one generated function, or undefined where code generation is not allowed. */
function generated(expr: Expr, env: CompileEnv, scope: EventModel | undefined, condition: boolean): Fn | undefined {
  const unit = new SourceUnit();
  const hooks = sourceHooks(env, scope);
  const value = condition ? conditionSource(expr, unit, hooks) : exprSource(expr, unit, hooks);
  return unit.build<Fn>(env.codegen, `function expression(ctx, ev) { return ${value}; }`);
}

/** What generated code needs from the program, answered here so both ways read it alike. */
export function sourceHooks(env: CompileEnv, scope: EventModel | undefined): SourceHooks {
  return {
    field: (path) => fieldSlot(path, env),
    attr: (name) => attrSlot(name, env, scope),
    leaf: (e) => closureOf(e, env, scope),
    math: (name, arity) => mathOf(name, arity, env),
    constant: (e) => constantOf(e),
    list: lowerAll,
  };
}

/** The closure tree of an expression: the way without generated code, and the leaves of generated code. */
function closureOf(expr: Expr, env: CompileEnv, scope: EventModel | undefined): Fn {
  const sub = (e: Expr) => closureOf(e, env, scope);
  switch (expr.op) {
    case 'literal': {
      const value = constantOf(expr);
      return () => value;
    }
    case 'list': {
      const values = lowerAll(expr.values);
      return () => values;
    }
    case 'field': {
      const slot = fieldSlot(expr.path, env);
      return (ctx) => ctx.lead[slot];
    }
    case 'attr':
      return attrClosure(attrSlot(expr.name, env, scope));
    case 'email_part': {
      const [part, of] = [EMAIL_PART[expr.part], sub(expr.of)];
      return (ctx, ev) => part(of(ctx, ev));
    }
    case 'now':
      return (ctx) => ctx.now;
    case 'segment':
    case 'score':
    case 'grade':
      return env.names.ref(expr.op, expr.name) ?? fail(env, `unknown ${expr.op} "${expr.name}"`);
    case 'not': {
      const arg = sub(expr.arg);
      return (ctx, ev) => arg(ctx, ev) !== true;
    }
    case 'and':
      return compileAnd(expr.args.map(sub));
    case 'or':
      return compileOr(expr.args.map(sub));
    case 'neg': {
      const arg = sub(expr.arg);
      return (ctx, ev) => negate(arg(ctx, ev));
    }
    case 'arith':
      return binary(ARITH[expr.fn], sub(expr.left), expr.right, sub);
    case 'compare':
      return binary(COMPARE[expr.cmp], sub(expr.left), expr.right, sub);
    case 'in':
      return compileIn(expr.negated, sub(expr.subject), expr.list, sub);
    case 'contains':
      return binary(expr.on === 'list' ? listContains : TEXT.contains, sub(expr.subject), expr.value, sub);
    case 'starts_with':
    case 'ends_with':
      return binary(TEXT[expr.op], sub(expr.subject), expr.value, sub);
    case 'between': {
      const [subject, low, high] = [sub(expr.subject), sub(expr.low), sub(expr.high)];
      return (ctx, ev) => between(subject(ctx, ev), low(ctx, ev), high(ctx, ev));
    }
    case 'is_set': {
      const [subject, negated] = [sub(expr.subject), expr.negated];
      return (ctx, ev) => isSet(subject(ctx, ev), negated);
    }
    case 'within': {
      const [subject, durationMs] = [sub(expr.subject), expr.durationMs];
      return (ctx, ev) => within(subject(ctx, ev), ctx.now, durationMs);
    }
    case 'days_since_date': {
      const arg = sub(expr.arg);
      return (ctx, ev) => daysSince(arg(ctx, ev), ctx.now);
    }
    case 'count':
    case 'any':
    case 'none':
    case 'sum':
    case 'days_since_event':
      return compileEventFunction(expr, env);
    case 'math': {
      const [fn, args] = [mathOf(expr.fn, expr.args.length, env), expr.args.map(sub)];
      return (ctx, ev) => applyMath(fn, args.map((arg) => arg(ctx, ev)));
    }
  }
}

const NOT_CONSTANT: unique symbol = Symbol('not a constant');

/**
 * A literal operand's value in comparison form (text lower-cased), known at load: the operators
 * below then compare with it directly instead of calling a closure for it on every evaluation.
 */
function constantOf(expr: Expr): string | number | boolean | typeof NOT_CONSTANT {
  if (expr.op !== 'literal') return NOT_CONSTANT;
  return typeof expr.value === 'string' ? expr.value.toLowerCase() : expr.value;
}

function lowerAll(values: readonly (string | number)[]): readonly (string | number)[] {
  return Object.freeze(values.map((v) => (typeof v === 'string' ? v.toLowerCase() : v)));
}

// ---------------------------------------------------------------------------------------------
// Where values sit (both ways)

function fieldSlot(path: string[], env: CompileEnv): number {
  const node = env.model.lead.bySchemaPath.get(path.join('.'));
  if (node === undefined) fail(env, `unknown field "${path.join('.')}"`);
  node.read = true; // the record reader keeps its value (see records.ts)
  return node.slot;
}

function attrSlot(name: string, env: CompileEnv, scope: EventModel | undefined): ReturnType<SourceHooks['attr']> {
  if (scope === undefined) fail(env, `event attribute "${name}" outside a query`);
  const type = scope.index;
  if (name === 'at') return { type, slot: 'at', lowered: false };
  const node = scope.bySchemaPath.get(name);
  if (node === undefined) fail(env, `unknown attribute "${name}" of event "${scope.name}"`);
  node.read = true;
  return { type, slot: node.slot, lowered: comparedLowerCase(node.type) };
}

function mathOf(name: MathFunction, arity: number, env: CompileEnv): (args: number[]) => number {
  const spec = MATH[name];
  if (spec === undefined) fail(env, `unknown function "${name}"`);
  if (spec.variadic ? arity < spec.arity : arity !== spec.arity) fail(env, `function "${name}" with ${arity} argument(s)`);
  return spec.fn;
}

// ---------------------------------------------------------------------------------------------
// Closures

function attrClosure({ type, slot, lowered }: ReturnType<SourceHooks['attr']>): Fn {
  if (slot === 'at') return (ctx, ev) => ctx.events[type]!.at[ev];
  const read = lowered ? attrLowered : attrValue;
  return (ctx, ev) => read(ctx.events[type]!, ev, slot);
}

function compileAnd(args: Fn[]): Fn {
  if (args.length === 2) {
    const [a, b] = args as [Fn, Fn];
    return (ctx, ev) => a(ctx, ev) === true && b(ctx, ev) === true;
  }
  return (ctx, ev) => {
    for (const arg of args) if (arg(ctx, ev) !== true) return false;
    return true;
  };
}

function compileOr(args: Fn[]): Fn {
  if (args.length === 2) {
    const [a, b] = args as [Fn, Fn];
    return (ctx, ev) => a(ctx, ev) === true || b(ctx, ev) === true;
  }
  return (ctx, ev) => {
    for (const arg of args) if (arg(ctx, ev) === true) return true;
    return false;
  };
}

/** A binary operator; a literal right operand (the usual case) is the closure's constant, not a call away. */
function binary(op: (a: unknown, b: unknown) => unknown, left: Fn, rightExpr: Expr, sub: (e: Expr) => Fn): Fn {
  const b = constantOf(rightExpr);
  if (b !== NOT_CONSTANT) return (ctx, ev) => op(left(ctx, ev), b);
  const right = sub(rightExpr);
  return (ctx, ev) => op(left(ctx, ev), right(ctx, ev));
}

function compileIn(negated: boolean, subject: Fn, list: Expr, sub: (e: Expr) => Fn): Fn {
  if (list.op === 'list') {
    // The usual case: a literal or an inlined `list` declaration, hashed once.
    const members = new Set(lowerAll(list.values));
    return (ctx, ev) => inSet(subject(ctx, ev), members, negated);
  }
  const values = sub(list);
  return (ctx, ev) => inList(subject(ctx, ev), values(ctx, ev), negated);
}

// ---------------------------------------------------------------------------------------------
// Event functions: each query's matches are computed once per evaluation (queries.ts).

type EventFunction = Extract<Expr, { query: EventQuery }>;

function compileEventFunction(expr: EventFunction, env: CompileEnv): Fn {
  const query = compileQuery(expr.query, env);
  const { count, matches } = query;
  const type = query.event.index;
  switch (expr.op) {
    case 'count':
      return count;
    case 'any':
      return (ctx) => count(ctx) > 0;
    case 'none':
      return (ctx) => count(ctx) === 0;
    case 'sum': {
      const node = query.event.bySchemaPath.get(expr.attr);
      if (node === undefined) fail(env, `unknown attribute "${expr.attr}" of event "${query.event.name}"`);
      node.read = true;
      const slot = node.slot;
      return (ctx) => {
        const { values, width } = ctx.events[type]!;
        let total = 0;
        for (const i of matches(ctx)) {
          const v = values[i * width + slot];
          if (typeof v === 'number') total += v; // missing attribute values are skipped
        }
        return finite(total); // an overflowing sum is missing (§5)
      };
    }
    case 'days_since_event':
      return (ctx) => {
        const { at } = ctx.events[type]!;
        let latest = -Infinity;
        for (const i of matches(ctx)) if (at[i]! > latest) latest = at[i]!;
        return latest === -Infinity ? undefined : daysSince(latest, ctx.now);
      };
  }
}

/** The query's matching events, shared by every use of an identical query (see queries.ts). */
export function compileQuery(query: EventQuery, env: CompileEnv) {
  return env.queries.compile(query, env, (where, scope) => compileCondition(where, env, scope));
}

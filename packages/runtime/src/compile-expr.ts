// Compiles artifact expressions into closures once, at load (never eval / new Function).
//
// Semantics (LANGUAGE.md §5): missing is `undefined`; every predicate and comparison with a missing
// operand is false (including `!=` and `not in`), arithmetic with one is missing, and `not` inverts
// the boolean result, so a condition is true only when its value is exactly `true`. String values
// are already lower-cased (record fields at validation, constants here), so case-insensitive
// comparison is plain `===`.

import type { EventQuery, Expr, MathFunction } from '@mql/artifact';
import type { Condition, Fn } from './context.js';
import { DAY_MS } from './context.js';
import { fail } from './errors.js';
import type { NameTable } from './names.js';
import type { QueryTable } from './queries.js';
import { comparedLowerCase, type EventModel, type RecordModel } from './schema.js';

export interface CompileEnv {
  model: RecordModel;
  names: NameTable;
  queries: QueryTable;
  /** Where the expression sits in the artifact, for error messages: `segment "decision_maker"`. */
  where: string;
}

/** `scope` is the event type whose attributes `attr` reads (inside a `where`), else undefined. */
export function compileExpr(expr: Expr, env: CompileEnv, scope?: EventModel): Fn {
  const sub = (e: Expr) => compileExpr(e, env, scope);
  switch (expr.op) {
    case 'literal': {
      const value = constantOf(expr);
      return () => value;
    }
    case 'list': {
      const values = lowerAll(expr.values);
      return () => values;
    }
    case 'field':
      return compileField(expr.path, env);
    case 'attr':
      return compileAttr(expr.name, env, scope);
    case 'email_part':
      return compileEmailPart(expr.part, sub(expr.of));
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
      return (ctx, ev) => {
        const v = arg(ctx, ev);
        return typeof v === 'number' ? -v : undefined;
      };
    }
    case 'arith':
      return compileArith(expr.fn, sub(expr.left), sub(expr.right));
    case 'compare': {
      const right = constantOf(expr.right);
      return right === NOT_CONSTANT ? compileCompare(expr.cmp, sub(expr.left), sub(expr.right)) : compareWith(expr.cmp, sub(expr.left), right);
    }
    case 'in':
      return compileIn(expr.negated, sub(expr.subject), expr.list, sub);
    case 'contains':
      if (expr.on === 'list') return compileListContains(sub(expr.subject), sub(expr.value));
      return compileTextTest(expr.op, sub(expr.subject), expr.value, sub);
    case 'starts_with':
    case 'ends_with':
      return compileTextTest(expr.op, sub(expr.subject), expr.value, sub);
    case 'between': {
      const low = constantOf(expr.low);
      const high = constantOf(expr.high);
      if (typeof low === 'number' && typeof high === 'number') return betweenNumbers(sub(expr.subject), low, high);
      return compileBetween(sub(expr.subject), sub(expr.low), sub(expr.high));
    }
    case 'is_set': {
      const subject = sub(expr.subject);
      const negated = expr.negated;
      return (ctx, ev) => (subject(ctx, ev) !== undefined) !== negated;
    }
    case 'within':
      return compileWithin(sub(expr.subject), expr.durationMs);
    case 'days_since_date': {
      const arg = sub(expr.arg);
      return (ctx, ev) => {
        const d = arg(ctx, ev);
        return typeof d === 'number' ? (ctx.now - d) / DAY_MS : undefined;
      };
    }
    case 'count':
    case 'any':
    case 'none':
    case 'sum':
    case 'days_since_event':
      return compileEventFunction(expr, env);
    case 'math':
      return compileMath(expr.fn, expr.args.map(sub), env);
  }
}

/** A boolean condition: true only when the expression is exactly `true` (missing → false). */
export function compileCondition(expr: Expr, env: CompileEnv, scope?: EventModel): Condition {
  const fn = compileExpr(expr, env, scope);
  // Predicates already give exactly true or false; only a value (a field, an attribute) needs the test.
  if (GIVES_BOOLEAN.has(expr.op)) return fn as Condition;
  return (ctx, ev) => fn(ctx, ev) === true;
}

/** The operators whose compiled closure always returns a boolean, never missing. */
const GIVES_BOOLEAN: ReadonlySet<Expr['op']> = new Set<Expr['op']>([
  'not', 'and', 'or', 'compare', 'in', 'contains', 'starts_with', 'ends_with', 'between', 'is_set', 'within', 'any', 'none', 'segment',
]);

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
// Paths

function compileField(path: string[], env: CompileEnv): Fn {
  const node = env.model.lead.bySchemaPath.get(path.join('.'));
  if (node === undefined) fail(env, `unknown field "${path.join('.')}"`);
  node.read = true; // the record reader keeps its value (see records.ts)
  const slot = node.slot;
  return (ctx) => ctx.lead[slot];
}

function compileAttr(name: string, env: CompileEnv, scope: EventModel | undefined): Fn {
  if (scope === undefined) fail(env, `event attribute "${name}" outside a query`);
  const type = scope.index;
  if (name === 'at') return (ctx, ev) => ctx.events[type]!.at[ev];
  const node = scope.bySchemaPath.get(name);
  if (node === undefined) fail(env, `unknown attribute "${name}" of event "${scope.name}"`);
  node.read = true;
  const slot = node.slot;
  if (!comparedLowerCase(node.type)) {
    return (ctx, ev) => {
      const list = ctx.events[type]!;
      return list.values[ev * list.width + slot];
    };
  }
  // Text is lower-cased here, on first read, not by the record reader (see records.ts): only the
  // events inside a query's window pay for it. Lower-casing is idempotent, so the stored form can
  // replace the given one.
  return (ctx, ev) => {
    const list = ctx.events[type]!;
    const k = ev * list.width + slot;
    const value = list.values[k];
    if (value === undefined) return undefined;
    const lowered = typeof value === 'string' ? value.toLowerCase() : (value as string[]).map((s) => s.toLowerCase());
    list.values[k] = lowered;
    return lowered;
  };
}


/** `.domain` is after the last `@` (already lower-case), `.local` before it; missing without `@`. */
function compileEmailPart(part: 'domain' | 'local', of: Fn): Fn {
  return (ctx, ev) => {
    const email = of(ctx, ev);
    if (typeof email !== 'string') return undefined;
    const at = email.lastIndexOf('@');
    if (at < 0) return undefined;
    return part === 'domain' ? email.slice(at + 1) : email.slice(0, at);
  };
}

// ---------------------------------------------------------------------------------------------
// Logic and arithmetic

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

type NumOp = (a: number, b: number) => number | undefined;

const ARITH: Record<'+' | '-' | '*' | '/', NumOp> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  // Division by zero is missing rather than ±Infinity/NaN, like any other undefined arithmetic.
  '/': (a, b) => (b === 0 ? undefined : a / b),
};

function compileArith(fn: keyof typeof ARITH, left: Fn, right: Fn): Fn {
  const op = ARITH[fn];
  return (ctx, ev) => {
    const a = left(ctx, ev);
    if (typeof a !== 'number') return undefined;
    const b = right(ctx, ev);
    if (typeof b !== 'number') return undefined;
    // LANGUAGE.md §5: a result that is not a finite number (overflow, NaN) is missing.
    const result = op(a, b);
    return result !== undefined && Number.isFinite(result) ? result : undefined;
  };
}

/** Halves away from zero (2.5 → 3, -2.5 → -3), as documented with `MATH_FUNCTIONS`. */
function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

const MATH: Record<MathFunction, { arity: number; variadic?: boolean; fn: (args: number[]) => number }> = {
  min: { arity: 2, variadic: true, fn: (args) => Math.min(...args) },
  max: { arity: 2, variadic: true, fn: (args) => Math.max(...args) },
  clamp: { arity: 3, fn: ([x, low, high]) => Math.min(Math.max(x!, low!), high!) },
  round: { arity: 1, fn: ([x]) => roundHalfAway(x!) },
  abs: { arity: 1, fn: ([x]) => Math.abs(x!) },
};

/**
 * A numeric function: missing when any argument is missing or not a finite number, and when the
 * result is not finite (LANGUAGE.md §5), like arithmetic.
 */
function compileMath(name: MathFunction, args: Fn[], env: CompileEnv): Fn {
  const spec = MATH[name];
  if (spec === undefined) fail(env, `unknown function "${name}"`);
  if (spec.variadic ? args.length < spec.arity : args.length !== spec.arity) {
    fail(env, `function "${name}" with ${args.length} argument(s)`);
  }
  const apply = spec.fn;
  return (ctx, ev) => {
    const values: number[] = [];
    for (const arg of args) {
      const v = arg(ctx, ev);
      if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
      values.push(v);
    }
    const result = apply(values);
    return Number.isFinite(result) ? result : undefined;
  };
}

// ---------------------------------------------------------------------------------------------
// Comparisons and predicates: any missing operand gives false.

/** Called with both operands present. */
const COMPARE: Record<'==' | '!=' | '<' | '<=' | '>' | '>=', (a: unknown, b: unknown) => boolean> = {
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
  '<': (a, b) => (a as number) < (b as number),
  '<=': (a, b) => (a as number) <= (b as number),
  '>': (a, b) => (a as number) > (b as number),
  '>=': (a, b) => (a as number) >= (b as number),
};

function compileCompare(cmp: keyof typeof COMPARE, left: Fn, right: Fn): Fn {
  const op = COMPARE[cmp];
  return (ctx, ev) => {
    const a = left(ctx, ev);
    if (a === undefined) return false;
    const b = right(ctx, ev);
    return b !== undefined && op(a, b);
  };
}

/** `x OP constant`: the constant is the closure's, not a call away. */
function compareWith(cmp: keyof typeof COMPARE, left: Fn, b: string | number | boolean): Fn {
  const op = COMPARE[cmp];
  return (ctx, ev) => {
    const a = left(ctx, ev);
    return a !== undefined && op(a, b);
  };
}

function compileIn(negated: boolean, subject: Fn, list: Expr, sub: (e: Expr) => Fn): Fn {
  if (list.op === 'list') {
    // The usual case: a literal or an inlined `list` declaration, hashed once.
    const members = new Set(lowerAll(list.values));
    return (ctx, ev) => {
      const v = subject(ctx, ev);
      return v !== undefined && members.has(v as string | number) !== negated;
    };
  }
  const values = sub(list);
  return (ctx, ev) => {
    const v = subject(ctx, ev);
    const all = values(ctx, ev);
    return v !== undefined && Array.isArray(all) && all.includes(v) !== negated;
  };
}

function compileListContains(subject: Fn, value: Fn): Fn {
  return (ctx, ev) => {
    const list = subject(ctx, ev);
    const v = value(ctx, ev);
    return Array.isArray(list) && v !== undefined && list.includes(v);
  };
}

/** `contains`, `starts with`, `ends with` on text; a literal value (the usual case) is the closure's constant. */
function compileTextTest(op: 'contains' | 'starts_with' | 'ends_with', subject: Fn, valueExpr: Expr, sub: (e: Expr) => Fn): Fn {
  const test = TEXT_TESTS[op];
  const v = constantOf(valueExpr);
  if (typeof v !== 'string') return compileText(test, subject, sub(valueExpr));
  return (ctx, ev) => {
    const s = subject(ctx, ev);
    return typeof s === 'string' && test(s, v);
  };
}

const TEXT_TESTS: Record<'contains' | 'starts_with' | 'ends_with', (subject: string, value: string) => boolean> = {
  contains: (s, v) => s.includes(v),
  starts_with: (s, v) => s.startsWith(v),
  ends_with: (s, v) => s.endsWith(v),
};

function compileText(test: (subject: string, value: string) => boolean, subject: Fn, value: Fn): Fn {
  return (ctx, ev) => {
    const s = subject(ctx, ev);
    if (typeof s !== 'string') return false;
    const v = value(ctx, ev);
    return typeof v === 'string' && test(s, v);
  };
}

function compileBetween(subject: Fn, low: Fn, high: Fn): Fn {
  return (ctx, ev) => {
    const v = subject(ctx, ev);
    if (v === undefined) return false;
    const lo = low(ctx, ev);
    const hi = high(ctx, ev);
    return lo !== undefined && hi !== undefined && (v as number) >= (lo as number) && (v as number) <= (hi as number);
  };
}

function betweenNumbers(subject: Fn, lo: number, hi: number): Fn {
  return (ctx, ev) => {
    const v = subject(ctx, ev);
    return v !== undefined && (v as number) >= lo && (v as number) <= hi;
  };
}

/** `d within D`: d in [now - D, now], both ends inclusive. */
function compileWithin(subject: Fn, durationMs: number): Fn {
  return (ctx, ev) => {
    const d = subject(ctx, ev);
    return typeof d === 'number' && d >= ctx.now - durationMs && d <= ctx.now;
  };
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
        return Number.isFinite(total) ? total : undefined; // an overflowing sum is missing (§5)
      };
    }
    case 'days_since_event':
      return (ctx) => {
        const { at } = ctx.events[type]!;
        let latest = -Infinity;
        for (const i of matches(ctx)) if (at[i]! > latest) latest = at[i]!;
        return latest === -Infinity ? undefined : (ctx.now - latest) / DAY_MS;
      };
  }
}

/** The query's matching events, shared by every use of an identical query (see queries.ts). */
export function compileQuery(query: EventQuery, env: CompileEnv) {
  return env.queries.compile(query, env, (where, scope) => compileCondition(where, env, scope));
}

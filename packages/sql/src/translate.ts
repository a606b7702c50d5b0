// Artifact expressions → plan expressions, with the runtime's semantics (LANGUAGE.md §5, as
// packages/runtime/src/compile-expr.ts implements them) in SQL's three-valued world:
// - values are normalised once where they are read (strings lower-cased, numbers and dates as
//   doubles, dates in epoch ms like the runtime), so equality is plain `=`;
// - a missing value is NULL; arithmetic on NULL stays NULL (division by zero too, via NULLIF);
// - every predicate is made two-valued with COALESCE(…, FALSE) right where it is built, so `not`
//   (SQL NOT) inverts "false because missing" into true exactly as the runtime's `!== true` does.
// Each translation reports the names and event queries it depends on, which orders the plan.

import type { EventQuery, Expr, FieldType, MathFunction } from '@mql/artifact';
import { SqlCompileError } from './errors.js';
import {
  and,
  bool,
  col,
  fn,
  isNull,
  not,
  num,
  op,
  or,
  orFalse,
  orZero,
  str,
  whenPresent,
  type S,
} from './sql-expr.js';

export const DAY_MS = 86_400_000;

/** A node of the plan's dependency graph: `segment:x`, `score:x`, `grade:x` or `query:N`. */
export type Dep = string;

/** What a translation needs from the plan being built. */
export interface TranslateEnv {
  dialect: string;
  /** Where the expression is, for error messages: `score "fit"`. */
  where: string;
  /** A lead field's normalised column (registers the field as read). */
  leadField(path: string[]): { s: S; type: FieldType };
  /** The column of a segment, score or grade. */
  name(kind: 'segment' | 'score' | 'grade', name: string): S;
  now: S;
  /** One aggregate of an event query, as a (nullable) column of the lead chain. */
  aggregate(query: EventQuery, agg: Aggregate): S;
  /** Inside a query's `where`: the event's attributes. */
  event?: { name: string; attr(name: string): { s: S; type: FieldType } };
  deps: Set<Dep>;
}

export type Aggregate = { kind: 'count' } | { kind: 'last' } | { kind: 'sum'; attr: string } | { kind: 'decay'; halfLifeMs: number };

interface Out {
  s: S;
  /** True when `s` is a boolean that is never NULL. */
  pred: boolean;
}

const value = (s: S): Out => ({ s, pred: false });
const pred = (s: S): Out => ({ s, pred: true });

/** The expression as a value (NULL when missing). */
export function translateValue(expr: Expr, env: TranslateEnv): S {
  return translate(expr, env).s;
}

/** The expression as a condition: TRUE only when it holds (the runtime's `=== true`). */
export function translateCondition(expr: Expr, env: TranslateEnv): S {
  return cond(translate(expr, env));
}

function cond(out: Out): S {
  return out.pred ? out.s : orFalse(out.s);
}

function translate(expr: Expr, env: TranslateEnv): Out {
  const v = (e: Expr) => translate(e, env).s;
  const c = (e: Expr) => cond(translate(e, env));
  switch (expr.op) {
    case 'literal':
      if (typeof expr.value === 'string') return value(str(expr.value.toLowerCase()));
      if (typeof expr.value === 'boolean') return pred(bool(expr.value));
      return value(num(expr.value));
    case 'list':
      return unsupported(env, 'a list used as a value', 'lists are supported after `in`');
    case 'field': {
      const { s, type } = env.leadField(expr.path);
      if (type.kind === 'object') return unsupported(env, `the object field \`${expr.path.join('.')}\` used as a value`);
      return value(s);
    }
    case 'attr': {
      if (env.event === undefined) return unsupported(env, `the event attribute \`${expr.name}\` outside a query`);
      const { s, type } = env.event.attr(expr.name);
      if (type.kind === 'object') return unsupported(env, `the object attribute \`${expr.name}\` used as a value`);
      return value(s);
    }
    case 'email_part':
      return value(fn(expr.part === 'domain' ? 'email_domain' : 'email_local', v(expr.of)));
    case 'now':
      return value(env.now);
    case 'segment':
      env.deps.add(`segment:${expr.name}`);
      return pred(env.name('segment', expr.name));
    case 'score':
      env.deps.add(`score:${expr.name}`);
      return value(env.name('score', expr.name));
    case 'grade':
      // Grades are stored with their labels as declared; expressions compare lower-cased text.
      env.deps.add(`grade:${expr.name}`);
      return value(fn('lower', env.name('grade', expr.name)));
    case 'not':
      return pred(not(c(expr.arg)));
    case 'and':
      return pred(and(expr.args.map(c)));
    case 'or':
      return pred(or(expr.args.map(c)));
    case 'neg':
      return value({ k: 'neg', arg: v(expr.arg) });
    case 'arith': {
      const right = v(expr.right);
      // Division by zero is missing in the runtime (never ±Infinity or NaN).
      return value(op(expr.fn, v(expr.left), expr.fn === '/' ? fn('nullif', right, num(0)) : right));
    }
    case 'compare':
      return pred(orFalse(op(expr.cmp === '==' ? '=' : expr.cmp === '!=' ? '<>' : expr.cmp, v(expr.left), v(expr.right))));
    case 'in':
      return pred(translateIn(expr.negated, v(expr.subject), expr.list, env));
    case 'contains':
      return pred(orFalse(expr.on === 'list' ? fn('list_contains', v(expr.subject), v(expr.value)) : fn('text_contains', v(expr.subject), v(expr.value))));
    case 'starts_with':
      return pred(orFalse(fn('starts_with', v(expr.subject), v(expr.value))));
    case 'ends_with':
      return pred(orFalse(fn('ends_with', v(expr.subject), v(expr.value))));
    case 'between': {
      const subject = v(expr.subject);
      return pred(orFalse(and([op('>=', subject, v(expr.low)), op('<=', subject, v(expr.high))])));
    }
    case 'is_set':
      return pred(isNull(presence(expr.subject, env), !expr.negated));
    case 'within': {
      // d within D: d in [now - D, now], both ends inclusive.
      const d = v(expr.subject);
      return pred(orFalse(and([op('>=', d, op('-', env.now, num(expr.durationMs))), op('<=', d, env.now)])));
    }
    case 'days_since_date':
      return value(op('/', op('-', env.now, v(expr.arg)), num(DAY_MS)));
    case 'math':
      return value(translateMath(expr.fn, expr.args.map(v), env));
    case 'count':
      return value(orZero(env.aggregate(expr.query, { kind: 'count' })));
    case 'any':
      return pred(op('>', orZero(env.aggregate(expr.query, { kind: 'count' })), num(0)));
    case 'none':
      return pred(op('=', orZero(env.aggregate(expr.query, { kind: 'count' })), num(0)));
    case 'sum':
      // `sum` skips events whose attribute is missing, and is 0 without events.
      return value(orZero(env.aggregate(expr.query, { kind: 'sum', attr: expr.attr })));
    case 'days_since_event':
      // NULL (missing) when no event matches: the aggregate is NULL then.
      return value(op('/', op('-', env.now, env.aggregate(expr.query, { kind: 'last' })), num(DAY_MS)));
  }
}

/**
 * The numeric functions, as the runtime computes them (@mql/artifact MATH_FUNCTIONS): missing
 * when any argument is. LEAST/GREATEST only see present values (whenPresent), since engines
 * disagree on NULL arguments; `round` halves away from zero (dialects.ts spells it exactly).
 * With finite arguments no result is infinite, so "non-finite is missing" needs no test here.
 */
function translateMath(name: MathFunction, args: S[], env: TranslateEnv): S {
  const arity = { min: 2, max: 2, clamp: 3, round: 1, abs: 1 }[name];
  if (arity === undefined) return unsupported(env, `the unknown function \`${String(name)}\``);
  const variadic = name === 'min' || name === 'max';
  if (variadic ? args.length < arity : args.length !== arity) return unsupported(env, `\`${name}\` with ${args.length} argument(s)`);
  switch (name) {
    case 'abs':
      return fn('abs', args[0]!);
    case 'round':
      return fn('round', args[0]!);
    case 'min':
      return whenPresent(args, fn('least', ...args));
    case 'max':
      return whenPresent(args, fn('greatest', ...args));
    case 'clamp':
      // min(max(x, low), high): `high` wins when low > high, as in the runtime.
      return whenPresent(args, fn('least', fn('greatest', args[0]!, args[1]!), args[2]!));
  }
}

/** `x in [..]` / `x in listField`: false when x (or the list) is missing, whatever `not`. */
function translateIn(negated: boolean, subject: S, list: Expr, env: TranslateEnv): S {
  if (list.op === 'list') {
    if (list.values.length === 0) return negated ? isNull(subject, true) : bool(false);
    const values = list.values.map((x) => (typeof x === 'string' ? str(x.toLowerCase()) : num(x)));
    const test: S = { k: 'in', subject, values };
    return orFalse(negated ? not(test) : test);
  }
  const test = fn('list_contains', translate(list, env).s, subject);
  return orFalse(negated ? not(test) : test);
}

/**
 * What `is set` tests. An object field has no column of its own in a table (its fields are
 * columns), so whether `company: {}` was given cannot be told: that is a compile error rather
 * than a guess.
 */
function presence(subject: Expr, env: TranslateEnv): S {
  if (subject.op === 'field') {
    const { s, type } = env.leadField(subject.path);
    if (type.kind === 'object') {
      return unsupported(env, `\`is set\` on the object field \`${subject.path.join('.')}\``, 'test one of its fields instead, e.g. `company.name is set`');
    }
    return s;
  }
  return translate(subject, env).s;
}

export function unsupported(env: { dialect: string; where: string }, construct: string, hint?: string): never {
  throw new SqlCompileError(
    `${env.where}: ${construct} cannot be expressed in ${env.dialect} SQL${hint ? ` (${hint})` : ''}`,
    construct,
    env.dialect,
  );
}

// What each expression operator means on values (LANGUAGE.md §5), written once for both ways the
// runtime runs an expression: the closures of compile-expr.ts and the code of expr-codegen.ts,
// which only compose these functions (generated code calls them; V8 inlines such small ones).
//
// Missing is `undefined`; every predicate and comparison with a missing operand is false
// (including `!=` and `not in`), arithmetic with one is missing, and a result that is not a finite
// number is missing. String values are already lower-cased (record fields at validation, constants
// at load, event text on its first read), so case-insensitive comparison is plain `===`.
// Operands are evaluated before the operator sees them: expressions have no side effects (the
// memo slots and the lower-casing of event text are idempotent), so this is the same as a
// short-circuit, except for `and`, `or` and `not`, which the composers spell themselves.

import type { MathFunction } from '@mql/artifact';
import { DAY_MS, type EventList } from './context.js';

/** A number that is finite as it is, else missing. */
export function finite(x: number): number | undefined {
  return x - x === 0 ? x : undefined;
}

export function negate(v: unknown): number | undefined {
  return typeof v === 'number' ? -v : undefined;
}

export type ArithOp = '+' | '-' | '*' | '/';

export const ARITH: Record<ArithOp, (a: unknown, b: unknown) => number | undefined> = {
  '+': (a, b) => (typeof a === 'number' && typeof b === 'number' ? finite(a + b) : undefined),
  '-': (a, b) => (typeof a === 'number' && typeof b === 'number' ? finite(a - b) : undefined),
  '*': (a, b) => (typeof a === 'number' && typeof b === 'number' ? finite(a * b) : undefined),
  // Division by zero is missing rather than ±Infinity/NaN, like any other undefined arithmetic.
  '/': (a, b) => (typeof a === 'number' && typeof b === 'number' && b !== 0 ? finite(a / b) : undefined),
};

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

export const COMPARE: Record<CompareOp, (a: unknown, b: unknown) => boolean> = {
  '==': (a, b) => a !== undefined && b !== undefined && a === b,
  '!=': (a, b) => a !== undefined && b !== undefined && a !== b,
  '<': (a, b) => a !== undefined && b !== undefined && (a as number) < (b as number),
  '<=': (a, b) => a !== undefined && b !== undefined && (a as number) <= (b as number),
  '>': (a, b) => a !== undefined && b !== undefined && (a as number) > (b as number),
  '>=': (a, b) => a !== undefined && b !== undefined && (a as number) >= (b as number),
};

/** `v in [literal list]` (negated: `not in`), the list hashed once at load. */
export function inSet(v: unknown, members: ReadonlySet<unknown>, negated: boolean): boolean {
  return v !== undefined && members.has(v) !== negated;
}

/** `v in list`, where the list is a value (a list field). */
export function inList(v: unknown, list: unknown, negated: boolean): boolean {
  return v !== undefined && Array.isArray(list) && list.includes(v) !== negated;
}

/** `list contains v` on a list value. */
export function listContains(list: unknown, v: unknown): boolean {
  return Array.isArray(list) && v !== undefined && list.includes(v);
}

export type TextOp = 'contains' | 'starts_with' | 'ends_with';

export const TEXT: Record<TextOp, (s: unknown, v: unknown) => boolean> = {
  contains: (s, v) => typeof s === 'string' && typeof v === 'string' && s.includes(v),
  starts_with: (s, v) => typeof s === 'string' && typeof v === 'string' && s.startsWith(v),
  ends_with: (s, v) => typeof s === 'string' && typeof v === 'string' && s.endsWith(v),
};

export function between(v: unknown, low: unknown, high: unknown): boolean {
  return v !== undefined && low !== undefined && high !== undefined && (v as number) >= (low as number) && (v as number) <= (high as number);
}

/** `is set` (negated: `is missing`). */
export function isSet(v: unknown, negated: boolean): boolean {
  return (v !== undefined) !== negated;
}

/** `d within D`: d in [now - D, now], both ends inclusive. */
export function within(d: unknown, now: number, durationMs: number): boolean {
  return typeof d === 'number' && d >= now - durationMs && d <= now;
}

/** `days_since(date)`. */
export function daysSince(d: unknown, now: number): number | undefined {
  return typeof d === 'number' ? (now - d) / DAY_MS : undefined;
}

/** `.domain` is after the last `@` (already lower-case), `.local` before it; missing without `@`. */
export const EMAIL_PART: Record<'domain' | 'local', (email: unknown) => string | undefined> = {
  domain: (email) => {
    const at = lastAt(email);
    return at < 0 ? undefined : (email as string).slice(at + 1);
  },
  local: (email) => {
    const at = lastAt(email);
    return at < 0 ? undefined : (email as string).slice(0, at);
  },
};

/** Where the last `@` of a text is; -1 without one, or for what is not text. */
function lastAt(email: unknown): number {
  return typeof email === 'string' ? email.lastIndexOf('@') : -1;
}

/** Halves away from zero (2.5 → 3, -2.5 → -3), as documented with `MATH_FUNCTIONS`. */
function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

export const MATH: Record<MathFunction, { arity: number; variadic?: boolean; fn: (args: number[]) => number }> = {
  min: { arity: 2, variadic: true, fn: (args) => Math.min(...args) },
  max: { arity: 2, variadic: true, fn: (args) => Math.max(...args) },
  clamp: { arity: 3, fn: ([x, low, high]) => Math.min(Math.max(x!, low!), high!) },
  round: { arity: 1, fn: ([x]) => roundHalfAway(x!) },
  abs: { arity: 1, fn: ([x]) => Math.abs(x!) },
};

/** A numeric function: missing when any argument is not a finite number, and when the result is not finite. */
export function applyMath(fn: (args: number[]) => number, args: unknown[]): number | undefined {
  for (const v of args) if (typeof v !== 'number' || v - v !== 0) return undefined;
  return finite(fn(args as number[]));
}

/** Event `ev`'s attribute in `slot`, as given (not text, or text compared as given). */
export function attrValue(list: EventList, ev: number, slot: number): unknown {
  return list.values[ev * list.width + slot];
}

/**
 * Event text is lower-cased here, on first read, not by the record reader (see records.ts): only
 * the events inside a query's window pay for it. Lower-casing is idempotent, so the stored form can
 * replace the given one.
 */
export function attrLowered(list: EventList, ev: number, slot: number): unknown {
  const k = ev * list.width + slot;
  const value = list.values[k];
  if (value === undefined) return undefined;
  const lowered = typeof value === 'string' ? value.toLowerCase() : (value as string[]).map((s) => s.toLowerCase());
  list.values[k] = lowered;
  return lowered;
}

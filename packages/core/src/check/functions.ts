// The functions an expression can call: the numeric functions' signatures and documentation, one
// table for the checker (arity, "unknown function" lists), completion, hover and signature help.
//
// The event functions (`count`, `any`, `none`, `sum`, `days_since`) are keywords with their own
// grammar (their argument is an event query); the numeric functions are ordinary names followed by
// `(`, so a field may still be called `round` or `min`. `max` is also the keyword of a rule's cap.

import type { MathFunction } from '@mql/artifact';

export interface FunctionInfo {
  name: string;
  /** Parameter names as shown in signature help, e.g. `["x", "low", "high"]`. */
  params: string[];
  /** A numeric function with a variable number of arguments takes at least `params.length`. */
  variadic?: boolean;
  doc: string;
}

/** The event functions, keywords with an event query as argument (signature help documents them). */
export const EVENT_FUNCTION_NAMES: readonly string[] = ['count', 'any', 'none', 'sum', 'days_since'];

/** Numeric functions: every argument is a number; a missing argument makes the result missing. */
export const MATH_FUNCTION_INFO: Readonly<Record<MathFunction, FunctionInfo>> = {
  min: { name: 'min', params: ['a', 'b'], variadic: true, doc: 'The smallest of its arguments (two or more).' },
  max: { name: 'max', params: ['a', 'b'], variadic: true, doc: 'The largest of its arguments (two or more).' },
  clamp: { name: 'clamp', params: ['x', 'low', 'high'], doc: '`x` limited to `low`…`high`: `min(max(x, low), high)`.' },
  round: { name: 'round', params: ['x'], doc: '`x` rounded to the nearest whole number, halves away from zero (`round(2.5)` is 3, `round(-2.5)` is -3).' },
  abs: { name: 'abs', params: ['x'], doc: 'The absolute value of `x`.' },
};

export const ALL_FUNCTION_NAMES: readonly string[] = [...EVENT_FUNCTION_NAMES, ...Object.keys(MATH_FUNCTION_INFO)];

export function mathFunction(name: string): FunctionInfo | undefined {
  return Object.hasOwn(MATH_FUNCTION_INFO, name) ? MATH_FUNCTION_INFO[name as MathFunction] : undefined;
}

/** `clamp(x, low, high)`, for hover and messages. */
export function functionSignature(info: FunctionInfo): string {
  return `${info.name}(${info.params.join(', ')}${info.variadic ? ', …' : ''})`;
}

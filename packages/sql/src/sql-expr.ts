// The small, dialect-free SQL expression tree the plan is written in. Every function whose
// spelling differs between engines is a named `fn` here and is spelt by the dialect table
// (dialects.ts); the renderer (render.ts) turns the tree into text.

export type FnName =
  | 'coalesce'
  | 'lower'
  | 'least'
  | 'greatest'
  | 'power'
  | 'nullif'
  | 'abs'
  /** To the nearest integer, halves away from zero (2.5 → 3, -2.5 → -3), exactly for every double. */
  | 'round'
  /** A value as text (a number column that may hold placeholders such as "N/A"). */
  | 'text'
  /** Text without the white space JavaScript's `trim()` removes at either end (placeholders ignore it). */
  | 'trim_space'
  /** Substring test, `''` included (true). */
  | 'text_contains'
  | 'starts_with'
  | 'ends_with'
  /** After the last `@`; NULL without `@`. */
  | 'email_domain'
  /** Before the last `@`; NULL without `@`. */
  | 'email_local'
  /** Whether a list (array) has an element equal to the value; NULL when the list is. */
  | 'list_contains'
  /** A list column normalised: elements lower-cased (`lower`) or as doubles (`double`); NULL when empty. */
  | 'list_lower'
  | 'list_double'
  /** A timestamp column or value as epoch milliseconds (a double, sub-millisecond digits dropped). */
  | 'date_ms'
  /** A number as a double (so integer columns never divide as integers). */
  | 'double'
  /** The `now` parameter as a timestamp (current time when not bound). */
  | 'now_param';

export type BinOp = '+' | '-' | '*' | '/' | '=' | '<>' | '<' | '<=' | '>' | '>=';

export type S =
  /** A column, optionally qualified by a table alias. */
  | { k: 'col'; name: string; table?: string }
  /** A raw input column read by its path (nested fields: one element per level). */
  | { k: 'input'; path: string[]; table: string }
  | { k: 'num'; value: number }
  | { k: 'str'; value: string }
  | { k: 'bool'; value: boolean }
  | { k: 'null' }
  /** The `now` bind parameter. */
  | { k: 'param' }
  | { k: 'op'; op: BinOp; left: S; right: S }
  | { k: 'and' | 'or'; args: S[] }
  | { k: 'not'; arg: S }
  | { k: 'neg'; arg: S }
  | { k: 'is_null'; arg: S; negated: boolean }
  | { k: 'in'; subject: S; values: S[] }
  | { k: 'case'; whens: { when: S; then: S }[]; else?: S }
  | { k: 'fn'; fn: FnName; args: S[] }
  | { k: 'count_if'; when: S }
  | { k: 'sum_if'; when: S; value: S }
  | { k: 'max_if'; when: S; value: S };

export const col = (name: string, table?: string): S => (table === undefined ? { k: 'col', name } : { k: 'col', name, table });
export const num = (value: number): S => ({ k: 'num', value });
export const str = (value: string): S => ({ k: 'str', value });
export const bool = (value: boolean): S => ({ k: 'bool', value });
export const NULL: S = { k: 'null' };
export const op = (o: BinOp, left: S, right: S): S => ({ k: 'op', op: o, left, right });
export const fn = (name: FnName, ...args: S[]): S => ({ k: 'fn', fn: name, args });
export const not = (arg: S): S => ({ k: 'not', arg });
export const isNull = (arg: S, negated = false): S => ({ k: 'is_null', arg, negated });

export function and(args: S[]): S {
  const flat = args.flatMap((a) => (a.k === 'and' ? a.args : [a]));
  return flat.length === 0 ? bool(true) : flat.length === 1 ? flat[0]! : { k: 'and', args: flat };
}

export function or(args: S[]): S {
  const flat = args.flatMap((a) => (a.k === 'or' ? a.args : [a]));
  return flat.length === 0 ? bool(false) : flat.length === 1 ? flat[0]! : { k: 'or', args: flat };
}

/** `COALESCE(x, FALSE)`: SQL's unknown made false, the runtime's rule for a missing operand. */
export const orFalse = (x: S): S => fn('coalesce', x, bool(false));
export const orZero = (x: S): S => fn('coalesce', x, num(0));

/** `CASE WHEN every arg IS NOT NULL THEN then END`: NULL when an argument is (literals are never NULL). */
export function whenPresent(args: S[], then: S): S {
  const tests = args.filter((a) => a.k !== 'num' && a.k !== 'str' && a.k !== 'bool').map((a) => isNull(a, true));
  return tests.length === 0 ? then : { k: 'case', whens: [{ when: and(tests), then }] };
}

/** Clamps to [low, high] with values that are never NULL. */
export const clamp = (x: S, low: number, high: number): S => fn('least', fn('greatest', x, num(low)), num(high));

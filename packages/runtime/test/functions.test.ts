// Numeric functions (`min`, `max`, `clamp`, `round`, `abs`; artifact op `math`): their values, the
// missing-value rules of LANGUAGE.md §5 (a missing or non-finite operand, or a non-finite result,
// is missing), and a property test against a reference written independently of the runtime.

import type { Expr, MathFunction } from '@mql/artifact';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { E } from './artifact-builder.js';
import { conditions, values } from './helpers.js';

const { num, field, math } = E;
const employees = field('employees');

describe('numeric functions', () => {
  it('compute min, max, clamp, round and abs', () => {
    expect(
      values({
        min: math('min', num(3), num(-2), num(7)),
        max: math('max', num(3), num(-2), num(7)),
        clampLow: math('clamp', num(-5), num(0), num(10)),
        clampMid: math('clamp', num(4.5), num(0), num(10)),
        clampHigh: math('clamp', num(50), num(0), num(10)),
        clampCrossed: math('clamp', num(5), num(10), num(0)),
        roundHalfUp: math('round', num(2.5)),
        roundHalfDown: math('round', num(-2.5)),
        roundNear: math('round', num(2.4999)),
        abs: math('abs', num(-3.25)),
      }),
    ).toEqual({ min: -2, max: 7, clampLow: 0, clampMid: 4.5, clampHigh: 10, clampCrossed: 0, roundHalfUp: 3, roundHalfDown: -3, roundNear: 2, abs: 3.25 });
  });

  it('points proportional to a number: min(time / 100, 20)', () => {
    const points = (n: number | null) => values({ p: math('min', E.arith('/', employees, num(100)), num(20)) }, { employees: n }).p;
    expect([0, 150, 1999, 2000, 100_000, null].map(points)).toEqual([0, 1.5, 19.99, 20, 20, 0]);
  });

  it('a missing operand makes the result missing: predicates are false, a formula score is 0', () => {
    const missingArgument = {
      min: math('min', employees, num(1)),
      max: math('max', num(1), employees),
      clamp: math('clamp', num(5), num(0), employees),
      round: math('round', employees),
      abs: math('abs', employees),
    };
    const tests = Object.fromEntries(Object.entries(missingArgument).map(([k, e]) => [k, E.isSet(e)]));
    expect(conditions(tests)).toEqual({ min: false, max: false, clamp: false, round: false, abs: false });
    expect(values(missingArgument)).toEqual({ min: 0, max: 0, clamp: 0, round: 0, abs: 0 });
    const compared = { lt: E.cmp('<', math('abs', employees), num(5)), ne: E.cmp('!=', math('round', employees), num(5)) };
    expect(conditions(compared)).toEqual({ lt: false, ne: false });
    expect(conditions(Object.fromEntries(Object.entries(compared).map(([k, e]) => [k, E.not(e)])))).toEqual({ lt: true, ne: true });
  });

  it('an overflowing operand or result is missing, never Infinity', () => {
    const huge = E.arith('*', employees, num(1e308));
    const results = values({ max: math('max', huge, num(1)), abs: math('abs', E.neg(huge)), round: math('round', num(1e308)) }, { employees: 10 });
    expect(results).toEqual({ max: 0, abs: 0, round: 1e308 });
    expect(conditions({ set: E.isSet(math('min', huge, num(1))) }, { employees: 10 })).toEqual({ set: false });
  });
});

// ---------------------------------------------------------------------------------------------
// Property test: random arguments (some missing) through the runtime versus a reference.

/** Halves away from zero, from the exact fractional part (no `Math.round`). */
function referenceRound(x: number): number {
  const a = Math.abs(x);
  const whole = Math.floor(a);
  const rounded = a - whole >= 0.5 ? whole + 1 : whole;
  return x < 0 ? -rounded : rounded;
}

function reference(fn: MathFunction, args: (number | null)[]): number | null {
  if (args.some((a) => a === null)) return null;
  const xs = args as number[];
  switch (fn) {
    case 'min':
      return xs.reduce((a, b) => (b < a ? b : a));
    case 'max':
      return xs.reduce((a, b) => (b > a ? b : a));
    case 'clamp': {
      const [x, low, high] = xs as [number, number, number];
      const raised = x < low ? low : x;
      return raised > high ? high : raised;
    }
    case 'round':
      return referenceRound(xs[0]!);
    case 'abs':
      return xs[0]! < 0 ? -xs[0]! : xs[0]!;
  }
}

const ARITY: Record<MathFunction, fc.Arbitrary<number>> = {
  min: fc.integer({ min: 2, max: 4 }),
  max: fc.integer({ min: 2, max: 4 }),
  clamp: fc.constant(3),
  round: fc.constant(1),
  abs: fc.constant(1),
};

const operand = fc.oneof(
  fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: -20, max: 20 }).map((n) => n / 2), // exact halves
  fc.constant(null), // a missing field
);

const call = fc
  .constantFrom<MathFunction>('min', 'max', 'clamp', 'round', 'abs')
  .chain((fn) => ARITY[fn].chain((n) => fc.tuple(fc.constant(fn), fc.array(operand, { minLength: n, maxLength: n }))));

describe('numeric functions agree with a reference implementation', () => {
  it('for any arguments, missing ones included', () => {
    fc.assert(
      fc.property(call, ([fn, args]) => {
        // A missing argument is the field `employees`, absent from the (empty) record.
        const expr = math(fn, ...args.map((value) => (value === null ? employees : num(value))));
        const expected = reference(fn, args);
        expect(conditions({ s: E.isSet(expr) }).s).toBe(expected !== null);
        // `+ 0` makes -0 and 0 the same number, as JSON output does.
        expect(values({ v: expr }).v! + 0).toBe(expected === null ? 0 : expected + 0);
      }),
      { numRuns: 400 },
    );
  });
});

// Static bounds of scores: the lowest and highest value a score can take for any lead, from its
// rules alone (lints use them to find thresholds no lead can reach; hover shows them).
//
// A rules score is the sum of its rules' contributions, clamped to its `range`:
//   - `+N when C [max M]` gives 0 or N (capped to ±M): it adds min(0, N) to the low end, max(0, N) to the high end;
//   - `+N per Q max M` gives between 0 and M (N > 0) or between -M and 0 (N < 0), whatever the events;
//   - `+N per Q` without `max` grows with the number of events: unbounded on N's side;
//   - `decay` only shrinks each event's points, so it never widens the bounds.
// Conditions are not analysed (two rules that can never both fire still both count), so the bounds
// are safe over-estimates: a threshold outside them is certainly unreachable.
// A formula score (`score x = EXPR`) gets interval arithmetic over its expression; a missing
// result counts as 0 (LANGUAGE.md §6), so 0 is inside the bounds whenever a part can be missing.

import type { Expr, ScoreDecl, ScoreRule } from '../syntax/ast.js';
import type { Analysis } from '../check/checker.js';

export interface ScoreBounds {
  min: number;
  max: number;
}

/** Why a score has its bounds, for messages: the rule points that add up to each end, or its range. */
export interface ScoreBoundsDetail extends ScoreBounds {
  kind: 'rules' | 'formula' | 'unknown';
  /** Rules scores: the points of each rule that can lower / raise the score (±Infinity for an uncapped `per`). */
  lows: number[];
  highs: number[];
  /** Rules scores: the `range`, when the sum was clamped by it. */
  clampedMin?: boolean;
  clampedMax?: boolean;
}

/** An interval of numbers plus whether the value can be missing. */
export interface NumberRange {
  min: number;
  max: number;
  missing: boolean;
}

const UNBOUNDED: NumberRange = { min: Number.NEGATIVE_INFINITY, max: Number.POSITIVE_INFINITY, missing: true };

/** The lowest and highest value score `name` can take; ±Infinity when unbounded or unknown. */
export function scoreBounds(analysis: Analysis, name: string): ScoreBounds {
  const { min, max } = new BoundsCalculator(analysis).score(name);
  return { min, max };
}

/** Computes and remembers bounds of every score of one analysis (cycles, which are errors, give unbounded). */
export class BoundsCalculator {
  private readonly memo = new Map<string, ScoreBoundsDetail>();
  private readonly active = new Set<string>();

  constructor(private readonly analysis: Analysis) {}

  score(name: string): ScoreBoundsDetail {
    const known = this.memo.get(name);
    if (known) return known;
    const info = this.analysis.declarations.get(name);
    if (!info || info.kind !== 'score' || this.active.has(name)) return unknown();
    this.active.add(name);
    const decl = info.decl as ScoreDecl;
    const detail = decl.body?.kind === 'Rules' ? rulesBounds(decl.body) : decl.body?.expr ? this.formulaBounds(decl.body.expr) : unknown();
    this.active.delete(name);
    this.memo.set(name, detail);
    return detail;
  }

  private formulaBounds(expr: Expr): ScoreBoundsDetail {
    const range = this.expr(expr);
    const min = range.missing ? Math.min(range.min, 0) : range.min;
    const max = range.missing ? Math.max(range.max, 0) : range.max;
    return { kind: 'formula', min, max, lows: [], highs: [] };
  }

  /** Interval arithmetic over a numeric expression. Checked programs nest at most 500 levels. */
  expr(expr: Expr): NumberRange {
    switch (expr.kind) {
      case 'Number':
        return { min: expr.value, max: expr.value, missing: false };
      case 'Paren':
        return expr.expr ? this.expr(expr.expr) : UNBOUNDED;
      case 'Unary': {
        if (expr.op !== '-' || !expr.operand) return UNBOUNDED;
        const inner = this.expr(expr.operand);
        return { min: -inner.max, max: -inner.min, missing: inner.missing };
      }
      case 'Binary': {
        if (expr.op === 'and' || expr.op === 'or' || !expr.right) return UNBOUNDED;
        return arithmetic(expr.op, this.expr(expr.left), this.expr(expr.right));
      }
      case 'Path': {
        const resolution = this.analysis.facts.resolutions.get(expr);
        if (resolution?.kind === 'decl' && resolution.declKind === 'score') {
          const { min, max } = this.score(resolution.name);
          return { min, max, missing: false };
        }
        return UNBOUNDED;
      }
      case 'Call':
        if (expr.fn === 'count') return { min: 0, max: Number.POSITIVE_INFINITY, missing: false };
        return UNBOUNDED;
      case 'FunctionCall':
        return mathBounds(expr.name.name, expr.args.map((arg) => this.expr(arg)));
      default:
        return UNBOUNDED;
    }
  }
}

function unknown(): ScoreBoundsDetail {
  return { kind: 'unknown', min: Number.NEGATIVE_INFINITY, max: Number.POSITIVE_INFINITY, lows: [], highs: [] };
}

function rulesBounds(body: NonNullable<ScoreDecl['body']> & { kind: 'Rules' }): ScoreBoundsDetail {
  const lows: number[] = [];
  const highs: number[] = [];
  for (const rule of body.rules) {
    const [low, high] = ruleContribution(rule);
    if (low < 0) lows.push(low);
    if (high > 0) highs.push(high);
  }
  const sumLow = lows.reduce((a, b) => a + b, 0);
  const sumHigh = highs.reduce((a, b) => a + b, 0);
  const range = body.range;
  const rangeMin = range?.min?.value ?? Number.NEGATIVE_INFINITY;
  const rangeMax = range?.max?.value ?? Number.POSITIVE_INFINITY;
  // Clamping: the value is min(max(sum, rangeMin), rangeMax), monotonic in the sum.
  const clamp = (v: number) => Math.min(Math.max(v, rangeMin), rangeMax);
  return {
    kind: 'rules',
    min: clamp(sumLow),
    max: clamp(sumHigh),
    lows,
    highs,
    ...(clamp(sumLow) !== sumLow ? { clampedMin: true } : {}),
    ...(clamp(sumHigh) !== sumHigh ? { clampedMax: true } : {}),
  };
}

/** The lowest and highest contribution of one rule. */
export function ruleContribution(rule: ScoreRule): [number, number] {
  const points = rule.points?.value ?? 0;
  const cap = rule.max?.value;
  if (rule.kind === 'WhenRule') {
    const capped = cap !== undefined && Math.abs(points) > cap ? Math.sign(points) * cap : points;
    return [Math.min(0, capped), Math.max(0, capped)];
  }
  const reach = cap ?? Number.POSITIVE_INFINITY;
  if (points > 0) return [0, reach];
  if (points < 0) return [-reach, 0];
  return [0, 0];
}

function arithmetic(op: '+' | '-' | '*' | '/', a: NumberRange, b: NumberRange): NumberRange {
  const missing = a.missing || b.missing;
  switch (op) {
    case '+':
      return { min: a.min + b.min, max: a.max + b.max, missing };
    case '-':
      return { min: a.min - b.max, max: a.max - b.min, missing };
    case '*':
      return { ...hull([times(a.min, b.min), times(a.min, b.max), times(a.max, b.min), times(a.max, b.max)]), missing };
    case '/':
      // Division by zero is missing at run time; a divisor interval that holds 0 gives no bounds.
      if (b.min <= 0 && b.max >= 0) return UNBOUNDED;
      if (![a.min, a.max, b.min, b.max].every(Number.isFinite)) return { ...UNBOUNDED, missing };
      return { ...hull([a.min / b.min, a.min / b.max, a.max / b.min, a.max / b.max]), missing };
  }
}

/**
 * Bounds of a numeric function from its arguments' bounds; each function is monotonic in every
 * argument (or, for `abs`, on each side of 0), so the ends come from the arguments' ends. A missing
 * argument makes the result missing.
 */
function mathBounds(name: string, args: NumberRange[]): NumberRange {
  const missing = args.some((a) => a.missing);
  const lowest = (ranges: NumberRange[]) => ({
    min: Math.min(...ranges.map((r) => r.min)),
    max: Math.min(...ranges.map((r) => r.max)),
    missing,
  });
  const highest = (ranges: NumberRange[]) => ({
    min: Math.max(...ranges.map((r) => r.min)),
    max: Math.max(...ranges.map((r) => r.max)),
    missing,
  });
  const [x, low, high] = args;
  if (args.length === 0 || !x) return UNBOUNDED;
  switch (name) {
    case 'min':
      return lowest(args);
    case 'max':
      return highest(args);
    case 'clamp':
      return low && high ? lowest([highest([x, low]), high]) : UNBOUNDED;
    case 'abs':
      if (x.min >= 0) return { min: x.min, max: x.max, missing };
      if (x.max <= 0) return { min: -x.max, max: -x.min, missing };
      return { min: 0, max: Math.max(-x.min, x.max), missing };
    case 'round':
      // Whole numbers around the ends: a safe hull whatever way halves are rounded.
      return { min: Math.floor(x.min), max: Math.ceil(x.max), missing };
    default:
      return UNBOUNDED;
  }
}

/** Interval-endpoint product where 0 × ∞ is 0: the values themselves are always finite. */
function times(x: number, y: number): number {
  return x === 0 || y === 0 ? 0 : x * y;
}

function hull(values: number[]): { min: number; max: number } {
  return { min: Math.min(...values), max: Math.max(...values) };
}

/** A bound for messages: `65`, `2.5`, `unbounded`. */
export function formatBound(value: number): string {
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  return String(Math.round(value * 1000) / 1000);
}

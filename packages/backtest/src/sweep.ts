// Threshold sweep of a `require SCORE >= N` clause: for candidate thresholds across the scores
// observed, how many leads would reach the stage and how well that picks the converting ones. Only
// the leads for which every other condition of the stage holds ("eligible") can change, so the
// sweep keeps their scores, split by outcome, and counts with binary searches.

import { countBelow, type Split } from './ranking.js';
import type { SweepPoint } from './report.js';
import type { SweepTarget } from './shape.js';

export interface SweepInput {
  target: SweepTarget;
  eligible: Split;
  /** All leads in the backtest and all conversions (recall's denominator). */
  leads: number;
  conversions: number;
  /** --target-rate: the stage's wanted share of all leads. */
  targetRate?: number;
}

/** About this many candidate thresholds, at round steps. */
const STEPS = 40;

export function sweep(input: SweepInput): { points: SweepPoint[]; current: SweepPoint; bestF1: SweepPoint | null; target: { rate: number; point: SweepPoint } | null } {
  const { target, eligible } = input;
  const point = (threshold: number): SweepPoint => {
    const passes = (sorted: Float64Array) => {
      const atLeast = sorted.length - countBelow(sorted, threshold, target.op === '>');
      return target.upper === undefined ? atLeast : atLeast - (sorted.length - countBelow(sorted, target.upper, true));
    };
    const conversions = passes(eligible.pos);
    const volume = conversions + passes(eligible.neg);
    const precision = volume === 0 ? null : conversions / volume;
    const recall = input.conversions === 0 ? null : conversions / input.conversions;
    // F1 = 2PR / (P + R) = 2·conversions / (volume + all conversions), exact in counts.
    const f1 = precision === null || recall === null ? null : (2 * conversions) / (volume + input.conversions);
    return { threshold, volume, conversions, precision, recall, f1 };
  };
  const points = candidates(eligible, target.threshold).map(point);
  const current = points.find((p) => p.threshold === target.threshold)!;
  return { points, current, bestF1: bestF1(points, target.threshold), target: closestVolume(points, input) };
}

/** Round thresholds spanning the observed scores, plus the rules' own threshold. */
export function candidates({ pos, neg }: Split, current: number): number[] {
  const lows = [pos[0], neg[0]].filter((x): x is number => x !== undefined);
  const highs = [pos[pos.length - 1], neg[neg.length - 1]].filter((x): x is number => x !== undefined);
  const found = new Set([current]);
  if (lows.length > 0) {
    const [lo, hi] = [Math.min(...lows), Math.max(...highs)];
    const step = niceStep((hi - lo) / STEPS);
    if (step > 0) for (let k = Math.floor(lo / step); k * step <= hi; k++) found.add(Number((k * step).toPrecision(12)));
    else found.add(lo);
  }
  return [...found].sort((a, b) => a - b);
}

/** 1, 2 or 5 times a power of ten, at least `raw`. */
function niceStep(raw: number): number {
  if (!(raw > 0)) return 0;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
}

/** The highest F1; among equal ones the threshold nearest the current one. */
function bestF1(points: SweepPoint[], current: number): SweepPoint | null {
  let best: SweepPoint | null = null;
  for (const p of points) {
    if (p.f1 === null) continue;
    if (best === null || p.f1! > best.f1! || (p.f1 === best.f1 && Math.abs(p.threshold - current) < Math.abs(best.threshold - current))) best = p;
  }
  return best;
}

/** The candidate whose stage volume is closest to the target share of all leads; among equals, the one nearest the current threshold. */
function closestVolume(points: SweepPoint[], input: SweepInput): { rate: number; point: SweepPoint } | null {
  if (input.targetRate === undefined || input.leads === 0) return null;
  const wanted = input.targetRate * input.leads;
  const current = input.target.threshold;
  let best = points[0]!;
  for (const p of points) {
    const [gap, bestGap] = [Math.abs(p.volume - wanted), Math.abs(best.volume - wanted)];
    if (gap < bestGap || (gap === bestGap && Math.abs(p.threshold - current) < Math.abs(best.threshold - current))) best = p;
  }
  return { rate: input.targetRate, point: best };
}

// Metrics of a score as a ranking of leads: AUC, the ROC curve, deciles and a calibration table by
// thresholds. They all work on two sorted arrays, the scores of the converted leads and those of
// the others: typed-array sorts are numeric and native (a million scores sort in well under a
// second), and merging two sorted arrays replaces sorting (score, outcome) pairs with a comparator.

import type { Bucket } from './report.js';

/** A growable Float64Array: one number per lead without an array of boxed numbers. */
export class Numbers {
  private data = new Float64Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  /** The values, sorted ascending (a copy; the store can go on growing). */
  sorted(): Float64Array {
    return this.data.slice(0, this.length).sort();
  }
}

/** Scores split by outcome, each sorted ascending. */
export interface Split {
  pos: Float64Array;
  neg: Float64Array;
}

/** How many values in the ascending `sorted` are < x (`strict`) or <= x. */
export function countBelow(sorted: Float64Array, x: number, orEqual: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x || (orEqual && sorted[mid] === x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * P(score of a converted lead > score of another) + ½ P(equal): the Mann–Whitney form of the area
 * under the ROC curve, so ties count one half. Null unless both outcomes occur.
 */
export function auc({ pos, neg }: Split): number | null {
  if (pos.length === 0 || neg.length === 0) return null;
  let wins = 0;
  let below = 0; // negatives < current positive
  let upTo = 0; // negatives <= current positive
  for (const p of pos) {
    while (below < neg.length && neg[below]! < p) below++;
    if (upTo < below) upTo = below;
    while (upTo < neg.length && neg[upTo] === p) upTo++;
    wins += below + (upTo - below) / 2;
  }
  return wins / (pos.length * neg.length);
}

/** The ROC curve (threshold lowered from above the highest score), thinned to about `limit` points. */
export function rocCurve({ pos, neg }: Split, limit = 200): { fpr: number; tpr: number }[] {
  if (pos.length === 0 || neg.length === 0) return [];
  const points = [{ fpr: 0, tpr: 0 }];
  let i = pos.length - 1;
  let j = neg.length - 1;
  while (i >= 0 || j >= 0) {
    // Take every lead at the next-highest score at once: tied leads move the curve diagonally.
    const x = Math.max(i >= 0 ? pos[i]! : -Infinity, j >= 0 ? neg[j]! : -Infinity);
    while (i >= 0 && pos[i] === x) i--;
    while (j >= 0 && neg[j] === x) j--;
    points.push({ fpr: (neg.length - 1 - j) / neg.length, tpr: (pos.length - 1 - i) / pos.length });
  }
  if (points.length <= limit) return points;
  const step = (points.length - 1) / (limit - 1);
  return Array.from({ length: limit }, (_, k) => points[Math.round(k * step)]!);
}

/**
 * Leads by tenths of the ranking, highest scores first. Leads with equal scores stay together: a
 * group of ties goes to the tenth its middle rank falls in, so a bucket holds about a tenth of the
 * leads when scores are spread out, and a score shared by many leads gives unequal (or empty) ones.
 */
export function deciles(split: Split): Bucket[] {
  const n = split.pos.length + split.neg.length;
  const tally = Array.from({ length: 10 }, () => ({ from: null as number | null, to: null as number | null, leads: 0, conversions: 0 }));
  const merged = mergeAscending(split);
  for (let a = 0; a < n; ) {
    let b = a;
    let conversions = 0;
    while (b < n && merged.values[b] === merged.values[a]) conversions += merged.converted[b++]!;
    const t = tally[Math.min(9, Math.floor((((a + b - 1) / 2) * 10) / n))]!;
    t.from ??= merged.values[a]!;
    t.to = merged.values[a]!;
    t.leads += b - a;
    t.conversions += conversions;
    a = b;
  }
  return tally.map((t, d) => bucket(`D${d + 1}`, t.from, t.to, t.leads, t.conversions)).reverse();
}

/** Leads between consecutive thresholds (each band includes its lower threshold), highest first. */
export function calibration({ pos, neg }: Split, thresholds: readonly number[]): Bucket[] {
  if (thresholds.length === 0) return [];
  const edges = [-Infinity, ...thresholds, Infinity];
  const buckets: Bucket[] = [];
  for (let k = 0; k + 1 < edges.length; k++) {
    const [lo, hi] = [edges[k]!, edges[k + 1]!];
    const inBand = (sorted: Float64Array) => countBelow(sorted, hi, false) - countBelow(sorted, lo, false);
    const [p, q] = [inBand(pos), inBand(neg)];
    const label = lo === -Infinity ? `< ${fmt(hi)}` : hi === Infinity ? `≥ ${fmt(lo)}` : `${fmt(lo)} – ${fmt(hi)}`;
    buckets.push(bucket(label, ...rangeIn([pos, neg], lo, hi), p + q, p));
  }
  return buckets.reverse();
}

function bucket(label: string, from: number | null, to: number | null, leads: number, conversions: number): Bucket {
  return { label, from, to, leads, conversions, rate: leads === 0 ? null : conversions / leads };
}

/** The lowest and highest value in [lo, hi) over both arrays. */
function rangeIn(arrays: Float64Array[], lo: number, hi: number): [number | null, number | null] {
  let from: number | null = null;
  let to: number | null = null;
  for (const sorted of arrays) {
    const first = countBelow(sorted, lo, false);
    const last = countBelow(sorted, hi, false) - 1;
    if (first > last) continue;
    from = from === null ? sorted[first]! : Math.min(from, sorted[first]!);
    to = to === null ? sorted[last]! : Math.max(to, sorted[last]!);
  }
  return [from, to];
}

/** Both arrays merged in ascending order. */
function mergeAscending({ pos, neg }: Split): { values: Float64Array; converted: Uint8Array } {
  const values = new Float64Array(pos.length + neg.length);
  const converted = new Uint8Array(values.length);
  let i = 0;
  let j = 0;
  for (let k = 0; k < values.length; k++) {
    if (j < neg.length && (i >= pos.length || neg[j]! <= pos[i]!)) values[k] = neg[j++]!;
    else {
      values[k] = pos[i++]!;
      converted[k] = 1;
    }
  }
  return { values, converted };
}

function fmt(n: number): string {
  return String(Number(n.toFixed(4)));
}

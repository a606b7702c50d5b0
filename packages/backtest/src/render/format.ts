// Number formats shared by the renderers, so the terminal, markdown and HTML show the same text.

import type { BacktestReport, SweepPoint } from '../report.js';

/**
 * A left-out record's errors on one line: the first few, then how many more. A record whose
 * every event has the same bad time (an events file in another date format) has an error per
 * event; listing them all made one line per record of several thousand characters. `--format
 * json` keeps every error.
 */
export function errorsText(errors: readonly { path: string; message: string }[], shown = 3): string {
  return errorLines(errors, shown).join('; ');
}

/** The first `shown` errors, one per line, then how many more there are. */
export function errorLines(errors: readonly { path: string; message: string }[], shown = 3): string[] {
  const lines = errors.slice(0, shown).map((e) => (e.path ? `${e.path}: ${e.message}` : e.message));
  if (errors.length > shown) lines.push(`and ${count(errors.length - shown)} more ${errors.length - shown === 1 ? 'error' : 'errors'}`);
  return lines;
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** A rate as a percentage with one decimal; "–" when it has no denominator. */
export function pct(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return '–';
  const value = rate * 100;
  if (value > 0 && value < 0.05) return '<0.1%';
  return `${value.toFixed(1)}%`;
}

export function lift(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : `${value.toFixed(2)}×`;
}

export function ratio(value: number | null | undefined, digits = 3): string {
  return value === null || value === undefined ? '–' : value.toFixed(digits);
}

/** Money in the value column's unit: whole numbers with separators. */
export function money(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : Math.round(value).toLocaleString('en-US');
}

/** A score or threshold: at most two decimals (scores with decay have many). */
export function threshold(n: number): string {
  return String(Number(n.toFixed(2)));
}

/** `fit >= 35` for a sweep point (with the `between` upper bound when there is one). */
export function condition(sweep: BacktestReport['sweeps'][number], point: SweepPoint): string {
  return sweep.upper === undefined ? `${sweep.score} ${sweep.op} ${threshold(point.threshold)}` : `${sweep.score} between ${threshold(point.threshold)} and ${threshold(sweep.upper)}`;
}

/** One line per suggestion: the best F1, and the threshold closest to the target volume. */
export function suggestions(sweep: BacktestReport['sweeps'][number], leads: number): string[] {
  const lines: string[] = [];
  const { current, bestF1, target } = sweep;
  if (bestF1 && bestF1.threshold !== current.threshold) {
    lines.push(`${condition(sweep, bestF1)} has the highest F1: ${ratio(bestF1.f1)} (now ${ratio(current.f1)}), with ${count(bestF1.volume)} leads at precision ${pct(bestF1.precision)} and recall ${pct(bestF1.recall)}.`);
  } else if (bestF1) lines.push(`The current threshold already has the highest F1 (${ratio(bestF1.f1)}).`);
  if (target) {
    const share = leads === 0 ? null : target.point.volume / leads;
    lines.push(`For ${pct(target.rate)} of the leads at ${sweep.stage}: ${condition(sweep, target.point)} gives ${count(target.point.volume)} (${pct(share)}), precision ${pct(target.point.precision)}, recall ${pct(target.point.recall)}.`);
  }
  return lines;
}

/** The sweep rows worth printing: about `limit` evenly spread, always with the marked ones. */
export function sampledPoints(sweep: BacktestReport['sweeps'][number], limit: number): SweepPoint[] {
  const marked = new Set([sweep.current.threshold, sweep.bestF1?.threshold, sweep.target?.point.threshold]);
  const step = Math.max(1, Math.ceil(sweep.points.length / limit));
  return sweep.points.filter((p, i) => i % step === 0 || marked.has(p.threshold) || i === sweep.points.length - 1);
}

/** The marks of a sweep row: current, best F1, target. */
export function marks(sweep: BacktestReport['sweeps'][number], point: SweepPoint): string[] {
  const out: string[] = [];
  if (point.threshold === sweep.current.threshold) out.push('current');
  if (sweep.bestF1 && point.threshold === sweep.bestF1.threshold) out.push('best F1');
  if (sweep.target && point.threshold === sweep.target.point.threshold) out.push('target volume');
  return out;
}

/** "5,000 leads, 812 converted (base rate 16.2%)". */
export function headline(report: BacktestReport): string {
  return `${count(report.leads)} ${report.leads === 1 ? 'lead' : 'leads'}, ${count(report.conversions)} converted (base rate ${pct(report.baseRate)})`;
}

/** Rules sorted for display: highest lift first, rules that never fired last. */
export function rulesByLift(report: BacktestReport): BacktestReport['scoreRules'] {
  return [...report.scoreRules].sort((a, b) => (b.lift ?? -1) - (a.lift ?? -1));
}

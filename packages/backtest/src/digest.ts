// What one lead adds to a backtest, as a row of numbers laid out by the shape: every fact the
// aggregator (metrics.ts) counts, read from the explained result once. Worker threads digest
// their batch's leads into one Float64Array (cheap to hand back, unlike explained results), and
// the main thread adds the rows in input order, so that every sum and every list of scores comes
// out exactly as from one thread. One thread digests and adds each lead at once.

import type { BacktestLead } from './metrics.js';
import type { BacktestShape } from './shape.js';

/** Offsets of the row's sections; each section has one slot per item of the shape (two per clause and sweep). */
export interface DigestLayout {
  width: number;
  /** Scores, in shape.scores order. */
  scores: number;
  /** Band index per grade, -1 for none. */
  grades: number;
  /** 1 when the lead qualified for the stage, in shape.stages order. */
  reached: number;
  /** Index in shape.stages of the lead's stage, shape.stages.length for none. */
  furthest: number;
  /** Per clause (stages' requirements then rejections): held, and kept a converted lead out. */
  clauses: number;
  /** Per sweep: 1 when the lead is eligible, then the swept score. */
  sweeps: number;
  /** Per score rule: how many contributions it made. */
  rules: number;
  /** Per field of shape.fields: 1 when set in the record. */
  present: number;
}

/** Slots before the sections: converted (0/1), value given (0/1), the value, value unreadable (0/1). */
export const CONVERTED = 0;
export const HAS_VALUE = 1;
export const VALUE = 2;
export const VALUE_UNREADABLE = 3;

export class LeadDigester {
  readonly layout: DigestLayout;
  private readonly stageIndex: Map<string, number>;
  private readonly ruleIndex = new Map<string, number>();
  /** Index of each stage's first clause. */
  private readonly clauseStart: number[] = [];

  constructor(private readonly shape: BacktestShape) {
    this.stageIndex = new Map(shape.stages.map((s, i) => [s.name, i]));
    shape.rules.forEach((r, i) => this.ruleIndex.set(ruleKey(r.score, r.label), i));
    let clauses = 0;
    for (const s of shape.stages) {
      this.clauseStart.push(clauses);
      clauses += s.requirements.length + s.rejections.length;
    }
    let at = VALUE_UNREADABLE + 1;
    const next = (size: number) => ((at += size), at - size);
    this.layout = {
      scores: next(shape.scores.length),
      grades: next(shape.grades.length),
      reached: next(shape.stages.length),
      furthest: next(1),
      clauses: next(2 * clauses),
      sweeps: next(2 * shape.sweeps.length),
      rules: next(shape.rules.length),
      present: next(shape.fields.length),
      width: 0,
    };
    this.layout.width = at;
  }

  /** Writes the lead's row at `into[at…at + width)`; every slot is written. */
  write(lead: BacktestLead, into: Float64Array, at: number): void {
    const { shape, layout } = this;
    const { result } = lead;
    into.fill(0, at, at + layout.width);
    into[at + CONVERTED] = lead.converted ? 1 : 0;
    if (lead.value !== undefined) {
      into[at + HAS_VALUE] = 1;
      into[at + VALUE] = lead.value;
    }
    if (lead.valueUnreadable) into[at + VALUE_UNREADABLE] = 1;
    shape.scores.forEach((s, i) => (into[at + layout.scores + i] = result.scores[s.name] ?? 0));
    shape.grades.forEach((g, i) => (into[at + layout.grades + i] = g.labels.indexOf(result.grades[g.name]!)));
    shape.stages.forEach((stage, i) => {
      const outcome = result.stages[stage.name]!;
      if (outcome.qualified) into[at + layout.reached + i] = 1;
      const afterOk = stage.after === undefined || result.stages[stage.after]!.qualified;
      const clause = at + layout.clauses + 2 * this.clauseStart[i]!;
      const requirements = outcome.requirements ?? [];
      requirements.forEach((r, j) => {
        into[clause + 2 * j] = r.passed ? 1 : 0;
        into[clause + 2 * j + 1] = afterOk && !r.passed ? 1 : 0;
      });
      (outcome.rejections ?? []).forEach((r, j) => {
        const k = clause + 2 * (requirements.length + j);
        into[k] = r.passed ? 1 : 0;
        into[k + 1] = afterOk && r.passed ? 1 : 0;
      });
    });
    into[at + layout.furthest] = result.stage === null ? shape.stages.length : this.stageIndex.get(result.stage)!;
    shape.sweeps.forEach((target, i) => {
      const stage = shape.stages[this.stageIndex.get(target.clause.stage)!]!;
      const outcome = result.stages[stage.name]!;
      const afterOk = stage.after === undefined || result.stages[stage.after]!.qualified;
      const others = afterOk && (outcome.requirements ?? []).every((r, j) => j === target.clause.index || r.passed) && !(outcome.rejections ?? []).some((r) => r.passed);
      if (!others) return;
      into[at + layout.sweeps + 2 * i] = 1;
      into[at + layout.sweeps + 2 * i + 1] = result.scores[target.score] ?? 0;
    });
    for (const [score, contributions] of Object.entries(result.contributions ?? {})) {
      for (const contribution of contributions) {
        const rule = this.ruleIndex.get(ruleKey(score, contribution.label));
        if (rule !== undefined && contribution.kind !== 'formula') into[at + layout.rules + rule]!++;
      }
    }
    lead.present?.forEach((set, i) => set && (into[at + layout.present + i] = 1));
  }
}

function ruleKey(score: string, label: string): string {
  return `${score}\0${label}`;
}

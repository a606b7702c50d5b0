// The backtest aggregator: evaluation results and known outcomes in, report data out. Leads are
// added one at a time (or as rows digested by worker threads, digest.ts) and folded into counters;
// the only per-lead memory is one number per lead and score (and per swept clause, for its eligible
// leads), which AUC, deciles and the sweep need. Pure: no I/O. Results must be explained (clause
// outcomes and score contributions).

import type { SourceLocation } from '@mql/artifact';
import type { EvaluationResult, RecordError } from '@mql/runtime';
import { Numbers, auc, calibration, deciles, rocCurve, type Split } from './ranking.js';
import { REPORT_VERSION, type BacktestReport, type BacktestWarning, type ClauseMetrics, type FurthestStage, type RuleMetrics, type StageMetrics } from './report.js';
import { fieldsNamedBy, readersOf, type BacktestShape, type ClauseRef, type FieldRef } from './shape.js';
import { CONVERTED, HAS_VALUE, LeadDigester, VALUE, VALUE_UNREADABLE } from './digest.js';
import { sweep } from './sweep.js';

export interface BacktestOptions {
  /** Shows a source location: `examples/b2b-funnel/funnel.mql:23`. */
  where: (loc: SourceLocation) => string;
  /** The outcome column, to find rules that read it. */
  outcome: string;
  /** --target-rate: a stage volume (share of all leads) to suggest a threshold for. */
  targetRate?: number;
  /** Records listed per kind (invalid, excluded); the rest are only counted. */
  listLimit?: number;
}

/** Where the report's inputs came from, for its header. */
export interface ReportHeader {
  rules: string;
  data: string;
  value: string | null;
  now: string;
}

/** One lead with a usable outcome. `present[i]` tells whether shape.fields[i] is set in the record. */
export interface BacktestLead {
  result: EvaluationResult;
  converted: boolean;
  /** The --value column as a number; undefined when absent or unreadable. */
  value?: number;
  valueUnreadable?: boolean;
  present?: readonly boolean[];
}

type Tally = { n: number; conv: number };
const tally = (): Tally => ({ n: 0, conv: 0 });
const LOOKS_LIKE_OUTCOME_MIN_LEADS = 100;

export class Backtest {
  private leads = 0;
  private conversions = 0;
  private records = 0;
  private readonly reached: Tally[];
  private readonly furthest: (Tally & { valued: number; total: number })[];
  private readonly scoreValues: { pos: Numbers; neg: Numbers }[];
  private readonly bands: Tally[][];
  private readonly ruleFired: Tally[];
  private readonly clauses: ClauseRef[];
  private readonly clauseHeld: (Tally & { keptOut: number })[];
  private readonly sweepValues: { pos: Numbers; neg: Numbers }[];
  private readonly fieldSet: Tally[];
  private readonly value = { leads: 0, total: 0, unreadable: 0 };
  private readonly invalid: { count: number; listed: BacktestReport['invalid']['listed'] } = { count: 0, listed: [] };
  private readonly excluded: { count: number; listed: BacktestReport['excluded']['listed'] } = { count: 0, listed: [] };
  private readonly listLimit: number;
  private readonly digester: LeadDigester;
  /** One lead's row, for add(). */
  private readonly row: Float64Array;

  constructor(
    private readonly shape: BacktestShape,
    private readonly options: BacktestOptions,
  ) {
    this.reached = shape.stages.map(tally);
    this.furthest = [...shape.stages, null].map(() => ({ ...tally(), valued: 0, total: 0 }));
    this.scoreValues = shape.scores.map(() => ({ pos: new Numbers(), neg: new Numbers() }));
    this.bands = shape.grades.map((g) => g.labels.map(tally));
    this.ruleFired = shape.rules.map(tally);
    this.clauses = shape.stages.flatMap((s) => [...s.requirements, ...s.rejections]);
    this.clauseHeld = this.clauses.map(() => ({ ...tally(), keptOut: 0 }));
    this.sweepValues = shape.sweeps.map(() => ({ pos: new Numbers(), neg: new Numbers() }));
    this.fieldSet = shape.fields.map(tally);
    this.digester = new LeadDigester(shape);
    this.row = new Float64Array(this.digester.layout.width);
    this.listLimit = options.listLimit ?? 1000;
  }

  /** A lead with a usable outcome: counted in every metric. */
  add(lead: BacktestLead): void {
    this.digester.write(lead, this.row, 0);
    this.addDigest(this.row, 0);
  }

  /** Leads digested elsewhere (a worker thread's LeadDigester over the same shape), row after row. */
  addDigests(rows: Float64Array): void {
    const { width } = this.digester.layout;
    if (rows.length % width !== 0) throw new Error(`digests of ${width} numbers expected, got ${rows.length} numbers`);
    for (let at = 0; at < rows.length; at += width) this.addDigest(rows, at);
  }

  /** Counts one lead's row (digest.ts) in every metric. */
  private addDigest(row: Float64Array, at: number): void {
    const layout = this.digester.layout;
    const c = row[at + CONVERTED]!;
    this.records++;
    this.leads++;
    this.conversions += c;
    this.reached.forEach((t, i) => row[at + layout.reached + i] && count(t, c));
    this.clauseHeld.forEach((t, k) => {
      if (row[at + layout.clauses + 2 * k]) count(t, c);
      if (c && row[at + layout.clauses + 2 * k + 1]) t.keptOut++;
    });
    const furthest = this.furthest[row[at + layout.furthest]!]!;
    count(furthest, c);
    if (c && row[at + HAS_VALUE]) {
      const value = row[at + VALUE]!;
      furthest.valued++;
      furthest.total += value;
      this.value.leads++;
      this.value.total += value;
    }
    this.sweepValues.forEach((values, i) => row[at + layout.sweeps + 2 * i] && (c ? values.pos : values.neg).push(row[at + layout.sweeps + 2 * i + 1]!));
    this.scoreValues.forEach((values, i) => (c ? values.pos : values.neg).push(row[at + layout.scores + i]!));
    this.bands.forEach((bands, i) => {
      const band = row[at + layout.grades + i]!;
      if (band >= 0) count(bands[band]!, c);
    });
    this.ruleFired.forEach((t, i) => {
      for (let n = row[at + layout.rules + i]!; n > 0; n--) count(t, c);
    });
    this.fieldSet.forEach((t, i) => row[at + layout.present + i] && count(t, c));
    if (row[at + VALUE_UNREADABLE]) this.value.unreadable++;
  }

  /** A record the rules could not evaluate. */
  addInvalid(where: string, id: string | undefined, errors: readonly RecordError[]): void {
    this.records++;
    if (this.invalid.count++ < this.listLimit) this.invalid.listed.push({ where, ...(id !== undefined ? { id } : {}), errors: errors.map((e) => ({ ...e })) });
  }

  /** A valid record whose outcome is missing or unrecognised (`value` as found, or `missing`). */
  addExcluded(where: string, id: string | undefined, value: string): void {
    this.records++;
    if (this.excluded.count++ < this.listLimit) this.excluded.listed.push({ where, ...(id !== undefined ? { id } : {}), value });
  }

  report(header: ReportHeader): BacktestReport {
    const base = this.rate(this.conversions, this.leads);
    const lift = (r: number | null) => (r === null || base === null || base === 0 ? null : r / base);
    return {
      version: REPORT_VERSION,
      rules: header.rules,
      data: header.data,
      outcome: this.options.outcome,
      value: header.value,
      now: header.now,
      records: this.records,
      leads: this.leads,
      conversions: this.conversions,
      baseRate: base,
      totalValue: header.value === null ? null : { ...this.value, mean: this.value.leads === 0 ? null : this.value.total / this.value.leads },
      invalid: this.invalid,
      excluded: this.excluded,
      stages: this.stageMetrics(lift),
      furthest: this.furthestMetrics(lift, header.value !== null),
      scores: this.shape.scores.map((s, i) => {
        const split = sorted(this.scoreValues[i]!);
        return { score: s.name, auc: auc(split), roc: rocCurve(split), deciles: deciles(split), calibration: calibration(split, s.thresholds) };
      }),
      grades: this.shape.grades.map((g, i) => ({
        grade: g.name,
        bands: g.labels.map((label, b) => {
          const t = this.bands[i]![b]!;
          const rate = this.rate(t.conv, t.n);
          return { label, leads: t.n, conversions: t.conv, rate, lift: lift(rate) };
        }),
      })),
      scoreRules: this.ruleMetrics(lift),
      clauses: this.clauseMetrics(lift),
      sweeps: this.shape.sweeps.map((target, i) => ({
        stage: target.clause.stage,
        clause: target.clause.label,
        text: target.clause.text,
        source: this.options.where(target.clause.loc),
        score: target.score,
        op: target.op,
        threshold: target.threshold,
        ...(target.upper !== undefined ? { upper: target.upper } : {}),
        eligible: this.sweepValues[i]!.pos.length + this.sweepValues[i]!.neg.length,
        ...sweep({ target, eligible: sorted(this.sweepValues[i]!), leads: this.leads, conversions: this.conversions, ...(this.options.targetRate !== undefined ? { targetRate: this.options.targetRate } : {}) }),
      })),
      warnings: [...this.readsOutcome(), ...this.looksLikeOutcome(base)],
    };
  }

  // -------------------------------------------------------------------------------------------

  private stageMetrics(lift: (r: number | null) => number | null): StageMetrics[] {
    return this.shape.stages.map((s, i) => {
      const t = this.reached[i]!;
      const precision = this.rate(t.conv, t.n);
      return {
        stage: s.name,
        ...(s.title !== undefined ? { title: s.title } : {}),
        ...(s.after !== undefined ? { after: s.after } : {}),
        reached: t.n,
        conversions: t.conv,
        precision,
        recall: this.rate(t.conv, this.conversions),
        lift: lift(precision),
      };
    });
  }

  private furthestMetrics(lift: (r: number | null) => number | null, withValue: boolean): FurthestStage[] {
    const names = [...this.shape.stages.map((s) => s.name), 'none'];
    return this.furthest.map((t, i) => {
      const rate = this.rate(t.conv, t.n);
      const value = withValue ? { meanValue: t.valued === 0 ? null : t.total / t.valued, valuePerLead: t.n === 0 ? null : t.total / t.n, totalValue: t.total } : {};
      return { stage: names[i]!, leads: t.n, conversions: t.conv, rate, lift: lift(rate), ...value };
    });
  }

  private ruleMetrics(lift: (r: number | null) => number | null): RuleMetrics[] {
    return this.shape.rules.map((r, i) => {
      const t = this.ruleFired[i]!;
      const rate = this.rate(t.conv, t.n);
      return { score: r.score, rule: r.label, source: this.options.where(r.loc), fired: t.n, conversions: t.conv, rate, rateWhenNot: this.rate(this.conversions - t.conv, this.leads - t.n), lift: lift(rate) };
    });
  }

  private clauseMetrics(lift: (r: number | null) => number | null): ClauseMetrics[] {
    return this.clauses.map((c, i) => {
      const t = this.clauseHeld[i]!;
      const rate = this.rate(t.conv, t.n);
      return {
        stage: c.stage,
        kind: c.kind,
        label: c.label,
        text: c.text,
        source: this.options.where(c.loc),
        held: t.n,
        conversions: t.conv,
        rate,
        rateWhenNot: this.rate(this.conversions - t.conv, this.leads - t.n),
        lift: lift(rate),
        keptOut: t.keptOut,
      };
    });
  }

  /** Clauses and rules reading a field that the outcome column feeds: the backtest measures a leak. */
  private readsOutcome(): BacktestWarning[] {
    return fieldsNamedBy(this.shape, this.options.outcome).flatMap((field) => {
      const readBy = this.readBy(field);
      if (readBy.length === 0) return [];
      const message = `${readBy.length === 1 ? 'a rule reads' : `${readBy.length} rules read`} ${field.path}, which is read from the outcome column "${this.options.outcome}": the rules see the answer, so these metrics are meaningless`;
      return [{ kind: 'reads-outcome' as const, message, field: field.path, key: field.key, readBy }];
    });
  }

  /**
   * Fields read by the rules that convert at ≥ 95% or ≤ 5% when set (a bool: when true), on at least
   * 100 leads: often a status that sales fill in once the deal is known. A side is checked only when
   * the base rate is not itself that extreme, where every field would look the same.
   */
  private looksLikeOutcome(base: number | null): BacktestWarning[] {
    if (base === null) return [];
    const outcomeFields = new Set(fieldsNamedBy(this.shape, this.options.outcome).map((f) => f.path));
    return this.shape.fields.flatMap((field, i) => {
      const t = this.fieldSet[i]!;
      if (t.n < LOOKS_LIKE_OUTCOME_MIN_LEADS || outcomeFields.has(field.path)) return [];
      const rate = t.conv / t.n;
      const high = rate >= 0.95 && base < 0.9;
      const low = rate <= 0.05 && base > 0.1;
      if (!high && !low) return [];
      const when = field.bool ? 'is true' : 'is set';
      const message = `${field.path} (column "${field.key}") looks like an outcome: ${pct(rate)} of the ${t.n} leads where it ${when} converted (base rate ${pct(base)}). If sales fill it in once a deal is known, rules that read it leak the answer.`;
      return [{ kind: 'looks-like-outcome' as const, message, field: field.path, key: field.key, readBy: this.readBy(field), leads: t.n, rate }];
    });
  }

  private readBy(field: FieldRef): BacktestWarning['readBy'] {
    return readersOf(this.shape, [field]).map((r) => ({ what: r.what, name: r.name, source: this.options.where(r.loc) }));
  }

  private rate(part: number, whole: number): number | null {
    return whole === 0 ? null : part / whole;
  }
}

function count(t: Tally, c: number): void {
  t.n++;
  t.conv += c;
}

function sorted(values: { pos: Numbers; neg: Numbers }): Split {
  return { pos: values.pos.sorted(), neg: values.neg.sorted() };
}

function pct(rate: number): string {
  return `${Number((rate * 100).toFixed(1))}%`;
}

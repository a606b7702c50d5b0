// The comparison behind `mql diff`: two versions of a program evaluated on the same leads, one lead
// at a time, folded into a report — the stage transition matrix, stage totals before and after,
// the score rules whose points moved most, the stage clauses (require/reject) whose outcome changed
// for the most leads (what explains a changed threshold), and a few example leads per transition.
// Rules and clauses are matched between the versions by their labels. Pure: no I/O;
// memory stays flat whatever the number of leads (counters, and at most `examples` ids per cell).

import type { RulesArtifact } from '@mql/artifact';
import type { EvaluationResult } from '@mql/runtime';

/** The stage of a lead that qualifies for none (`none` is a keyword, so no stage has that name). */
export const NO_STAGE = 'none';

export interface RuleId {
  score: string;
  rule: string;
}

export interface ClauseId {
  stage: string;
  kind: 'require' | 'reject';
  label: string;
}

/** What the comparison needs to know about a version besides its results. */
export interface VersionShape {
  /** Stage names in program order. */
  stages: readonly string[];
  /** Every `when`/`per` rule of every score, by the score's name and the rule's label. */
  rules: readonly RuleId[];
  /** Every stage clause with its condition's source text. */
  clauses: readonly (ClauseId & { text: string })[];
  /** Grade names. */
  grades: readonly string[];
}

export interface Transition {
  from: string;
  to: string;
  count: number;
  /** Percentage of the compared leads, rounded to 2 decimals. */
  percent: number;
  /** The first leads (ids, or where they are in the input) that made this transition. */
  examples: string[];
}

export interface StageTotal {
  stage: string;
  before: number;
  after: number;
  delta: number;
}

export interface RuleTotals {
  /** Sum of the rule's points over all leads (before the score's range clamp), rounded to 2 decimals. */
  points: number;
  /** Leads the rule gave points to. */
  leads: number;
}

export interface RuleChange extends RuleId {
  /** `added`/`removed`: the rule is only in the new/base version. */
  status: 'changed' | 'added' | 'removed';
  before: RuleTotals;
  after: RuleTotals;
  /** after.points − before.points, rounded to 2 decimals. */
  change: number;
}

export interface ClauseChange extends ClauseId {
  status: 'changed' | 'added' | 'removed';
  /** The condition's source text in each version that has the clause. */
  text: { before?: string; after?: string };
  /** Leads for which the requirement holds (a `reject`: fires), before and after. */
  before: number;
  after: number;
  change: number;
}

export interface StageDiff {
  /** Leads evaluated by both versions (the matrix's total). */
  leads: number;
  /** Leads whose stage differs. */
  changed: number;
  /** Records left out: unreadable or invalid for either version; `baseOnly`/`newOnly`: invalid for one version only. */
  invalid: { records: number; baseOnly: number; newOnly: number };
  /** counts[i][j]: leads at rows[i] (base stage) before and columns[j] (new stage) after. */
  matrix: { rows: string[]; columns: string[]; counts: number[][] };
  /** The off-diagonal cells that are not empty, most leads first. */
  transitions: Transition[];
  /** Every stage of either version, then `none`. */
  totals: StageTotal[];
  /** Rules whose total points changed, most change first, at most `top`. */
  rules: RuleChange[];
  /** Clauses whose outcome changed for some lead, or whose condition changed; most change first, at most `top`. */
  clauses: ClauseChange[];
  /** Per grade of both versions: leads whose band changed, and the band transitions (most leads first). */
  grades: GradeChange[];
  /** With an outcome (`mql diff --outcome`): conversion, precision and recall per stage before and after. */
  outcome?: OutcomeDiff;
}

export interface GradeChange {
  grade: string;
  /** Leads whose band differs. */
  changed: number;
  transitions: Transition[];
}

export interface StageConversion {
  /** Leads that reach the stage, conversions among them, precision (their conversion rate) and recall (their share of all conversions). */
  reached: number;
  conversions: number;
  precision: number | null;
  recall: number | null;
}

export interface OutcomeDiff {
  /** Compared leads with a usable outcome, conversions among them, and compared leads left out for want of one. */
  leads: number;
  conversions: number;
  excluded: number;
  /** Every stage of either version; a stage missing in one version has null there. */
  stages: { stage: string; before: StageConversion | null; after: StageConversion | null }[];
}

/**
 * What one lead adds to the comparison, read from its two explained results: plain data, so that a
 * worker thread can hand it back (diff-worker.ts) for the main thread to add in input order.
 */
export interface LeadChange {
  /** The lead's id, or where it is in the input: kept as an example of its transitions. */
  lead: string;
  /** Indexes of its stage before (matrix row) and after (column). */
  row: number;
  column: number;
  /** [score, rule label, points] of each rule contribution, before and after. */
  points: [[string, string, number][], [string, string, number][]];
  /** Each stage clause that held (a reject: fired), before and after. */
  held: [ClauseId[], ClauseId[]];
  /** [grade, band before, band after] of each grade both versions have whose band differs. */
  grades: [string, string, string][];
  /** With an outcome: converted (null: no usable outcome) and the stages reached before and after. */
  outcome?: { converted: boolean | null; reached: [string[], string[]] };
}

export interface CompareOptions {
  /** Example leads kept per transition. */
  examples?: number;
  /** Rule and clause changes reported. */
  top?: number;
}

export function versionShape(artifact: RulesArtifact): VersionShape {
  return {
    stages: artifact.stages.map((s) => s.name),
    rules: artifact.scores.flatMap((score) => (score.kind === 'rules' ? score.rules.map((r) => ({ score: score.name, rule: r.label })) : [])),
    grades: artifact.grades.map((g) => g.name),
    clauses: artifact.stages.flatMap((stage) => [
      ...stage.requirements.map((c) => ({ stage: stage.name, kind: 'require' as const, label: c.label, text: c.text })),
      ...stage.rejections.map((c) => ({ stage: stage.name, kind: 'reject' as const, label: c.label, text: c.text })),
    ]),
  };
}

type Tally = { points: number; leads: number };

export class StageComparison {
  private readonly rows: string[];
  private readonly columns: string[];
  private readonly counts: number[][];
  private readonly examples: string[][][];
  private readonly before = new Map<string, Tally>();
  private readonly after = new Map<string, Tally>();
  private readonly ruleIds = new Map<string, RuleId>();
  private readonly baseRules: Set<string>;
  private readonly newRules: Set<string>;
  private readonly clauses: Map<string, { id: ClauseId; textBefore?: string; textAfter?: string; before: number; after: number }>;
  private leads = 0;
  private readonly invalid = { records: 0, baseOnly: 0, newOnly: 0 };
  private readonly exampleLimit: number;
  private readonly top: number;
  private readonly grades: Map<string, Map<string, { from: string; to: string; count: number; examples: string[] }>>;
  private readonly outcome = { leads: 0, conversions: 0, excluded: 0, before: new Map<string, Tally>(), after: new Map<string, Tally>() };
  private withOutcome = false;

  constructor(
    private readonly base: VersionShape,
    private readonly next: VersionShape,
    options: CompareOptions = {},
  ) {
    this.grades = new Map(base.grades.filter((g) => next.grades.includes(g)).map((g) => [g, new Map()]));
    this.rows = [...base.stages, NO_STAGE];
    this.columns = [...next.stages, NO_STAGE];
    this.counts = this.rows.map(() => this.columns.map(() => 0));
    this.examples = this.rows.map(() => this.columns.map((): string[] => []));
    this.baseRules = new Set(base.rules.map((id) => this.keyOf(id)));
    this.newRules = new Set(next.rules.map((id) => this.keyOf(id)));
    this.exampleLimit = options.examples ?? 3;
    this.top = options.top ?? 10;
    this.clauses = new Map();
    for (const [clauses, side] of [[base.clauses, 'textBefore'], [next.clauses, 'textAfter']] as const) {
      for (const { text, ...id } of clauses) {
        const key = clauseKey(id);
        const entry = this.clauses.get(key) ?? { id, before: 0, after: 0 };
        entry[side] = text;
        this.clauses.set(key, entry);
      }
    }
  }

  /**
   * A lead both versions evaluated (results with contributions, i.e. evaluated with `explain`);
   * `converted` when the comparison has an outcome: undefined for a lead without a usable one.
   */
  addLead(lead: string, base: EvaluationResult, next: EvaluationResult, converted?: boolean | null): void {
    this.add(this.changeOf(lead, base, next, converted));
  }

  /**
   * What the lead adds to the comparison, read from its two results; depends on the versions' shapes
   * only, so a worker thread's comparison reads it for the main thread's to add (diff-worker.ts).
   */
  changeOf(lead: string, base: EvaluationResult, next: EvaluationResult, converted?: boolean | null): LeadChange {
    const row = this.rows.indexOf(base.stage ?? NO_STAGE);
    const column = this.columns.indexOf(next.stage ?? NO_STAGE);
    if (row < 0 || column < 0) throw new Error(`a result names a stage its program does not have: ${base.stage} → ${next.stage}`);
    const grades: LeadChange['grades'] = [];
    for (const grade of this.grades.keys()) {
      const [from, to] = [base.grades[grade]!, next.grades[grade]!];
      if (from !== to) grades.push([grade, from, to]);
    }
    return {
      lead,
      row,
      column,
      points: [rulePoints(base), rulePoints(next)],
      held: [clausesHeld(base), clausesHeld(next)],
      grades,
      ...(converted !== undefined ? { outcome: { converted, reached: [stagesReached(base), stagesReached(next)] } } : {}),
    };
  }

  /** Counts one lead (changeOf) in every part of the comparison. */
  add(change: LeadChange): void {
    const { lead, row, column } = change;
    this.leads++;
    this.counts[row]![column]!++;
    const examples = this.examples[row]![column]!;
    if (examples.length < this.exampleLimit) examples.push(lead);
    this.tally(this.before, change.points[0]);
    this.tally(this.after, change.points[1]);
    this.tallyClauses('before', change.held[0]);
    this.tallyClauses('after', change.held[1]);
    for (const [grade, from, to] of change.grades) {
      const cells = this.grades.get(grade)!;
      const key = `${from}\0${to}`;
      const cell = cells.get(key) ?? { from, to, count: 0, examples: [] };
      cell.count++;
      if (cell.examples.length < this.exampleLimit) cell.examples.push(lead);
      cells.set(key, cell);
    }
    if (change.outcome !== undefined) this.tallyOutcome(change.outcome);
  }

  /** Counts conversions per stage reached in each version; null: the lead has no usable outcome. */
  private tallyOutcome({ converted, reached }: NonNullable<LeadChange['outcome']>): void {
    this.withOutcome = true;
    if (converted === null) {
      this.outcome.excluded++;
      return;
    }
    this.outcome.leads++;
    if (converted) this.outcome.conversions++;
    for (const [side, stages] of [['before', reached[0]], ['after', reached[1]]] as const) {
      for (const stage of stages) {
        const tally = this.outcome[side].get(stage) ?? { points: 0, leads: 0 };
        tally.leads++;
        if (converted) tally.points++;
        this.outcome[side].set(stage, tally);
      }
    }
  }

  /** A record left out of the comparison: unreadable, or invalid for one version or both. */
  addInvalid(invalidFor: 'base' | 'new' | 'both'): void {
    this.invalid.records++;
    if (invalidFor === 'base') this.invalid.baseOnly++;
    if (invalidFor === 'new') this.invalid.newOnly++;
  }

  result(): StageDiff {
    const transitions: Transition[] = [];
    this.rows.forEach((from, i) =>
      this.columns.forEach((to, j) => {
        const count = this.counts[i]![j]!;
        if (from !== to && count > 0) transitions.push({ from, to, count, percent: this.percent(count), examples: [...this.examples[i]![j]!] });
      }),
    );
    // Stable: equal counts keep matrix order.
    transitions.sort((a, b) => b.count - a.count);
    return {
      leads: this.leads,
      changed: transitions.reduce((sum, t) => sum + t.count, 0),
      invalid: { ...this.invalid },
      matrix: { rows: [...this.rows], columns: [...this.columns], counts: this.counts.map((row) => [...row]) },
      transitions,
      totals: this.totals(),
      rules: this.ruleChanges(),
      clauses: this.clauseChanges(),
      grades: this.gradeChanges(),
      ...(this.withOutcome ? { outcome: this.outcomeDiff() } : {}),
    };
  }

  private gradeChanges(): GradeChange[] {
    return [...this.grades].map(([grade, cells]) => {
      const transitions = [...cells.values()].map((c) => ({ from: c.from, to: c.to, count: c.count, percent: this.percent(c.count), examples: [...c.examples] }));
      transitions.sort((a, b) => b.count - a.count);
      return { grade, changed: transitions.reduce((sum, t) => sum + t.count, 0), transitions };
    });
  }

  private outcomeDiff(): OutcomeDiff {
    const { leads, conversions, excluded } = this.outcome;
    const conversion = (side: 'before' | 'after', stage: string, has: boolean): StageConversion | null => {
      if (!has) return null;
      // Tally reused: `leads` reached the stage, `points` counts the conversions among them.
      const t = this.outcome[side].get(stage) ?? { points: 0, leads: 0 };
      return { reached: t.leads, conversions: t.points, precision: t.leads === 0 ? null : t.points / t.leads, recall: conversions === 0 ? null : t.points / conversions };
    };
    const stages = [...new Set([...this.base.stages, ...this.next.stages])];
    return {
      leads,
      conversions,
      excluded,
      stages: stages.map((stage) => ({ stage, before: conversion('before', stage, this.base.stages.includes(stage)), after: conversion('after', stage, this.next.stages.includes(stage)) })),
    };
  }

  private totals(): StageTotal[] {
    const stages = [...new Set([...this.rows, ...this.columns].filter((s) => s !== NO_STAGE)), NO_STAGE];
    return stages.map((stage) => {
      const row = this.rows.indexOf(stage);
      const column = this.columns.indexOf(stage);
      const before = row < 0 ? 0 : this.counts[row]!.reduce((a, b) => a + b, 0);
      const after = column < 0 ? 0 : this.counts.reduce((sum, r) => sum + r[column]!, 0);
      return { stage, before, after, delta: after - before };
    });
  }

  private ruleChanges(): RuleChange[] {
    const keys = new Set([...this.baseRules, ...this.newRules, ...this.before.keys(), ...this.after.keys()]);
    const changes: RuleChange[] = [];
    for (const key of keys) {
      const before = this.before.get(key) ?? { points: 0, leads: 0 };
      const after = this.after.get(key) ?? { points: 0, leads: 0 };
      const status = !this.baseRules.has(key) ? 'added' : !this.newRules.has(key) ? 'removed' : 'changed';
      const change = round2(after.points - before.points);
      if (status === 'changed' && change === 0 && before.leads === after.leads) continue;
      const totals = (t: Tally): RuleTotals => ({ points: round2(t.points), leads: t.leads });
      changes.push({ ...this.ruleIds.get(key)!, status, before: totals(before), after: totals(after), change });
    }
    changes.sort((a, b) => Math.abs(b.change) - Math.abs(a.change) || a.score.localeCompare(b.score) || a.rule.localeCompare(b.rule));
    return changes.slice(0, this.top);
  }

  private clauseChanges(): ClauseChange[] {
    const changes: ClauseChange[] = [];
    for (const { id, textBefore, textAfter, before, after } of this.clauses.values()) {
      const status = textBefore === undefined ? 'added' : textAfter === undefined ? 'removed' : 'changed';
      if (status === 'changed' && before === after && textBefore === textAfter) continue;
      const text = { ...(textBefore !== undefined ? { before: textBefore } : {}), ...(textAfter !== undefined ? { after: textAfter } : {}) };
      changes.push({ ...id, status, text, before, after, change: after - before });
    }
    // Stable: equal changes keep program order.
    changes.sort((a, b) => Math.abs(b.change) - Math.abs(a.change));
    return changes.slice(0, this.top);
  }

  private tallyClauses(side: 'before' | 'after', held: readonly ClauseId[]): void {
    for (const id of held) {
      const entry = this.clauses.get(clauseKey(id));
      if (entry) entry[side]++;
    }
  }

  private tally(into: Map<string, Tally>, points: LeadChange['points'][number]): void {
    for (const [score, rule, value] of points) {
      const key = this.keyOf({ score, rule });
      const tally = into.get(key);
      if (tally) {
        tally.points += value;
        tally.leads++;
      } else into.set(key, { points: value, leads: 1 });
    }
  }

  private keyOf(id: RuleId): string {
    const key = `${id.score}\0${id.rule}`;
    if (!this.ruleIds.has(key)) this.ruleIds.set(key, { score: id.score, rule: id.rule });
    return key;
  }

  private percent(count: number): number {
    return this.leads === 0 ? 0 : round2((100 * count) / this.leads);
  }
}

/** [score, rule label, points] of each rule's contribution (not a formula's). */
function rulePoints(result: EvaluationResult): LeadChange['points'][number] {
  const points: LeadChange['points'][number] = [];
  for (const [score, contributions] of Object.entries(result.contributions ?? {})) {
    for (const c of contributions) if (c.kind !== 'formula') points.push([score, c.label, c.points]);
  }
  return points;
}

/** Every stage clause that held (a `reject`: fired). */
function clausesHeld(result: EvaluationResult): ClauseId[] {
  const held: ClauseId[] = [];
  for (const [stage, outcome] of Object.entries(result.stages)) {
    for (const [kind, clauses] of [['require', outcome.requirements], ['reject', outcome.rejections]] as const) {
      for (const clause of clauses ?? []) if (clause.passed) held.push({ stage, kind, label: clause.label });
    }
  }
  return held;
}

function stagesReached(result: EvaluationResult): string[] {
  return Object.entries(result.stages).flatMap(([stage, outcome]) => (outcome.qualified ? [stage] : []));
}

function clauseKey(id: ClauseId): string {
  return `${id.stage}\0${id.kind}\0${id.label}`;
}

function round2(value: number): number {
  const rounded = Math.round(value * 100) / 100;
  return Object.is(rounded, -0) ? 0 : rounded;
}

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
    const row = this.rows.indexOf(base.stage ?? NO_STAGE);
    const column = this.columns.indexOf(next.stage ?? NO_STAGE);
    if (row < 0 || column < 0) throw new Error(`a result names a stage its program does not have: ${base.stage} → ${next.stage}`);
    this.leads++;
    this.counts[row]![column]!++;
    const examples = this.examples[row]![column]!;
    if (examples.length < this.exampleLimit) examples.push(lead);
    this.tally(this.before, base);
    this.tally(this.after, next);
    this.tallyClauses('before', base);
    this.tallyClauses('after', next);
    for (const [grade, cells] of this.grades) {
      const [from, to] = [base.grades[grade]!, next.grades[grade]!];
      if (from === to) continue;
      const key = `${from}\0${to}`;
      const cell = cells.get(key) ?? { from, to, count: 0, examples: [] };
      cell.count++;
      if (cell.examples.length < this.exampleLimit) cell.examples.push(lead);
      cells.set(key, cell);
    }
    if (converted !== undefined) this.tallyOutcome(base, next, converted);
  }

  /** Counts conversions per stage reached in each version; null: the lead has no usable outcome. */
  private tallyOutcome(base: EvaluationResult, next: EvaluationResult, converted: boolean | null): void {
    this.withOutcome = true;
    if (converted === null) {
      this.outcome.excluded++;
      return;
    }
    this.outcome.leads++;
    if (converted) this.outcome.conversions++;
    for (const [side, result] of [['before', base], ['after', next]] as const) {
      for (const [stage, outcome] of Object.entries(result.stages)) {
        if (!outcome.qualified) continue;
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

  private tallyClauses(side: 'before' | 'after', result: EvaluationResult): void {
    for (const [stage, outcome] of Object.entries(result.stages)) {
      for (const [kind, clauses] of [['require', outcome.requirements], ['reject', outcome.rejections]] as const) {
        for (const clause of clauses ?? []) {
          if (!clause.passed) continue;
          const entry = this.clauses.get(clauseKey({ stage, kind, label: clause.label }));
          if (entry) entry[side]++;
        }
      }
    }
  }

  private tally(into: Map<string, Tally>, result: EvaluationResult): void {
    for (const [score, contributions] of Object.entries(result.contributions ?? {})) {
      for (const c of contributions) {
        if (c.kind === 'formula') continue;
        const key = this.keyOf({ score, rule: c.label });
        const tally = into.get(key);
        if (tally) {
          tally.points += c.points;
          tally.leads++;
        } else into.set(key, { points: c.points, leads: 1 });
      }
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

function clauseKey(id: ClauseId): string {
  return `${id.stage}\0${id.kind}\0${id.label}`;
}

function round2(value: number): number {
  const rounded = Math.round(value * 100) / 100;
  return Object.is(rounded, -0) ? 0 : rounded;
}

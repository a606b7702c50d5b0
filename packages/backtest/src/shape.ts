// What a backtest needs to know about a program besides its results, read once from the artifact:
// stages and their clauses, score rules, grade bands, the thresholds each score is compared with,
// the `require SCORE >= N` clauses whose threshold can be swept, and the lead fields every clause
// and rule reads (directly or through a segment, score or grade), for the leakage checks.

import type { Expr, FieldSpec, RulesArtifact, SourceLocation } from '@mql/artifact';
import { walkExpr } from '@mql/runtime';

export interface ClauseRef {
  stage: string;
  kind: 'require' | 'reject';
  /** Position among the stage's requirements (or rejections), as in the result. */
  index: number;
  label: string;
  text: string;
  loc: SourceLocation;
}

export interface RuleRef {
  score: string;
  label: string;
  loc: SourceLocation;
}

export interface StageRef {
  name: string;
  title?: string;
  after?: string;
  requirements: ClauseRef[];
  rejections: ClauseRef[];
}

/** A `require SCORE >= N` (or `> N`, or `SCORE between N and M`) clause: N can be swept. */
export interface SweepTarget {
  clause: ClauseRef;
  score: string;
  op: '>=' | '>';
  threshold: number;
  /** `between N and M`: the upper bound, kept as it is while N is swept. */
  upper?: number;
}

export interface FieldRef {
  /** Schema path, `company.employees`. */
  path: string;
  /** The key path records and CSV headers use (`from` names), `Job Title`. */
  key: string;
  /** The last key alone (a nested field's `from` name also names its CSV column). */
  leaf: string;
  /** How to tell, in a record, that the field is set: a bool counts when true. */
  bool: boolean;
}

/** A clause or score rule, and the lead fields (schema paths) it reads. */
export interface Reader {
  what: 'clause' | 'rule';
  /** `MQL require "Fits our ideal customer profile"`, `fit "Target industry"`. */
  name: string;
  loc: SourceLocation;
  fields: string[];
}

export interface BacktestShape {
  stages: StageRef[];
  scores: { name: string; thresholds: number[] }[];
  rules: RuleRef[];
  grades: { name: string; labels: string[] }[];
  sweeps: SweepTarget[];
  /** Lead fields read by some clause or rule, in schema order. */
  fields: FieldRef[];
  readers: Reader[];
}

export function backtestShape(artifact: RulesArtifact): BacktestShape {
  const reads = new FieldReads(artifact);
  const stages = artifact.stages.map((stage): StageRef => {
    const clauses = (kind: ClauseRef['kind'], list: typeof stage.requirements) =>
      list.map((c, index): ClauseRef => ({ stage: stage.name, kind, index, label: c.label, text: c.text, loc: c.loc }));
    return {
      name: stage.name,
      ...(stage.title !== undefined ? { title: stage.title } : {}),
      ...(stage.after !== undefined ? { after: stage.after } : {}),
      requirements: clauses('require', stage.requirements),
      rejections: clauses('reject', stage.rejections),
    };
  });
  const readers: Reader[] = [];
  for (const stage of artifact.stages) {
    for (const [kind, list] of [['require', stage.requirements], ['reject', stage.rejections]] as const) {
      for (const c of list) readers.push({ what: 'clause', name: `${stage.name} ${kind} "${c.label}"`, loc: c.loc, fields: [...reads.of(c.when)] });
    }
  }
  const rules: RuleRef[] = [];
  for (const score of artifact.scores) {
    if (score.kind !== 'rules') continue;
    for (const rule of score.rules) {
      rules.push({ score: score.name, label: rule.label, loc: rule.loc });
      const fields = rule.kind === 'when' ? reads.of(rule.when) : rule.query.where ? reads.of(rule.query.where) : new Set<string>();
      readers.push({ what: 'rule', name: `${score.name} "${rule.label}"`, loc: rule.loc, fields: [...fields] });
    }
  }
  const read = new Set(readers.flatMap((r) => r.fields));
  return {
    stages,
    scores: artifact.scores.map((s) => ({ name: s.name, thresholds: thresholdsOf(artifact, s.name) })),
    rules,
    grades: artifact.grades.map((g) => ({ name: g.name, labels: [...new Set([...g.bands.map((b) => b.label), g.else])] })),
    sweeps: stages.flatMap((s) => s.requirements.flatMap((c) => sweepTarget(c, artifact))),
    fields: leafFields(artifact.lead.fields).filter((f) => read.has(f.path)),
    readers,
  };
}

/**
 * The fields a record column feeds: the same names a CSV header binds to (a field's key path, its
 * schema path, or a nested field's own `from` name), compared ignoring case as headers are.
 */
export function fieldsNamedBy(shape: BacktestShape, column: string): FieldRef[] {
  const wanted = column.trim().toLowerCase();
  return shape.fields.filter((f) => [f.key, f.path, f.leaf].some((name) => name.toLowerCase() === wanted));
}

/** The clauses and rules that read any of `fields`. */
export function readersOf(shape: BacktestShape, fields: readonly FieldRef[]): Reader[] {
  const paths = new Set(fields.map((f) => f.path));
  return shape.readers.filter((r) => r.fields.some((f) => paths.has(f)));
}

// ---------------------------------------------------------------------------------------------

/** Which lead fields an expression reads, following segments, scores and grades (memoised per name). */
class FieldReads {
  private readonly named = new Map<string, Set<string>>();

  constructor(private readonly artifact: RulesArtifact) {}

  of(expr: Expr): Set<string> {
    const fields = new Set<string>();
    walkExpr(expr, (e) => {
      if (e.op === 'field') fields.add(e.path.join('.'));
      else if (e.op === 'segment' || e.op === 'score' || e.op === 'grade') for (const f of this.ofName(e.op, e.name)) fields.add(f);
    });
    return fields;
  }

  private ofName(kind: 'segment' | 'score' | 'grade', name: string): Set<string> {
    const key = `${kind}:${name}`;
    const known = this.named.get(key);
    if (known) return known;
    const fields = new Set<string>();
    this.named.set(key, fields); // the compiler rejects cycles; this only stops a malformed artifact
    for (const expr of this.exprsOf(kind, name)) for (const f of this.of(expr)) fields.add(f);
    return fields;
  }

  private exprsOf(kind: 'segment' | 'score' | 'grade', name: string): Expr[] {
    const { segments, scores, grades } = this.artifact;
    if (kind === 'segment') return segments.filter((s) => s.name === name).map((s) => s.expr);
    if (kind === 'grade') return grades.filter((g) => g.name === name).flatMap((g) => g.bands.map((b) => b.when));
    return scores
      .filter((s) => s.name === name)
      .flatMap((s) => (s.kind === 'formula' ? [s.expr] : s.rules.flatMap((r) => (r.kind === 'when' ? [r.when] : r.query.where ? [r.query.where] : []))));
  }
}

function leafFields(fields: readonly FieldSpec[], path: string[] = [], keys: string[] = []): FieldRef[] {
  return fields.flatMap((field) => {
    const key = field.from ?? field.name;
    if (field.type.kind === 'object') return leafFields(field.type.fields, [...path, field.name], [...keys, key]);
    return [{ path: [...path, field.name].join('.'), key: [...keys, key].join('.'), leaf: key, bool: field.type.kind === 'bool' }];
  });
}

/** Every number a score is compared with (`fit >= 30`, `fit between 10 and 20`), anywhere in the program. */
function thresholdsOf(artifact: RulesArtifact, score: string): number[] {
  const found = new Set<number>();
  const visit = (expr: Expr) =>
    walkExpr(expr, (e) => {
      if (e.op === 'compare') {
        const n = e.left.op === 'score' && e.left.name === score ? numberOf(e.right) : e.right.op === 'score' && e.right.name === score ? numberOf(e.left) : undefined;
        if (n !== undefined) found.add(n);
      } else if (e.op === 'between' && e.subject.op === 'score' && e.subject.name === score) {
        for (const bound of [numberOf(e.low), numberOf(e.high)]) if (bound !== undefined) found.add(bound);
      }
    });
  for (const s of artifact.stages) for (const c of [...s.requirements, ...s.rejections]) visit(c.when);
  for (const g of artifact.grades) for (const b of g.bands) visit(b.when);
  for (const s of artifact.segments) visit(s.expr);
  for (const s of artifact.scores) if (s.kind === 'formula') visit(s.expr);
  return [...found].sort((a, b) => a - b);
}

function sweepTarget(clause: ClauseRef, artifact: RulesArtifact): SweepTarget[] {
  const expr = artifact.stages.find((s) => s.name === clause.stage)!.requirements[clause.index]!.when;
  if (expr.op === 'compare' && expr.left.op === 'score' && (expr.cmp === '>=' || expr.cmp === '>')) {
    const threshold = numberOf(expr.right);
    if (threshold !== undefined) return [{ clause, score: expr.left.name, op: expr.cmp, threshold }];
  }
  if (expr.op === 'between' && expr.subject.op === 'score') {
    const [low, high] = [numberOf(expr.low), numberOf(expr.high)];
    if (low !== undefined && high !== undefined) return [{ clause, score: expr.subject.name, op: '>=', threshold: low, upper: high }];
  }
  return [];
}

/** A number literal, or a negated one (`-10`). */
function numberOf(expr: Expr): number | undefined {
  if (expr.op === 'literal' && expr.type === 'number' && typeof expr.value === 'number') return expr.value;
  if (expr.op === 'neg') {
    const inner = numberOf(expr.arg);
    return inner === undefined ? undefined : -inner;
  }
  return undefined;
}

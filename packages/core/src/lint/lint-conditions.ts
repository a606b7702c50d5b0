// Lints about conditions: a condition that can never hold or always holds (MQL3003, MQL3004), a
// score threshold no lead can reach (MQL3007) and a grade band no lead can reach (MQL3002).
//
// The reasoning is deliberately simple and sound: a condition is only reported when the reason is
// certain. Numeric facts are intervals: `x >= 10` is [10, ∞), `x between 1 and 5` is [1, 5], and a
// score's value lies within its static bounds (lint-bounds.ts). Missing values make every
// comparison false (LANGUAGE.md §5), so "never holds" survives them, while "always holds" is only
// claimed for values that cannot be missing (required fields, scores, grades).

import type { BetweenExpr, CompareExpr, Expr, GradeDecl, InExpr, IsSetExpr, ListDecl, PathExpr, Span } from '../syntax/ast.js';
import type { Analysis } from '../check/checker.js';
import { makeDiagnostic, type Diagnostic, type Fix, type MessageArgs } from '../diagnostics.js';
import { BoundsCalculator, formatBound, type ScoreBoundsDetail } from './lint-bounds.js';
import type { FieldInfo } from '../check/types.js';
import { exprChildren } from '../syntax/walk.js';

// ---------------------------------------------------------------------------------------------
// Intervals with open or closed ends

export interface Interval {
  lo: number;
  loOpen: boolean;
  hi: number;
  hiOpen: boolean;
}

const EVERYTHING: Interval = { lo: Number.NEGATIVE_INFINITY, loOpen: true, hi: Number.POSITIVE_INFINITY, hiOpen: true };

export function isEmpty(i: Interval): boolean {
  return i.lo > i.hi || (i.lo === i.hi && (i.loOpen || i.hiOpen));
}

export function intersect(a: Interval, b: Interval): Interval {
  const lo = a.lo > b.lo ? a : b.lo > a.lo ? b : { lo: a.lo, loOpen: a.loOpen || b.loOpen };
  const hi = a.hi < b.hi ? a : b.hi < a.hi ? b : { hi: a.hi, hiOpen: a.hiOpen || b.hiOpen };
  return { lo: lo.lo, loOpen: lo.loOpen, hi: hi.hi, hiOpen: hi.hiOpen };
}

/** `set` minus `cut`, as a list of disjoint non-empty intervals. */
export function subtract(set: readonly Interval[], cut: Interval): Interval[] {
  return set.flatMap((part) =>
    [
      intersect(part, { lo: Number.NEGATIVE_INFINITY, loOpen: true, hi: cut.lo, hiOpen: !cut.loOpen }),
      intersect(part, { lo: cut.hi, loOpen: !cut.hiOpen, hi: Number.POSITIVE_INFINITY, hiOpen: true }),
    ].filter((i) => !isEmpty(i)),
  );
}

function comparisonInterval(op: CompareExpr['op'], c: number): Interval | undefined {
  switch (op) {
    case '>':
      return { lo: c, loOpen: true, hi: Number.POSITIVE_INFINITY, hiOpen: true };
    case '>=':
      return { lo: c, loOpen: false, hi: Number.POSITIVE_INFINITY, hiOpen: true };
    case '<':
      return { lo: Number.NEGATIVE_INFINITY, loOpen: true, hi: c, hiOpen: true };
    case '<=':
      return { lo: Number.NEGATIVE_INFINITY, loOpen: true, hi: c, hiOpen: false };
    case '==':
      return { lo: c, loOpen: false, hi: c, hiOpen: false };
    case '!=':
      return undefined; // two intervals; not needed for the lints
  }
}

const FLIPPED: Record<CompareExpr['op'], CompareExpr['op']> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '!=': '!=' };

// ---------------------------------------------------------------------------------------------
// Facts about sub-expressions

/** A condition that confines one numeric value (a field, an attribute or a score) to an interval. */
interface Constraint {
  key: string;
  interval: Interval;
  /** The score it is about, when it is one. */
  score?: string;
  text: string;
}

export type ConditionPlace = 'band' | 'other';

export class ConditionLinter {
  readonly bounds: BoundsCalculator;

  constructor(
    private readonly analysis: Analysis,
    private readonly file: string,
    private readonly text: (span: Span) => string,
    private readonly out: Diagnostic[],
    bounds?: BoundsCalculator,
  ) {
    this.bounds = bounds ?? new BoundsCalculator(analysis);
  }

  /** Checks every sub-expression of a condition (iteratively: chains can be long). */
  condition(root: Expr, place: ConditionPlace): void {
    const chainMembers = new Set<Expr>();
    const pending: Expr[] = [root];
    while (pending.length > 0) {
      const expr = pending.pop()!;
      if (expr.kind === 'Binary' && expr.op === 'and' && !chainMembers.has(expr)) this.andChain(expr, chainMembers);
      else if (expr.kind === 'Between') this.between(expr);
      else if (expr.kind === 'IsSet') this.isSet(expr);
      else if (expr.kind === 'In') this.inAll(expr);
      else if (expr.kind === 'Compare' && place !== 'band') this.comparison(expr);
      pending.push(...exprChildren(expr));
    }
  }

  // --- contradictions ---------------------------------------------------------------------------

  private andChain(root: Expr, members: Set<Expr>): void {
    const operands = flattenAnd(root, members);
    const byKey = new Map<string, Constraint[]>();
    for (const operand of operands) {
      const constraint = this.constraint(operand);
      if (!constraint) continue;
      const list = byKey.get(constraint.key) ?? [];
      list.push(constraint);
      byKey.set(constraint.key, list);
    }
    for (const list of byKey.values()) {
      if (list.length < 2 || list.some((c) => isEmpty(c.interval))) continue; // a single empty one is reported on its own
      const together = list.reduce((acc, c) => intersect(acc, c.interval), EVERYTHING);
      if (!isEmpty(together)) continue;
      const reason = `${list.map((c) => `\`${c.text}\``).join(' and ')} cannot all hold at once`;
      this.report('MQL3003', root.span, { text: this.text(root.span), reason });
    }
  }

  private between(expr: BetweenExpr): void {
    const low = constantOf(expr.low);
    const high = constantOf(expr.high);
    if (low === undefined || high === undefined || low <= high) return;
    const [lowText, highText] = [this.text(expr.low!.span), this.text(expr.high!.span)];
    const reason = `the lower bound \`${lowText}\` is above the upper bound \`${highText}\``;
    // The fix: the bounds the other way round (both edits at once, spans of the original text).
    const swap: Fix = {
      title: `Swap the bounds: \`between ${highText} and ${lowText}\``,
      edits: [
        { file: this.file, span: expr.low!.span, newText: highText },
        { file: this.file, span: expr.high!.span, newText: lowText },
      ],
    };
    this.report('MQL3003', expr.span, { text: this.text(expr.span), reason }, [swap]);
  }

  // --- presence ---------------------------------------------------------------------------------

  private isSet(expr: IsSetExpr): void {
    const why = this.alwaysPresent(expr.subject);
    if (!why) return;
    const args = { text: this.text(expr.span), reason: why };
    if (expr.negated) this.report('MQL3003', expr.span, args);
    else this.report('MQL3004', expr.span, { ...args, when: '' });
  }

  /** Why a value can never be missing, or undefined when it can be (or we cannot tell). */
  private alwaysPresent(subject: Expr): string | undefined {
    if (subject.kind !== 'Path') return undefined;
    const resolution = this.analysis.facts.resolutions.get(subject);
    if (!resolution) return undefined;
    if (resolution.kind === 'decl') {
      if (resolution.declKind === 'score') return `a score always has a value`;
      if (resolution.declKind === 'grade') return `a grade always has a label`;
      if (resolution.declKind === 'segment') return `a segment is always true or false`;
      return undefined;
    }
    if (resolution.kind !== 'field' || resolution.emailPart) return undefined;
    const chain = this.fieldChain(resolution.path);
    if (!chain || chain.some((f) => f.optional)) return undefined;
    return `\`${resolution.path.join('.')}\` is a required field of the lead`;
  }

  private fieldChain(path: readonly string[]): FieldInfo[] | undefined {
    let fields = this.analysis.lead?.fields;
    const chain: FieldInfo[] = [];
    for (const name of path) {
      const field = fields?.get(name);
      if (!field) return undefined;
      chain.push(field);
      fields = field.type.kind === 'object' ? field.type.fields : undefined;
    }
    return chain;
  }

  // --- enums --------------------------------------------------------------------------------------

  private inAll(expr: InExpr): void {
    const type = this.analysis.facts.types.get(expr.subject);
    if (type?.kind !== 'enum' || !expr.collection) return;
    const values = this.literalStrings(expr.collection);
    if (!values) return;
    const listed = new Set(values.map((v) => v.toLowerCase()));
    if (!type.members.every((m) => listed.has(m.toLowerCase()))) return;
    const text = this.text(expr.span);
    const subject = this.text(expr.subject.span);
    if (expr.negated) {
      this.report('MQL3003', expr.span, { text, reason: `the list holds every value \`${subject}\` can take` });
      return;
    }
    const present = this.alwaysPresent(expr.subject);
    const reason = present
      ? `the list holds every value \`${subject}\` can take`
      : `the list holds every value \`${subject}\` can take (write \`${subject} is set\`)`;
    this.report('MQL3004', expr.span, { text, reason, when: present ? '' : ` when \`${subject}\` is set` });
  }

  private literalStrings(collection: Expr): string[] | undefined {
    let elements: Expr[] | undefined;
    if (collection.kind === 'Array') elements = collection.elements;
    else if (collection.kind === 'Path') {
      const resolution = this.analysis.facts.resolutions.get(collection);
      if (resolution?.kind === 'decl' && resolution.declKind === 'list') {
        elements = (this.analysis.declarations.get(resolution.name)?.decl as ListDecl | undefined)?.elements;
      }
    }
    if (!elements || !elements.every((e) => e.kind === 'String')) return undefined;
    return elements.map((e) => (e as { value: string }).value);
  }

  // --- thresholds against static bounds ---------------------------------------------------------

  private comparison(expr: CompareExpr): void {
    if (!expr.right) return;
    const rightConstant = constantOf(expr.right);
    const leftConstant = constantOf(expr.left);
    if ((rightConstant === undefined) === (leftConstant === undefined)) return; // no constant, or two
    const [subject, op, c] =
      rightConstant !== undefined ? [expr.left, expr.op, rightConstant] : [expr.right, FLIPPED[expr.op], leftConstant!];
    if (this.analysis.facts.types.get(subject)?.kind !== 'number') return;
    const range = this.bounds.expr(subject);
    if (!Number.isFinite(range.min) && !Number.isFinite(range.max)) return;
    const verdict = judge(op, c, range.min, range.max);
    const text = this.text(expr.span);
    const score = scoreNameOf(this.analysis, subject);
    if (verdict === 'never') {
      const side = op === '>' || op === '>=' || (op === '==' && c > range.max) ? 'max' : 'min';
      if (score) this.report('MQL3007', expr.span, { text, reason: scoreBoundReason(score, this.bounds.score(score), side) });
      else this.report('MQL3003', expr.span, { text, reason: valueBoundReason(this.text(subject.span), range, side) });
    } else if (verdict === 'always' && !range.missing) {
      const side = op === '>' || op === '>=' || op === '!=' ? 'min' : 'max';
      const reason = score ? scoreBoundReason(score, this.bounds.score(score), side) : valueBoundReason(this.text(subject.span), range, side);
      this.report('MQL3004', expr.span, { text, reason, when: '' });
    }
  }

  // --- grade bands ------------------------------------------------------------------------------

  /** A band is unreachable when earlier bands on the same value, or the value's bounds, leave it nothing. */
  grade(decl: GradeDecl): void {
    const earlier: { constraint: Constraint; label: string }[] = [];
    for (const band of decl.bands) {
      const constraint = band.condition && this.singleConstraint(band.condition);
      if (!constraint || isEmpty(constraint.interval)) continue;
      const domain = this.domainOf(constraint);
      const possible = intersect(constraint.interval, domain);
      const overlapping = earlier.filter((e) => e.constraint.key === constraint.key && !isEmpty(intersect(e.constraint.interval, possible)));
      const left = overlapping.reduce((rest, e) => subtract(rest, e.constraint.interval), isEmpty(possible) ? [] : [possible]);
      if (left.length === 0) {
        const reason = isEmpty(possible)
          ? scoreBoundReason(constraint.score!, this.bounds.score(constraint.score!), constraint.interval.lo > domain.hi ? 'max' : 'min')
          : `every lead with \`${constraint.text}\` already gets ${overlapping.map((e) => `\`${e.label}\``).join(' or ')} from an earlier band`;
        this.report('MQL3002', band.span, { label: band.label.value, reason });
      }
      earlier.push({ constraint, label: band.label.value });
    }
    this.elseBand(decl, earlier);
  }

  /** `else` is unreachable when the bands on one score cover every value the score can take. */
  private elseBand(decl: GradeDecl, bands: { constraint: Constraint }[]): void {
    const elseLabel = decl.else?.label;
    if (!elseLabel) return;
    for (const key of new Set(bands.map((b) => b.constraint.key))) {
      const onKey = bands.filter((b) => b.constraint.key === key);
      const score = onKey[0]!.constraint.score;
      if (!score) continue; // a field can be missing, and then no band holds
      const domain = this.domainOf(onKey[0]!.constraint);
      const left = onKey.reduce((rest, b) => subtract(rest, b.constraint.interval), [domain]);
      if (left.length > 0) continue;
      const { min, max } = this.bounds.score(score);
      const reason = `every value \`${score}\` can take (${formatBound(min)} to ${formatBound(max)}) gets an earlier band`;
      this.report('MQL3002', decl.else!.span, { label: elseLabel.value, reason });
      return;
    }
  }

  private domainOf(constraint: Constraint): Interval {
    if (!constraint.score) return EVERYTHING;
    const { min, max } = this.bounds.score(constraint.score);
    return { lo: min, loOpen: !Number.isFinite(min), hi: max, hiOpen: !Number.isFinite(max) };
  }

  /** A condition that confines one value: a comparison, a `between`, or an `and` of those on one value. */
  private singleConstraint(condition: Expr): Constraint | undefined {
    const operands = flattenAnd(condition, new Set());
    const constraints = operands.map((o) => this.constraint(o));
    const first = constraints[0];
    if (!first || constraints.some((c) => !c || c.key !== first.key)) return undefined;
    const interval = constraints.reduce((acc, c) => intersect(acc, c!.interval), EVERYTHING);
    return { ...first, interval, text: this.text(condition.span) };
  }

  private constraint(expr: Expr): Constraint | undefined {
    const inner = unwrap(expr);
    if (inner.kind === 'Between') {
      const key = this.keyOf(inner.subject);
      const low = constantOf(inner.low);
      const high = constantOf(inner.high);
      if (!key || low === undefined || high === undefined) return undefined;
      return { ...key, interval: { lo: low, loOpen: false, hi: high, hiOpen: false }, text: this.text(inner.span) };
    }
    if (inner.kind !== 'Compare' || !inner.right) return undefined;
    const right = constantOf(inner.right);
    const left = constantOf(inner.left);
    const [subject, op, c] = right !== undefined ? [inner.left, inner.op, right] : left !== undefined ? [inner.right, FLIPPED[inner.op], left] : [];
    if (!subject || !op || c === undefined) return undefined;
    const key = this.keyOf(subject);
    const interval = comparisonInterval(op, c);
    return key && interval ? { ...key, interval, text: this.text(inner.span) } : undefined;
  }

  /** Which value a path names, for comparing constraints: numbers and dates only. */
  private keyOf(expr: Expr): { key: string; score?: string } | undefined {
    const subject = unwrap(expr);
    if (subject.kind !== 'Path') return undefined;
    const type = this.analysis.facts.types.get(subject)?.kind;
    if (type !== 'number' && type !== 'date') return undefined;
    const resolution = this.analysis.facts.resolutions.get(subject);
    if (!resolution) return undefined;
    if (resolution.kind === 'decl') return resolution.declKind === 'score' ? { key: `score:${resolution.name}`, score: resolution.name } : undefined;
    return { key: `${resolution.kind}:${resolution.path.join('.')}` };
  }

  private report(code: 'MQL3002' | 'MQL3003' | 'MQL3004' | 'MQL3007', span: Span, args: MessageArgs, fixes: Fix[] = []): void {
    this.out.push(makeDiagnostic({ code, file: this.file, span, args, fixes }));
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

function unwrap(expr: Expr): Expr {
  let inner = expr;
  while (inner.kind === 'Paren' && inner.expr) inner = inner.expr;
  return inner;
}

/** The operands of an `and` chain (through parentheses); every `and` node of the chain goes into `members`. */
function flattenAnd(root: Expr, members: Set<Expr>): Expr[] {
  const out: Expr[] = [];
  const pending: Expr[] = [root];
  while (pending.length > 0) {
    const next = unwrap(pending.pop()!);
    if (next.kind === 'Binary' && next.op === 'and' && next.right) {
      members.add(next);
      pending.push(next.right, next.left);
    } else out.push(next);
  }
  return out;
}

/** The value of a number or date literal (`5`, `-5`, `(5)`, `2026-01-01`). */
function constantOf(expr: Expr | undefined): number | undefined {
  if (!expr) return undefined;
  const inner = unwrap(expr);
  if (inner.kind === 'Number') return inner.value;
  if (inner.kind === 'Date') return Number.isNaN(inner.ms) ? undefined : inner.ms;
  if (inner.kind === 'Unary' && inner.op === '-' && inner.operand) {
    const operand = constantOf(inner.operand);
    return operand === undefined ? undefined : -operand;
  }
  return undefined;
}

function judge(op: CompareExpr['op'], c: number, min: number, max: number): 'never' | 'always' | undefined {
  switch (op) {
    case '>=':
      return max < c ? 'never' : min >= c ? 'always' : undefined;
    case '>':
      return max <= c ? 'never' : min > c ? 'always' : undefined;
    case '<=':
      return min > c ? 'never' : max <= c ? 'always' : undefined;
    case '<':
      return min >= c ? 'never' : max < c ? 'always' : undefined;
    case '==':
      return c < min || c > max ? 'never' : min === c && max === c ? 'always' : undefined;
    case '!=':
      return min === c && max === c ? 'never' : c < min || c > max ? 'always' : undefined;
  }
}

function scoreNameOf(analysis: Analysis, expr: Expr): string | undefined {
  const inner = unwrap(expr);
  if (inner.kind !== 'Path') return undefined;
  const resolution = analysis.facts.resolutions.get(inner as PathExpr);
  return resolution?.kind === 'decl' && resolution.declKind === 'score' ? resolution.name : undefined;
}

/** "the highest `fit` can get is 70, the sum of its positive points (15 + 10 + 5 + 20 + 10 + 10)" */
export function scoreBoundReason(score: string, detail: ScoreBoundsDetail, side: 'min' | 'max'): string {
  const value = formatBound(side === 'max' ? detail.max : detail.min);
  const head = `the ${side === 'max' ? 'highest' : 'lowest'} \`${score}\` can get is ${value}`;
  if (detail.kind === 'formula') return `${head}, from its formula`;
  if (detail.kind !== 'rules') return head;
  if (side === 'max' ? detail.clampedMax : detail.clampedMin) return `${head}, the ${side === 'max' ? 'end' : 'start'} of its range`;
  const parts = side === 'max' ? detail.highs : detail.lows;
  if (parts.length === 0) return `${head}: no rule ${side === 'max' ? 'gives' : 'takes away'} points`;
  if (parts.length === 1) return `${head}, the points of its only ${side === 'max' ? 'positive' : 'negative'} rule`;
  return `${head}, the sum of its ${side === 'max' ? 'positive' : 'negative'} points (${parts.map(formatBound).join(' + ')})`;
}

function valueBoundReason(text: string, range: { min: number; max: number }, side: 'min' | 'max'): string {
  return side === 'max' ? `\`${text}\` is at most ${formatBound(range.max)}` : `\`${text}\` is at least ${formatBound(range.min)}`;
}

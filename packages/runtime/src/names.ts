// Segments, scores and grades are names that any expression may use, in any declaration order.
// Each is computed lazily, at most once per evaluation, through a memo slot: a reference compiles
// to a getter that reads the slot or computes the value from an implementation filled in later
// (so compiling `segment a = b` does not need `b` compiled first). The compiler rejects cycles, and
// load() checks again (program.ts), so the lazy recursion always terminates.

import type { Grade, RulesArtifact } from '@mql/artifact';
import { NO_EVENT, type Condition, type EvalContext, type Fn } from './context.js';

type Getter<T> = (ctx: EvalContext) => T;

export class NameTable {
  readonly segmentIndex: Map<string, number>;
  readonly scoreIndex: Map<string, number>;
  readonly gradeIndex: Map<string, number>;

  /** Implementations, filled in by program.ts after every name is known. */
  readonly segmentImpl: Condition[] = [];
  readonly scoreImpl: Getter<number>[] = [];
  /** The index of the first band that holds; `bands.length` means the `else` label. */
  readonly gradeImpl: Getter<number>[] = [];

  /** Memoised values, by index. */
  readonly segment: Getter<boolean>[];
  readonly score: Getter<number>[];
  readonly gradeBand: Getter<number>[];

  /** Grade labels by band index (the `else` label last), as declared and lower-cased. */
  readonly gradeLabels: string[][];
  private readonly gradeLabelsLower: string[][];

  constructor(artifact: RulesArtifact, allocateSlot: () => number) {
    this.segmentIndex = indexByName(artifact.segments);
    this.scoreIndex = indexByName(artifact.scores);
    this.gradeIndex = indexByName(artifact.grades);
    this.segment = artifact.segments.map((_, i) => memoize(allocateSlot(), (ctx) => this.segmentImpl[i]!(ctx, NO_EVENT)));
    this.score = artifact.scores.map((_, i) => memoize(allocateSlot(), (ctx) => this.scoreImpl[i]!(ctx)));
    this.gradeBand = artifact.grades.map((_, i) => memoize(allocateSlot(), (ctx) => this.gradeImpl[i]!(ctx)));
    this.gradeLabels = artifact.grades.map((g: Grade) => [...g.bands.map((b) => b.label), g.else]);
    this.gradeLabelsLower = this.gradeLabels.map((labels) => labels.map((l) => l.toLowerCase()));
  }

  /** An expression's reference to a name; a grade yields its lower-cased label. */
  ref(kind: 'segment' | 'score' | 'grade', name: string): Fn | undefined {
    if (kind === 'segment') return at(this.segment, this.segmentIndex.get(name));
    if (kind === 'score') return at(this.score, this.scoreIndex.get(name));
    const i = this.gradeIndex.get(name);
    if (i === undefined) return undefined;
    const band = this.gradeBand[i]!;
    const labels = this.gradeLabelsLower[i]!;
    return (ctx) => labels[band(ctx)];
  }

  /** A grade's label as declared. */
  gradeLabel(i: number, ctx: EvalContext): string {
    return this.gradeLabels[i]![this.gradeBand[i]!(ctx)]!;
  }
}

/** A grade: the first band whose condition holds, else the `else` label. */
export function compileGrade(bands: Condition[]): Getter<number> {
  return (ctx) => {
    for (let i = 0; i < bands.length; i++) if (bands[i]!(ctx, NO_EVENT)) return i;
    return bands.length;
  };
}

function memoize<T>(slot: number, compute: Getter<T>): Getter<T> {
  return (ctx) => {
    let value = ctx.memo[slot];
    if (value === undefined) {
      value = compute(ctx);
      ctx.memo[slot] = value;
    }
    return value as T;
  };
}

function indexByName(items: { name: string }[]): Map<string, number> {
  return new Map(items.map((item, i) => [item.name, i]));
}

function at<T>(items: T[], index: number | undefined): T | undefined {
  return index === undefined ? undefined : items[index];
}

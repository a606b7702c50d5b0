// Stages (LANGUAGE.md §7): a stage qualifies when its `after` stage qualifies, every requirement
// holds and no rejection fires. The lead's stage is the qualifying stage that comes last in
// artifact order. Lean evaluation short-circuits; explained evaluation checks every clause so the
// result can say which requirement failed and which disqualifier fired, with the values seen.

import type { Stage, StageClause } from '@mql/artifact';
import { int, literal, propertyKey } from './codegen.js';
import { compileCondition, sourceHooks, type CompileEnv } from './compile-expr.js';
import { NO_EVENT, type Condition, type EvalContext } from './context.js';
import { fail } from './errors.js';
import { compileProbes, readProbes, type Probe } from './explain.js';
import { conditionSource, SourceUnit } from './expr-codegen.js';
import type { ClauseResult, StageResult } from './result.js';

interface CompiledClause {
  clause: StageClause;
  when: Condition;
  probes: Probe[];
}

interface CompiledStage {
  name: string;
  /** Builds the explained result, with `title` and `after` when declared. */
  makeResult: ResultFactory;
  afterIndex: number | undefined;
  requirements: CompiledClause[];
  rejections: CompiledClause[];
}

export interface StageOutcome {
  /** The last qualifying stage in artifact order, or null. */
  stage: string | null;
  stages: Record<string, StageResult>;
}

/** Lean evaluation's per-stage state (StageProgram.known). */
const UNKNOWN = 0;
const QUALIFIED = 1;
const NOT_QUALIFIED = 2;

export class StageProgram {
  private readonly stages: CompiledStage[];
  /** Whether each stage qualifies, during one lean evaluation (reused: evaluation is synchronous). */
  private readonly known: Int8Array;
  /** Lean evaluation as generated code where allowed (see generateLean), else undefined. */
  private readonly generatedLean: ((ctx: EvalContext) => StageOutcome) | undefined;

  /** `firstCounter`: the coverage counter of the first stage's first requirement (coverage.ts). */
  constructor(
    stages: Stage[],
    env: CompileEnv,
    private readonly firstCounter = 0,
  ) {
    const index = new Map(stages.map((s, i) => [s.name, i]));
    this.stages = stages.map((stage) => {
      const at = { ...env, where: `stage "${stage.name}"` };
      const afterIndex = stage.after === undefined ? undefined : (index.get(stage.after) ?? fail(at, `unknown stage "${stage.after}"`));
      const clause = (c: StageClause): CompiledClause => ({
        clause: c,
        when: compileCondition(c.when, at),
        probes: compileProbes(c.when, at),
      });
      return {
        name: stage.name,
        makeResult: resultFactory(stage.title, stage.after),
        afterIndex,
        requirements: stage.requirements.map(clause),
        rejections: stage.rejections.map(clause),
      };
    });
    this.known = new Int8Array(this.stages.length);
    this.checkChains(env);
    this.generatedLean = this.generateLean(stages, env);
  }

  evaluate(ctx: EvalContext): StageOutcome {
    if (ctx.coverage !== undefined) this.cover(ctx, ctx.coverage);
    if (ctx.explain) return this.explained(ctx);
    return this.generatedLean === undefined ? this.lean(ctx) : this.generatedLean(ctx);
  }

  /**
   * `lean` as one generated function (expr-codegen.ts): every stage's clauses inlined as one `&&`
   * chain, its `after` stage's flag first, in an order where a stage comes after its `after` stage,
   * and the outcome built as object literals. Short-circuits like `qualifies`.
   */
  private generateLean(declared: Stage[], env: CompileEnv): ((ctx: EvalContext) => StageOutcome) | undefined {
    const unit = new SourceUnit();
    const hooks = sourceHooks(env, undefined);
    const flag = (i: number) => `q${int(i)}`;
    const lines: string[] = [`const ev = ${NO_EVENT};`];
    const done = new Set<number>();
    const emit = (i: number): void => {
      if (done.has(i)) return;
      done.add(i);
      const { afterIndex } = this.stages[i]!;
      if (afterIndex !== undefined) emit(afterIndex);
      const stage = declared[i]!;
      const terms = [
        ...(afterIndex === undefined ? [] : [flag(afterIndex)]),
        ...stage.requirements.map((c) => conditionSource(c.when, unit, hooks)),
        ...stage.rejections.map((c) => `!${conditionSource(c.when, unit, hooks)}`),
      ];
      lines.push(`const ${flag(i)} = ${terms.length === 0 ? 'true' : terms.join(' && ')};`);
    };
    this.stages.forEach((_, i) => emit(i));
    const last = this.stages.reduce((rest, s, i) => `${flag(i)} ? ${literal(s.name)} : ${rest}`, 'null');
    const flags = this.stages.map((s, i) => `${propertyKey(s.name)}: { qualified: ${flag(i)} }`);
    lines.push(`return { stage: ${last}, stages: { ${flags.join(', ')} } };`);
    return unit.build(env.codegen, `function stages(ctx) {\n${lines.join('\n')}\n}`);
  }

  /**
   * Coverage: every clause of every stage, whether or not its stage's evaluation would reach it
   * (lean evaluation short-circuits), so "never held" means no lead of the batch satisfied it.
   */
  private cover(ctx: EvalContext, counters: Uint32Array): void {
    let counter = this.firstCounter;
    for (const s of this.stages) {
      for (const c of s.requirements) {
        if (c.when(ctx, NO_EVENT)) counters[counter]!++;
        counter++;
      }
      for (const c of s.rejections) {
        if (c.when(ctx, NO_EVENT)) counters[counter]!++;
        counter++;
      }
    }
  }

  private lean(ctx: EvalContext): StageOutcome {
    const known = this.known.fill(UNKNOWN);
    const stages: Record<string, StageResult> = {};
    let stage: string | null = null;
    for (let i = 0; i < this.stages.length; i++) {
      const name = this.stages[i]!.name;
      const q = this.qualifies(i, ctx, known);
      stages[name] = { qualified: q };
      if (q) stage = name;
    }
    return { stage, stages };
  }

  /** Short-circuits: the `after` stage first, then requirements, then rejections. */
  private qualifies(i: number, ctx: EvalContext, known: Int8Array): boolean {
    const seen = known[i]!;
    if (seen !== UNKNOWN) return seen === QUALIFIED;
    const s = this.stages[i]!;
    let result = s.afterIndex === undefined || this.qualifies(s.afterIndex, ctx, known);
    for (let r = 0; result && r < s.requirements.length; r++) result = s.requirements[r]!.when(ctx, NO_EVENT);
    for (let r = 0; result && r < s.rejections.length; r++) result = !s.rejections[r]!.when(ctx, NO_EVENT);
    known[i] = result ? QUALIFIED : NOT_QUALIFIED;
    return result;
  }

  private explained(ctx: EvalContext): StageOutcome {
    const results: (StageResult | undefined)[] = new Array(this.stages.length);
    const resultOf = (i: number): StageResult => {
      const known = results[i];
      if (known !== undefined) return known;
      const s = this.stages[i]!;
      const requirements = s.requirements.map((c) => clauseResult(c, ctx));
      const rejections = s.rejections.map((c) => clauseResult(c, ctx));
      const qualified =
        (s.afterIndex === undefined || resultOf(s.afterIndex).qualified) &&
        requirements.every((r) => r.passed) &&
        !rejections.some((r) => r.passed);
      const result = s.makeResult(qualified, requirements, rejections);
      results[i] = result;
      return result;
    };
    const stages: Record<string, StageResult> = {};
    let stage: string | null = null;
    for (let i = 0; i < this.stages.length; i++) {
      const name = this.stages[i]!.name;
      stages[name] = resultOf(i);
      if (stages[name].qualified) stage = name;
    }
    return { stage, stages };
  }

  /** `after` links must not form a cycle (the compiler rejects them; a hand-edited artifact might not). */
  private checkChains(env: CompileEnv): void {
    for (const start of this.stages) {
      const seen = new Set<string>([start.name]);
      for (let s = start; s.afterIndex !== undefined; ) {
        s = this.stages[s.afterIndex]!;
        if (seen.has(s.name)) fail({ ...env, where: `stage "${start.name}"` }, `cycle in "after" links through "${s.name}"`);
        seen.add(s.name);
      }
    }
  }
}

type ResultFactory = (qualified: boolean, requirements: ClauseResult[], rejections: ClauseResult[]) => StageResult;

/**
 * One object literal per shape, chosen at load: building the result with an object spread of
 * optional keys made the whole explained evaluation twice as slow.
 */
function resultFactory(title: string | undefined, after: string | undefined): ResultFactory {
  if (title !== undefined && after !== undefined) {
    return (qualified, requirements, rejections) => ({ title, after, qualified, requirements, rejections });
  }
  if (title !== undefined) return (qualified, requirements, rejections) => ({ title, qualified, requirements, rejections });
  if (after !== undefined) return (qualified, requirements, rejections) => ({ after, qualified, requirements, rejections });
  return (qualified, requirements, rejections) => ({ qualified, requirements, rejections });
}

function clauseResult(c: CompiledClause, ctx: EvalContext): ClauseResult {
  return {
    label: c.clause.label,
    passed: c.when(ctx, NO_EVENT),
    loc: c.clause.loc,
    text: c.clause.text,
    values: readProbes(c.probes, ctx),
  };
}

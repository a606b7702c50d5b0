// Scores (LANGUAGE.md §6). A rules score sums its rules' contributions and clamps the sum to its
// `range`; a formula score (`score x = expr`) is its expression, where a missing result counts as
// 0 because a score is never missing. When the context explains, each rule that gave non-zero
// points also records a Contribution; otherwise no object is allocated.

import type { PerRule, Score, ScoreRule, WhenRule } from '@mql/artifact';
import { compileCondition, compileExpr, compileQuery, sourceHooks, type CompileEnv } from './compile-expr.js';
import { NO_EVENT, type EvalContext } from './context.js';
import { compileProbes, readProbes } from './explain.js';
import { int } from './codegen.js';
import { conditionSource, SourceUnit } from './expr-codegen.js';
import type { Contribution } from './result.js';

type RuleFn = (ctx: EvalContext, into: Contribution[] | undefined) => number;

/** `counter`: the coverage counter of the score's first rule (coverage.ts); the others follow. */
export function compileScore(score: Score, index: number, env: CompileEnv, counter = 0): (ctx: EvalContext) => number {
  if (score.kind === 'formula') return compileFormula(score, index, env);
  const rules = score.rules.map((rule, i) =>
    rule.kind === 'when' ? compileWhenRule(rule, env, counter + i) : compilePerRule(rule, score.halfLifeMs, env, counter + i),
  );
  const finish = scoreTotal(score.range);
  const general = (ctx: EvalContext): number => {
    const into = ctx.explain ? (ctx.contributions[index] = []) : undefined;
    let total = 0;
    for (const rule of rules) total += rule(ctx, into);
    return finish(total);
  };
  const lean = generatedLeanScore(score.rules, rules, finish, env, counter);
  if (lean === undefined) return general;
  return (ctx) => (ctx.explain ? general(ctx) : lean(ctx));
}

/** A rules score's sum, clamped to its range; points summing past the largest double are missing, so 0 (§5). */
function scoreTotal(range: { min: number; max: number } | undefined): (total: number) => number {
  if (range === undefined) return (total) => (Number.isFinite(total) ? total : 0);
  const { min, max } = range;
  return (total) => Math.min(Math.max(Number.isFinite(total) ? total : 0, min), max);
}

/**
 * A lean evaluation's score (no explanation) as one generated function, where the platform allows
 * it (expr-codegen.ts): each `when` rule's condition is inlined and each `per` rule is a call of its
 * closure, so every call site sees one function. The general loop above calls every rule through
 * one call site, which V8 cannot inline. Coverage is counted as compileWhenRule counts it (a batch
 * of `mql eval` always counts it, for its summary).
 */
function generatedLeanScore(
  declared: ScoreRule[],
  rules: RuleFn[],
  finish: (total: number) => number,
  env: CompileEnv,
  counter: number,
): ((ctx: EvalContext) => number) | undefined {
  const unit = new SourceUnit();
  const hooks = sourceHooks(env, undefined);
  const lines = declared.map((rule, i) => {
    if (rule.kind === 'per') return `total += ${unit.constant(rules[i])}(ctx, undefined);`;
    const points = unit.constant(cap(rule.points, rule.max));
    return `if (${conditionSource(rule.when, unit, hooks)}) { total += ${points}; if (ctx.coverage !== undefined) ctx.coverage[${int(counter + i)}]++; }`;
  });
  const body = [`const ev = ${NO_EVENT};`, 'let total = 0;', ...lines, `return ${unit.constant(finish)}(total);`];
  return unit.build(env.codegen, `function score(ctx) {\n${body.join('\n')}\n}`);
}

/** `+N when C [max M]`: not decayed, but capped like any rule. */
function compileWhenRule(rule: WhenRule, env: CompileEnv, counter: number): RuleFn {
  const when = compileCondition(rule.when, env);
  const points = cap(rule.points, rule.max);
  const capped = points !== rule.points;
  return (ctx, into) => {
    if (!when(ctx, NO_EVENT)) return 0;
    if (ctx.coverage !== undefined) ctx.coverage[counter]!++;
    if (into !== undefined && points !== 0) into.push(contribution(rule, points, capped));
    return points;
  };
}

/**
 * `+N per QUERY [max M]`: N per matching event, each multiplied by 0.5^(age / half-life) when the
 * score decays; the cap applies to the rule's total after decay.
 */
function compilePerRule(rule: PerRule, halfLifeMs: number | undefined, env: CompileEnv, counter: number): RuleFn {
  const { count, matches, event } = compileQuery(rule.query, env);
  const each = rule.points;
  return (ctx, into) => {
    let total = 0;
    if (halfLifeMs === undefined) total = each * count(ctx);
    else {
      const at = ctx.events[event.index]!.at;
      for (const i of matches(ctx)) total += each * 0.5 ** ((ctx.now - at[i]!) / halfLifeMs);
    }
    const points = cap(total, rule.max);
    // A `per` rule fires for a lead when some event matched (decayed points may be tiny, never 0).
    if (ctx.coverage !== undefined && total !== 0) ctx.coverage[counter]!++;
    if (into !== undefined && points !== 0) {
      into.push(contribution(rule, points, points !== total, count(ctx)));
    }
    return points;
  };
}

function compileFormula(score: Extract<Score, { kind: 'formula' }>, index: number, env: CompileEnv) {
  const expr = compileExpr(score.expr, env);
  const probes = compileProbes(score.expr, env);
  return (ctx: EvalContext): number => {
    const v = expr(ctx, NO_EVENT);
    const value = typeof v === 'number' && Number.isFinite(v) ? v : 0;
    if (ctx.explain) {
      const values = readProbes(probes, ctx);
      ctx.contributions[index] = [{ kind: 'formula', label: score.text, points: value, loc: score.loc, values }];
    }
    return value;
  };
}

/** `max M` caps the absolute value: +5 per x max 15 gives at most 15, -10 per x max 30 at least -30. */
function cap(points: number, max: number | undefined): number {
  if (max === undefined || Math.abs(points) <= max) return points;
  return points > 0 ? max : -max;
}

/**
 * One object literal per shape rather than keys added when present: V8 holds a shape built by
 * adding keys only weakly, so a full garbage collection could drop it and deoptimise the explained
 * evaluation that embeds it (test/gc-deopt.test.ts). The key order is the result's (JSON output).
 */
function contribution(rule: WhenRule | PerRule, points: number, capped: boolean, events?: number): Contribution {
  const { kind, label, loc } = rule;
  if (events === undefined) return capped ? { kind, label, points, loc, capped } : { kind, label, points, loc };
  return capped ? { kind, label, points, loc, events, capped } : { kind, label, points, loc, events };
}

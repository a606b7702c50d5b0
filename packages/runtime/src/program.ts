// Turns a validated artifact into the evaluator: the record model, every expression compiled to a
// closure, memo slots allocated, and the references checked (unknown names, fields, event types
// and cycles are ArtifactErrors at load, never surprises during evaluation).

import type { Expr, RulesArtifact } from '@mql/artifact';
import type { Codegen } from './codegen.js';
import { compileCondition, type CompileEnv } from './compile-expr.js';
import { ArtifactError } from './errors.js';
import { compileGrade, NameTable } from './names.js';
import { QueryTable } from './queries.js';
import { buildRecordModel, type RecordModel } from './schema.js';
import { clauseCounterStart, ruleCounterStarts } from './coverage.js';
import { compileScore } from './scores.js';
import { StageProgram } from './stages.js';
import { walkExpr } from './walk.js';

export interface Program {
  model: RecordModel;
  names: NameTable;
  stages: StageProgram;
  /** How many memo slots one evaluation needs. */
  memoSize: number;
  /** Whether this load generates code (the record reader asks too). */
  codegen: Codegen;
}

/** `codegen`: expressions become generated code where allowed (expr-codegen.ts), else closures. */
export function compileProgram(artifact: RulesArtifact, codegen: Codegen): Program {
  checkUniqueNames(artifact);
  let memoSize = 0;
  const allocateSlot = () => memoSize++;
  const model = buildRecordModel(artifact);
  const names = new NameTable(artifact, allocateSlot);
  const env: CompileEnv = { model, names, queries: new QueryTable(allocateSlot), where: 'artifact', codegen };
  const at = (where: string): CompileEnv => ({ ...env, where });

  artifact.segments.forEach((s, i) => {
    names.segmentImpl[i] = compileCondition(s.expr, at(`segment "${s.name}"`));
  });
  const counters = ruleCounterStarts(artifact);
  artifact.scores.forEach((s, i) => {
    names.scoreImpl[i] = compileScore(s, i, at(`score "${s.name}"`), counters[i]);
  });
  artifact.grades.forEach((g, i) => {
    const where = at(`grade "${g.name}"`);
    names.gradeImpl[i] = compileGrade(g.bands.map((b) => compileCondition(b.when, where)));
  });
  const stages = new StageProgram(artifact.stages, env, clauseCounterStart(artifact));
  checkNoCycles(artifact);
  return { model, names, stages, memoSize, codegen };
}

function checkUniqueNames(artifact: RulesArtifact): void {
  const groups = { event: artifact.events, segment: artifact.segments, score: artifact.scores, grade: artifact.grades, stage: artifact.stages };
  for (const [kind, items] of Object.entries(groups)) {
    const seen = new Set<string>();
    for (const { name } of items) {
      if (seen.has(name)) throw new ArtifactError(`malformed artifact: duplicate ${kind} "${name}"`);
      seen.add(name);
    }
  }
}

/**
 * Segments, scores and grades may refer to each other in any order, but not in a cycle: the lazy
 * evaluation in names.ts would never end. The compiler reports cycles; this guards hand-made input.
 */
function checkNoCycles(artifact: RulesArtifact): void {
  const deps = new Map<string, string[]>();
  const add = (node: string, exprs: Expr[]) => deps.set(node, exprs.flatMap(references));
  for (const s of artifact.segments) add(`segment ${s.name}`, [s.expr]);
  for (const s of artifact.scores) {
    add(`score ${s.name}`, s.kind === 'formula' ? [s.expr] : s.rules.flatMap((r) => (r.kind === 'when' ? [r.when] : r.query.where ? [r.query.where] : [])));
  }
  for (const g of artifact.grades) add(`grade ${g.name}`, g.bands.map((b) => b.when));

  const done = new Set<string>();
  const visit = (node: string, path: string[]): void => {
    if (done.has(node)) return;
    const start = path.indexOf(node);
    if (start >= 0) {
      const cycle = [...path.slice(start), node].join(' → ');
      throw new ArtifactError(`malformed artifact: cycle between names: ${cycle}`);
    }
    for (const next of deps.get(node) ?? []) visit(next, [...path, node]);
    done.add(node);
  };
  for (const node of deps.keys()) visit(node, []);
}

function references(expr: Expr): string[] {
  const found: string[] = [];
  walkExpr(expr, (e) => {
    if (e.op === 'segment' || e.op === 'score' || e.op === 'grade') found.push(`${e.op} ${e.name}`);
  });
  return found;
}

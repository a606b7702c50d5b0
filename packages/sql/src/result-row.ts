// Reading one row of the query's result back: the columns `compileSql` names (stage, a column per
// score, grade and segment, `<stage>_qualified`), typed as the runtime types them. Drivers return
// BIGINT columns as bigint, so whole-number scores are turned back into numbers here.

import type { RulesArtifact } from '@mql/artifact';
import { qualifiedColumn } from './plan.js';

/** One lead's result as the query returns it. */
export interface ResultRow {
  stage: string | null;
  scores: Record<string, number>;
  grades: Record<string, string>;
  segments: Record<string, boolean>;
  qualified: Record<string, boolean>;
}

export function readResultRow(artifact: RulesArtifact, row: Record<string, unknown>): ResultRow {
  const num = (v: unknown) => (typeof v === 'bigint' ? Number(v) : (v as number));
  return {
    stage: (row.stage as string | null) ?? null,
    scores: Object.fromEntries(artifact.scores.map((s) => [s.name, num(row[s.name])])),
    grades: Object.fromEntries(artifact.grades.map((g) => [g.name, row[g.name] as string])),
    segments: Object.fromEntries(artifact.segments.map((s) => [s.name, row[s.name] as boolean])),
    qualified: Object.fromEntries(artifact.stages.map((s) => [s.name, row[qualifiedColumn(s.name)] as boolean])),
  };
}

// @mql/runtime: load a compiled MQL rules artifact and evaluate lead records with explanations.
// Depends only on @mql/artifact and zod (never on the compiler), so applications ship a small bundle.

export { load } from './load.js';
export { ArtifactError } from './errors.js';
/** The strict ISO-8601 reader used for record dates (a date-time without an offset is UTC), for tools that take a `now`. */
export { parseIsoDate } from './dates.js';
export type { RulesEngine, LoadOptions, EvaluateOptions, Evaluation, Validation, BatchItem } from './engine.js';
export type { RowResult, HeaderBinding, LeadTable, EventTable, MissingColumn } from './csv.js';
export { foldHeader } from './csv.js';
export type { TestOutcome, ExpectationOutcome } from './tests.js';
export {
  EvaluationResultSchema,
  StageResultSchema,
  ClauseResultSchema,
  ContributionSchema,
  RecordErrorSchema,
  DisplayValueSchema,
} from './result.js';
// The result's JSON Schema ships as @mql/runtime/result.schema.json (kept out of the bundle).
/** Traversal of artifact expressions, for tools that analyse rules (which fields a rule reads). */
export { walkExpr } from './walk.js';
/** Which score rules fired and which stage clauses held across a batch (`evaluate`'s `coverage` option). */
export { coverageItems, type CoverageItem } from './coverage.js';
export type { EvaluationResult, StageResult, ClauseResult, Contribution, RecordError, DisplayValue } from './result.js';

// The evaluation result (LANGUAGE.md §9): its zod schema is the single source of the TypeScript
// types and of result.schema.json (written by `npm run schemas`, checked by a test).
//
// With `explain: false` the result is lean: `stage`, `scores`, `grades`, `segments` and, per stage,
// only `qualified`. The explanation parts (`contributions`, and per stage `title`, `after`,
// `requirements`, `rejections`) are present exactly when `explain` is true.

import { SourceLocationSchema } from '@mql/artifact';
// Named imports (not the `z` namespace) let bundlers drop the parts of zod this file does not use.
import {
  array,
  boolean,
  enum as enumOf,
  null as nullType,
  number,
  object,
  record,
  string,
  toJSONSchema,
  union,
  type infer as Infer,
} from 'zod';

/**
 * A value shown in an explanation: missing is `null`, dates are ISO-8601 strings, lists are arrays,
 * a present nested object is shown as `true`.
 */
export const DisplayValueSchema = union([
  number(),
  string(),
  boolean(),
  nullType(),
  array(union([string(), number()])),
]);
export type DisplayValue = Infer<typeof DisplayValueSchema>;

/** The values a condition referenced, keyed by a readable name (`company.employees`, `fit`, `count(page_view within 14d)`). */
export const ValuesSchema = record(string(), DisplayValueSchema);

export const ContributionSchema = object({
  /** `when` / `per` for score rules; a formula score (`score x = ...`) has one `formula` entry. */
  kind: enumOf(['when', 'per', 'formula']),
  /** The rule's label (its source text when unlabelled), or the formula's text. */
  label: string(),
  /** Points after decay and `max`; for a formula, its value (a missing result counts as 0). */
  points: number(),
  loc: SourceLocationSchema,
  /** `per` rules: how many events matched. */
  events: number().int().nonnegative().optional(),
  /** Present (true) when `max` limited the rule's points. */
  capped: boolean().optional(),
  /** Formula scores: the values the formula referenced. */
  values: ValuesSchema.optional(),
});
export type Contribution = Infer<typeof ContributionSchema>;

export const ClauseResultSchema = object({
  label: string(),
  /** For a requirement: whether it holds. For a rejection: whether the disqualifier fired. */
  passed: boolean(),
  loc: SourceLocationSchema,
  /** The condition's source text. */
  text: string(),
  /** The fields, scores, grades, segments and event functions the condition referenced. */
  values: ValuesSchema.optional(),
});
export type ClauseResult = Infer<typeof ClauseResultSchema>;

export const StageResultSchema = object({
  title: string().optional(),
  after: string().optional(),
  /** Its `after` stage qualifies, every requirement holds and no rejection fired. */
  qualified: boolean(),
  requirements: array(ClauseResultSchema).optional(),
  rejections: array(ClauseResultSchema).optional(),
});
export type StageResult = Infer<typeof StageResultSchema>;

export const EvaluationResultSchema = object({
  /** The qualifying stage that comes last in program order, or null. */
  stage: string().nullable(),
  scores: record(string(), number()),
  grades: record(string(), string()),
  segments: record(string(), boolean()),
  stages: record(string(), StageResultSchema),
  /**
   * By score name, in rule order: the rules that contributed non-zero points (before the score's
   * `range` clamp), or the single `formula` entry of a formula score.
   */
  contributions: record(string(), array(ContributionSchema)).optional(),
});
export type EvaluationResult = Infer<typeof EvaluationResultSchema>;

export const RecordErrorSchema = object({
  /** The field's path as the input spells it: `Email`, `company.employees`, `events[3].at`; '' for the record itself. */
  path: string(),
  message: string(),
});
export type RecordError = Infer<typeof RecordErrorSchema>;

/** The result's JSON Schema (draft 2020-12), as committed in result.schema.json. */
export function resultJsonSchema(): unknown {
  return toJSONSchema(EvaluationResultSchema, { target: 'draft-2020-12', unrepresentable: 'any' });
}

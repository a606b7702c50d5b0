// The backtest report: what `mql backtest --format json` prints and every renderer reads. Its zod
// schema is the single source of the TypeScript types and of report.schema.json (written by
// `npm run schemas`, checked by a test). The fields are described in packages/backtest/README.md.
//
// Rates are fractions in [0, 1] (not percentages); a rate whose denominator is 0 is null, never 0.
// Money (`--value`) is in the column's own unit.

import { array, enum as enumOf, literal, number, object, string, toJSONSchema, type infer as Infer } from 'zod';

export const REPORT_VERSION = 1;

const rate = () => number().min(0).nullable();
const count = () => number().int().nonnegative();

export const StageMetricsSchema = object({
  stage: string(),
  title: string().optional(),
  after: string().optional(),
  /** Leads that reached the stage (it qualifies; a lead further down the funnel reached it too). */
  reached: count(),
  /** Conversions among them. */
  conversions: count(),
  /** conversions / reached: the precision of "reached the stage" as a prediction of the outcome. */
  precision: rate(),
  /** conversions / all conversions. */
  recall: rate(),
  /** precision / base rate. */
  lift: rate(),
});

export const FurthestStageSchema = object({
  /** A stage, or `none` for leads that reached no stage. */
  stage: string(),
  /** Leads whose stage (the furthest they reached) is this one. */
  leads: count(),
  conversions: count(),
  rate: rate(),
  lift: rate(),
  /** With --value: mean value of the converted leads here that have one. */
  meanValue: number().nullable().optional(),
  /** With --value: the value of a lead at this stage, mean value × conversion rate (= total / leads). */
  valuePerLead: number().nullable().optional(),
  /** With --value: the summed value of the converted leads here. */
  totalValue: number().optional(),
});

const BucketSchema = object({
  /** `D10` (top tenth of scores) … `D1`, or a range such as `30 – 45`. */
  label: string(),
  /** Lowest and highest score in the bucket (null when empty). */
  from: number().nullable(),
  to: number().nullable(),
  leads: count(),
  conversions: count(),
  rate: rate(),
});

export const ScoreMetricsSchema = object({
  score: string(),
  /** Area under the ROC curve of the score as a predictor of the outcome; ties count one half. Null without both outcomes. */
  auc: number().min(0).max(1).nullable(),
  /** The ROC curve from (0,0) to (1,1), at most about 200 points (false and true positive rates). */
  roc: array(object({ fpr: number(), tpr: number() })),
  /** Tenths of the leads by score, highest first (equal scores may straddle two deciles). */
  deciles: array(BucketSchema),
  /** Leads between the thresholds the rules compare this score with (`fit >= 30`, grade bands), highest first. */
  calibration: array(BucketSchema),
});

export const GradeMetricsSchema = object({
  grade: string(),
  bands: array(object({ label: string(), leads: count(), conversions: count(), rate: rate(), lift: rate() })),
});

export const RuleMetricsSchema = object({
  score: string(),
  rule: string(),
  /** `examples/b2b-funnel/funnel.mql:23` */
  source: string(),
  /** Leads the rule gave points to. */
  fired: count(),
  conversions: count(),
  /** Conversion rate of the leads it fired for, and of the others. */
  rate: rate(),
  rateWhenNot: rate(),
  /** rate / base rate. */
  lift: rate(),
});

export const ClauseMetricsSchema = object({
  stage: string(),
  kind: enumOf(['require', 'reject']),
  label: string(),
  text: string(),
  source: string(),
  /** Leads for which a `require` holds, or a `reject` fires. */
  held: count(),
  conversions: count(),
  rate: rate(),
  rateWhenNot: rate(),
  lift: rate(),
  /**
   * Converting leads this clause kept out of the stage (a failing `require` or a firing `reject`)
   * although the stage's `after` stage qualified for them.
   */
  keptOut: count(),
});

const SweepPointSchema = object({
  threshold: number(),
  /** Leads that would reach the stage with this threshold, and conversions among them. */
  volume: count(),
  conversions: count(),
  precision: rate(),
  recall: rate(),
  f1: rate(),
});

export const SweepSchema = object({
  stage: string(),
  clause: string(),
  text: string(),
  source: string(),
  score: string(),
  op: enumOf(['>=', '>']),
  /** The threshold in the rules. */
  threshold: number(),
  /** `between N and M`: M, kept while N is swept. */
  upper: number().optional(),
  /** Leads for which every other condition of the stage holds (the clause decides for them). */
  eligible: count(),
  points: array(SweepPointSchema),
  /** The point at the rules' own threshold, the one with the highest F1, and the one closest to the target volume. */
  current: SweepPointSchema,
  bestF1: SweepPointSchema.nullable(),
  target: object({ rate: number(), point: SweepPointSchema }).nullable(),
});

export const WarningSchema = object({
  /**
   * `reads-outcome`: a clause or rule reads a field fed by the outcome column (the backtest leaks).
   * `looks-like-outcome`: a field read by the rules converts at ≥ 95% or ≤ 5% when set, on ≥ 100 leads.
   */
  kind: enumOf(['reads-outcome', 'looks-like-outcome']),
  message: string(),
  /** The field's schema path and the key (column) it is read from. */
  field: string(),
  key: string(),
  /** The clauses and rules reading it, with their source locations. */
  readBy: array(object({ what: enumOf(['clause', 'rule']), name: string(), source: string() })),
  leads: count().optional(),
  rate: rate().optional(),
});

const ListedRecordSchema = object({
  /** `line 12` (JSON lines, CSV) or `[3]` (JSON array). */
  where: string(),
  id: string().optional(),
});

export const BacktestReportSchema = object({
  version: literal(REPORT_VERSION),
  rules: string(),
  data: string(),
  /** The outcome column (or key path), and the value column when given. */
  outcome: string(),
  value: string().nullable(),
  /** The evaluation time, ISO-8601. */
  now: string(),
  /** Records read; leads in the metrics (valid, with a usable outcome); conversions among them. */
  records: count(),
  leads: count(),
  conversions: count(),
  baseRate: rate(),
  /** With --value: the converted leads that have a value, and the sum and mean of their values. */
  totalValue: object({ leads: count(), total: number(), mean: number().nullable(), unreadable: count() }).nullable(),
  /** Records the rules could not evaluate (as `mql eval` lists them); the first 1,000 are listed. */
  invalid: object({ count: count(), listed: array(ListedRecordSchema.extend({ errors: array(object({ path: string(), message: string() })) })) }),
  /** Valid records whose outcome is missing or not true/false, 1/0, yes/no: left out of the metrics; the first 1,000 are listed. */
  excluded: object({ count: count(), listed: array(ListedRecordSchema.extend({ value: string() })) }),
  stages: array(StageMetricsSchema),
  furthest: array(FurthestStageSchema),
  scores: array(ScoreMetricsSchema),
  grades: array(GradeMetricsSchema),
  scoreRules: array(RuleMetricsSchema),
  clauses: array(ClauseMetricsSchema),
  sweeps: array(SweepSchema),
  warnings: array(WarningSchema),
});

export type BacktestReport = Infer<typeof BacktestReportSchema>;
export type StageMetrics = Infer<typeof StageMetricsSchema>;
export type FurthestStage = Infer<typeof FurthestStageSchema>;
export type ScoreMetrics = Infer<typeof ScoreMetricsSchema>;
export type Bucket = Infer<typeof BucketSchema>;
export type GradeMetrics = Infer<typeof GradeMetricsSchema>;
export type RuleMetrics = Infer<typeof RuleMetricsSchema>;
export type ClauseMetrics = Infer<typeof ClauseMetricsSchema>;
export type Sweep = Infer<typeof SweepSchema>;
export type SweepPoint = Infer<typeof SweepPointSchema>;
export type BacktestWarning = Infer<typeof WarningSchema>;

/** The report's JSON Schema (draft 2020-12), as committed in report.schema.json. */
export function reportJsonSchema(): unknown {
  return toJSONSchema(BacktestReportSchema, { target: 'draft-2020-12' });
}

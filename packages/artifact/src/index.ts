// The compiled rules artifact: the one contract between the compiler (@mql/core), which writes it,
// and the runtime (@mql/runtime), which loads it. Its shape is this zod schema; the JSON Schema
// file beside package.json is generated from it (scripts/build.mjs) and checked by a test.
//
// Conventions: dates are epoch milliseconds (UTC), durations are milliseconds, every rule and
// requirement carries the source location it was compiled from, and string constants are kept as
// written (the runtime lower-cases them once at load, because comparisons are case-insensitive).

// A namespace import, not `import { z }`: bundlers can then drop the parts of zod this file does
// not use (the runtime bundle measured 473 KiB with `{ z }`, 128 KiB this way; `npm run size`).
import * as z from 'zod';

export const ARTIFACT_FORMAT = 'mql-rules';
export const ARTIFACT_VERSION = 1;

// ---------------------------------------------------------------------------------------------
// Types (written out so recursive shapes have names; the zod schemas below follow them exactly)

export interface SourceLocation {
  /** Path relative to the entry file's folder, with `/` separators. */
  file: string;
  /** 1-based line and column of the start (columns count UTF-16 code units). */
  line: number;
  column: number;
  /** Half-open UTF-16 offsets into the file. */
  start: number;
  end: number;
}

export type FieldType =
  | { kind: 'string' }
  | { kind: 'email' }
  | { kind: 'number' }
  | { kind: 'bool' }
  | { kind: 'date' }
  | { kind: 'enum'; members: string[] }
  | { kind: 'object'; fields: FieldSpec[] }
  | { kind: 'list'; element: FieldType };

export interface FieldSpec {
  name: string;
  /** The key to read in input records when it differs from `name` (`from "Lead Source"`). */
  from?: string;
  /**
   * Input values that mean "not given" (`missing when ["Select", "N/A"]`): a string value that equals
   * one of them, ignoring letter case and surrounding white space, is read as missing (absent), in
   * JSON records and CSV cells alike, before the value is converted by the field's type. Never a
   * member of the field's enum. Only on scalar fields (not objects or lists).
   */
  placeholders?: string[];
  optional: boolean;
  type: FieldType;
  doc?: string;
}

export interface EventQuery {
  event: string;
  withinMs?: number;
  where?: Expr;
}

export type ValueType = 'number' | 'string' | 'bool' | 'date' | 'duration';

/**
 * The numeric functions of `{ op: 'math' }`. Every argument is a number; when one is missing (or
 * not a finite number) the result is missing, like arithmetic (LANGUAGE.md §5).
 * - `min`, `max`: two or more arguments; the smallest / largest.
 * - `clamp`: three arguments `x, low, high`; `min(max(x, low), high)` (so `high` wins if `low > high`).
 * - `round`: one argument; to the nearest integer, halves away from zero (2.5 → 3, -2.5 → -3),
 *   like SQL `ROUND(x)` on exact numerics and spreadsheets' `ROUND`.
 * - `abs`: one argument; the absolute value.
 */
export const MATH_FUNCTIONS = ['min', 'max', 'clamp', 'round', 'abs'] as const;
export type MathFunction = (typeof MATH_FUNCTIONS)[number];

export type Expr =
  | { op: 'literal'; type: ValueType; value: number | string | boolean }
  /** A list literal or an inlined `list` declaration. */
  | { op: 'list'; values: (string | number)[] }
  /** A lead field; the path uses schema names (not `from` names), from the lead root. */
  | { op: 'field'; path: string[] }
  /** `.domain` / `.local` of an email value. */
  | { op: 'email_part'; part: 'domain' | 'local'; of: Expr }
  /** An attribute of the current event inside `where` (including the implicit `at`). */
  | { op: 'attr'; name: string }
  | { op: 'now' }
  | { op: 'segment'; name: string }
  | { op: 'score'; name: string }
  | { op: 'grade'; name: string }
  | { op: 'not'; arg: Expr }
  | { op: 'and'; args: Expr[] }
  | { op: 'or'; args: Expr[] }
  | { op: 'neg'; arg: Expr }
  /** Arithmetic; dates and durations are milliseconds so `date ± duration` is plain arithmetic. */
  | { op: 'arith'; fn: '+' | '-' | '*' | '/'; left: Expr; right: Expr }
  /** `type` is the operands' type, which decides case-insensitive (string) comparison. */
  | { op: 'compare'; cmp: '==' | '!=' | '<' | '<=' | '>' | '>='; type: ValueType; left: Expr; right: Expr }
  | { op: 'in'; negated: boolean; subject: Expr; list: Expr }
  /** `contains` on text (substring) or on a list (has an equal element), `starts with`, `ends with`. */
  | { op: 'contains'; on: 'text' | 'list'; subject: Expr; value: Expr }
  | { op: 'starts_with'; subject: Expr; value: Expr }
  | { op: 'ends_with'; subject: Expr; value: Expr }
  | { op: 'between'; subject: Expr; low: Expr; high: Expr }
  | { op: 'is_set'; negated: boolean; subject: Expr }
  | { op: 'within'; subject: Expr; durationMs: number }
  | { op: 'count'; query: EventQuery }
  | { op: 'any'; query: EventQuery }
  | { op: 'none'; query: EventQuery }
  | { op: 'sum'; query: EventQuery; attr: string }
  /** Days (fractional) since the latest matching event; missing when none. */
  | { op: 'days_since_event'; query: EventQuery }
  /** Days (fractional) since a date; missing when the date is. */
  | { op: 'days_since_date'; arg: Expr }
  /** A numeric function (see `MATH_FUNCTIONS` for each one's arity and meaning). */
  | { op: 'math'; fn: MathFunction; args: Expr[] };

export interface WhenRule {
  kind: 'when';
  /** The author's label, or the rule's source text when unlabelled. */
  label: string;
  labelled: boolean;
  points: number;
  when: Expr;
  max?: number;
  doc?: string;
  loc: SourceLocation;
}

export interface PerRule {
  kind: 'per';
  label: string;
  labelled: boolean;
  points: number;
  query: EventQuery;
  max?: number;
  doc?: string;
  loc: SourceLocation;
}

export type ScoreRule = WhenRule | PerRule;

export type Score =
  | {
      kind: 'rules';
      name: string;
      range?: { min: number; max: number };
      halfLifeMs?: number;
      rules: ScoreRule[];
      doc?: string;
      loc: SourceLocation;
    }
  | { kind: 'formula'; name: string; expr: Expr; text: string; doc?: string; loc: SourceLocation };

export interface Segment {
  name: string;
  expr: Expr;
  text: string;
  doc?: string;
  loc: SourceLocation;
}

export interface Grade {
  name: string;
  bands: { label: string; when: Expr; text: string; loc: SourceLocation }[];
  else: string;
  doc?: string;
  loc: SourceLocation;
}

export interface StageClause {
  label: string;
  labelled: boolean;
  when: Expr;
  /** The condition's source text, for explanations. */
  text: string;
  doc?: string;
  loc: SourceLocation;
}

export interface Stage {
  name: string;
  title?: string;
  after?: string;
  requirements: StageClause[];
  rejections: StageClause[];
  doc?: string;
  loc: SourceLocation;
}

export interface TestCase {
  description: string;
  /** Evaluation time, epoch ms. */
  now: number;
  /**
   * The lead as an input record (LANGUAGE.md §10): keys are `from` names where a field has one,
   * dates as ISO-8601 strings, and the events in `events` with `type`, `at` and attributes.
   */
  record: Record<string, unknown>;
  expectations: (
    | { kind: 'stage'; stage: string | null; loc: SourceLocation }
    | { kind: 'condition'; expr: Expr; text: string; loc: SourceLocation }
  )[];
  loc: SourceLocation;
}

export interface EventType {
  name: string;
  /** Declared attributes; `at` is implicit and not listed. */
  fields: FieldSpec[];
  doc?: string;
  loc: SourceLocation;
}

export interface RulesArtifact {
  format: typeof ARTIFACT_FORMAT;
  version: typeof ARTIFACT_VERSION;
  source: {
    /** The entry file, relative to its own folder (its file name). */
    entry: string;
    files: string[];
    /** `sha256:` + hex digest over every file's path and text, in `files` order. */
    hash: string;
  };
  /**
   * `key`: the name of the top-level `string`, `email` or `number` field marked `key` in the schema,
   * whose value names each lead (output ids, picking one lead, joining events). Absent when no
   * field is marked; artifacts written before the marker existed have none and stay valid.
   */
  lead: { fields: FieldSpec[]; key?: string; doc?: string };
  events: EventType[];
  /** Declared lists, kept for documentation; uses are inlined as `list` expressions. */
  lists: { name: string; values: (string | number)[]; doc?: string; loc: SourceLocation }[];
  segments: Segment[];
  scores: Score[];
  grades: Grade[];
  /** In program order: the lead's stage is the last qualifying one in this order. */
  stages: Stage[];
  tests: TestCase[];
}

// ---------------------------------------------------------------------------------------------
// zod schemas

const nonEmpty = z.string().min(1);

export const SourceLocationSchema: z.ZodType<SourceLocation> = z
  .object({
    file: z.string(),
    line: z.number().int().min(1),
    column: z.number().int().min(1),
    start: z.number().int().min(0),
    end: z.number().int().min(0),
  });

export const FieldTypeSchema: z.ZodType<FieldType> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('string') }),
    z.object({ kind: z.literal('email') }),
    z.object({ kind: z.literal('number') }),
    z.object({ kind: z.literal('bool') }),
    z.object({ kind: z.literal('date') }),
    z.object({ kind: z.literal('enum'), members: z.array(z.string()).min(1) }),
    z.object({ kind: z.literal('object'), fields: z.array(FieldSpecSchema) }),
    z.object({ kind: z.literal('list'), element: FieldTypeSchema }),
  ]),
);

export const FieldSpecSchema: z.ZodType<FieldSpec> = z.lazy(() =>
  z.object({
    name: nonEmpty,
    from: z.string().optional(),
    placeholders: z.array(z.string()).optional(),
    optional: z.boolean(),
    type: FieldTypeSchema,
    doc: z.string().optional(),
  }),
);

export const EventQuerySchema: z.ZodType<EventQuery> = z.lazy(() =>
  z.object({
    event: nonEmpty,
    withinMs: z.number().nonnegative().optional(),
    where: ExprSchema.optional(),
  }),
);

const ValueTypeSchema = z.enum(['number', 'string', 'bool', 'date', 'duration']);

export const ExprSchema: z.ZodType<Expr> = z.lazy(() =>
  z.discriminatedUnion('op', [
    z.object({ op: z.literal('literal'), type: ValueTypeSchema, value: z.union([z.number(), z.string(), z.boolean()]) }),
    z.object({ op: z.literal('list'), values: z.array(z.union([z.string(), z.number()])) }),
    z.object({ op: z.literal('field'), path: z.array(nonEmpty).min(1) }),
    z.object({ op: z.literal('email_part'), part: z.enum(['domain', 'local']), of: ExprSchema }),
    z.object({ op: z.literal('attr'), name: nonEmpty }),
    z.object({ op: z.literal('now') }),
    z.object({ op: z.literal('segment'), name: nonEmpty }),
    z.object({ op: z.literal('score'), name: nonEmpty }),
    z.object({ op: z.literal('grade'), name: nonEmpty }),
    z.object({ op: z.literal('not'), arg: ExprSchema }),
    z.object({ op: z.literal('and'), args: z.array(ExprSchema).min(1) }),
    z.object({ op: z.literal('or'), args: z.array(ExprSchema).min(1) }),
    z.object({ op: z.literal('neg'), arg: ExprSchema }),
    z.object({ op: z.literal('arith'), fn: z.enum(['+', '-', '*', '/']), left: ExprSchema, right: ExprSchema }),
    z.object({
      op: z.literal('compare'),
      cmp: z.enum(['==', '!=', '<', '<=', '>', '>=']),
      type: ValueTypeSchema,
      left: ExprSchema,
      right: ExprSchema,
    }),
    z.object({ op: z.literal('in'), negated: z.boolean(), subject: ExprSchema, list: ExprSchema }),
    z.object({ op: z.literal('contains'), on: z.enum(['text', 'list']), subject: ExprSchema, value: ExprSchema }),
    z.object({ op: z.literal('starts_with'), subject: ExprSchema, value: ExprSchema }),
    z.object({ op: z.literal('ends_with'), subject: ExprSchema, value: ExprSchema }),
    z.object({ op: z.literal('between'), subject: ExprSchema, low: ExprSchema, high: ExprSchema }),
    z.object({ op: z.literal('is_set'), negated: z.boolean(), subject: ExprSchema }),
    z.object({ op: z.literal('within'), subject: ExprSchema, durationMs: z.number().nonnegative() }),
    z.object({ op: z.literal('count'), query: EventQuerySchema }),
    z.object({ op: z.literal('any'), query: EventQuerySchema }),
    z.object({ op: z.literal('none'), query: EventQuerySchema }),
    z.object({ op: z.literal('sum'), query: EventQuerySchema, attr: nonEmpty }),
    z.object({ op: z.literal('days_since_event'), query: EventQuerySchema }),
    z.object({ op: z.literal('days_since_date'), arg: ExprSchema }),
    z.object({ op: z.literal('math'), fn: z.enum(MATH_FUNCTIONS), args: z.array(ExprSchema).min(1) }),
  ]),
);

const ruleCommon = {
  label: z.string(),
  labelled: z.boolean(),
  points: z.number(),
  max: z.number().nonnegative().optional(),
  doc: z.string().optional(),
  loc: SourceLocationSchema,
};

export const ScoreRuleSchema: z.ZodType<ScoreRule> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('when'), ...ruleCommon, when: ExprSchema }),
  z.object({ kind: z.literal('per'), ...ruleCommon, query: EventQuerySchema }),
]);

export const ScoreSchema: z.ZodType<Score> = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('rules'),
    name: nonEmpty,
    range: z.object({ min: z.number(), max: z.number() }).optional(),
    halfLifeMs: z.number().positive().optional(),
    rules: z.array(ScoreRuleSchema),
    doc: z.string().optional(),
    loc: SourceLocationSchema,
  }),
  z.object({
    kind: z.literal('formula'),
    name: nonEmpty,
    expr: ExprSchema,
    text: z.string(),
    doc: z.string().optional(),
    loc: SourceLocationSchema,
  }),
]);

const StageClauseSchema: z.ZodType<StageClause> = z.object({
  label: z.string(),
  labelled: z.boolean(),
  when: ExprSchema,
  text: z.string(),
  doc: z.string().optional(),
  loc: SourceLocationSchema,
});

export const RulesArtifactSchema: z.ZodType<RulesArtifact> = z.object({
  format: z.literal(ARTIFACT_FORMAT),
  version: z.literal(ARTIFACT_VERSION),
  source: z.object({ entry: z.string(), files: z.array(z.string()), hash: z.string().regex(/^sha256:[0-9a-f]{64}$/) }),
  lead: z.object({ fields: z.array(FieldSpecSchema), key: nonEmpty.optional(), doc: z.string().optional() }),
  events: z.array(
    z.object({ name: nonEmpty, fields: z.array(FieldSpecSchema), doc: z.string().optional(), loc: SourceLocationSchema }),
  ),
  lists: z.array(
    z.object({
      name: nonEmpty,
      values: z.array(z.union([z.string(), z.number()])),
      doc: z.string().optional(),
      loc: SourceLocationSchema,
    }),
  ),
  segments: z.array(
    z.object({ name: nonEmpty, expr: ExprSchema, text: z.string(), doc: z.string().optional(), loc: SourceLocationSchema }),
  ),
  scores: z.array(ScoreSchema),
  grades: z.array(
    z.object({
      name: nonEmpty,
      bands: z.array(z.object({ label: z.string(), when: ExprSchema, text: z.string(), loc: SourceLocationSchema })),
      else: z.string(),
      doc: z.string().optional(),
      loc: SourceLocationSchema,
    }),
  ),
  stages: z.array(
    z.object({
      name: nonEmpty,
      title: z.string().optional(),
      after: z.string().optional(),
      requirements: z.array(StageClauseSchema),
      rejections: z.array(StageClauseSchema),
      doc: z.string().optional(),
      loc: SourceLocationSchema,
    }),
  ),
  tests: z.array(
    z.object({
      description: z.string(),
      now: z.number(),
      record: z.record(z.string(), z.unknown()),
      expectations: z.array(
        z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('stage'), stage: z.string().nullable(), loc: SourceLocationSchema }),
          z.object({ kind: z.literal('condition'), expr: ExprSchema, text: z.string(), loc: SourceLocationSchema }),
        ]),
      ),
      loc: SourceLocationSchema,
    }),
  ),
});

/** Names for the shared and recursive parts, so the JSON Schema's `$defs` read as the types above. */
const definitions = z.registry<{ id: string }>();
definitions.add(SourceLocationSchema, { id: 'SourceLocation' });
definitions.add(FieldTypeSchema, { id: 'FieldType' });
definitions.add(FieldSpecSchema, { id: 'FieldSpec' });
definitions.add(EventQuerySchema, { id: 'EventQuery' });
definitions.add(ExprSchema, { id: 'Expr' });

/** The artifact's JSON Schema (draft 2020-12), as committed in rules-artifact.schema.json. */
export function artifactJsonSchema(): unknown {
  return z.toJSONSchema(RulesArtifactSchema, { target: 'draft-2020-12', unrepresentable: 'any', metadata: definitions });
}

// The RulesEngine that load() returns: record checks, evaluation (lean or explained), batches and
// CSV rows, over a program compiled once.

import type { RulesArtifact, TestCase } from '@mql/artifact';
import type { EvalContext, NormRecord } from './context.js';
import { RowReader, type EventTable, type LeadTable, type RowResult } from './csv.js';
import { propertyKey } from './codegen.js';
import { parseIsoDate } from './dates.js';
import { SourceUnit } from './expr-codegen.js';
import type { Program } from './program.js';
import { clearSlots, RecordReader } from './records.js';
import type { Contribution, EvaluationResult, RecordError } from './result.js';
import { TestRunner, type TestOutcome } from './tests.js';

export interface EvaluateOptions {
  /** Evaluation time: a Date, epoch ms or an ISO-8601 string. Default: the current time. */
  now?: Date | number | string;
  /** Include contributions and per-clause explanations. Default: true. */
  explain?: boolean;
  /**
   * Batch coverage counters, laid out as `coverageItems(artifact)` says (one per score rule, then
   * per stage clause): each evaluation adds 1 for every rule that fired and clause that held.
   */
  coverage?: Uint32Array;
}

export interface LoadOptions {
  /**
   * Generate code for the artifact with `new Function` at load: the record check's event loop
   * (records-codegen.ts) and the evaluation's expressions, scores, stages and results
   * (expr-codegen.ts), with the same results as the generic loops and closures. On the throughput
   * benchmark lean evaluation takes about 0.77× the time (packages/bench/README.md). Default: true;
   * where the platform forbids `new Function` (a Content-Security-Policy without 'unsafe-eval',
   * Cloudflare Workers) the runtime falls back by itself. `false` never tries, e.g. where a CSP
   * violation report would be noise.
   */
  codegen?: boolean;
}

export type Evaluation = { ok: true; result: EvaluationResult } | { ok: false; errors: RecordError[] };
export type Validation = { ok: true } | { ok: false; errors: RecordError[] };
export interface BatchItem {
  /** The record's position in the input, from 0. */
  index: number;
  evaluation: Evaluation;
}

export interface RulesEngine {
  /** The artifact as loaded (validated). */
  readonly artifact: RulesArtifact;
  /** Stage names in artifact order (the lead's stage is the last qualifying one). */
  readonly stageNames: readonly string[];
  readonly scoreNames: readonly string[];
  readonly gradeNames: readonly string[];
  readonly segmentNames: readonly string[];
  readonly eventTypes: readonly string[];

  /** Validates and evaluates one lead record (LANGUAGE.md §10). Never throws on a bad record. */
  evaluate(record: unknown, options?: EvaluateOptions): Evaluation;
  /** The record check alone. */
  validate(record: unknown): Validation;
  /**
   * Evaluates records one by one as they arrive (no buffering), yielding results in input order.
   * Invalid records yield their errors and the batch goes on. All records share one `now`
   * (the option, else the time the batch started).
   */
  evaluateMany(records: Iterable<unknown> | AsyncIterable<unknown>, options?: EvaluateOptions): AsyncGenerator<BatchItem, void, undefined>;
  /**
   * Binds a leads table's header to the lead schema once (see csv.ts for the conventions): which
   * column fills which field, the fields no column names, and header errors (an ambiguous header,
   * two columns for one field). Its `read` turns one row's cells into a lead record.
   */
  leadTable(header: readonly string[]): LeadTable;
  /** The same for an events table (`type`, `at`, attribute columns). */
  eventTable(header: readonly string[]): EventTable;
  /** One CSV row (header → cell) → one lead record in the JSON form (see csv.ts for the conventions). */
  fromRow(row: Record<string, string>): RowResult<'record'>;
  /** One events-table row (`type`, `at`, attribute columns) → one event for a record's `events`. */
  eventFromRow(row: Record<string, string>): RowResult<'event'>;
  /**
   * Runs the artifact's test blocks (LANGUAGE.md §8), in order: each lead is evaluated, explained,
   * at the test's `now`, and each expectation is checked with the actual values it looked at.
   */
  runTests(): TestOutcome[];
  /** Runs one test case (the artifact's or another over the same program). */
  runTest(test: TestCase): TestOutcome;
}

export class Engine implements RulesEngine {
  readonly stageNames: readonly string[];
  readonly scoreNames: readonly string[];
  readonly gradeNames: readonly string[];
  readonly segmentNames: readonly string[];
  readonly eventTypes: readonly string[];
  private readonly rows: RowReader;
  private readonly records: RecordReader;
  private tests: TestRunner | undefined;
  private memo: unknown[] = [];
  /** The result without contributions, built by generated code where allowed. */
  private readonly buildResult: (ctx: EvalContext) => EvaluationResult;

  constructor(
    readonly artifact: RulesArtifact,
    private readonly program: Program,
  ) {
    this.stageNames = artifact.stages.map((s) => s.name);
    this.scoreNames = artifact.scores.map((s) => s.name);
    this.gradeNames = artifact.grades.map((g) => g.name);
    this.segmentNames = artifact.segments.map((s) => s.name);
    this.eventTypes = artifact.events.map((e) => e.name);
    this.records = new RecordReader(program.model, program.codegen);
    this.rows = new RowReader(program.model, (record) => {
      const read = this.records.read(record, false);
      return read.ok ? [] : read.errors;
    });
    this.buildResult = this.generatedResult() ?? ((ctx) => this.genericResult(ctx));
  }

  evaluate(record: unknown, options: EvaluateOptions = {}): Evaluation {
    const now = resolveNow(options.now);
    const explain = options.explain ?? true;
    const read = this.records.read(record, explain);
    if (!read.ok) return read;
    return { ok: true, result: this.run(read.record, now, explain, options.coverage) };
  }

  validate(record: unknown): Validation {
    const read = this.records.read(record, false);
    return read.ok ? { ok: true } : read;
  }

  async *evaluateMany(
    records: Iterable<unknown> | AsyncIterable<unknown>,
    options: EvaluateOptions = {},
  ): AsyncGenerator<BatchItem, void, undefined> {
    const batch = { ...options, now: resolveNow(options.now) };
    let index = 0;
    for await (const record of records) yield { index: index++, evaluation: this.evaluate(record, batch) };
  }

  leadTable(header: readonly string[]): LeadTable {
    return this.rows.leadTable(header);
  }

  eventTable(header: readonly string[]): EventTable {
    return this.rows.eventTable(header);
  }

  fromRow(row: Record<string, string>): RowResult<'record'> {
    return this.rows.fromRow(row);
  }

  eventFromRow(row: Record<string, string>): RowResult<'event'> {
    return this.rows.eventFromRow(row);
  }

  runTests(): TestOutcome[] {
    return this.artifact.tests.map((test) => this.runTest(test));
  }

  runTest(test: TestCase): TestOutcome {
    this.tests ??= new TestRunner({
      program: this.program,
      read: (record) => this.records.read(record),
      evaluate: (record, now, memoSize) => {
        const ctx = this.context(record, now, true, memoSize);
        return { ctx, result: this.buildResult(ctx) };
      },
    });
    return this.tests.run(test);
  }

  private run(record: NormRecord, now: number, explain: boolean, coverage: Uint32Array | undefined): EvaluationResult {
    return this.buildResult(this.context(record, now, explain, this.program.memoSize, coverage));
  }

  private context(record: NormRecord, now: number, explain: boolean, memoSize: number, coverage?: Uint32Array): EvalContext {
    return {
      lead: record.lead,
      raw: record.raw,
      events: record.events,
      now,
      memo: this.memoFor(memoSize),
      explain,
      contributions: explain ? new Array<Contribution[]>(this.scoreNames.length) : NO_CONTRIBUTIONS,
      coverage,
    };
  }

  /**
   * The memo slots, all unset: one array reused by every evaluation, since an evaluation is
   * synchronous and its result holds no reference to them (like the record reader's buffers).
   */
  private memoFor(size: number): unknown[] {
    if (this.memo.length < size) this.memo = new Array<unknown>(size);
    clearSlots(this.memo, size);
    return this.memo;
  }

  /** The result: scores, grades, segments and stages, in that order, then contributions when explaining. */
  private genericResult(ctx: EvalContext): EvaluationResult {
    const { names, stages } = this.program;
    const { scoreNames, gradeNames, segmentNames } = this;
    const scores: Record<string, number> = {};
    for (let i = 0; i < scoreNames.length; i++) scores[scoreNames[i]!] = names.score[i]!(ctx);
    const grades: Record<string, string> = {};
    for (let i = 0; i < gradeNames.length; i++) grades[gradeNames[i]!] = names.gradeLabel(i, ctx);
    const segments: Record<string, boolean> = {};
    for (let i = 0; i < segmentNames.length; i++) segments[segmentNames[i]!] = names.segment[i]!(ctx);
    const outcome = stages.evaluate(ctx);
    const result: EvaluationResult = { stage: outcome.stage, scores, grades, segments, stages: outcome.stages };
    if (ctx.explain) {
      const contributions: Record<string, Contribution[]> = {};
      for (let i = 0; i < scoreNames.length; i++) contributions[scoreNames[i]!] = ctx.contributions[i] ?? [];
      result.contributions = contributions;
    }
    return result;
  }

  /**
   * genericResult as generated code (codegen.ts): object literals with the program's names as keys
   * take a fixed shape at once, where the loops add one key at a time (a transition per key), and
   * the shape stays alive across garbage collections (codegen.ts, propertyKey), so V8 keeps the
   * optimised code that builds it. For the same reason an explained result is one literal with its
   * contributions rather than a lean one with `contributions` added.
   */
  private generatedResult(): ((ctx: EvalContext) => EvaluationResult) | undefined {
    const { names, stages, codegen } = this.program;
    const unit = new SourceUnit();
    const entries = (keys: readonly string[], get: (i: number) => (ctx: EvalContext) => unknown) =>
      `{ ${keys.map((key, i) => `${propertyKey(key)}: ${unit.constant(get(i))}(ctx)`).join(', ')} }`;
    const source = [
      'function result(ctx) {',
      `  const scores = ${entries(this.scoreNames, (i) => names.score[i]!)};`,
      `  const grades = ${entries(this.gradeNames, (i) => (ctx) => names.gradeLabel(i, ctx))};`,
      `  const segments = ${entries(this.segmentNames, (i) => names.segment[i]!)};`,
      `  const outcome = ${unit.constant((ctx: EvalContext) => stages.evaluate(ctx))}(ctx);`,
      '  if (ctx.explain) {',
      '    const c = ctx.contributions;',
      `    const contributions = { ${this.scoreNames.map((key, i) => `${propertyKey(key)}: c[${i}] ?? []`).join(', ')} };`,
      '    return { stage: outcome.stage, scores, grades, segments, stages: outcome.stages, contributions };',
      '  }',
      '  return { stage: outcome.stage, scores, grades, segments, stages: outcome.stages };',
      '}',
    ];
    return unit.build(codegen, source.join('\n'));
  }
}

/** A lean evaluation records no contributions (scores.ts writes them only when explaining). */
const NO_CONTRIBUTIONS: Contribution[][] = Object.freeze([]) as unknown as Contribution[][];

function resolveNow(now: Date | number | string | undefined): number {
  if (now === undefined) return Date.now();
  const ms = now instanceof Date ? now.getTime() : typeof now === 'number' ? now : parseIsoDate(now);
  if (ms === undefined || !Number.isFinite(ms)) throw new TypeError(`invalid evaluation time "now": ${String(now)}`);
  return ms;
}

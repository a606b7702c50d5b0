// Running test blocks (LANGUAGE.md §8) on a loaded artifact: each test's lead is evaluated
// (explained) at the test's own `now`, and every expectation is checked against that evaluation.
// A condition (`fit == 45`, `profile == "A"`) is compiled like a stage clause, with the same probes,
// so a failure can show the values it looked at (`fit: 25`). Conditions are compiled on first use
// and cached, with their own memo slots after the program's (see `memoSize`).

import type { SourceLocation, TestCase } from '@mql/artifact';
import { compileCondition, type CompileEnv } from './compile-expr.js';
import { NO_EVENT, type Condition, type EvalContext, type NormRecord } from './context.js';
import { compileProbes, readProbes, type Probe } from './explain.js';
import type { Program } from './program.js';
import { QueryTable } from './queries.js';
import type { ReadResult } from './records.js';
import type { DisplayValue, EvaluationResult, RecordError } from './result.js';

export interface ExpectationOutcome {
  kind: 'stage' | 'condition';
  /** What the test expects, as MQL: `stage MQL`, `stage none`, `fit == 45`. */
  text: string;
  passed: boolean;
  /**
   * The actual values the expectation looked at, keyed like a stage clause's `values`:
   * `{ stage: "SAL" }` (null for none), `{ fit: 25 }`, `{ freemail_address: false }`.
   */
  actual: Record<string, DisplayValue>;
  loc: SourceLocation;
}

interface TestOutcomeBase {
  description: string;
  loc: SourceLocation;
  /** The evaluation time, epoch ms. */
  now: number;
  /** The record is valid and every expectation holds. */
  passed: boolean;
}

export type TestOutcome =
  | (TestOutcomeBase & { valid: true; result: EvaluationResult; expectations: ExpectationOutcome[] })
  /** The test's lead is not a valid record (the compiler prevents this; a hand-made artifact may not). */
  | (TestOutcomeBase & { valid: false; errors: RecordError[] });

/** What the runner needs from the engine: record reading and an explained evaluation it can look into. */
export interface TestHost {
  program: Program;
  read(record: unknown): ReadResult;
  /** Evaluates explained; `memoSize` is the number of memo slots the context needs. */
  evaluate(record: NormRecord, now: number, memoSize: number): { ctx: EvalContext; result: EvaluationResult };
}

type CompiledExpectation =
  | { kind: 'stage'; stage: string | null; text: string; loc: SourceLocation }
  | { kind: 'condition'; holds: Condition; probes: Probe[]; text: string; loc: SourceLocation };

export class TestRunner {
  private readonly compiled = new Map<TestCase, CompiledExpectation[]>();
  private readonly queries: QueryTable;
  private memoSize: number;

  constructor(private readonly host: TestHost) {
    this.memoSize = host.program.memoSize;
    // Test conditions get their own query slots after the program's, so evaluation proper is unchanged.
    this.queries = new QueryTable(() => this.memoSize++);
  }

  run(test: TestCase): TestOutcome {
    const expectations = this.compile(test);
    const base = { description: test.description, loc: test.loc, now: test.now };
    const read = this.host.read(test.record);
    if (!read.ok) return { ...base, passed: false, valid: false, errors: read.errors };
    const { ctx, result } = this.host.evaluate(read.record, test.now, this.memoSize);
    const outcomes = expectations.map((e) => check(e, ctx, result));
    return { ...base, passed: outcomes.every((o) => o.passed), valid: true, result, expectations: outcomes };
  }

  /** Throws ArtifactError when a condition refers to an unknown name (only hand-made artifacts can). */
  private compile(test: TestCase): CompiledExpectation[] {
    const known = this.compiled.get(test);
    if (known !== undefined) return known;
    const { model, names, codegen } = this.host.program;
    const env: CompileEnv = { model, names, queries: this.queries, where: `test "${test.description}"`, codegen };
    const compiled = test.expectations.map((e): CompiledExpectation => {
      if (e.kind === 'stage') return { kind: 'stage', stage: e.stage, text: `stage ${e.stage ?? 'none'}`, loc: e.loc };
      return { kind: 'condition', holds: compileCondition(e.expr, env), probes: compileProbes(e.expr, env), text: e.text, loc: e.loc };
    });
    this.compiled.set(test, compiled);
    return compiled;
  }
}

function check(expectation: CompiledExpectation, ctx: EvalContext, result: EvaluationResult): ExpectationOutcome {
  const { kind, text, loc } = expectation;
  if (expectation.kind === 'stage') {
    return { kind, text, passed: result.stage === expectation.stage, actual: { stage: result.stage }, loc };
  }
  return { kind, text, passed: expectation.holds(ctx, NO_EVENT), actual: readProbes(expectation.probes, ctx), loc };
}

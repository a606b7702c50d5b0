// Running a program's tests for the editor: the same runtime run as `mql test`, with every failed
// expectation located (file and span of its `expect` line) and the lead's explanation as text.

import { compileAnalysis, type Analysis } from '@mql/core';
import { load, type TestOutcome } from '@mql/runtime';
import { formatValues, renderExplanation } from './explain.js';
import { locate, type FileSpan } from './locations.js';

export interface FailedExpectation {
  at: FileSpan;
  /** `stage MQL`, `fit == 45`. */
  expected: string;
  /** `stage SAL`, `fit = 25`. */
  actual: string;
}

export interface TestRun {
  description: string;
  at: FileSpan;
  passed: boolean;
  failures: FailedExpectation[];
  /** Why the test lead is not a valid record (the compiler normally prevents it). */
  invalid: string[];
  /** The explanation of the test lead's evaluation, one line each. */
  explanation: string[];
  /** Where each `file:line` mentioned in the explanation points. */
  explanationLinks: ExplanationLink[];
}

export interface ExplanationLink {
  /** Line index in `explanation` and the character range of the `file:line` text in it. */
  line: number;
  start: number;
  end: number;
  target: FileSpan;
}

export type TestsResult = { compiled: true; tests: TestRun[] } | { compiled: false; errors: number };

/** Compiles the analysed program and runs its tests (all, or those whose description is given). */
export function runProgramTests(analysis: Analysis, only?: readonly string[]): TestsResult {
  const artifact = compileAnalysis(analysis);
  if (!artifact) return { compiled: false, errors: analysis.diagnostics.filter((d) => d.severity === 'error').length };
  const engine = load(artifact);
  const wanted = only ? new Set(only) : undefined;
  const tests = artifact.tests.filter((t) => !wanted || wanted.has(t.description)).map((t) => engine.runTest(t));
  return { compiled: true, tests: tests.map((outcome) => testRun(analysis.entry, outcome, artifact)) };
}

function testRun(entry: string, outcome: TestOutcome, artifact: Parameters<typeof renderExplanation>[1]['artifact']): TestRun {
  const base = { description: outcome.description, at: locate(entry, outcome.loc), passed: outcome.passed };
  if (!outcome.valid) {
    return { ...base, failures: [], invalid: outcome.errors.map((e) => (e.path === '' ? e.message : `${e.path}: ${e.message}`)), explanation: [], explanationLinks: [] };
  }
  const failures = outcome.expectations
    .filter((e) => !e.passed)
    .map((e) => ({
      at: locate(entry, e.loc),
      expected: e.text,
      actual: e.kind === 'stage' ? `stage ${e.actual.stage ?? 'none'}` : formatValues(e.actual) || 'false',
    }));
  const explained = explainedLines(entry, outcome.result, artifact);
  return { ...base, failures, invalid: [], ...explained };
}

/** An explanation whose `file:line` references are links to the rules. */
export function explainedLines(
  entry: string,
  result: Parameters<typeof renderExplanation>[0],
  artifact: Parameters<typeof renderExplanation>[1]['artifact'],
): { explanation: string[]; explanationLinks: ExplanationLink[] } {
  const targets = new Map<string, FileSpan>();
  const where = (loc: Parameters<Parameters<typeof renderExplanation>[1]['where']>[0]) => {
    const text = `${loc.file}:${loc.line}`;
    targets.set(text, locate(entry, loc));
    return text;
  };
  const explanation = renderExplanation(result, { artifact, where });
  const explanationLinks: ExplanationLink[] = [];
  explanation.forEach((line, index) => {
    for (const [text, target] of targets) {
      for (let at = line.indexOf(text); at >= 0; at = line.indexOf(text, at + 1)) {
        const before = line[at - 1];
        const after = line[at + text.length];
        // `lead.mql:1` must not match inside `funnel_lead.mql:12`.
        if ((before === undefined || before === ' ') && (after === undefined || after === ' ')) {
          explanationLinks.push({ line: index, start: at, end: at + text.length, target });
        }
      }
    }
  });
  return { explanation, explanationLinks };
}

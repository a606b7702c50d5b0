// `mql test [files or folders]`: compiles each program and runs its `test` blocks through the
// runtime on the compiled artifact (LANGUAGE.md §8). One line per test (✓/✗, description,
// file:line); a failed test shows each failed expectation (expected vs actual values) and the
// explanation of the lead. The last line is always exactly `N passed, N failed` (CI reads it).
// Exit 0 when every test passed, 1 on a failure or a compile error, 2 on usage errors.
//
// Which programs: every .mql file found is a candidate entry, but a file that another found file
// imports is not an entry of its own: its declarations and tests are part of the importing
// program, and compiled alone it may not even be complete. So the tests of `lead.mql` + `funnel.mql`
// run once, as part of funnel.mql. Files that only import each other (a cycle, itself an error)
// are still compiled, from the first of them in path order. A file imported by two entries has its
// tests run in each program, since the results may differ.

import type { Command } from 'commander';
import { compileProgram, loadProgram, type ParseCache } from '@mql/core';
import { load, type TestOutcome } from '@mql/runtime';
import { renderExplanation, formatValues, type ExplainContext } from '../explain.js';
import { collectMqlFiles, nodeHost } from '../host.js';
import { colors } from '../report.js';
import { locationsBeside, reportCompileErrors } from '../rules.js';

export function registerTestCommand(program: Command, finish: (code: number) => void): void {
  program
    .command('test')
    .description('Run the test blocks of .mql programs; report failures with actual values and explanations.')
    .argument('[paths...]', 'files or folders (every .mql file below a folder)', [])
    .action((paths: string[]) => finish(runTests(paths)));
}

export function runTests(targets: readonly string[]): number {
  const cache: ParseCache = new Map();
  const out = process.stdout;
  let passed = 0;
  let failed = 0;
  let broken = 0;
  for (const entry of entryFiles(collectMqlFiles(targets), cache)) {
    const compiled = compileProgram(entry, nodeHost, { cache });
    if (!compiled.artifact) {
      reportCompileErrors(compiled.diagnostics.filter((d) => d.severity === 'error'), compiled.analysis.files, out);
      broken++;
      continue;
    }
    const engine = load(compiled.artifact);
    const context: ExplainContext = { artifact: engine.artifact, where: locationsBeside(entry) };
    for (const outcome of engine.runTests()) {
      if (outcome.passed) passed++;
      else failed++;
      out.write(`${testReport(outcome, context).join('\n')}\n`);
    }
  }
  if (broken > 0) {
    const what = broken === 1 ? 'A program did not compile; its tests' : `${broken} programs did not compile; their tests`;
    out.write(`${colors.red(`${what} did not run`)}\n`);
  }
  // Plain on purpose: CI tooling reads this line.
  out.write(`${passed} passed, ${failed} failed\n`);
  return failed > 0 || broken > 0 ? 1 : 0;
}

/** The files to compile as entries (see the comment at the top). */
export function entryFiles(files: readonly string[], cache: ParseCache): string[] {
  const programs = new Map(files.map((file) => [file, loadProgram(file, nodeHost, cache).files.map((f) => f.path)]));
  const imported = new Set<string>();
  for (const [file, members] of programs) for (const member of members) if (member !== file) imported.add(member);
  const entries = files.filter((file) => !imported.has(file));
  const covered = new Set(entries.flatMap((entry) => programs.get(entry)!));
  for (const file of files) {
    if (covered.has(file)) continue;
    entries.push(file);
    for (const member of programs.get(file)!) covered.add(member);
  }
  return entries;
}

function testReport(outcome: TestOutcome, context: ExplainContext): string[] {
  const mark = outcome.passed ? colors.green('✓') : colors.red('✗');
  const lines = [`${mark} ${outcome.description}  ${colors.dim(context.where(outcome.loc))}`];
  if (outcome.passed) return lines;
  if (!outcome.valid) {
    lines.push(`    ${colors.red('the test lead is not a valid record:')}`);
    for (const e of outcome.errors) lines.push(`      ${e.path === '' ? e.message : `${e.path}: ${e.message}`}`);
    return lines;
  }
  for (const expectation of outcome.expectations) {
    if (expectation.passed) continue;
    const actual = expectation.kind === 'stage' ? `stage ${expectation.actual.stage ?? 'none'}` : formatValues(expectation.actual) || 'false';
    lines.push(`    ${colors.red('✗')} expected ${expectation.text}, got ${actual}   ${colors.dim(context.where(expectation.loc))}`);
  }
  lines.push(`    ${colors.bold('Explanation')}`, ...renderExplanation(outcome.result, context, '      '));
  return lines;
}

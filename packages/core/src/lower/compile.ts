// The one-call front for tools: analyse a program from its entry file and, when it has no errors,
// compile it. The CLI, the language server and the tests all go through here or analyzeProgram.

import type { RulesArtifact } from '@mql/artifact';
import { analyzeProgram, type Analysis } from '../check/checker.js';
import { hasErrors, makeDiagnostic, type Diagnostic } from '../diagnostics.js';
import { compileAnalysis, type CompileOptions } from './lower.js';
import type { ParseCache, SourceHost } from '../check/program.js';

export interface CompileResult {
  analysis: Analysis;
  diagnostics: Diagnostic[];
  /** Present when the program has no errors. */
  artifact?: RulesArtifact;
}

export function compileProgram(entry: string, host: SourceHost, options: CompileOptions & { cache?: ParseCache } = {}): CompileResult {
  const analysis = analyzeProgram(entry, host, options.cache);
  const diagnostics = hasErrors(analysis.diagnostics) || analysis.lead ? analysis.diagnostics : [...analysis.diagnostics, missingLead(entry)];
  const artifact = compileAnalysis(analysis, options);
  return { analysis, diagnostics, ...(artifact ? { artifact } : {}) };
}

/** A program that is built needs exactly one lead schema (LANGUAGE.md §4), even one with no rules yet. */
function missingLead(entry: string): Diagnostic {
  const message = 'this program has no `lead { ... }` schema: a program that is built needs one; declare it, or import the file that does';
  return makeDiagnostic({ code: 'MQL2007', file: entry, span: { start: 0, end: 0 }, args: { message } });
}

// The one-call front for tools: analyse a program from its entry file and, when it has no errors,
// compile it. The CLI, the language server and the tests all go through here or analyzeProgram.

import type { RulesArtifact } from '@mql/artifact';
import { analyzeProgram, type Analysis } from './checker.js';
import type { Diagnostic } from './diagnostics.js';
import { compileAnalysis, type CompileOptions } from './lower.js';
import type { ParseCache, SourceHost } from './program.js';

export interface CompileResult {
  analysis: Analysis;
  diagnostics: Diagnostic[];
  /** Present when the program has no errors. */
  artifact?: RulesArtifact;
}

export function compileProgram(entry: string, host: SourceHost, options: CompileOptions & { cache?: ParseCache } = {}): CompileResult {
  const analysis = analyzeProgram(entry, host, options.cache);
  const artifact = compileAnalysis(analysis, options);
  return { analysis, diagnostics: analysis.diagnostics, ...(artifact ? { artifact } : {}) };
}

// `mql check [files or folders]`: every .mql file (and what it imports) is parsed and checked;
// diagnostics are printed with their source lines; exit 0 when there is no error, 1 otherwise.
// Lints are checked too (lints.ts), with severities from the nearest mql.config.json (config.ts).

import { analyzeProgram, sortDiagnostics, type Analysis, type Diagnostic, type ParseCache } from '@mql/core';
import { collectMqlFiles, nodeHost } from '../host.js';
import { lintCheckedPrograms } from '../lints.js';
import { FileIndex, colors, countBySeverity, formatDiagnostics, plural, uniqueDiagnostics } from '../report.js';

export interface CheckOutcome {
  files: string[];
  diagnostics: Diagnostic[];
  index: FileIndex;
}

/** Checks each file as the entry of its own program; files shared through imports are parsed once. */
export function checkFiles(targets: readonly string[]): CheckOutcome {
  const files = collectMqlFiles(targets);
  const cache: ParseCache = new Map();
  const index = new FileIndex();
  const all: Diagnostic[] = [];
  const analyses: Analysis[] = [];
  for (const file of files) {
    const analysis = analyzeProgram(file, nodeHost, cache);
    index.add(analysis.files);
    all.push(...analysis.diagnostics);
    analyses.push(analysis);
  }
  // Lints (3xxx, warnings unless mql.config.json says otherwise) after the checker's diagnostics.
  all.push(...lintCheckedPrograms(analyses));
  return { files, diagnostics: sortDiagnostics(uniqueDiagnostics(all)), index };
}

export function runCheck(targets: readonly string[]): number {
  const { files, diagnostics, index } = checkFiles(targets);
  if (diagnostics.length > 0) process.stdout.write(`${formatDiagnostics(diagnostics, index)}\n\n`);
  const { errors, warnings } = countBySeverity(diagnostics);
  const summary = `Checked ${plural(files.length, 'file')}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
  process.stdout.write(`${errors > 0 ? colors.red(summary) : colors.green(summary)}\n`);
  return errors > 0 ? 1 : 0;
}

// `mql check [files or folders]`: every .mql file (and what it imports) is parsed and checked;
// diagnostics are printed with their source lines (`--format pretty`), or as JSON, SARIF or GitHub
// annotations (formats/); exit 0 when there is no error, 1 otherwise.
// Lints are checked too (core's lintPrograms), with severities from the nearest mql.config.json (config.ts).

import { analyzeProgram, lintPrograms, sortDiagnostics, uniqueDiagnostics, type Analysis, type Diagnostic, type ParseCache } from '@mql/core';
import { InvalidArgumentError } from 'commander';
import { formatCheckOutput, type CheckFormat } from '../formats/index.js';
import { configLookup } from '../config.js';
import { collectMqlFiles, nodeHost } from '../host.js';
import { FileIndex, colors, countBySeverity, formatDiagnostics, plural } from '../report.js';

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
  const configs = configLookup();
  all.push(...lintPrograms(analyses, (entry) => configs.forFile(entry)));
  return { files, diagnostics: sortDiagnostics(uniqueDiagnostics(all)), index };
}

export interface CheckOptions {
  format?: CheckFormat;
  /** Exit 1 when there are more warnings than this. */
  maxWarnings?: number;
}

/**
 * Exit codes: 0 no errors (and no more warnings than --max-warnings), 1 errors or too many
 * warnings, 2 usage or internal failures (thrown, handled in main.ts). Machine formats print only
 * their document on stdout; the summary line goes to stderr for them.
 */
export function runCheck(targets: readonly string[], options: CheckOptions = {}): number {
  const { files, diagnostics, index } = checkFiles(targets);
  const format = options.format ?? 'pretty';
  if (format === 'pretty') {
    if (diagnostics.length > 0) process.stdout.write(`${formatDiagnostics(diagnostics, index)}\n\n`);
  } else {
    process.stdout.write(formatCheckOutput(format, { files, diagnostics, lineMapOf: index.lineMapOf }));
  }
  const { errors, warnings } = countBySeverity(diagnostics);
  const tooManyWarnings = options.maxWarnings !== undefined && warnings > options.maxWarnings;
  const summary = `Checked ${plural(files.length, 'file')}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
  const failed = errors > 0 || tooManyWarnings;
  const lines = [failed ? colors.red(summary) : colors.green(summary)];
  if (tooManyWarnings) lines.push(colors.red(`Too many warnings: ${warnings}, at most ${options.maxWarnings} allowed (--max-warnings)`));
  (format === 'pretty' ? process.stdout : process.stderr).write(`${lines.join('\n')}\n`);
  return failed ? 1 : 0;
}

export const CHECK_EXIT_CODES = `
Exit codes:
  0  no errors (and no more warnings than --max-warnings)
  1  errors, or more warnings than --max-warnings
  2  usage errors (unknown option, missing file, invalid mql.config.json) and internal failures`;

/** Parses --max-warnings; commander reports the error and exits 2. */
export function nonNegativeInteger(text: string): number {
  if (!/^\d+$/.test(text.trim())) throw new InvalidArgumentError('expected a whole number, 0 or more');
  return Number(text);
}

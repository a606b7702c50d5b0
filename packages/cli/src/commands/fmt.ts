// `mql fmt [--check] [files or folders]`: rewrites .mql files in the canonical layout (core's
// formatText). Only files that change are written. A file with syntax errors is reported with its
// diagnostics and never rewritten. `--check` writes nothing, lists the files that would change and
// exits 1 when there is any. `--stdin` (or the path `-`) formats standard input to standard output.
// Exit codes: 0 all formatted (or already canonical), 1 syntax errors or (with --check) changes.

import { readFileSync, writeFileSync } from 'node:fs';
import { formatText, parseProgramFile, type Diagnostic } from '@mql/core';
import type { Command } from 'commander';
import { collectMqlFiles, displayPath } from '../host.js';
import { FileIndex, colors, formatDiagnostics, plural } from '../report.js';

export interface FmtOptions {
  check?: boolean;
  stdin?: boolean;
}

export function registerFmtCommand(program: Command, finish: (code: number) => void): void {
  program
    .command('fmt')
    .description('Format .mql files in the canonical layout (files with syntax errors are left alone).')
    .argument('[paths...]', 'files or folders (every .mql file below a folder); `-` for standard input', [])
    .option('--check', 'write nothing; list the files that would change and exit 1 if there are any')
    .option('--stdin', 'format standard input to standard output')
    .action((paths: string[], options: FmtOptions) => finish(runFmt(paths, options)));
}

export function runFmt(targets: readonly string[], options: FmtOptions): number {
  if (options.stdin || (targets.length === 1 && targets[0] === '-')) return formatStdin();
  const files = collectMqlFiles(targets);
  const changed: string[] = [];
  const broken: Diagnostic[] = [];
  const index = new FileIndex();
  let brokenFiles = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const result = formatText(text, file);
    if (result.text === undefined) {
      brokenFiles++;
      broken.push(...result.diagnostics);
      index.add([parseProgramFile(file, text)]);
      continue;
    }
    if (result.text === text) continue;
    changed.push(file);
    if (!options.check) writeFileSync(file, result.text);
  }
  if (broken.length > 0) process.stderr.write(`${formatDiagnostics(broken, index)}\n\n`);
  for (const file of changed) process.stdout.write(`${options.check ? 'Would reformat' : 'Formatted'} ${displayPath(file)}\n`);
  process.stdout.write(`${summary(files.length, changed.length, brokenFiles, options.check === true)}\n`);
  return brokenFiles > 0 || (options.check && changed.length > 0) ? 1 : 0;
}

function summary(total: number, changed: number, broken: number, check: boolean): string {
  const parts = [check ? `${plural(changed, 'file')} would be reformatted` : `formatted ${plural(changed, 'file')}`];
  parts.push(`${plural(total - changed - broken, 'file')} already formatted`);
  if (broken > 0) parts.push(`${plural(broken, 'file')} with syntax errors left unchanged`);
  const line = `${plural(total, 'file')}: ${parts.join(', ')}`;
  return broken > 0 || (check && changed > 0) ? colors.red(line) : colors.green(line);
}

function formatStdin(): number {
  const file = '<stdin>';
  const text = readFileSync(0, 'utf8');
  const result = formatText(text, file);
  if (result.text === undefined) {
    const index = new FileIndex();
    index.add([parseProgramFile(file, text)]);
    process.stderr.write(`${formatDiagnostics(result.diagnostics, index)}\n`);
    return 1;
  }
  process.stdout.write(result.text);
  return 0;
}

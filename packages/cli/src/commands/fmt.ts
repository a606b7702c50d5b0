// `mql fmt [--check] [files or folders]`: rewrites .mql files in the canonical layout (core's
// formatText). Only files that change are written. A file with syntax errors is reported with its
// diagnostics and never rewritten. `--check` writes nothing, lists the files that would change and
// exits 1 when there is any. `--stdin` (or the path `-`) formats standard input to standard output.
// Exit codes: 0 all formatted (or already canonical), 1 syntax errors or (with --check) changes,
// 2 when a file could not be read or written (each is reported, and the other files are done).

import { accessSync, chmodSync, constants, readFileSync, renameSync, rmSync, statSync, writeFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { readTextFile } from '@mql/node-host';
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
  const failed: string[] = [];
  for (const file of files) {
    const text = readTextFile(file);
    if (typeof text !== 'string') {
      failed.push(`cannot read ${displayPath(file)}: ${text?.problem ?? 'no such file'}`);
      continue;
    }
    const result = formatText(text, file);
    if (result.text === undefined) {
      brokenFiles++;
      broken.push(...result.diagnostics);
      index.add([parseProgramFile(file, text)]);
      continue;
    }
    if (result.text === text) continue;
    const problem = options.check ? undefined : replaceFile(file, result.text);
    if (problem === undefined) changed.push(file);
    else failed.push(`cannot write ${displayPath(file)}: ${problem}`);
  }
  if (broken.length > 0) process.stderr.write(`${formatDiagnostics(broken, index)}\n\n`);
  for (const file of changed) process.stdout.write(`${options.check ? 'Would reformat' : 'Formatted'} ${displayPath(file)}\n`);
  for (const message of failed) process.stderr.write(`mql: ${message}\n`);
  process.stdout.write(`${summary(files.length - failed.length, changed.length, brokenFiles, options.check === true)}\n`);
  if (failed.length > 0) return 2;
  return brokenFiles > 0 || (options.check && changed.length > 0) ? 1 : 0;
}

/**
 * Writes through a temporary file beside the real file, then renames it over, so a crash or a full
 * disk never leaves half a file. A symlink stays a symlink (its target is replaced), the mode is
 * kept, and a file the user may not write is refused rather than replaced. Returns why it failed.
 */
function replaceFile(file: string, text: string): string | undefined {
  let temp: string | undefined;
  try {
    const real = realpathSync(file);
    accessSync(real, constants.W_OK);
    temp = path.join(path.dirname(real), `.${path.basename(real)}.${process.pid}.mql-fmt.tmp`);
    writeFileSync(temp, text, { flag: 'wx' });
    chmodSync(temp, statSync(real).mode & 0o7777); // exact, whatever the umask
    renameSync(temp, real);
    return undefined;
  } catch (error) {
    if (temp !== undefined) rmSync(temp, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'permission denied' : (error as Error).message;
  }
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

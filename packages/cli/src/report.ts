// Printing diagnostics for people: the core renderer with colours when the terminal has them, and
// the summary line every command ends with.

import { renderDiagnostic, type Diagnostic, type LineMap, type ProgramFile, type RenderStyle } from '@mql/core';
import pc from 'picocolors';
import { displayPath } from './host.js';

export const colors = pc.createColors(pc.isColorSupported && !process.env.NO_COLOR);

export const terminalStyle: RenderStyle = {
  error: colors.red,
  warning: colors.yellow,
  info: colors.cyan,
  bold: colors.bold,
  dim: colors.dim,
};

/** Line maps of every file seen so far, for rendering diagnostics that point into them. */
export class FileIndex {
  private readonly lines = new Map<string, LineMap>();

  add(files: readonly ProgramFile[]): void {
    for (const file of files) this.lines.set(file.path, file.lines);
  }

  lineMapOf = (file: string): LineMap | undefined => this.lines.get(file);
}

export function formatDiagnostics(diagnostics: readonly Diagnostic[], files: FileIndex): string {
  return diagnostics.map((d) => renderDiagnostic(d, { lineMapOf: files.lineMapOf, displayPath, style: terminalStyle })).join('\n\n');
}

export function countBySeverity(diagnostics: readonly Diagnostic[]): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const d of diagnostics) {
    if (d.severity === 'error') errors++;
    else if (d.severity === 'warning') warnings++;
  }
  return { errors, warnings };
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

// Quick fixes: the fixes the checker attached to its diagnostics ("did you mean" replacements,
// a missing required field added to a test's lead), offered for the diagnostics in a range;
// "ignore here" for a lint (a `// mql-ignore CODE` line above it); and "fix all" (every fix that
// is the only one of its diagnostic, as `source.fixAll.mql`).

import type { Span } from '../syntax/ast.js';
import type { Analysis } from '../check/checker.js';
import type { ProgramFile } from '../check/program.js';
import type { Diagnostic, TextEdit } from '../diagnostics.js';

export interface CodeAction {
  title: string;
  kind: 'quickfix' | 'source.fixAll.mql';
  /** The diagnostic the action fixes (none for "fix all"). */
  diagnostic?: Diagnostic;
  edits: TextEdit[];
  /** The only fix of its diagnostic: an editor may apply it on "fix all" or a shortcut. */
  preferred: boolean;
}

/**
 * Fixes of the diagnostics of `file` that overlap `range` (or touch it, for an empty range): the
 * checker's, and those of `lints` (remove an unused list or segment, swap `between` bounds). Lint
 * fixes are neither preferred nor part of "fix all": removing a declaration on save would delete
 * code being written.
 */
export function codeActionsFor(analysis: Analysis, file: string, range: Span, lints: readonly Diagnostic[] = []): CodeAction[] {
  const overlaps = (span: Span) => span.start <= range.end && range.start <= span.end;
  return [...analysis.diagnostics, ...lints]
    .filter((diagnostic) => diagnostic.file === file && diagnostic.fixes.length > 0 && overlaps(diagnostic.span))
    .flatMap((diagnostic) =>
      diagnostic.fixes.map((fix) => ({
        title: fix.title,
        kind: 'quickfix' as const,
        diagnostic,
        edits: fix.edits,
        // A lint's fix changes what the author wrote on purpose: never applied without a look.
        preferred: diagnostic.fixes.length === 1 && !diagnostic.code.startsWith('MQL3'),
      })),
    );
}

/** "Ignore here": a `// mql-ignore CODE` line above each lint (MQL3xxx) of `lints` in `range`. */
export function ignoreActions(file: ProgramFile, lints: readonly Diagnostic[], range: Span): CodeAction[] {
  const overlaps = (span: Span) => span.start <= range.end && range.start <= span.end;
  return lints
    .filter((d) => d.file === file.path && d.code.startsWith('MQL3') && overlaps(d.span))
    .map((diagnostic) => {
      const lineStart = file.text.lastIndexOf('\n', diagnostic.span.start - 1) + 1;
      const indent = /^[ \t]*/.exec(file.text.slice(lineStart))![0];
      const newText = `${indent}// mql-ignore ${diagnostic.code}\n`;
      return {
        title: `Ignore ${diagnostic.code} here`,
        kind: 'quickfix' as const,
        diagnostic,
        edits: [{ file: file.path, span: { start: lineStart, end: lineStart }, newText }],
        preferred: false,
      };
    });
}

/** Every fix of `file` that is the only one of its diagnostic, when they do not overlap. */
export function fixAll(analysis: Analysis, file: string): CodeAction | undefined {
  const edits: TextEdit[] = [];
  for (const diagnostic of analysis.diagnostics) {
    if (diagnostic.file !== file || diagnostic.fixes.length !== 1) continue;
    for (const edit of diagnostic.fixes[0]!.edits) {
      if (edit.file !== file || edits.some((e) => e.span.start < edit.span.end && edit.span.start < e.span.end)) continue;
      edits.push(edit);
    }
  }
  return edits.length > 0 ? { title: 'Fix all MQL problems', kind: 'source.fixAll.mql', edits, preferred: false } : undefined;
}

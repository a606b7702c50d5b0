// Quick fixes: the fixes the checker attached to its diagnostics ("did you mean" replacements,
// a missing required field added to a test's lead), offered for the diagnostics in a range.

import type { Span } from '../syntax/ast.js';
import type { Analysis } from '../check/checker.js';
import type { Diagnostic, TextEdit } from '../diagnostics.js';

export interface CodeAction {
  title: string;
  kind: 'quickfix';
  /** The diagnostic the action fixes. */
  diagnostic: Diagnostic;
  edits: TextEdit[];
  /** The only fix of its diagnostic: an editor may apply it on "fix all" or a shortcut. */
  preferred: boolean;
}

/** Fixes of the diagnostics of `file` that overlap `range` (or touch it, for an empty range). */
export function codeActionsFor(analysis: Analysis, file: string, range: Span): CodeAction[] {
  const overlaps = (span: Span) => span.start <= range.end && range.start <= span.end;
  return analysis.diagnostics
    .filter((diagnostic) => diagnostic.file === file && diagnostic.fixes.length > 0 && overlaps(diagnostic.span))
    .flatMap((diagnostic) =>
      diagnostic.fixes.map((fix) => ({
        title: fix.title,
        kind: 'quickfix' as const,
        diagnostic,
        edits: fix.edits,
        preferred: diagnostic.fixes.length === 1,
      })),
    );
}

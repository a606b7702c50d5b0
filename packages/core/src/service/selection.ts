// Structure-based editor features over one parsed file: selection ranges (expand selection grows
// from the token to each enclosing syntax node, then the declaration and the file), range
// formatting (the formatter run on each declaration the range touches, so a declaration can be
// formatted while another one is still broken), and document links for `import` paths.

import type { Span } from '../syntax/ast.js';
import type { ProgramFile } from '../check/program.js';
import { formatText } from '../format/format.js';
import { declarationIndexBefore, tokenEnd, tokensBetween } from './source.js';

/** The spans around `offset`, innermost first, each inside the next: token, syntax nodes, declaration, file. */
export function selectionRanges(file: ProgramFile, offset: number): Span[] {
  const spans: Span[] = [];
  const decls = file.ast.decls;
  const decl = decls[declarationIndexBefore(decls, offset)];
  if (decl && offset <= decl.span.end) {
    const token = tokensBetween(file.text, decl.span.start, decl.span.end).find((t) => t.startOffset <= offset && offset <= tokenEnd(t));
    if (token) spans.push({ start: token.startOffset, end: tokenEnd(token) });
    spans.push(...nodeSpansAround(decl, offset));
  }
  spans.push({ start: 0, end: file.text.length });
  // Innermost first, each strictly larger than the one before and containing it.
  spans.sort((a, b) => a.end - a.start - (b.end - b.start));
  const nested: Span[] = [];
  for (const span of spans) {
    const last = nested[nested.length - 1];
    if (!last || (span.start <= last.start && span.end >= last.end && (span.start < last.start || span.end > last.end))) nested.push(span);
  }
  return nested;
}

/**
 * The spans of the syntax nodes (objects with a `span`) that contain `offset`, found by walking the
 * declaration's tree with an explicit stack (a deeply nested expression cannot overflow it).
 */
function nodeSpansAround(root: object, offset: number): Span[] {
  const found: Span[] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null) continue;
    if (Array.isArray(node)) {
      stack.push(...node);
      continue;
    }
    const span = (node as { span?: Span }).span;
    if (span && typeof span.start === 'number' && !(span.start <= offset && offset <= span.end)) continue;
    if (span && typeof span.start === 'number') found.push({ start: span.start, end: span.end });
    for (const [key, value] of Object.entries(node)) if (key !== 'span' && typeof value === 'object') stack.push(value);
  }
  return found;
}

/**
 * Edits that format the declarations `span` touches, each on its own (comments between
 * declarations and the others are left as they are). A declaration with a syntax error is left
 * as it is, as `mql fmt` leaves a file with one.
 */
export function formatRange(file: ProgramFile, span: Span): { span: Span; newText: string }[] {
  const edits: { span: Span; newText: string }[] = [];
  for (const decl of file.ast.decls) {
    if (decl.span.end < span.start || decl.span.start > span.end) continue;
    const original = file.text.slice(decl.span.start, decl.span.end);
    const formatted = formatText(original, file.path).text?.replace(/\n$/, '');
    if (formatted !== undefined && formatted !== original) edits.push({ span: decl.span, newText: formatted });
  }
  return edits;
}

/** Each `import` path that names a file of the program, linked to that file. */
export function documentLinks(file: ProgramFile, programFiles: readonly string[]): { span: Span; target: string }[] {
  return file.imports.filter(({ decl, target }) => decl.path && programFiles.includes(target)).map(({ decl, target }) => ({ span: decl.path!.span, target }));
}

// Folding ranges: declarations and the blocks inside them (nested objects, test literals), block
// comments, runs of line comments and runs of imports. Lines are 0-based; a range ends on the line
// before a closing `}` so the brace stays visible when folded.

import type { Declaration, FieldDecl, ObjectLiteral, Span } from '../syntax/ast.js';
import type { ProgramFile } from '../check/program.js';

export interface FoldingRange {
  startLine: number;
  endLine: number;
  kind?: 'comment' | 'imports';
}

export function foldingRanges(file: ProgramFile): FoldingRange[] {
  const ranges: FoldingRange[] = [];
  const add = (span: Span, kind?: FoldingRange['kind']) => {
    const startLine = file.lines.position(span.start).line;
    const end = file.lines.position(span.end);
    const closesWithBrace = file.text[span.end - 1] === '}' && file.lines.lineText(end.line).trim().startsWith('}');
    const endLine = closesWithBrace ? end.line - 1 : end.line;
    if (endLine > startLine) ranges.push(kind ? { startLine, endLine, kind } : { startLine, endLine });
  };
  for (const decl of file.ast.decls) {
    if (decl.kind === 'Import') continue;
    add(decl.span);
    for (const span of innerBlocks(decl)) add(span);
  }
  foldRuns(file, file.ast.decls.filter((d) => d.kind === 'Import').map((d) => d.span), 'imports', ranges);
  for (const comment of file.comments) if (comment.kind === 'block') add(comment.span, 'comment');
  foldRuns(file, file.comments.filter((c) => c.kind !== 'block').map((c) => c.span), 'comment', ranges);
  return ranges.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
}

function innerBlocks(decl: Declaration): Span[] {
  switch (decl.kind) {
    case 'Lead':
    case 'Event':
      return objectTypes(decl.fields);
    case 'Test':
      return [...decl.leads, ...decl.events.flatMap((e) => (e.attributes ? [e.attributes] : []))].flatMap(objectLiterals);
    case 'Score':
      return decl.body?.kind === 'Rules' ? decl.body.rules.map((rule) => rule.span) : [];
    case 'Stage':
      return decl.clauses.map((clause) => clause.span);
    default:
      return [];
  }
}

function objectTypes(fields: readonly FieldDecl[]): Span[] {
  return fields.flatMap((field) => (field.type?.kind === 'ObjectType' ? [field.type.span, ...objectTypes(field.type.fields)] : []));
}

function objectLiterals(literal: ObjectLiteral): Span[] {
  const nested = literal.entries.flatMap((entry) => (entry.value?.kind === 'Object' ? objectLiterals(entry.value) : []));
  return [literal.span, ...nested];
}

/** Consecutive single-line items (one per line, nothing between) fold as one range. */
function foldRuns(file: ProgramFile, spans: Span[], kind: 'comment' | 'imports', ranges: FoldingRange[]): void {
  let runStart = -1;
  let runEnd = -1;
  const flush = () => {
    if (runEnd > runStart && runStart >= 0) ranges.push({ startLine: runStart, endLine: runEnd, kind });
  };
  for (const span of spans) {
    const line = file.lines.position(span.start).line;
    if (line === runEnd + 1 && runStart >= 0) runEnd = file.lines.position(span.end).line;
    else {
      flush();
      runStart = line;
      runEnd = file.lines.position(span.end).line;
    }
  }
  flush();
}

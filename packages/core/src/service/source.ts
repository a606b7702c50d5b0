// Helpers the editor features share: finding a file of an analysis, the declaration at an offset,
// the tokens of part of a file, and how types and declarations read in hovers and completions.

import type { IToken } from 'chevrotain';
import type { Declaration, Span } from '../syntax/ast.js';
import type { Analysis } from '../check/checker.js';
import * as T from '../syntax/lexer.js';
import type { ProgramFile } from '../check/program.js';
import { formatMembers, type Type } from '../check/types.js';

export function programFile(analysis: Analysis, path: string): ProgramFile | undefined {
  return analysis.files.find((file) => file.path === path);
}

/** Whether `offset` lies in `span`, counting its end (a cursor right after a name is on it). */
export function touches(span: Span, offset: number): boolean {
  return span.start <= offset && offset <= span.end;
}

/** Index of the last declaration that starts at or before `offset`, or -1. */
export function declarationIndexBefore(decls: readonly Declaration[], offset: number): number {
  let low = 0;
  let high = decls.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (decls[mid]!.span.start <= offset) {
      found = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  return found;
}

/**
 * The parser's tokens of `text[start, end)` with offsets into the whole text. `start` must be a
 * place where the lexer is between tokens, such as the start or end of a declaration.
 */
export function tokensBetween(text: string, start: number, end: number): IToken[] {
  const { tokens } = T.tokenize(text.slice(start, end), '');
  for (const token of tokens) {
    token.startOffset += start;
    if (token.endOffset !== undefined) token.endOffset += start;
  }
  return tokens;
}

export function tokenEnd(token: IToken): number {
  return token.startOffset + token.image.length;
}

const WORD_TOKENS = new Set<string>([T.Identifier.name, ...T.KEYWORDS.map((k) => T.keywordTokens[k].name)]);

/** Identifiers and keywords: what a person may be in the middle of typing. */
export function isWordToken(token: IToken): boolean {
  return WORD_TOKENS.has(token.tokenType.name) && token.tokenType !== T.HalfLife;
}

/** A type as written in a schema: `number`, `"a" | "b"`, `list of string`, `{ … }`. */
export function typeText(type: Type): string {
  switch (type.kind) {
    case 'enum':
      return type.name ? `label of ${type.name}` : type.members.map((m) => JSON.stringify(m)).join(' | ');
    case 'object':
      return `{ ${[...type.fields.values()].map((f) => `${f.name}${f.optional ? '?' : ''}: ${typeText(f.type)}`).join(', ')} }`;
    case 'list':
      return `list of ${typeText(type.element)}`;
    case 'literalList':
      return 'list';
    case 'error':
      return 'unknown';
    default:
      return type.kind;
  }
}

/** A short form for completion details, where long enums are cut. */
export function shortTypeText(type: Type): string {
  if (type.kind === 'enum' && !type.name) return formatMembers(type.members);
  if (type.kind === 'object') return '{ … }';
  return typeText(type);
}

/** The source text of a node, with long texts cut after `maxLines` lines. */
export function sourceText(file: ProgramFile, span: Span, maxLines = 40): string {
  const lines = file.text.slice(span.start, span.end).split(/\r?\n/);
  const shown = lines.length > maxLines ? [...lines.slice(0, maxLines), '  …'] : lines;
  return dedent(shown).join('\n');
}

/** Removes the indentation the continuation lines share (the first line starts at the span). */
function dedent(lines: string[]): string[] {
  const rest = lines.slice(1).filter((line) => line.trim() !== '');
  const indents = rest.map((line) => line.length - line.trimStart().length);
  const closing = lines[lines.length - 1]!;
  const base = Math.min(...indents, closing.trim() === '}' ? closing.length - closing.trimStart().length : Infinity);
  if (!Number.isFinite(base) || base === 0) return lines;
  return [lines[0]!, ...lines.slice(1).map((line) => line.slice(Math.min(base, line.length - line.trimStart().length)))];
}

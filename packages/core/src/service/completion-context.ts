// Where the cursor is, for completion: the word being typed, the tokens before it, and what the
// grammar allows next there. The grammar answer comes from the parser itself (Chevrotain's content
// assist over the tokens of the current declaration), so completion knows exactly which keywords
// and names fit, even in a file that is broken elsewhere or unfinished at the cursor.

import type { IToken, ISyntacticContentAssistPath, TokenType } from 'chevrotain';
import type { Declaration, Span } from '../syntax/ast.js';
import * as T from '../syntax/lexer.js';
import { mqlParser } from '../syntax/parser.js';
import type { ProgramFile } from '../check/program.js';
import { declarationIndexBefore, isWordToken, tokenEnd, tokensBetween } from './source.js';

export interface CursorContext {
  offset: number;
  /** The span the completion replaces: the word or string at the cursor, or an empty span. */
  replace: Span;
  /** The typed part of the word or string, up to the cursor. */
  typed: string;
  /** The string token the cursor is inside, if any. */
  inString?: IToken;
  /** The tokens of the current declaration before the word at the cursor. */
  before: IToken[];
  /** What the grammar accepts next: token types with the rule stack that expects them. */
  next: ISyntacticContentAssistPath[];
  /** The declaration the cursor is in: its keyword and name, e.g. `stage` and `SAL`. */
  owner?: { keyword: TokenType; name: string };
}

/** Undefined when the cursor is somewhere nothing can be completed (a comment, a number). */
export function cursorContext(file: ProgramFile, offset: number): CursorContext | undefined {
  if (file.comments.some((c) => c.span.start < offset && (offset < c.span.end || (c.kind !== 'block' && offset === c.span.end)))) {
    return undefined;
  }
  const decls = file.ast.decls;
  const index = declarationIndexBefore(decls, offset);
  const start = index >= 0 ? decls[index]!.span.start : 0;
  const lineEnd = file.lines.lineEnd(file.lines.position(offset).line);
  const tokens = tokensBetween(file.text, start, Math.max(lineEnd, offset));
  const atCursor = tokens.find((t) => t.startOffset < offset && offset <= tokenEnd(t));

  let replace: Span = { start: offset, end: offset };
  let inString: IToken | undefined;
  if (atCursor?.tokenType === T.StringLit) {
    const closed = atCursor.image.length > 1 && atCursor.image.endsWith('"') && !atCursor.image.endsWith('\\"');
    if (closed && offset === tokenEnd(atCursor)) return contextAfter(tokens, offset, replace, file, index);
    inString = atCursor;
    replace = { start: atCursor.startOffset, end: tokenEnd(atCursor) };
  } else if (atCursor && isWordToken(atCursor)) {
    replace = { start: atCursor.startOffset, end: tokenEnd(atCursor) };
  } else if (atCursor && offset < tokenEnd(atCursor)) {
    return undefined; // inside a number, a date or an operator
  } else if (atCursor && [T.NumberLit, T.DurationLit, T.DateLit].includes(atCursor.tokenType)) {
    return undefined; // right after a number: a unit or more digits follow, not a name
  }
  const context = contextAfter(tokens, replace.start, replace, file, index);
  return { ...context, offset, inString, typed: file.text.slice(replace.start, offset) };
}

function contextAfter(tokens: IToken[], wordStart: number, replace: Span, file: ProgramFile, index: number): CursorContext {
  const before = tokens.filter((t) => tokenEnd(t) <= wordStart);
  const { next, from } = contentAssist(before, file, index);
  return { offset: wordStart, replace, typed: '', before: before.slice(from), next, owner: ownerOf(before) };
}

const NAMED_DECLARATIONS = new Set<TokenType>([T.Event, T.List, T.Segment, T.Score, T.Grade, T.Stage]);

/**
 * The declaration the tokens end in: the last declaration keyword outside any `{ }` followed by
 * its name. The tokens start at a declaration boundary, so the brace depth there is 0.
 */
function ownerOf(tokens: readonly IToken[]): CursorContext['owner'] {
  let depth = 0;
  let owner: CursorContext['owner'];
  tokens.forEach((token, i) => {
    if (token.tokenType === T.LCurly) depth++;
    else if (token.tokenType === T.RCurly) depth = Math.max(0, depth - 1);
    else if (depth === 0 && NAMED_DECLARATIONS.has(token.tokenType) && tokens[i + 1]?.tokenType === T.Identifier) {
      owner = { keyword: token.tokenType, name: tokens[i + 1]!.image };
    }
  });
  return owner;
}

// Rules a statement inside each kind of block starts with, for the fallback below.
const STATEMENT_RULES: Partial<Record<Declaration['kind'], string[]>> = {
  Score: ['scoreRule', 'expression'],
  Stage: ['stageClause'],
  Grade: ['gradeBand', 'elseBand'],
  Test: ['testItem'],
  Lead: ['field'],
  Event: ['field'],
  Segment: ['expression'],
};

/**
 * What can come next after `before`. First from the start of the declaration (the tokens then
 * also hold any finished declaration just before a new one). When an earlier error in the same
 * declaration makes that impossible, from the start of a later line, read as a statement of the
 * enclosing block: authors start rules, clauses and fields on lines of their own.
 */
function contentAssist(before: IToken[], file: ProgramFile, index: number): { next: ISyntacticContentAssistPath[]; from: number } {
  const whole = suggestionsFor('file', before);
  if (whole.length > 0) return { next: whole, from: 0 };
  const decl = index >= 0 ? file.ast.decls[index] : undefined;
  const afterDecl = decl ? before.findIndex((t) => t.startOffset >= decl.span.end) : -1;
  if (afterDecl > 0) {
    const fresh = suggestionsFor('file', before.slice(afterDecl));
    if (fresh.length > 0) return { next: fresh, from: afterDecl };
  }
  const rules = (decl && STATEMENT_RULES[decl.kind]) ?? ['expression'];
  for (const start of lineStarts(before, file).reverse()) {
    for (const rule of rules) {
      const next = suggestionsFor(rule, before.slice(start));
      if (next.length > 0) return { next, from: start };
    }
  }
  return { next: [], from: before.length };
}

function suggestionsFor(rule: string, tokens: IToken[]): ISyntacticContentAssistPath[] {
  try {
    return mqlParser.computeContentAssist(rule, tokens);
  } catch {
    return []; // content assist has no recovery; a token it cannot place is simply no answer
  }
}

/** Indexes of tokens that are the first on their line (the first token excluded), at most 50. */
function lineStarts(tokens: IToken[], file: ProgramFile): number[] {
  const starts: number[] = [];
  let previousLine = -1;
  tokens.forEach((token, i) => {
    const line = file.lines.position(token.startOffset).line;
    if (i > 0 && line !== previousLine) starts.push(i);
    previousLine = line;
  });
  return starts.slice(-50);
}

// ---------------------------------------------------------------------------------------------
// Reading the context

export function expects(context: CursorContext, type: TokenType, ruleName?: string): boolean {
  return context.next.some((s) => s.nextTokenType === type && (!ruleName || s.ruleStack[s.ruleStack.length - 1] === ruleName));
}

/** The rule stacks under which an identifier may come next. */
export function identifierRules(context: CursorContext): string[][] {
  return context.next.filter((s) => s.nextTokenType === T.Identifier).map((s) => s.ruleStack);
}

export function lastToken(context: CursorContext, back = 1): IToken | undefined {
  return context.before[context.before.length - back];
}

/** The path segments just before a trailing `.`: `company.` → [company]. */
export function pathBeforeDot(tokens: readonly IToken[]): IToken[] | undefined {
  let i = tokens.length - 1;
  if (tokens[i]?.tokenType !== T.Dot) return undefined;
  const segments: IToken[] = [];
  while (i >= 1 && tokens[i]!.tokenType === T.Dot && isPathSegment(tokens[i - 1]!)) {
    segments.unshift(tokens[i - 1]!);
    i -= 2;
  }
  return segments.length > 0 ? segments : undefined;
}

/** The path that ends just before `tokens[end]` (exclusive), e.g. the subject of `x.y ==`. */
export function pathEndingAt(tokens: readonly IToken[], end: number): IToken[] | undefined {
  let i = end - 1;
  if (i < 0 || !isPathSegment(tokens[i]!)) return undefined;
  const segments = [tokens[i]!];
  while (i >= 2 && tokens[i - 1]!.tokenType === T.Dot && isPathSegment(tokens[i - 2]!)) {
    segments.unshift(tokens[i - 2]!);
    i -= 2;
  }
  return segments;
}

function isPathSegment(token: IToken): boolean {
  return token.tokenType === T.Identifier || token.tokenType === T.Lead || token.tokenType === T.At;
}

const OPENERS = new Set<TokenType>([T.LParen, T.LBracket, T.LCurly]);
const CLOSERS = new Set<TokenType>([T.RParen, T.RBracket, T.RCurly]);

/**
 * Index of the innermost bracket opened before the end of `tokens` and not closed, of one of
 * `kinds`; -1 when there is none. Brackets closed in between are skipped.
 */
export function enclosingOpener(tokens: readonly IToken[], kinds: readonly TokenType[]): number {
  let depth = 0;
  for (let i = tokens.length - 1; i >= 0; i--) {
    const type = tokens[i]!.tokenType;
    if (CLOSERS.has(type)) depth++;
    else if (OPENERS.has(type)) {
      if (depth === 0) return kinds.includes(type) ? i : -1;
      depth--;
    }
  }
  return -1;
}

/**
 * The event whose attributes are in scope at the end of `tokens`: the query of the nearest `where`
 * at this bracket level (`page_view within 30d where …`).
 */
export function queryEventBefore(tokens: readonly IToken[]): string | undefined {
  let depth = 0;
  for (let i = tokens.length - 1; i >= 0; i--) {
    const type = tokens[i]!.tokenType;
    if (CLOSERS.has(type)) depth++;
    else if (OPENERS.has(type)) depth = Math.max(0, depth - 1);
    else if (type === T.Where && depth === 0) {
      const name = tokens[i - 1]?.tokenType === T.DurationLit && tokens[i - 2]?.tokenType === T.Within ? tokens[i - 3] : tokens[i - 1];
      return name?.tokenType === T.Identifier ? name.image : undefined;
    }
  }
  return undefined;
}


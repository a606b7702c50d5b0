// The parsing front: text → tokens (lexer.ts) → CST (parser.ts) → AST (build-ast.ts), with every
// problem returned as a diagnostic. `parseFile` never throws, whatever the input.

import { EOF, type CstNode, type IRecognitionException, type IToken, type TokenType } from 'chevrotain';
import type { FileNode, Span } from './ast.js';
import { buildAst } from './build-ast.js';
import { makeDiagnostic, sortDiagnostics, type Diagnostic } from '../diagnostics.js';
import * as T from './lexer.js';
import { blamesPreviousToken, mqlParser, startsDeclarationLine } from './parser.js';

/** A comment, kept so hover can show docs and a formatter can print comments back. */
export interface Comment {
  kind: 'line' | 'block' | 'doc';
  /** The text between the delimiters (`//`, `///`, `/*` … `*\/`), exactly as written. */
  text: string;
  span: Span;
}

export interface ParseResult {
  ast: FileNode;
  diagnostics: Diagnostic[];
  comments: Comment[];
}

/**
 * Brackets (`(`, `[`, `{`) plus a run of prefix operators (`not`, `-`) deeper than this stop the
 * parse (MQL1008). Real rules nest a handful of levels. Each level costs the recursive-descent
 * parser about ten rule calls, and Chevrotain's error recovery walks the grammar on top of that
 * stack, so an unclosed `[` nested about 90 deep already overflows Node's default stack.
 */
export const MAX_NESTING_DEPTH = 64;

/** Used for a second attempt if the first still ran out of stack (a caller with a deep stack). */
const FALLBACK_NESTING_DEPTH = 16;

export function parseFile(text: string, file: string): ParseResult {
  try {
    return parseOrThrow(text, file);
  } catch (error) {
    // Last resort: a bug here must not take the editor or the CLI down with it.
    const message = `internal error while parsing (please report it): ${error instanceof Error ? error.message : String(error)}`;
    return {
      ast: { kind: 'File', decls: [], span: { start: 0, end: text.length } },
      diagnostics: [makeDiagnostic({ code: 'MQL1004', file, span: { start: 0, end: 0 }, args: { message } })],
      comments: [],
    };
  }
}

function parseOrThrow(text: string, file: string): ParseResult {
  const lexed = T.tokenize(text, file);
  let limited = limitNesting(lexed.tokens, file, MAX_NESTING_DEPTH);
  let cst: CstNode;
  try {
    cst = runParser(limited.tokens);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    limited = limitNesting(lexed.tokens, file, FALLBACK_NESTING_DEPTH);
    cst = runParser(limited.tokens);
  }
  const syntaxErrors = syntaxDiagnostics(mqlParser.errors, limited.tokens, file, limited.truncated);
  const docComments = lexed.comments.filter((comment) => comment.tokenType === T.DocComment);
  const built = buildAst(cst, { text, file, docComments });
  const diagnostics = sortDiagnostics(onePerPlace([
    ...lexed.diagnostics,
    ...limited.diagnostics,
    ...syntaxErrors,
    ...built.diagnostics,
  ]));
  return { ast: built.ast, diagnostics, comments: lexed.comments.map(toComment) };
}

/**
 * One syntax diagnostic per place, the earliest stage's: an unterminated string (lexer) is not
 * also "expected `:` after it" (parser), and `within 6` is not also "rule points need a sign"
 * (recovery read the `6` as a new rule). The first says what to fix; the rest repeat it.
 */
function onePerPlace(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<number>();
  return diagnostics.filter((d) => !seen.has(d.span.start) && (seen.add(d.span.start), true));
}

/**
 * Chevrotain recovers from syntax errors by throwing and catching exceptions; capturing a stack
 * trace for each is most of the cost of a file with thousands of errors, and nobody reads them.
 */
function runParser(tokens: IToken[]): CstNode {
  const savedLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  blamesPreviousToken.clear();
  try {
    mqlParser.input = tokens;
    return mqlParser.file();
  } finally {
    Error.stackTraceLimit = savedLimit;
  }
}

// ---------------------------------------------------------------------------------------------
// Nesting guard

const OPENERS = new Set<TokenType>([T.LParen, T.LBracket, T.LCurly]);
const CLOSERS = new Set<TokenType>([T.RParen, T.RBracket, T.RCurly]);
const PREFIX_OPERATORS = new Set<TokenType>([T.Not, T.Minus]);

interface LimitedTokens {
  tokens: IToken[];
  truncated: boolean;
  diagnostics: Diagnostic[];
}

/** Cuts the token stream at the first token nested deeper than `limit` (MQL1008). */
function limitNesting(tokens: IToken[], file: string, limit: number): LimitedTokens {
  let depth = 0;
  let prefixRun = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (OPENERS.has(token.tokenType)) depth++;
    else if (CLOSERS.has(token.tokenType)) depth = Math.max(0, depth - 1);
    prefixRun = PREFIX_OPERATORS.has(token.tokenType) ? prefixRun + 1 : 0;
    if (depth + prefixRun > limit) {
      const diagnostic = makeDiagnostic({
        code: 'MQL1008',
        file,
        span: T.tokenSpan(token),
        args: { limit },
      });
      return { tokens: tokens.slice(0, i), truncated: true, diagnostics: [diagnostic] };
    }
  }
  return { tokens, truncated: false, diagnostics: [] };
}

// ---------------------------------------------------------------------------------------------
// Syntax errors

function isRealToken(token: IToken | undefined): token is IToken {
  return token !== undefined && token.tokenType !== EOF && Number.isFinite(token.startOffset);
}

/**
 * One MQL1004 per position (recovery can stumble more than once on the same token). An error at
 * the end of input points just after the last token. When the nesting guard cut the input, errors
 * at the cut (unclosed brackets) are left out: MQL1008 already explains them.
 */
function syntaxDiagnostics(
  errors: IRecognitionException[],
  tokens: IToken[],
  file: string,
  truncated: boolean,
): Diagnostic[] {
  const lastToken = tokens[tokens.length - 1];
  const endOfInput = lastToken ? T.tokenSpan(lastToken).end : 0;
  const seen = new Set<number>();
  const diagnostics: Diagnostic[] = [];
  for (const error of errors) {
    const atEnd = !isRealToken(error.token);
    if (atEnd && truncated) continue;
    if (!atEnd && isCascade(error, tokens, diagnostics)) continue;
    const span = atEnd ? { start: endOfInput, end: endOfInput } : errorSpan(error, tokens);
    if (seen.has(span.start)) continue;
    seen.add(span.start);
    diagnostics.push(makeDiagnostic({ code: 'MQL1004', file, span, args: { message: error.message } }));
  }
  return diagnostics;
}

/**
 * Where a syntax error is shown: on the token the parser stumbled on, unless that token starts a
 * later line than the token before it and the message says what is missing after that one. Then
 * the error is about the unfinished line above (`"Hea"`
 * typed before the `}` an editor inserted): it is shown on the last token of that line, where the
 * author's cursor is, and not on the correct line below.
 */
function errorSpan(error: IRecognitionException, tokens: IToken[]): Span {
  const token = error.token;
  const previous = blamesPreviousToken.has(error.message) ? tokenBefore(tokens, token.startOffset) : undefined;
  if (previous && (previous.endLine ?? previous.startLine ?? 0) < (token.startLine ?? 0)) return T.tokenSpan(previous);
  return T.tokenSpan(token);
}

/**
 * Whether an error only repeats an earlier one of the same declaration: a block reported unclosed
 * where the next declaration starts (at the start of a line), after recovery from an earlier error
 * in that block took its `}` (`lead` typed before the `}` of a test: the parser reads the test's
 * `}` as the lead literal's). The earlier error is the one to fix; the next declaration is correct.
 */
function isCascade(error: IRecognitionException, tokens: IToken[], reported: Diagnostic[]): boolean {
  const token = error.token;
  if (blamesPreviousToken.has(error.message) || !startsDeclarationLine(token)) return false;
  const index = tokenIndexBefore(tokens, token.startOffset);
  let declarationStart = 0;
  for (let i = index; i >= 0; i--) {
    if (startsDeclarationLine(tokens[i]!)) {
      declarationStart = tokens[i]!.startOffset;
      break;
    }
  }
  return reported.some((d) => d.span.start >= declarationStart);
}

/** The index of the last token that starts before `offset`, or -1. */
function tokenIndexBefore(tokens: IToken[], offset: number): number {
  let low = 0;
  let high = tokens.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (tokens[mid]!.startOffset < offset) {
      found = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  return found;
}

/** The last token that starts before `offset` (tokens are in offset order). */
function tokenBefore(tokens: IToken[], offset: number): IToken | undefined {
  return tokens[tokenIndexBefore(tokens, offset)];
}

// ---------------------------------------------------------------------------------------------
// Comments

function toComment(token: IToken): Comment {
  const span = T.tokenSpan(token);
  if (token.tokenType === T.DocComment) return { kind: 'doc', text: token.image.slice(3), span };
  if (token.tokenType === T.LineComment) return { kind: 'line', text: token.image.slice(2), span };
  const closed = T.isClosedBlockComment(token.image);
  return { kind: 'block', text: token.image.slice(2, closed ? -2 : undefined), span };
}

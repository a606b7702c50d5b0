// When a typed character should open the completion list by itself (LSP trigger characters).
// `.` and `/` always do, `"` when it opens a string; a space, `[`, `(` and `:` only where a beginner needs the list:
// after `when `, `per `, `after `, `where `, `and `, `or `, `not `, `expect stage `, a comparison
// such as `== `, a label's `: `; `in [`; a function's `(`; a `key:` in a test lead.

import type { IToken } from 'chevrotain';
import type { ProgramFile } from '../check/program.js';
import * as T from '../syntax/lexer.js';
import { tokensBetween } from './source.js';

const AFTER_SPACE = new Set([T.When, T.Per, T.After, T.Where, T.And, T.Or, T.Not, T.Within, T.EqEq, T.NotEq, T.In, T.Contains, T.Colon, T.Require, T.Reject]);
const FUNCTIONS = new Set([T.Count, T.Any, T.None, T.Sum, T.DaysSince]);

export function completionWanted(file: ProgramFile, offset: number, trigger: string): boolean {
  if (trigger === '.' || trigger === '/') return true;
  const lineStart = file.text.lastIndexOf('\n', offset - 1) + 1;
  // Only the current line matters, and the lexer is between tokens at a line start (no raw newline in a string).
  const tokens = tokensBetween(file.text, lineStart, offset);
  const last = tokens[tokens.length - 1];
  const inString = last?.tokenType === T.StringLit && tokenEndsAfter(last, offset);
  // A `"` that opens a string (a label, an enum value) asks for the list; one that closes it (typed
  // over the editor's auto-closed quote) does not, or Enter would accept an operator.
  if (trigger === '"') return inString;
  if (!last || inString) return false;
  const previous = tokens[tokens.length - 2];
  switch (trigger) {
    case ' ':
      if (last.tokenType === T.Stage) return previous?.tokenType === T.Expect;
      return AFTER_SPACE.has(last.tokenType);
    case '[':
      return last.tokenType === T.LBracket && previous?.tokenType === T.In;
    case '(':
      return last.tokenType === T.LParen && previous !== undefined && FUNCTIONS.has(previous.tokenType);
    case ':':
      return last.tokenType === T.Colon && (previous?.tokenType === T.Identifier || previous?.tokenType === T.StringLit);
    default:
      return false;
  }
}

/** A string token that is not closed before the cursor (the trigger was typed inside it). */
function tokenEndsAfter(token: IToken, offset: number): boolean {
  return token.startOffset + token.image.length > offset || !token.image.endsWith('"') || token.image.length < 2;
}

// Lexical structure of .mql (LANGUAGE.md §3): the token vocabulary, one reusable Chevrotain lexer,
// and `tokenize`, which turns lexing problems into diagnostics instead of exceptions.
//
// The token list is exported so the language server (completion, semantic tokens) and the TextMate
// grammar generator share one source of truth with the parser.

import { createToken, Lexer, type IToken, type TokenType } from 'chevrotain';
import { makeDiagnostic, type Diagnostic } from '../diagnostics.js';
import type { Span } from './ast.js';

// ---------------------------------------------------------------------------------------------
// Trivia: whitespace is skipped; comments go to their own group so doc comments can be attached
// to declarations and a formatter can keep every comment.

export const COMMENTS_GROUP = 'comments';
/** Group of InvalidCharacters tokens, which `tokenize` reports (MQL1001) and drops. */
export const INVALID_GROUP = 'invalid';

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /\s+/, group: Lexer.SKIPPED, line_breaks: true });

/** `/// text` documents the declaration, field or rule directly below. `////` is a plain comment. */
export const DocComment = createToken({ name: 'DocComment', pattern: /\/\/\/(?!\/)[^\r\n]*/, group: COMMENTS_GROUP });
export const LineComment = createToken({ name: 'LineComment', pattern: /\/\/[^\r\n]*/, group: COMMENTS_GROUP });
/** An unterminated block comment runs to the end of the file; `tokenize` reports it (MQL1007). */
export const BlockComment = createToken({
  name: 'BlockComment',
  pattern: /\/\*(?:[^*]|\*(?!\/))*(?:\*\/)?/,
  group: COMMENTS_GROUP,
  line_breaks: true,
});

// ---------------------------------------------------------------------------------------------
// Literals. Order matters: a date starts like a number (`2026-11-01`, so dates win over
// subtraction), and a duration is a number glued to its unit.

export const DateLit = createToken({
  name: 'Date',
  label: 'a date such as `2026-11-01`',
  pattern: /\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?/,
});
/** The unit must not be followed by a name character, so `2days` is not `2d` + `ays`. */
export const DurationLit = createToken({
  name: 'Duration',
  label: 'a duration such as `30d`',
  pattern: /\d+(?:\.\d+)?[hdw](?![A-Za-z0-9_])/,
});
export const NumberLit = createToken({ name: 'Number', label: 'a number', pattern: /\d+(?:\.\d+)?/ });
/**
 * A string up to its closing quote or the end of the line. Unterminated strings and bad escapes
 * still lex as one String token, so the parser sees a value and `tokenize` reports the problem.
 */
/**
 * A string runs to its closing quote or the end of the line (unterminated: MQL1002). Matched by a
 * loop, not the equivalent regex `"(?:[^"\\\r\n]|\\[^\r\n]?)*"?`, whose backtracking overflowed the
 * stack on a 10 MB literal.
 */
export const StringLit = createToken({
  name: 'String',
  label: 'a string',
  pattern: { exec: matchString },
  line_breaks: false,
  start_chars_hint: ['"'],
});

function matchString(text: string, offset: number): [string] | null {
  if (text.charCodeAt(offset) !== 0x22) return null;
  let i = offset + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return [text.slice(offset, i + 1)];
    if (c === 0x0a || c === 0x0d) break;
    // A backslash takes the next character with it, unless that ends the line.
    const next = text.charCodeAt(i + 1);
    i += c === 0x5c && i + 1 < text.length && next !== 0x0a && next !== 0x0d ? 2 : 1;
  }
  return [text.slice(offset, i)];
}

export const Identifier = createToken({ name: 'Identifier', label: 'a name', pattern: /[A-Za-z_][A-Za-z0-9_]*/ });

// ---------------------------------------------------------------------------------------------
// Keywords (all reserved). `half-life` is a single keyword.

export const KEYWORDS = [
  'lead', 'event', 'list', 'segment', 'score', 'grade', 'stage', 'test', 'import',
  'when', 'per', 'within', 'where', 'max', 'range', 'to', 'decay', 'half-life',
  'require', 'reject', 'after', 'else',
  'and', 'or', 'not', 'in', 'contains', 'starts', 'ends', 'with', 'between', 'is', 'set', 'missing',
  'true', 'false', 'now', 'ago', 'at', 'expect',
  'any', 'none', 'count', 'sum', 'days_since', 'from', 'of',
] as const;

export type Keyword = (typeof KEYWORDS)[number];

function tokenNameOf(word: string): string {
  return word
    .split(/[-_]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

function makeKeyword(word: Keyword): TokenType {
  // `half-life` cannot be the start of a longer identifier, the others can (`index`, `lead_id`).
  const longerAlt = word.includes('-') ? {} : { longer_alt: Identifier };
  return createToken({ name: tokenNameOf(word), label: `\`${word}\``, pattern: word, ...longerAlt });
}

/** Keyword token types by keyword text. */
export const keywordTokens = Object.fromEntries(KEYWORDS.map((word) => [word, makeKeyword(word)])) as Record<
  Keyword,
  TokenType
>;

export const Lead = keywordTokens.lead;
export const Event = keywordTokens.event;
export const List = keywordTokens.list;
export const Segment = keywordTokens.segment;
export const Score = keywordTokens.score;
export const Grade = keywordTokens.grade;
export const Stage = keywordTokens.stage;
export const Test = keywordTokens.test;
export const Import = keywordTokens.import;
export const When = keywordTokens.when;
export const Per = keywordTokens.per;
export const Within = keywordTokens.within;
export const Where = keywordTokens.where;
export const Max = keywordTokens.max;
export const Range = keywordTokens.range;
export const To = keywordTokens.to;
export const Decay = keywordTokens.decay;
export const HalfLife = keywordTokens['half-life'];
export const Require = keywordTokens.require;
export const Reject = keywordTokens.reject;
export const After = keywordTokens.after;
export const Else = keywordTokens.else;
export const And = keywordTokens.and;
export const Or = keywordTokens.or;
export const Not = keywordTokens.not;
export const In = keywordTokens.in;
export const Contains = keywordTokens.contains;
export const Starts = keywordTokens.starts;
export const Ends = keywordTokens.ends;
export const With = keywordTokens.with;
export const Between = keywordTokens.between;
export const Is = keywordTokens.is;
export const Set = keywordTokens.set;
export const Missing = keywordTokens.missing;
export const True = keywordTokens.true;
export const False = keywordTokens.false;
export const Now = keywordTokens.now;
export const Ago = keywordTokens.ago;
export const At = keywordTokens.at;
export const Expect = keywordTokens.expect;
export const Any = keywordTokens.any;
export const None = keywordTokens.none;
export const Count = keywordTokens.count;
export const Sum = keywordTokens.sum;
export const DaysSince = keywordTokens.days_since;
export const From = keywordTokens.from;
export const Of = keywordTokens.of;

// ---------------------------------------------------------------------------------------------
// Operators and punctuation. Two-character operators come before their one-character prefixes.

function punctuation(name: string, text: string): TokenType {
  return createToken({ name, label: `\`${text}\``, pattern: text });
}

export const EqEq = punctuation('EqEq', '==');
export const NotEq = punctuation('NotEq', '!=');
export const LtEq = punctuation('LtEq', '<=');
export const GtEq = punctuation('GtEq', '>=');
export const Lt = punctuation('Lt', '<');
export const Gt = punctuation('Gt', '>');
export const Plus = punctuation('Plus', '+');
export const Minus = punctuation('Minus', '-');
export const Star = punctuation('Star', '*');
export const Slash = punctuation('Slash', '/');
export const LParen = punctuation('LParen', '(');
export const RParen = punctuation('RParen', ')');
export const LBracket = punctuation('LBracket', '[');
export const RBracket = punctuation('RBracket', ']');
export const LCurly = punctuation('LCurly', '{');
export const RCurly = punctuation('RCurly', '}');
export const Comma = punctuation('Comma', ',');
export const Colon = punctuation('Colon', ':');
export const Dot = punctuation('Dot', '.');
export const Pipe = punctuation('Pipe', '|');
export const Equals = punctuation('Equals', '=');
export const Question = punctuation('Question', '?');

export const OPERATORS = [
  EqEq, NotEq, LtEq, GtEq, Lt, Gt, Plus, Minus, Star, Slash,
  LParen, RParen, LBracket, RBracket, LCurly, RCurly, Comma, Colon, Dot, Pipe, Equals, Question,
];

/**
 * A run of characters that can start no token, e.g. `§§` or binary noise: one token, one MQL1001.
 * Chevrotain's own recovery would also group them, but tries every pattern at every character.
 */
export const InvalidCharacters = createToken({
  name: 'InvalidCharacters',
  // Spelled as ranges, not as a complement, so Chevrotain can still index patterns by first char.
  pattern: /[\u0000-\u0008\u000e-\u001f#-'\u003b@\\^`~\u007f-\uffff]+/,
  group: INVALID_GROUP,
});

// Longer keywords first, so `within` is not read as `with` + `in` (longer_alt only falls back to
// Identifier, never to another keyword).
const keywordsLongestFirst = [...KEYWORDS].sort((a, b) => b.length - a.length).map((word) => keywordTokens[word]);

/** Every token type, in the order the lexer tries them. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  DocComment,
  LineComment,
  BlockComment,
  DateLit,
  DurationLit,
  NumberLit,
  StringLit,
  ...keywordsLongestFirst,
  Identifier,
  ...OPERATORS,
  InvalidCharacters,
];

/** Token types by name, e.g. `tokenVocabulary.When`, for tools that refer to tokens by name. */
export const tokenVocabulary: Record<string, TokenType> = Object.fromEntries(allTokens.map((t) => [t.name, t]));

export const mqlLexer = new Lexer(allTokens, { positionTracking: 'full', ensureOptimizations: true });

// ---------------------------------------------------------------------------------------------
// Tokenizing with diagnostics

export interface TokenizeResult {
  /** Tokens for the parser (no whitespace, no comments). */
  tokens: IToken[];
  /** Comment tokens (DocComment, LineComment, BlockComment) in source order. */
  comments: IToken[];
  diagnostics: Diagnostic[];
}

export function tokenize(text: string, file: string): TokenizeResult {
  const result = mqlLexer.tokenize(text);
  const invalidRuns = [
    ...result.errors.map((error) => ({ start: error.offset, end: error.offset + error.length })),
    ...(result.groups[INVALID_GROUP] ?? []).map(tokenSpan),
  ];
  const diagnostics: Diagnostic[] = invalidRuns.map((span) =>
    makeDiagnostic({ code: 'MQL1001', file, span, args: { text: quoteSnippet(text.slice(span.start, span.end)) } }),
  );
  const comments = result.groups[COMMENTS_GROUP] ?? [];
  for (const token of result.tokens) {
    if (token.tokenType === StringLit) diagnostics.push(...decodeString(token, file).diagnostics);
    else if (token.tokenType === DateLit) diagnostics.push(...dateDiagnostics(token, file));
    else if (token.tokenType === NumberLit || token.tokenType === DurationLit) diagnostics.push(...numberDiagnostics(token, file));
  }
  for (const comment of comments) {
    if (comment.tokenType === BlockComment && !isClosedBlockComment(comment.image)) {
      diagnostics.push(makeDiagnostic({ code: 'MQL1007', file, span: tokenSpan(comment) }));
    }
  }
  return { tokens: result.tokens, comments, diagnostics };
}

// A block comment is closed only by a star-slash after its opening slash-star: `/*/` is unclosed.
export function isClosedBlockComment(image: string): boolean {
  return image.length >= 4 && image.endsWith('*/');
}

/** Half-open span of a token that came from the lexer (never an inserted one). */
export function tokenSpan(token: IToken): Span {
  return { start: token.startOffset, end: token.startOffset + token.image.length };
}

/** Shows source text in a message: backticked, control characters made visible, long runs cut. */
export function quoteSnippet(raw: string): string {
  const visible = raw.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffd]/g, (ch) => {
    return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
  const cut = visible.length > 24 ? `${visible.slice(0, 24)}…` : visible;
  return `\`${cut}\``;
}

// ---------------------------------------------------------------------------------------------
// Strings

export interface DecodedString {
  value: string;
  diagnostics: Diagnostic[];
}

const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', n: '\n', t: '\t' };

/**
 * Decodes a String token's image. Reports a missing closing quote (MQL1002) and invalid escapes
 * (MQL1003, each with the span of the escape); an invalid escape keeps its text as written.
 */
export function decodeString(token: IToken, file: string): DecodedString {
  const image = token.image;
  // Most strings (labels, enum values) have no escapes: then the first quote after the opening one
  // closes the string, and the value is the text between. Every string is decoded twice (lexing
  // checks it, the AST builder keeps its value), so this path matters for large files.
  if (!image.includes('\\')) {
    const close = image.indexOf('"', 1);
    if (close >= 0) return { value: image.slice(1, close), diagnostics: [] };
    return { value: image.slice(1), diagnostics: [makeDiagnostic({ code: 'MQL1002', file, span: tokenSpan(token) })] };
  }
  const diagnostics: Diagnostic[] = [];
  let value = '';
  let i = 1; // after the opening quote
  let closed = false;
  while (i < image.length) {
    const ch = image[i]!;
    if (ch === '"') {
      closed = true;
      break;
    }
    if (ch !== '\\') {
      value += ch;
      i += 1;
      continue;
    }
    const escape = readEscape(image, i);
    if (escape.value === undefined) {
      const start = token.startOffset + i;
      diagnostics.push(
        makeDiagnostic({
          code: 'MQL1003',
          file,
          span: { start, end: start + escape.length },
          args: { text: quoteSnippet(image.slice(i, i + escape.length)) },
        }),
      );
      value += image.slice(i, i + escape.length);
    } else {
      value += escape.value;
    }
    i += escape.length;
  }
  if (!closed) diagnostics.push(makeDiagnostic({ code: 'MQL1002', file, span: tokenSpan(token) }));
  return { value, diagnostics };
}

/** Reads the escape starting at `image[at] === '\\'`; `value` is undefined when it is invalid. */
function readEscape(image: string, at: number): { value: string | undefined; length: number } {
  const next = image[at + 1];
  if (next === undefined) return { value: undefined, length: 1 };
  const simple = SIMPLE_ESCAPES[next];
  if (simple !== undefined) return { value: simple, length: 2 };
  if (next === 'u') {
    const hex = /^[0-9A-Fa-f]{4}/.exec(image.slice(at + 2, at + 6));
    if (hex) return { value: String.fromCharCode(parseInt(hex[0], 16)), length: 6 };
    const partial = /^[0-9A-Fa-f]{0,3}/.exec(image.slice(at + 2))?.[0] ?? '';
    return { value: undefined, length: 2 + partial.length };
  }
  // Keep a whole surrogate pair together so the message shows the character, not half of it.
  const width = next.codePointAt(0)! > 0xffff ? 2 : 1;
  return { value: undefined, length: 1 + width };
}

// ---------------------------------------------------------------------------------------------
// Durations and dates

export const DURATION_UNIT_MS = { h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** Milliseconds of a Duration token's image such as `1.5d`. */
export function durationMs(image: string): number {
  const unit = image.charAt(image.length - 1) as keyof typeof DURATION_UNIT_MS;
  return parseFloat(image.slice(0, -1)) * (DURATION_UNIT_MS[unit] ?? Number.NaN);
}

const DATE_PARTS =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:(Z)|([+-])(\d{2}):(\d{2}))?)?$/;

/**
 * Epoch milliseconds (UTC) of a Date token's image, or NaN when it is not a real calendar instant
 * (month 13, 30 February, hour 24, offset +25:00). A date without a zone is UTC.
 */
export function dateMs(image: string): number {
  const match = DATE_PARTS.exec(image);
  if (!match) return Number.NaN;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(match[i] ?? 0)) as [
    number, number, number, number, number, number,
  ];
  const millis = match[7] ? Math.floor(Number(`0.${match[7]}`) * 1000) : 0;
  const offsetHours = Number(match[10] ?? 0);
  const offsetMinutes = Number(match[11] ?? 0);
  const valid =
    month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) &&
    hour <= 23 && minute <= 59 && second <= 59 && offsetHours <= 23 && offsetMinutes <= 59;
  if (!valid) return Number.NaN;
  // Date.UTC maps years 0–99 to 1900–1999, so set the full year explicitly.
  const instant = new Date(0);
  instant.setUTCFullYear(year, month - 1, day);
  instant.setUTCHours(hour, minute, second, millis);
  const offsetSign = match[9] === '-' ? -1 : 1;
  return instant.getTime() - offsetSign * (offsetHours * 60 + offsetMinutes) * 60_000;
}

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

/** A number too large for a double (`1` and 400 zeros) would compile to Infinity, written as null. */
function numberDiagnostics(token: IToken, file: string): Diagnostic[] {
  const value = token.tokenType === DurationLit ? durationMs(token.image) : Number(token.image);
  if (Number.isFinite(value)) return [];
  return [makeDiagnostic({ code: 'MQL1010', file, span: tokenSpan(token), args: { text: quoteSnippet(token.image) } })];
}

function dateDiagnostics(token: IToken, file: string): Diagnostic[] {
  if (!Number.isNaN(dateMs(token.image))) return [];
  return [makeDiagnostic({ code: 'MQL1006', file, span: tokenSpan(token), args: { text: `\`${token.image}\`` } })];
}

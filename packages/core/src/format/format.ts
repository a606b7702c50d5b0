// The formatter (`mql fmt`, the language server's "Format document"): one canonical layout for a
// parsed file, printed from the AST and the parse's comments, never from regular expressions over
// source lines. The layout rules are documented in grammar/README.md ("Formatting").
//
// How it works. The printer writes *atoms* (keywords, names, literals, punctuation), each tagged
// with the offset of the source token it stands for. Before an atom is written, every comment that
// starts before that offset is printed, so comments stay between the same tokens they were between.
// A comment that began its own line in the source starts its own line; a trailing comment stays at
// the end of the line of the token before it; a `//` comment in the middle of an item continues the
// item on the next line, indented twice. Blank lines the author left between items and comments
// are kept (at most one); layout decided by the structure alone (indentation, one item per line,
// alignment) is what makes the result canonical. Token order never changes (only optional commas
// are dropped or added), so the formatted file parses to the same tree: `formatText` re-parses its
// output and compares the tokens, and refuses to return a text that fails that check.

import type { IToken } from 'chevrotain';
import type * as A from '../syntax/ast.js';
import { makeDiagnostic, type Diagnostic } from '../diagnostics.js';
import * as T from '../syntax/lexer.js';
import { parseFile, type Comment } from '../syntax/parse.js';
import { firstAbove, firstAtLeast, lastAtOrBefore } from '../syntax/source-map.js';

export interface FormatResult {
  /** The formatted text; undefined when the file has syntax errors (then `diagnostics` has them). */
  text?: string;
  diagnostics: Diagnostic[];
}

/** Formats one file. A file with syntax errors is never formatted. */
export function formatText(text: string, file: string): FormatResult {
  const parsed = parseFile(text, file);
  if (parsed.diagnostics.some((d) => d.severity === 'error')) return { diagnostics: parsed.diagnostics };
  const { tokens } = T.tokenize(text, file);
  const formatted = new Printer(text, tokens, parsed.comments).file(parsed.ast);
  const problem = verifyFormatted(text, formatted, file);
  if (problem) {
    const message = `internal error in the formatter (please report it): ${problem}; the file was left unchanged`;
    return { diagnostics: [makeDiagnostic({ code: 'MQL1004', file, span: { start: 0, end: 0 }, args: { message } })] };
  }
  return { text: formatted, diagnostics: parsed.diagnostics };
}

/**
 * The safety net: the output must parse without errors and hold the same tokens and comments in
 * the same order (optional commas aside), so a formatter bug can never change a program.
 */
function verifyFormatted(original: string, formatted: string, file: string): string | undefined {
  const reparsed = parseFile(formatted, file);
  if (reparsed.diagnostics.some((d) => d.severity === 'error')) return 'its output does not parse';
  const significant = (text: string) =>
    T.tokenize(text, file)
      .tokens.filter((t) => t.tokenType !== T.Comma)
      .map((t) => t.image);
  const before = significant(original);
  const after = significant(formatted);
  if (before.length !== after.length || before.some((image, i) => image !== after[i])) return 'its output has different tokens';
  if (JSON.stringify(documentation(parseFile(original, file).ast)) !== JSON.stringify(documentation(reparsed.ast))) {
    return 'its output documents different declarations';
  }
  const comments = (text: string) => parseFile(text, file).comments.map((c) => (c.kind === 'line' ? c.text.trimEnd() : c.text));
  const commentsBefore = comments(original);
  const commentsAfter = comments(formatted);
  if (commentsBefore.length !== commentsAfter.length || commentsBefore.some((c, i) => c !== commentsAfter[i])) {
    return 'its output has different comments';
  }
  return undefined;
}

/** Every doc comment of a file with what it documents, in order (what the artifact keeps). */
function documentation(ast: A.FileNode): [string, string][] {
  const docs: [string, string][] = [];
  const add = (what: string, node: { doc?: string }) => {
    if (node.doc !== undefined) docs.push([what, node.doc]);
  };
  const fields = (list: readonly A.FieldDecl[]) => {
    for (const field of list) {
      add(field.name.name, field);
      if (field.type?.kind === 'ObjectType') fields(field.type.fields);
    }
  };
  for (const decl of ast.decls) {
    add(decl.kind, decl);
    if (decl.kind === 'Lead' || decl.kind === 'Event') fields(decl.fields);
    if (decl.kind === 'Score' && decl.body?.kind === 'Rules') decl.body.rules.forEach((rule, i) => add(`rule ${i}`, rule));
    if (decl.kind === 'Grade') decl.bands.forEach((band, i) => add(`band ${i}`, band));
    if (decl.kind === 'Stage') decl.clauses.forEach((clause, i) => add(`clause ${i}`, clause));
  }
  return docs;
}

// ---------------------------------------------------------------------------------------------
// Layout constants

const INDENT = '  ';
/** A `//` comment inside an item continues the item on the next line, this many levels deeper. */
const CONTINUATION_LEVELS = 2;
/** Events with at most this many scalar attributes (and no comments) stay on one line. */
const INLINE_EVENT_FIELDS = 3;
/** A nested object literal in a test stays on one line when it is at most this wide. */
const INLINE_OBJECT_WIDTH = 80;

/** Spaces before an atom: 0 glues it to what precedes (`)`, `,`), more pads for alignment. */
type Pad = number;

/** A unit of expression output for the iterative expression printer. */
type Piece =
  | { expr: A.Expr; pad: Pad }
  | { atom: string; at?: number; pad: Pad }
  | { tokens: string[]; at: number; pad: Pad; glued: boolean }
  /** Ends the line (after the comments before `at`) and moves `indent` levels in or out: a list one item per line. */
  | { lineBreak: true; at: number; indent: 1 | 0 | -1 };

/** A list literal wider than this (from the start of its line) is printed one element per line. */
const LIST_WIDTH = 100;

class Printer {
  private readonly out: string[] = [];
  private line = '';
  private depth = 0;
  /** The current line continues an item broken by a `//` comment. */
  private continuation = false;
  /** `continuation` outside each list being printed one element per line. */
  private readonly listContinuations: boolean[] = [];
  /** A blank line goes before the next line, unless that line opens or closes a block. */
  private blankRequested = false;
  /** Nothing has been printed inside the block opened last. */
  private atBlockStart = false;
  private nextComment = 0;
  private readonly tokens: readonly IToken[];
  private readonly tokenStarts: number[];
  private readonly commentStarts: number[];
  /** Start and end of every token and comment in source order: the gaps between them are white space. */
  private readonly elementStarts: number[];
  private readonly elementEnds: number[];

  constructor(
    private readonly text: string,
    tokens: readonly IToken[],
    private readonly comments: readonly Comment[],
  ) {
    this.tokens = tokens;
    this.commentStarts = comments.map((c) => c.span.start);
    this.tokenStarts = tokens.map((t) => t.startOffset);
    const elements = [...tokens.map(T.tokenSpan), ...comments.map((c) => c.span)].sort((a, b) => a.start - b.start);
    this.elementStarts = elements.map((e) => e.start);
    this.elementEnds = elements.map((e) => e.end);
  }

  // -------------------------------------------------------------------------------------------
  // Files and declarations

  file(ast: A.FileNode): string {
    let previousIsOneLine: boolean | undefined;
    ast.decls.forEach((decl, i) => {
      const oneLine = this.isOneLineDeclaration(decl);
      // Multi-line declarations are separated by a blank line; adjacent one-liners may stay adjacent.
      if (previousIsOneLine !== undefined && !(previousIsOneLine && oneLine)) this.blankRequested = true;
      this.startItem(decl.span.start);
      this.declaration(decl);
      this.endItem(ast.decls[i + 1]?.span.start ?? this.text.length);
      previousIsOneLine = oneLine;
    });
    this.flushComments(Number.POSITIVE_INFINITY);
    this.pushLine();
    return this.out.length === 0 ? '' : `${this.out.join('\n')}\n`;
  }

  private isOneLineDeclaration(decl: A.Declaration): boolean {
    switch (decl.kind) {
      case 'Import':
      case 'List':
      case 'Segment':
        return true;
      case 'Score':
        return decl.body?.kind === 'Formula';
      case 'Event':
        return this.isInlineEvent(decl);
      default:
        return false;
    }
  }

  private declaration(decl: A.Declaration): void {
    switch (decl.kind) {
      case 'Import':
        this.write('import', decl.span.start);
        this.literal(decl.path!);
        return;
      case 'Lead':
        this.write('lead', decl.span.start);
        this.fieldBlock(decl.fields, this.tokenAfter(decl.keyword.end), decl.span);
        return;
      case 'Event':
        this.eventDecl(decl);
        return;
      case 'List':
        this.write('list', decl.span.start);
        this.write(decl.name!.name, decl.name!.span.start);
        this.write('=', this.tokenAfter(decl.name!.span.end));
        this.expr({ kind: 'Array', elements: decl.elements, span: decl.literalSpan! }, 1);
        return;
      case 'Segment':
        this.write('segment', decl.span.start);
        this.write(decl.name!.name, decl.name!.span.start);
        this.write('=', this.tokenAfter(decl.name!.span.end));
        this.expr(decl.expr!, 1);
        return;
      case 'Score':
        this.scoreDecl(decl);
        return;
      case 'Grade':
        this.gradeDecl(decl);
        return;
      case 'Stage':
        this.stageDecl(decl);
        return;
      case 'Test':
        this.testDecl(decl);
        return;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Lead, events, fields and types

  /** `event page_view { url: string }`: at most three scalar attributes and no comments. */
  private isInlineEvent(decl: A.EventDecl): boolean {
    return (
      decl.fields.length <= INLINE_EVENT_FIELDS &&
      decl.fields.every((f) => f.type?.kind === 'NamedType') &&
      !this.hasCommentsInside(decl.span)
    );
  }

  private eventDecl(decl: A.EventDecl): void {
    this.write('event', decl.span.start);
    this.write(decl.name!.name, decl.name!.span.start);
    const open = this.tokenAfter(decl.name!.span.end);
    if (!this.isInlineEvent(decl)) {
      this.fieldBlock(decl.fields, open, decl.span);
      return;
    }
    if (decl.fields.length === 0) {
      this.write('{}', open);
      return;
    }
    this.write('{', open);
    decl.fields.forEach((field, i) => {
      if (i > 0) this.write(',', undefined, 0);
      this.field(field);
    });
    this.write('}', this.closingBrace(decl.span));
  }

  /** `{` fields one per line `}` (or `{}`), for the lead, multi-line events and object types. */
  private fieldBlock(fields: readonly A.FieldDecl[], open: number, span: A.Span): void {
    this.block(open, this.closingBrace(span), fields, (field) => {
      this.field(field);
      this.keptComma(field.span.end);
    });
  }

  /**
   * Commas between fields are optional and dropped, except one that a comment precedes: a `///`
   * comment before a comma documents nothing, and without the comma it would document the next field.
   */
  private keptComma(fieldEnd: number): void {
    const next = this.tokens[this.tokenIndexAtOrAfter(fieldEnd)];
    if (next?.tokenType === T.Comma && this.hasCommentsBetween(fieldEnd - 1, next.startOffset)) this.write(',', next.startOffset, 0);
  }

  private field(field: A.FieldDecl): void {
    this.writeTokens(field.optional ? [field.name.name, '?', ':'] : [field.name.name, ':'], field.name.span.start, 1, true);
    this.typeNode(field.type!);
    if (field.from) {
      this.write('from', this.tokenBefore(field.from.span.start));
      this.literal(field.from);
    }
    if (field.key) this.write('key', field.key.start);
    if (field.placeholders) this.placeholders(field.placeholders);
  }

  /** `missing when ["Select", "N/A"]` (a list like any other) or `missing when LISTNAME`. */
  private placeholders(placeholders: A.Placeholders): void {
    const start = placeholders.span.start;
    this.write('missing', start);
    const when = this.tokenAfter(start + 'missing'.length);
    this.write('when', when);
    if (placeholders.list) {
      this.write(placeholders.list.name, placeholders.list.span.start);
      return;
    }
    const open = this.tokenAfter(when + 'when'.length);
    const span = { start: open, end: placeholders.span.end };
    this.expr({ kind: 'Array', elements: (placeholders.values ?? []) as A.Expr[], span }, 1);
  }

  private typeNode(type: A.TypeNode): void {
    switch (type.kind) {
      case 'NamedType':
        this.write(type.name.name, type.name.span.start);
        return;
      case 'EnumType':
        type.members.forEach((member, i) => {
          if (i > 0) this.write('|', this.tokenBefore(member.span.start));
          this.literal(member);
        });
        return;
      case 'ObjectType':
        this.fieldBlock(type.fields, type.span.start, type.span);
        return;
      case 'ListType':
        this.write('list', type.span.start);
        this.write('of', this.tokenAfter(type.span.start + 'list'.length));
        this.typeNode(type.element!);
        return;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Scores, grades and stages

  private scoreDecl(decl: A.ScoreDecl): void {
    this.write('score', decl.span.start);
    this.write(decl.name!.name, decl.name!.span.start);
    const body = decl.body!;
    if (body.kind === 'Formula') {
      this.write('=', body.span.start);
      this.expr(body.expr!, 1);
      return;
    }
    type Item = { kind: 'range'; span: A.Span } | { kind: 'decay'; span: A.Span } | { kind: 'rule'; rule: A.ScoreRule; span: A.Span };
    const items: Item[] = [
      ...(body.range ? [{ kind: 'range' as const, span: body.range.span }] : []),
      ...(body.decay ? [{ kind: 'decay' as const, span: body.decay.span }] : []),
      ...body.rules.map((rule) => ({ kind: 'rule' as const, rule, span: rule.span })),
    ];
    // Labels padded so points align, points padded so `when`/`per` align.
    const labelWidth = Math.max(0, ...body.rules.map((r) => (r.label ? this.source(r.label.span).length + 1 : 0)));
    const pointsWidth = Math.max(0, ...body.rules.map((r) => this.signedText(r.points!).length));
    this.block(body.span.start, this.closingBrace(body.span), items, (item) => {
      if (item.kind === 'range') {
        const range = body.range!;
        this.write('range', range.span.start);
        this.signed(range.min!, 1);
        this.write('to', this.tokenAfter(range.min!.span.end));
        this.signed(range.max!, 1);
      } else if (item.kind === 'decay') {
        const decay = body.decay!;
        this.write('decay', decay.span.start);
        this.write('half-life', this.tokenAfter(decay.span.start + 'decay'.length));
        this.literal(decay.halfLife!);
      } else {
        this.scoreRule(item.rule, labelWidth, pointsWidth);
      }
    });
  }

  private scoreRule(rule: A.ScoreRule, labelWidth: number, pointsWidth: number): void {
    const points = this.signedText(rule.points!);
    let pad = 0;
    if (rule.label) {
      const label = this.source(rule.label.span);
      this.writeTokens([label, ':'], rule.label.span.start, 0, true);
      pad = labelWidth - label.length;
    }
    this.signed(rule.points!, pad);
    const keywordPad = pointsWidth - points.length + 1;
    let end: number;
    if (rule.kind === 'WhenRule') {
      this.write('when', this.tokenAfter(rule.points!.span.end), keywordPad);
      this.expr(rule.condition!, 1);
      end = rule.condition!.span.end;
    } else {
      this.write('per', this.tokenAfter(rule.points!.span.end), keywordPad);
      this.query(rule.query!, 1);
      end = rule.query!.span.end;
    }
    if (rule.max) {
      this.write('max', this.tokenAfter(end));
      this.signed(rule.max, 1);
    }
  }

  private gradeDecl(decl: A.GradeDecl): void {
    this.write('grade', decl.span.start);
    this.write(decl.name!.name, decl.name!.span.start);
    const open = this.tokenAfter(decl.name!.span.end);
    const labelWidth = Math.max(0, ...decl.bands.map((b) => this.source(b.label.span).length));
    const items: (A.GradeBand | { else: NonNullable<A.GradeDecl['else']>; span: A.Span })[] = [...decl.bands];
    if (decl.else) items.push({ else: decl.else, span: decl.else.span });
    this.block(open, this.closingBrace(decl.span), items, (item) => {
      if ('else' in item) {
        this.write('else', item.span.start, 0);
        this.write(this.source(item.else.label!.span), item.else.label!.span.start);
        return;
      }
      const label = this.source(item.label.span);
      this.write(label, item.label.span.start, 0);
      this.write('when', this.tokenAfter(item.label.span.end), labelWidth - label.length + 1);
      this.expr(item.condition!, 1);
    });
  }

  private stageDecl(decl: A.StageDecl): void {
    this.write('stage', decl.span.start);
    this.write(decl.name!.name, decl.name!.span.start);
    let headerEnd = decl.name!.span.end;
    if (decl.title) {
      this.literal(decl.title);
      headerEnd = decl.title.span.end;
    }
    if (decl.after) {
      this.write('after', this.tokenBefore(decl.after.span.start));
      this.write(decl.after.name, decl.after.span.start);
      headerEnd = decl.after.span.end;
    }
    // `require` and `reject` padded to one width, labels' colons padded so conditions align.
    const keywordWidth = Math.max(0, ...decl.clauses.map((c) => c.kind.length));
    const labelWidth = Math.max(0, ...decl.clauses.map((c) => (c.label ? this.source(c.label.span).length + 1 : 0)));
    this.block(this.tokenAfter(headerEnd), this.closingBrace(decl.span), decl.clauses, (clause) => {
      this.write(clause.kind, clause.span.start, 0);
      let pad = keywordWidth - clause.kind.length + 1;
      if (clause.label) {
        const label = this.source(clause.label.span);
        this.writeTokens([label, ':'], clause.label.span.start, pad, true);
        pad = labelWidth - label.length;
      }
      this.expr(clause.condition!, pad);
    });
  }

  // -------------------------------------------------------------------------------------------
  // Tests

  private testDecl(decl: A.TestDecl): void {
    this.write('test', decl.span.start);
    this.literal(decl.description!);
    type Item =
      | { kind: 'now'; date: A.DateLiteral; span: A.Span }
      | { kind: 'lead'; object: A.ObjectLiteral; span: A.Span }
      | { kind: 'event'; event: A.TestEvent; span: A.Span }
      | { kind: 'expect'; expectation: A.Expectation; span: A.Span };
    const items: Item[] = [
      ...(decl.now ? [{ kind: 'now' as const, date: decl.now, span: this.spanFromKeyword(decl.now.span) }] : []),
      ...decl.leads.map((object) => ({ kind: 'lead' as const, object, span: this.spanFromKeyword(object.span) })),
      ...decl.events.map((event) => ({ kind: 'event' as const, event, span: event.span })),
      ...decl.expects.map((expectation) => ({ kind: 'expect' as const, expectation, span: expectation.span })),
    ].sort((a, b) => a.span.start - b.span.start);
    this.block(this.tokenAfter(decl.description!.span.end), this.closingBrace(decl.span), items, (item) => {
      switch (item.kind) {
        case 'now':
          this.write('now', item.span.start, 0);
          this.literal(item.date);
          return;
        case 'lead':
          this.write('lead', item.span.start, 0);
          this.objectLiteral(item.object, true);
          return;
        case 'event':
          this.testEvent(item.event);
          return;
        case 'expect':
          this.expectation(item.expectation);
          return;
      }
    });
  }

  private testEvent(event: A.TestEvent): void {
    this.write('event', event.span.start, 0);
    this.write(event.type!.name, event.type!.span.start);
    if (event.attributes) this.objectLiteral(event.attributes, false);
    const at = event.at!;
    if (at.kind === 'At') {
      this.write('at', at.span.start);
      this.literal(at.date!);
    } else {
      this.literal(at.duration!);
      this.write('ago', this.tokenAfter(at.duration!.span.end));
    }
  }

  private expectation(expectation: A.Expectation): void {
    this.write('expect', expectation.span.start, 0);
    if (expectation.kind === 'ExpectCondition') {
      this.expr(expectation.condition!, 1);
      return;
    }
    this.write('stage', this.tokenAfter(expectation.span.start + 'expect'.length));
    if (expectation.none) this.write('none', this.tokenBefore(expectation.span.end));
    else this.write(expectation.stage!.name, expectation.stage!.span.start);
  }

  /**
   * A test's object literal. The lead is one entry per line with trailing commas; nested objects
   * and event attributes stay on one line when they hold no comment and are short.
   */
  private objectLiteral(object: A.ObjectLiteral, multiline: boolean): void {
    const close = this.closingBrace(object.span);
    const hasComments = this.hasCommentsInside(object.span);
    if (object.entries.length === 0 && !hasComments) {
      this.write('{}', object.span.start);
      return;
    }
    const inline = !multiline && !hasComments && inlineLiteral(object, this.text).length <= INLINE_OBJECT_WIDTH;
    if (inline) {
      this.write(inlineLiteral(object, this.text), object.span.start);
      return;
    }
    this.block(object.span.start, close, object.entries, (entry) => {
      this.writeTokens([entry.key.name, ':'], entry.key.span.start, 0, true);
      const value = entry.value!;
      if (value.kind === 'Object') this.objectLiteral(value, false);
      else this.expr(value, 1);
      this.write(',', undefined, 0);
    });
  }

  // -------------------------------------------------------------------------------------------
  // Blocks and items

  /**
   * `{`, then each item on its own line one level deeper, then `}`. Comments after `{` on its line
   * stay there; comments before `}` stay inside the block.
   */
  private block<I extends { span: A.Span }>(open: number, close: number, items: readonly I[], print: (item: I) => void): void {
    if (items.length === 0 && !this.hasCommentsBetween(open, close)) {
      this.write('{}', open);
      return;
    }
    this.write('{', open);
    this.endItem(items[0]?.span.start ?? close);
    this.depth++;
    this.atBlockStart = true;
    items.forEach((item, i) => {
      this.startItem(item.span.start);
      print(item);
      this.endItem(items[i + 1]?.span.start ?? close);
    });
    this.flushComments(close);
    this.pushLine();
    this.blankRequested = false;
    this.atBlockStart = false;
    this.depth--;
    this.write('}', close, 0);
  }

  /** Prints the comments above an item and keeps one blank line where the author left one. */
  private startItem(start: number): void {
    this.flushComments(start);
    if (this.newlinesBefore(start) >= 2) this.blankRequested = true;
  }

  /** Ends an item's line, after the comments that trail it on the same source line. */
  private endItem(nextStart: number): void {
    while (this.nextComment < this.comments.length) {
      const comment = this.comments[this.nextComment]!;
      if (comment.span.start >= nextStart || this.newlinesBefore(comment.span.start) > 0) break;
      this.nextComment++;
      this.emitComment(comment);
      if (comment.kind !== 'block') break; // it ended the line; what follows goes on lines of its own
    }
    this.pushLine();
    this.continuation = false;
  }

  // -------------------------------------------------------------------------------------------
  // Comments

  private flushComments(before: number): void {
    while (this.nextComment < this.comments.length && this.comments[this.nextComment]!.span.start < before) {
      this.emitComment(this.comments[this.nextComment++]!);
    }
  }

  private emitComment(comment: Comment): void {
    const text = commentText(comment);
    const newlines = this.newlinesBefore(comment.span.start);
    const ownLine = newlines > 0;
    if (this.line === '') {
      // Between items: on its own line, keeping a blank line above it if the author had one.
      if (newlines >= 2 && !this.continuation) this.blankRequested = true;
      this.line = this.indentation() + text;
      // Inside an item a block comment stays on the line with what follows it; between items
      // every comment has a line of its own.
      if (comment.kind === 'block' && this.continuation) return;
      this.pushLine();
      return;
    }
    if (comment.kind === 'block') {
      this.line += ` ${text}`;
      return;
    }
    // A `//` comment inside an item: it ends the line, and the item continues below.
    if (ownLine) {
      this.pushLine();
      this.continuation = true;
      this.line = this.indentation() + text;
    } else {
      this.line += ` ${text}`;
    }
    this.pushLine();
    this.continuation = true;
  }

  // -------------------------------------------------------------------------------------------
  // Output

  private indentation(): string {
    return INDENT.repeat(this.depth + (this.continuation ? CONTINUATION_LEVELS : 0));
  }

  /** Writes one atom after the comments that precede its source token (`at`). */
  private write(atom: string, at: number | undefined, pad: Pad = 1): void {
    if (at !== undefined) this.flushComments(at);
    if (this.line === '') this.line = this.indentation() + atom;
    else this.line += ' '.repeat(this.line.endsWith('*/') ? Math.max(pad, 1) : pad) + atom;
  }

  /**
   * Writes the tokens of a multi-token atom (`is missing`, `company.industry`, `+15`) one by one,
   * each after the comments that precede it, so no comment moves past a token.
   */
  private writeTokens(images: readonly string[], at: number, pad: Pad, glued: boolean): void {
    let index = this.tokenIndexAtOrAfter(at);
    images.forEach((image, i) => {
      this.write(image, this.tokenStarts[index] ?? at, i === 0 ? pad : glued ? 0 : 1);
      index++;
    });
  }

  private pushLine(): void {
    if (this.line === '') return;
    if (this.blankRequested && !this.atBlockStart && this.out.length > 0 && this.out[this.out.length - 1] !== '') this.out.push('');
    this.blankRequested = false;
    this.atBlockStart = false;
    this.out.push(this.line);
    this.line = '';
  }

  // -------------------------------------------------------------------------------------------
  // Expressions: printed with an explicit stack, since long `and`/`or` chains nest deeply.

  private expr(root: A.Expr, pad: Pad): void {
    const pending: Piece[] = [{ expr: root, pad }];
    while (pending.length > 0) {
      const piece = pending.pop()!;
      if ('atom' in piece) this.write(piece.atom, piece.at, piece.pad);
      else if ('tokens' in piece) this.writeTokens(piece.tokens, piece.at, piece.pad, piece.glued);
      else if ('lineBreak' in piece) this.listBreak(piece.at, piece.indent);
      else pending.push(...this.pieces(piece.expr, piece.pad).reverse());
    }
  }

  /** The atoms and sub-expressions of one expression, in order; the first gets `pad`. */
  private pieces(e: A.Expr, pad: Pad): Piece[] {
    const atom = (text: string, at: number | undefined, p: Pad = 1): Piece => ({ atom: text, at, pad: p });
    const words = (text: string, at: number): Piece => ({ tokens: text.split(' '), at, pad: 1, glued: false });
    switch (e.kind) {
      case 'Number':
      case 'String':
      case 'Date':
      case 'Duration':
        return [atom(this.source(e.span), e.span.start, pad)];
      case 'Bool':
        return [atom(String(e.value), e.span.start, pad)];
      case 'Now':
        return [atom('now', e.span.start, pad)];
      case 'Path':
        return [{ tokens: e.segments.flatMap((s, i) => (i > 0 ? ['.', s.name] : [s.name])), at: e.span.start, pad, glued: true }];
      case 'Array':
        if (this.listPerLine(e)) return this.listPerLinePieces(e, pad);
        return [
          atom('[', e.span.start, pad),
          ...e.elements.flatMap((element, i): Piece[] => [
            ...(i > 0 ? [atom(',', this.tokenAfter(e.elements[i - 1]!.span.end), 0)] : []),
            { expr: element, pad: i > 0 ? 1 : 0 },
          ]),
          atom(']', this.closingBrace(e.span), 0),
        ];
      case 'Paren':
        return [atom('(', e.span.start, pad), { expr: e.expr!, pad: 0 }, atom(')', this.closingBrace(e.span), 0)];
      case 'Unary':
        return [atom(e.op, e.span.start, pad), { expr: e.operand!, pad: e.op === 'not' || e.operand!.kind === 'Unary' ? 1 : 0 }];
      case 'Binary':
        return [{ expr: e.left, pad }, atom(e.op, this.tokenAfter(e.left.span.end)), { expr: e.right!, pad: 1 }];
      case 'Compare':
        return [{ expr: e.left, pad }, atom(e.op, e.opSpan.start), { expr: e.right!, pad: 1 }];
      case 'In':
        return [{ expr: e.subject, pad }, words(e.negated ? 'not in' : 'in', e.opSpan.start), { expr: e.collection!, pad: 1 }];
      case 'TextTest': {
        const word = e.op === 'contains' ? 'contains' : e.op === 'startsWith' ? 'starts with' : 'ends with';
        const op = e.any ? `${word} any` : word;
        return [{ expr: e.subject, pad }, words(op, e.opSpan.start), { expr: e.value!, pad: 1 }];
      }
      case 'Between':
        return [
          { expr: e.subject, pad },
          atom('between', e.opSpan.start),
          { expr: e.low!, pad: 1 },
          atom('and', this.tokenAfter(e.low!.span.end)),
          { expr: e.high!, pad: 1 },
        ];
      case 'IsSet':
        return [{ expr: e.subject, pad }, words(e.negated ? 'is missing' : 'is set', e.opSpan.start)];
      case 'Within':
        return [{ expr: e.subject, pad }, atom('within', e.opSpan.start), atom(this.source(e.duration!.span), e.duration!.span.start)];
      case 'Call':
        return this.callPieces(e, pad);
      case 'FunctionCall':
        return [
          { tokens: e.name.name.split(/(?=\.)|(?<=\.)/), at: e.name.span.start, pad, glued: true },
          atom('(', this.tokenAfter(e.name.span.end), 0),
          ...e.args.flatMap((arg, i): Piece[] => [
            ...(i > 0 ? [atom(',', this.tokenAfter(e.args[i - 1]!.span.end), 0)] : []),
            { expr: arg, pad: i > 0 ? 1 : 0 },
          ]),
          atom(')', this.closingBrace(e.span), 0),
        ];
    }
  }

  /**
   * A list goes one element per line when the author wrote it over several lines, when a comment
   * is inside it (the comment then keeps a line of its own), or when it would pass LIST_WIDTH.
   */
  private listPerLine(e: A.Expr & { kind: 'Array' }): boolean {
    if (e.elements.length < 2) return false;
    const inner = this.text.slice(e.span.start, e.span.end);
    if (inner.includes('\n') || this.hasCommentsInside(e.span)) return true;
    const width = e.elements.reduce((sum, el) => sum + this.source(el.span).replace(/\s+/g, ' ').length + 2, 0);
    return this.line.length + 1 + width > LIST_WIDTH;
  }

  /** `[`, then each element on its own line with a comma after it (the last too), then `]` on its own line. */
  private listPerLinePieces(e: A.Expr & { kind: 'Array' }, pad: Pad): Piece[] {
    const close = this.closingBrace(e.span);
    return [
      { atom: '[', at: e.span.start, pad },
      ...e.elements.flatMap((element, i): Piece[] => {
        const comma = this.tokens[this.tokenIndexAtOrAfter(element.span.end)];
        const at = comma?.tokenType === T.Comma && comma.startOffset < close ? comma.startOffset : undefined;
        return [{ lineBreak: true, at: element.span.start, indent: i === 0 ? 1 : 0 }, { expr: element, pad: 0 }, { atom: ',', at, pad: 0 }];
      }),
      { lineBreak: true, at: close, indent: -1 },
      { atom: ']', at: close, pad: 0 },
    ];
  }

  /**
   * Ends the line inside a list printed one element per line. A comment after an element stays at
   * the end of its line; a comment on a line of its own keeps one, at the elements' indentation.
   */
  private listBreak(at: number, indent: 1 | 0 | -1): void {
    while (this.nextComment < this.comments.length) {
      const comment = this.comments[this.nextComment]!;
      if (comment.span.start >= at || this.newlinesBefore(comment.span.start) > 0) break;
      this.emitComment(comment);
      this.nextComment++;
    }
    this.pushLine();
    if (indent === 1) {
      this.listContinuations.push(this.continuation);
      this.depth++;
    }
    this.continuation = false;
    this.flushComments(at);
    if (indent === -1) {
      this.depth--;
      this.continuation = this.listContinuations.pop() ?? false;
    }
  }

  private callPieces(e: A.CallExpr, pad: Pad): Piece[] {
    const pieces: Piece[] = [
      { atom: e.fn, at: e.fnSpan.start, pad },
      { atom: '(', at: this.tokenAfter(e.fnSpan.end), pad: 0 },
    ];
    if (e.query) pieces.push(...this.queryPieces(e.query, 0));
    else pieces.push({ expr: e.arg!, pad: 0 });
    if (e.attribute) {
      pieces.push({ atom: ',', at: this.tokenBefore(e.attribute.span.start), pad: 0 });
      pieces.push({ atom: e.attribute.name, at: e.attribute.span.start, pad: 1 });
    }
    pieces.push({ atom: ')', at: this.closingBrace(e.span), pad: 0 });
    return pieces;
  }

  private query(query: A.EventQuery, pad: Pad): void {
    const pieces = this.queryPieces(query, pad);
    for (const piece of pieces) {
      if ('atom' in piece) this.write(piece.atom, piece.at, piece.pad);
      else if ('tokens' in piece) this.writeTokens(piece.tokens, piece.at, piece.pad, piece.glued);
      else if ('expr' in piece) this.expr(piece.expr, piece.pad);
    }
  }

  private queryPieces(query: A.EventQuery, pad: Pad): Piece[] {
    const pieces: Piece[] = [{ atom: query.event!.name, at: query.event!.span.start, pad }];
    if (query.within) {
      pieces.push({ atom: 'within', at: this.tokenBefore(query.within.span.start), pad: 1 });
      pieces.push({ atom: this.source(query.within.span), at: query.within.span.start, pad: 1 });
    }
    if (query.where) {
      pieces.push({ atom: 'where', at: this.tokenBefore(query.where.span.start), pad: 1 });
      pieces.push({ expr: query.where, pad: 1 });
    }
    return pieces;
  }

  private literal(node: { span: A.Span }): void {
    this.write(this.source(node.span), node.span.start);
  }

  // -------------------------------------------------------------------------------------------
  // Source positions

  /** The source text of a single token's span (literals keep their spelling: `1.50`, `"\u00e9"`). */
  private source(span: A.Span): string {
    return this.text.slice(span.start, span.end);
  }

  /** `+15`, `-30`, `100`: the sign and number tokens of a signed number, without what was between them. */
  private signedText(number: A.SignedNumber): string {
    return this.signedTokens(number).join('');
  }

  private signedTokens(number: A.SignedNumber): string[] {
    const images: string[] = [];
    for (let i = this.tokenIndexAtOrAfter(number.span.start); i < this.tokens.length && this.tokenStarts[i]! < number.span.end; i++) {
      images.push(this.tokens[i]!.image);
    }
    return images;
  }

  private signed(number: A.SignedNumber, pad: Pad): void {
    this.writeTokens(this.signedTokens(number), number.span.start, pad, true);
  }

  private tokenIndexAtOrAfter(offset: number): number {
    return firstAtLeast(this.tokenStarts, offset);
  }

  /** Start of the first token at or after `offset` (a keyword between two known nodes). */
  private tokenAfter(offset: number): number {
    return this.tokenStarts[this.tokenIndexAtOrAfter(offset)] ?? offset;
  }

  /** Start of the last token that starts before `offset`. */
  private tokenBefore(offset: number): number {
    return this.tokenStarts[this.tokenIndexAtOrAfter(offset) - 1] ?? offset;
  }

  /** The `}` (or `]`, `)`) that ends a node's span. */
  private closingBrace(span: A.Span): number {
    return this.tokenBefore(span.end);
  }

  /** A test item's span widened to its keyword (`now`, `lead`), which the AST node leaves out. */
  private spanFromKeyword(span: A.Span): A.Span {
    return { start: this.tokenBefore(span.start), end: span.end };
  }

  private elementIndexAt(offset: number): number {
    return lastAtOrBefore(this.elementStarts, offset);
  }


  /** Line breaks in the white space directly before `offset` (a token or comment start). */
  private newlinesBefore(offset: number): number {
    const index = this.elementIndexAt(offset);
    const previousEnd = this.elementStarts[index]! < offset ? this.elementEnds[index]! : index > 0 ? this.elementEnds[index - 1]! : 0;
    let count = 0;
    for (let i = previousEnd; i < offset; i++) if (this.text.charCodeAt(i) === 10) count++;
    return count;
  }

  private hasCommentsInside(span: A.Span): boolean {
    return this.hasCommentsBetween(span.start, span.end);
  }

  private hasCommentsBetween(start: number, end: number): boolean {
    const next = firstAbove(this.commentStarts, start);
    return next < this.commentStarts.length && this.commentStarts[next]! < end;
  }
}

function commentText(comment: Comment): string {
  switch (comment.kind) {
    case 'doc':
      return `///${comment.text}`; // verbatim: doc text, trailing spaces included, is part of the artifact
    case 'line':
      return `//${comment.text.trimEnd()}`;
    case 'block':
      return `/*${comment.text}*/`;
  }
}

/** A comment-free literal value on one line: `{ industry: "software", employees: 800 }`. */
function inlineLiteral(value: A.LiteralValue | A.Expr, text: string): string {
  switch (value.kind) {
    case 'Object':
      return value.entries.length === 0
        ? '{}'
        : `{ ${value.entries.map((e) => `${e.key.name}: ${inlineLiteral(e.value!, text)}`).join(', ')} }`;
    case 'Array':
      return `[${value.elements.map((e) => inlineLiteral(e, text)).join(', ')}]`;
    case 'Unary':
      return `-${inlineLiteral(value.operand!, text)}`;
    case 'Bool':
      return String(value.value);
    default:
      return text.slice(value.span.start, value.span.end);
  }
}

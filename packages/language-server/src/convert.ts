// The one place where core's types meet LSP's: URIs ↔ paths, offsets ↔ positions, and core's
// diagnostics, edits, completions, symbols and tokens ↔ their LSP shapes. Everything else in the
// server passes core types around.

import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CompletionItemKind,
  DiagnosticSeverity,
  FoldingRangeKind,
  InsertTextFormat,
  MarkupKind,
  SymbolKind,
  type CodeAction as LspCodeAction,
  type CodeLens,
  type InlayHint,
  type CompletionItem as LspCompletionItem,
  type Diagnostic as LspDiagnostic,
  type DocumentSymbol,
  type FoldingRange as LspFoldingRange,
  type Hover,
  type Location as LspLocation,
  type Position,
  type Range,
  type SelectionRange,
  type SignatureHelp,
  type SymbolInformation,
  type TextEdit as LspTextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import {
  SEMANTIC_TOKEN_MODIFIERS,
  SEMANTIC_TOKEN_TYPES,
  type CodeAction,
  type CompletionItem,
  type CompletionKind,
  type Diagnostic,
  type FoldingRange,
  type HoverInfo,
  type LineMap,
  type Location,
  type OutlineKind,
  type OutlineSymbol,
  type SemanticToken,
  type SignatureHelpInfo,
  type Span,
  type TestBlock,
  type TextEdit,
  type WorkspaceSymbol,
} from '@mql/core';
import type { FileSpan, TestsResult } from '@mql/workbench';
import { stageText, type Explanation, type ImpactState } from './live.js';

// ---------------------------------------------------------------------------------------------
// URIs and paths. Core wants absolute `/`-separated paths; documents that are not files (an
// unsaved editor) get a path of their own, remembered so it maps back to the same URI.

export class Uris {
  private readonly uriOfPath = new Map<string, string>();
  /** The URL of the diagnostics reference page (docs/diagnostics.md), one section per code. */
  diagnosticsPage: string | undefined;

  /** The link of a code's section: GitHub-style anchors, `#mql2001`. */
  codeHref(code: string): string | undefined {
    return this.diagnosticsPage === undefined ? undefined : `${this.diagnosticsPage}#${code.toLowerCase()}`;
  }

  toPath(uri: string): string {
    let path: string;
    if (uri.startsWith('file:')) {
      path = fileURLToPath(uri).split('\\').join('/');
    } else {
      path = `/${uri.replace(/[:/\\]+/g, '_')}.mql`; // e.g. untitled:Untitled-1
    }
    this.uriOfPath.set(path, uri);
    return path;
  }

  toUri(path: string): string {
    return this.uriOfPath.get(path) ?? pathToFileURL(path).href;
  }
}

// ---------------------------------------------------------------------------------------------
// Positions

export function toPosition(lines: LineMap, offset: number): Position {
  const { line, column } = lines.position(offset);
  return { line, character: column };
}

export function toRange(lines: LineMap, span: Span): Range {
  return { start: toPosition(lines, span.start), end: toPosition(lines, span.end) };
}

export function toOffset(lines: LineMap, position: Position): number {
  return lines.offset(position.line, position.character);
}

export function toSpan(lines: LineMap, range: Range): Span {
  return { start: toOffset(lines, range.start), end: toOffset(lines, range.end) };
}

/** Line maps of the files a conversion may mention (the current one and any other of the program). */
export type LinesOf = (path: string) => LineMap | undefined;

// ---------------------------------------------------------------------------------------------
// Diagnostics and edits

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

export function toDiagnostic(diagnostic: Diagnostic, linesOf: LinesOf, uris: Uris): LspDiagnostic {
  const lines = linesOf(diagnostic.file);
  const result: LspDiagnostic = {
    range: lines ? toRange(lines, diagnostic.span) : zeroRange(),
    severity: SEVERITY[diagnostic.severity],
    code: diagnostic.code,
    source: 'mql',
    message: diagnostic.message,
  };
  const href = uris.codeHref(diagnostic.code);
  if (href !== undefined) result.codeDescription = { href };
  const related = diagnostic.related.flatMap((r) => {
    const relatedLines = linesOf(r.file);
    return relatedLines ? [{ location: { uri: uris.toUri(r.file), range: toRange(relatedLines, r.span) }, message: r.message }] : [];
  });
  if (related.length > 0) result.relatedInformation = related;
  return result;
}

function zeroRange(): Range {
  return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
}

export function toWorkspaceEdit(edits: readonly TextEdit[], linesOf: LinesOf, uris: Uris): WorkspaceEdit {
  const changes: Record<string, LspTextEdit[]> = {};
  for (const edit of edits) {
    const lines = linesOf(edit.file);
    if (!lines) continue;
    (changes[uris.toUri(edit.file)] ??= []).push({ range: toRange(lines, edit.span), newText: edit.newText });
  }
  return { changes };
}

export function toCodeAction(action: CodeAction, linesOf: LinesOf, uris: Uris): LspCodeAction {
  return {
    title: action.title,
    kind: action.kind,
    ...(action.diagnostic ? { diagnostics: [toDiagnostic(action.diagnostic, linesOf, uris)] } : {}),
    edit: toWorkspaceEdit(action.edits, linesOf, uris),
    isPreferred: action.preferred,
  };
}

export function toLocation(location: Location, linesOf: LinesOf, uris: Uris): LspLocation | undefined {
  const lines = linesOf(location.file);
  if (!lines && location.span.end > 0) return undefined;
  return { uri: uris.toUri(location.file), range: lines ? toRange(lines, location.span) : zeroRange() };
}

// ---------------------------------------------------------------------------------------------
// Completion, hover, signature help

const COMPLETION_KIND: Record<CompletionKind, CompletionItemKind> = {
  keyword: CompletionItemKind.Keyword,
  snippet: CompletionItemKind.Snippet,
  field: CompletionItemKind.Field,
  attribute: CompletionItemKind.Property,
  event: CompletionItemKind.Event,
  list: CompletionItemKind.Constant,
  segment: CompletionItemKind.Function,
  score: CompletionItemKind.Variable,
  grade: CompletionItemKind.Enum,
  stage: CompletionItemKind.Class,
  enumMember: CompletionItemKind.EnumMember,
  value: CompletionItemKind.Value,
  type: CompletionItemKind.TypeParameter,
  file: CompletionItemKind.File,
  folder: CompletionItemKind.Folder,
  function: CompletionItemKind.Function,
};

export function toCompletionItem(item: CompletionItem, replace: Range): LspCompletionItem {
  const result: LspCompletionItem = {
    label: item.label,
    kind: COMPLETION_KIND[item.kind],
    textEdit: { range: replace, newText: item.insertText ?? item.label },
  };
  if (item.snippet) result.insertTextFormat = InsertTextFormat.Snippet;
  if (item.detail) result.detail = item.detail;
  if (item.documentation) result.documentation = { kind: MarkupKind.Markdown, value: item.documentation };
  if (item.filterText) result.filterText = item.filterText;
  if (item.sortText) result.sortText = `${item.sortText}${item.label}`;
  return result;
}

/** Spans innermost first as LSP's chain of parents. */
export function toSelectionRange(spans: readonly Span[], lines: LineMap): SelectionRange {
  let range: SelectionRange | undefined;
  for (let i = spans.length - 1; i >= 0; i--) range = { range: toRange(lines, spans[i]!), ...(range ? { parent: range } : {}) };
  return range ?? { range: toRange(lines, { start: 0, end: 0 }) };
}

export function toHover(info: HoverInfo, lines: LineMap): Hover {
  return { contents: { kind: MarkupKind.Markdown, value: info.contents }, range: toRange(lines, info.span) };
}

export function toSignatureHelp(help: SignatureHelpInfo): SignatureHelp {
  const { signature } = help;
  return {
    signatures: [
      {
        label: signature.label,
        documentation: { kind: MarkupKind.Markdown, value: signature.documentation },
        parameters: signature.parameters.map((p) => ({ label: p.label, documentation: { kind: MarkupKind.Markdown, value: p.documentation } })),
      },
    ],
    activeSignature: 0,
    activeParameter: help.activeParameter,
  };
}

// ---------------------------------------------------------------------------------------------
// Symbols, folding, semantic tokens

const SYMBOL_KIND: Record<OutlineKind, SymbolKind> = {
  import: SymbolKind.File,
  lead: SymbolKind.Struct,
  event: SymbolKind.Event,
  field: SymbolKind.Field,
  list: SymbolKind.Array,
  segment: SymbolKind.Boolean,
  score: SymbolKind.Number,
  rule: SymbolKind.Property,
  grade: SymbolKind.Enum,
  band: SymbolKind.EnumMember,
  stage: SymbolKind.Class,
  clause: SymbolKind.Property,
  test: SymbolKind.Method,
};

export function toDocumentSymbol(symbol: OutlineSymbol, lines: LineMap): DocumentSymbol {
  const result: DocumentSymbol = {
    name: symbol.name || '(unnamed)',
    kind: SYMBOL_KIND[symbol.kind],
    range: toRange(lines, symbol.span),
    selectionRange: toRange(lines, symbol.selection),
    children: symbol.children.map((child) => toDocumentSymbol(child, lines)),
  };
  if (symbol.detail) result.detail = symbol.detail;
  return result;
}

export function toSymbolInformation(symbol: WorkspaceSymbol, linesOf: LinesOf, uris: Uris): SymbolInformation | undefined {
  const lines = linesOf(symbol.file);
  if (!lines) return undefined;
  const result: SymbolInformation = {
    name: symbol.name,
    kind: SYMBOL_KIND[symbol.kind],
    location: { uri: uris.toUri(symbol.file), range: toRange(lines, symbol.span) },
  };
  if (symbol.container) result.containerName = symbol.container;
  return result;
}

export function toFoldingRange(range: FoldingRange): LspFoldingRange {
  const result: LspFoldingRange = { startLine: range.startLine, endLine: range.endLine };
  if (range.kind === 'comment') result.kind = FoldingRangeKind.Comment;
  if (range.kind === 'imports') result.kind = FoldingRangeKind.Imports;
  return result;
}

export const SEMANTIC_TOKENS_LEGEND = { tokenTypes: [...SEMANTIC_TOKEN_TYPES], tokenModifiers: [...SEMANTIC_TOKEN_MODIFIERS] };

/** LSP's relative encoding: per token, line delta, start delta, length, type index, modifier bits. */
export function encodeSemanticTokens(tokens: readonly SemanticToken[], lines: LineMap): number[] {
  const data: number[] = [];
  let previousLine = 0;
  let previousStart = 0;
  for (const token of tokens) {
    const { line, column } = lines.position(token.span.start);
    const deltaLine = line - previousLine;
    const deltaStart = deltaLine === 0 ? column - previousStart : column;
    const modifiers = token.modifiers.reduce((bits, m) => bits | (1 << SEMANTIC_TOKEN_MODIFIERS.indexOf(m)), 0);
    data.push(deltaLine, deltaStart, token.span.end - token.span.start, SEMANTIC_TOKEN_TYPES.indexOf(token.type), modifiers);
    previousLine = line;
    previousStart = column;
  }
  return data;
}

// ---------------------------------------------------------------------------------------------
// The runtime-backed features (live.ts): tests, explanations, sample impact. The custom methods'
// shapes are documented in the README ("Custom methods").

export function toTestLocation(test: TestBlock, lines: LineMap, uri: string) {
  return { name: test.description, uri, range: toRange(lines, test.span), ...(test.lead ? { leadRange: toRange(lines, test.lead) } : {}) };
}

export interface TestRunResponse {
  compiled: boolean;
  /** Errors in the program when it did not compile (no test ran). */
  errors: number;
  tests: {
    name: string;
    passed: boolean;
    location: LspLocation | undefined;
    failures: { expected: string; actual: string; location: LspLocation | undefined }[];
    invalid: string[];
    explanation: string;
  }[];
}

export function toTestsResult(result: TestsResult, linesOf: LinesOf, uris: Uris): TestRunResponse {
  if (!result.compiled) return { compiled: false, errors: result.errors, tests: [] };
  const place = (at: FileSpan) => toLocation({ file: at.file, span: at }, linesOf, uris);
  return {
    compiled: true,
    errors: 0,
    tests: result.tests.map((test) => ({
      name: test.description,
      passed: test.passed,
      location: place(test.at),
      failures: test.failures.map((f) => ({ expected: f.expected, actual: f.actual, location: place(f.at) })),
      invalid: test.invalid,
      explanation: test.explanation.join('\n'),
    })),
  };
}

export function toExplanation(explanation: Explanation, linesOf: LinesOf, uris: Uris) {
  return {
    title: explanation.title,
    text: explanation.lines.join('\n'),
    links: explanation.links.flatMap((link) => {
      const target = toLocation({ file: link.target.file, span: link.target }, linesOf, uris);
      return target ? [{ range: { start: { line: link.line, character: link.start }, end: { line: link.line, character: link.end } }, target }] : [];
    }),
  };
}

/** "▶ Run test" and "Explain" above each test; the counts above each stage of `file`. */
export function toCodeLenses(file: string, tests: TestBlock[], state: ImpactState | undefined, lines: LineMap, uri: string): CodeLens[] {
  const lenses: CodeLens[] = [];
  for (const test of tests) {
    const range = toRange(lines, { start: test.span.start, end: test.span.start });
    lenses.push({ range, command: { title: '▶ Run test', command: 'mql.runTest', arguments: [uri, test.description] } });
    if (test.lead) {
      const leadRange = toRange(lines, { start: test.lead.start, end: test.lead.start });
      lenses.push({ range: leadRange, command: { title: 'Explain', command: 'mql.explainTest', arguments: [uri, test.description] } });
    }
  }
  const impact = state?.current;
  if (impact) {
    for (const stage of impact.stages) {
      if (stage.at.file !== file) continue;
      const range = toRange(lines, { start: stage.at.start, end: stage.at.start });
      lenses.push({ range, command: { title: stageText(stage, impact, state.saved), command: 'mql.explainLead', arguments: [uri] } });
    }
  }
  return lenses;
}

/** Counts at the end of lines (live.ts `impactHints`), those in the visible range. */
export function toInlayHints(hints: { offset: number; label: string }[], lines: LineMap, range: Range): InlayHint[] {
  return hints.flatMap(({ offset, label }) => {
    const position = toPosition(lines, offset);
    return position.line >= range.start.line && position.line <= range.end.line ? [{ position, label, paddingLeft: true }] : [];
  });
}

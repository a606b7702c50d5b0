// The language server: LSP requests in, core's language service out. This file wires handlers;
// the workspace (workspace.ts) owns documents and analyses, convert.ts owns every conversion.

import {
  CompletionTriggerKind,
  DidChangeWatchedFilesNotification,
  ErrorCodes,
  ResponseError,
  FileChangeType,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  type Position,
  type TextDocumentIdentifier,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  CONFIG_FILE,
  changedRange,
  codeActionsFor,
  fixAll,
  ignoreActions,
  completionWanted,
  completionsAt,
  definitionAt,
  documentLinks,
  documentSymbols,
  formatRange,
  selectionRanges,
  foldingRanges,
  formatText,
  highlightsAt,
  hoverAt,
  prepareRename,
  programFile,
  referencesOf,
  renameAt,
  semanticTokens,
  signatureHelpAt,
  targetAt,
  testBlocks,
  workspaceSymbols,
  type ProgramFile,
} from '@mql/core';
import * as convert from './convert.js';
import { LiveService, impactHints } from './live.js';
import { DiagnosticsPublisher } from './publisher.js';
import type { FileSystem } from './workspace.js';
import { Workspace } from './workspace.js';

export interface ServerOptions {
  /** Milliseconds to wait after an edit before publishing diagnostics (edits in between restart it). */
  diagnosticsDelay?: number;
  /** URL of the diagnostics reference (docs/diagnostics.md) that each diagnostic's code links to. */
  diagnosticsPage?: string;
}

export const DEFAULT_DIAGNOSTICS_DELAY = 30;

export function startServer(connection: Connection, fs: FileSystem, options: ServerOptions = {}): void {
  const workspace = new Workspace(fs);
  const uris = new convert.Uris();
  uris.diagnosticsPage = options.diagnosticsPage;
  const documents = new TextDocuments(TextDocument);
  const linesOf: convert.LinesOf = (path) => workspace.lines(path);
  const publisher = new DiagnosticsPublisher(connection, workspace, uris, options.diagnosticsDelay ?? DEFAULT_DIAGNOSTICS_DELAY);
  let refreshLenses = false;
  let refreshHints = false;
  let runTestsOnSave = false;
  const live = new LiveService(workspace, (entry) => {
    void connection.sendNotification('mql/impactChanged', { uri: uris.toUri(entry) });
    if (refreshLenses) void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
    if (refreshHints) void connection.sendRequest('workspace/inlayHint/refresh').catch(() => undefined);
  });
  publisher.extra = (path) => live.failuresIn(path);

  /** The analysis of a document and its parsed file, with the cursor's offset in it. */
  const at = (document: TextDocumentIdentifier, position?: Position) => {
    const path = uris.toPath(document.uri);
    const analysis = workspace.analysis(path);
    const file = programFile(analysis, path);
    if (!file) return undefined;
    const offset = position ? convert.toOffset(file.lines, position) : 0;
    return { path, analysis, file, offset };
  };

  let watchFiles = false;
  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    workspace.setRoots(folders.filter((uri) => uri.startsWith('file:')).map((uri) => uris.toPath(uri)));
    watchFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    const init = params.initializationOptions as { diagnosticsDelay?: unknown; diagnosticsPage?: unknown; runTestsOnSave?: unknown; sample?: { file?: unknown } } | undefined;
    if (typeof init?.diagnosticsPage === 'string') uris.diagnosticsPage = init.diagnosticsPage;
    if (typeof init?.sample?.file === 'string') live.defaultSample = { file: init.sample.file.split('\\').join('/') };
    if (typeof init?.diagnosticsDelay === 'number' && init.diagnosticsDelay >= 0) publisher.delay = init.diagnosticsDelay;
    runTestsOnSave = init?.runTestsOnSave === true;
    refreshLenses = params.capabilities.workspace?.codeLens?.refreshSupport === true;
    refreshHints = params.capabilities.workspace?.inlayHint?.refreshSupport === true;
    return { capabilities: CAPABILITIES, serverInfo: { name: 'mql-language-server', version: '0.1.0' } };
  });
  // Imported files that are not open are read from disk: ask the client to report their changes.
  connection.onInitialized(() => {
    if (!watchFiles) return;
    void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.mql' }, { globPattern: '**/mql.config.json' }] });
  });

  documents.onDidOpen(({ document }) => {
    const path = uris.toPath(document.uri);
    publisher.schedule(workspace.update(path, document.version, document.getText()), true);
    live.settled(path, document.version);
  });
  documents.onDidChangeContent(({ document }) => {
    const path = uris.toPath(document.uri);
    if (workspace.document(path)?.version === document.version) return; // the open event handled it
    live.edited(path);
    const affected = workspace.update(path, document.version, document.getText());
    publisher.schedule(affected);
    publisher.scheduleDependents(path);
    for (const entry of affected) live.schedule(entry);
  });
  // Saving settles a document: its unused declarations are all reported again (publisher.ts), its
  // sample counts become the base of "since save", and its tests run when the client asked so.
  documents.onDidSave(({ document }) => {
    const path = uris.toPath(document.uri);
    live.settled(path, document.version);
    if (runTestsOnSave) live.runTests(path);
    publisher.schedule(runTestsOnSave ? workspace.programsIncluding(path) : [path], true);
  });
  documents.onDidClose(({ document }) => {
    const path = uris.toPath(document.uri);
    publisher.clear(path);
    live.forget(path);
    publisher.schedule(workspace.close(path));
  });
  connection.onDidChangeWatchedFiles(({ changes }) => {
    for (const change of changes) {
      const path = uris.toPath(change.uri);
      // New lint settings settle the documents: every unused declaration is reported again.
      const config = path.endsWith(`/${CONFIG_FILE}`);
      const affected = workspace.fileChangedOnDisk(path, change.type !== FileChangeType.Changed);
      publisher.schedule(affected, config);
      if (path.endsWith('.mql')) publisher.scheduleDependents(path);
      if (config) live.sampleChanged();
      for (const entry of affected) live.schedule(entry);
    }
  });

  connection.onCompletion(({ textDocument, position, context }) => {
    const here = at(textDocument, position);
    if (!here) return null;
    // A space, `[`, `(` or `:` opens the list only where something useful follows (core's triggers.ts).
    if (context?.triggerKind === CompletionTriggerKind.TriggerCharacter && context.triggerCharacter && !completionWanted(here.file, here.offset, context.triggerCharacter)) return null;
    const list = completionsAt(here.analysis, here.path, here.offset, { listDirectory: (folder) => fs.listDirectory(folder) });
    const replace = convert.toRange(here.file.lines, list.replace);
    return { isIncomplete: false, items: list.items.map((item) => convert.toCompletionItem(item, replace)) };
  });

  connection.onHover(({ textDocument, position }) => {
    const here = at(textDocument, position);
    const info = here && hoverAt(here.analysis, here.path, here.offset);
    return info ? convert.toHover(info, here.file.lines) : null;
  });

  connection.onSignatureHelp(({ textDocument, position }) => {
    const here = at(textDocument, position);
    const help = here && signatureHelpAt(here.analysis, here.path, here.offset);
    return help ? convert.toSignatureHelp(help) : null;
  });

  connection.onDefinition(({ textDocument, position }) => {
    const here = at(textDocument, position);
    if (!here) return [];
    return definitionAt(here.analysis, here.path, here.offset).flatMap((l) => convert.toLocation(l, linesOf, uris) ?? []);
  });

  connection.onReferences(({ textDocument, position, context }) => {
    const here = at(textDocument, position);
    const target = here && targetAt(here.analysis, here.path, here.offset);
    if (!target) return [];
    const locations = referencesOf(target, workspace.allAnalyses(), context.includeDeclaration);
    return locations.flatMap((l) => convert.toLocation(l, linesOf, uris) ?? []);
  });

  connection.onDocumentHighlight(({ textDocument, position }) => {
    const here = at(textDocument, position);
    if (!here) return [];
    return highlightsAt(here.analysis, here.path, here.offset).map((l) => ({ range: convert.toRange(here.file.lines, l.span) }));
  });

  connection.onPrepareRename(({ textDocument, position }) => {
    const here = at(textDocument, position);
    if (!here) return null;
    const check = prepareRename(here.analysis, here.path, here.offset);
    if (!check.ok) throw new ResponseError(ErrorCodes.InvalidRequest, check.message);
    return { range: convert.toRange(here.file.lines, check.span), placeholder: check.placeholder };
  });

  connection.onRenameRequest(({ textDocument, position, newName }) => {
    const here = at(textDocument, position);
    if (!here) return null;
    const result = renameAt(here.analysis, here.path, here.offset, newName, workspace.allAnalyses());
    if (!result.ok) throw new ResponseError(ErrorCodes.InvalidRequest, result.message);
    return convert.toWorkspaceEdit(result.edits, linesOf, uris);
  });

  connection.onCodeAction(({ textDocument, range, context }) => {
    const here = at(textDocument);
    if (!here) return [];
    const wantsFixAll = context.only?.some((kind) => kind === 'source' || kind === 'source.fixAll' || kind === 'source.fixAll.mql');
    if (wantsFixAll) {
      const all = fixAll(here.analysis, here.path);
      return all ? [convert.toCodeAction(all, linesOf, uris)] : [];
    }
    const span = convert.toSpan(here.file.lines, range);
    const lints = workspace.lints(here.path);
    const actions = [...codeActionsFor(here.analysis, here.path, span, lints), ...ignoreActions(here.file, lints, span)];
    return actions.map((action) => convert.toCodeAction(action, linesOf, uris));
  });

  connection.onDocumentFormatting(({ textDocument }) => {
    const here = at(textDocument);
    return here ? formattingEdits(here.file) : null;
  });

  connection.onDocumentRangeFormatting(({ textDocument, range }) => {
    const here = at(textDocument);
    if (!here) return null;
    return formatRange(here.file, convert.toSpan(here.file.lines, range)).map((edit) => ({ range: convert.toRange(here.file.lines, edit.span), newText: edit.newText }));
  });

  connection.onSelectionRanges(({ textDocument, positions }) => {
    const here = at(textDocument);
    if (!here) return [];
    return positions.map((position) => convert.toSelectionRange(selectionRanges(here.file, convert.toOffset(here.file.lines, position)), here.file.lines));
  });

  connection.onDocumentLinks(({ textDocument }) => {
    const here = at(textDocument);
    if (!here) return [];
    const files = here.analysis.files.map((f) => f.path);
    return documentLinks(here.file, files).map((link) => ({ range: convert.toRange(here.file.lines, link.span), target: uris.toUri(link.target) }));
  });

  connection.onDocumentSymbol(({ textDocument }) => {
    const here = at(textDocument);
    return here ? documentSymbols(here.file).map((symbol) => convert.toDocumentSymbol(symbol, here.file.lines)) : [];
  });

  connection.onWorkspaceSymbol(({ query }) =>
    workspaceSymbols(workspace.allAnalyses(), query).flatMap((symbol) => convert.toSymbolInformation(symbol, linesOf, uris) ?? []),
  );

  connection.onFoldingRanges(({ textDocument }) => {
    const here = at(textDocument);
    return here ? foldingRanges(here.file).map(convert.toFoldingRange) : [];
  });

  connection.languages.semanticTokens.on(({ textDocument }) => {
    const here = at(textDocument);
    return { data: here ? convert.encodeSemanticTokens(semanticTokens(here.analysis, here.path), here.file.lines) : [] };
  });

  // --- the runtime-backed features (live.ts); methods documented in the README -------------

  connection.onRequest('mql/tests', ({ textDocument }: { textDocument: TextDocumentIdentifier }) => {
    const here = at(textDocument);
    return { tests: here ? testBlocks(here.file).map((test) => convert.toTestLocation(test, here.file.lines, textDocument.uri)) : [] };
  });

  connection.onRequest('mql/runTests', ({ textDocument, tests }: { textDocument: TextDocumentIdentifier; tests?: string[] }) => {
    const path = uris.toPath(textDocument.uri);
    const result = live.runTests(path, tests);
    publisher.schedule(workspace.programsIncluding(path), false);
    return convert.toTestsResult(result, linesOf, uris);
  });

  connection.onRequest('mql/explain', async ({ textDocument, test, lead }: { textDocument: TextDocumentIdentifier; test?: string; lead?: string }) => {
    const path = uris.toPath(textDocument.uri);
    const explanation = test !== undefined ? live.explainTest(path, test) : lead !== undefined ? await live.explainLead(path, lead) : 'name a test or a lead';
    return typeof explanation === 'string' ? { problem: explanation } : convert.toExplanation(explanation, linesOf, uris);
  });

  connection.onRequest('mql/sampleLeads', async ({ textDocument }: { textDocument: TextDocumentIdentifier }) => {
    const ids = await live.sampleIds(uris.toPath(textDocument.uri));
    return typeof ids === 'string' ? { problem: ids } : { ids };
  });

  connection.onRequest('mql/impact', async ({ textDocument, wait }: { textDocument: TextDocumentIdentifier; wait?: boolean }) => {
    const path = uris.toPath(textDocument.uri);
    if (wait) await live.idle(path);
    return live.impactOf(path) ?? null;
  });

  connection.onCodeLens(({ textDocument }) => {
    const here = at(textDocument);
    return here ? convert.toCodeLenses(here.path, testBlocks(here.file), live.impactOf(here.path), here.file.lines, textDocument.uri) : [];
  });

  connection.languages.inlayHint.on(({ textDocument, range }) => {
    const here = at(textDocument);
    return here ? convert.toInlayHints(impactHints(here.file, live.impactOf(here.path)), here.file.lines, range) : [];
  });

  documents.listen(connection);
  connection.listen();
}

/** The formatter's result as one edit covering only what changed (cursor and folds stay put). */
function formattingEdits(file: ProgramFile) {
  const formatted = formatText(file.text, file.path).text;
  if (formatted === undefined || formatted === file.text) return [];
  const change = outsideLineBreaks(file.text, changedRange(file.text, formatted));
  return [
    {
      range: convert.toRange(file.lines, { start: change.start, end: change.oldEnd }),
      newText: formatted.slice(change.start, change.newEnd),
    },
  ];
}

/**
 * Widens a change so it never starts or ends between the `\r` and `\n` of a CRLF: a client counts
 * the pair as one line break and would leave a stray `\r` (the formatter writes LF, as `mql fmt`).
 * The text before and after the change is shared by both versions, so both ends move together.
 */
function outsideLineBreaks(text: string, change: ReturnType<typeof changedRange>): ReturnType<typeof changedRange> {
  let { start, oldEnd, newEnd } = change;
  if (start > 0 && text[start - 1] === '\r' && text[start] === '\n') start--;
  if (oldEnd > 0 && text[oldEnd - 1] === '\r' && text[oldEnd] === '\n') {
    oldEnd++;
    newEnd++;
  }
  return { start, oldEnd, newEnd };
}

const CAPABILITIES: InitializeResult['capabilities'] = {
  textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
  completionProvider: { triggerCharacters: ['.', '"', '/', ' ', '[', '(', ':'] },
  hoverProvider: true,
  signatureHelpProvider: { triggerCharacters: ['(', ','], retriggerCharacters: [','] },
  definitionProvider: true,
  referencesProvider: true,
  documentHighlightProvider: true,
  renameProvider: { prepareProvider: true },
  codeActionProvider: { codeActionKinds: ['quickfix', 'source.fixAll.mql'] },
  documentFormattingProvider: true,
  documentRangeFormattingProvider: true,
  selectionRangeProvider: true,
  documentLinkProvider: { resolveProvider: false },
  documentSymbolProvider: true,
  workspaceSymbolProvider: true,
  foldingRangeProvider: true,
  semanticTokensProvider: { legend: convert.SEMANTIC_TOKENS_LEGEND, full: true },
  codeLensProvider: { resolveProvider: false },
  inlayHintProvider: true,
};


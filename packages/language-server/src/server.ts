// The language server: LSP requests in, core's language service out. This file wires handlers;
// the workspace (workspace.ts) owns documents and analyses, convert.ts owns every conversion.

import {
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
  completionsAt,
  definitionAt,
  documentSymbols,
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
  workspaceSymbols,
  type ProgramFile,
} from '@mql/core';
import * as convert from './convert.js';
import { DiagnosticsPublisher } from './publisher.js';
import type { FileSystem } from './workspace.js';
import { Workspace } from './workspace.js';

export interface ServerOptions {
  /** Milliseconds to wait after an edit before publishing diagnostics (edits in between restart it). */
  diagnosticsDelay?: number;
}

export const DEFAULT_DIAGNOSTICS_DELAY = 30;

export function startServer(connection: Connection, fs: FileSystem, options: ServerOptions = {}): void {
  const workspace = new Workspace(fs);
  const uris = new convert.Uris();
  const documents = new TextDocuments(TextDocument);
  const linesOf: convert.LinesOf = (path) => workspace.lines(path);
  const publisher = new DiagnosticsPublisher(connection, workspace, uris, options.diagnosticsDelay ?? DEFAULT_DIAGNOSTICS_DELAY);

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
    const delay = (params.initializationOptions as { diagnosticsDelay?: unknown } | undefined)?.diagnosticsDelay;
    if (typeof delay === 'number' && delay >= 0) publisher.delay = delay;
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
  });
  documents.onDidChangeContent(({ document }) => {
    const path = uris.toPath(document.uri);
    if (workspace.document(path)?.version === document.version) return; // the open event handled it
    publisher.schedule(workspace.update(path, document.version, document.getText()));
  });
  // Saving settles a document: its unused declarations are all reported again (publisher.ts).
  documents.onDidSave(({ document }) => publisher.schedule([uris.toPath(document.uri)], true));
  documents.onDidClose(({ document }) => {
    const path = uris.toPath(document.uri);
    publisher.clear(path);
    publisher.schedule(workspace.close(path));
  });
  connection.onDidChangeWatchedFiles(({ changes }) => {
    for (const change of changes) {
      const path = uris.toPath(change.uri);
      // New lint settings settle the documents: every unused declaration is reported again.
      publisher.schedule(workspace.fileChangedOnDisk(path, change.type !== FileChangeType.Changed), path.endsWith(`/${CONFIG_FILE}`));
    }
  });

  connection.onCompletion(({ textDocument, position }) => {
    const here = at(textDocument, position);
    if (!here) return null;
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

  connection.onCodeAction(({ textDocument, range }) => {
    const here = at(textDocument);
    if (!here) return [];
    const actions = codeActionsFor(here.analysis, here.path, convert.toSpan(here.file.lines, range));
    return actions.map((action) => convert.toCodeAction(action, linesOf, uris));
  });

  connection.onDocumentFormatting(({ textDocument }) => {
    const here = at(textDocument);
    return here ? formattingEdits(here.file) : null;
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

  documents.listen(connection);
  connection.listen();
}

/** The formatter's result as one edit covering only what changed (cursor and folds stay put). */
function formattingEdits(file: ProgramFile) {
  const formatted = formatText(file.text, file.path).text;
  if (formatted === undefined || formatted === file.text) return [];
  const change = changedRange(file.text, formatted);
  return [
    {
      range: convert.toRange(file.lines, { start: change.start, end: change.oldEnd }),
      newText: formatted.slice(change.start, change.newEnd),
    },
  ];
}

const CAPABILITIES: InitializeResult['capabilities'] = {
  textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
  completionProvider: { triggerCharacters: ['.', '"', '/'] },
  hoverProvider: true,
  signatureHelpProvider: { triggerCharacters: ['(', ','], retriggerCharacters: [','] },
  definitionProvider: true,
  referencesProvider: true,
  documentHighlightProvider: true,
  renameProvider: { prepareProvider: true },
  codeActionProvider: { codeActionKinds: ['quickfix'] },
  documentFormattingProvider: true,
  documentSymbolProvider: true,
  workspaceSymbolProvider: true,
  foldingRangeProvider: true,
  semanticTokensProvider: { legend: convert.SEMANTIC_TOKENS_LEGEND, full: true },
};


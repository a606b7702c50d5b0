// The VS Code extension is a client: it starts the MQL language server bundled beside it
// (dist/server.js) and lets it do everything else. Highlighting comes from the TextMate grammar and
// editing behaviour from language-configuration.json, both declared in package.json. What VS Code
// has a UI for and LSP does not, it maps onto the server's custom methods
// (packages/language-server/README.md, "Custom methods"): the Test Explorer (mql/tests,
// mql/runTests), explanations in a read-only document with links to the rules (mql/explain), and
// the sample lead picker (mql/sampleLeads).

import path from 'node:path';
import {
  EventEmitter,
  Location,
  Range,
  TestMessage,
  TestRunProfileKind,
  Uri,
  commands,
  languages,
  tests,
  window,
  workspace,
  type DocumentLink,
  type ExtensionContext,
  type TestController,
  type TestItem,
  type TestRunRequest,
  type TextDocument,
} from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

interface LspRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}
interface LspLocation {
  uri: string;
  range: LspRange;
}
interface TestRunResponse {
  compiled: boolean;
  errors: number;
  tests: { name: string; passed: boolean; location?: LspLocation; failures: { expected: string; actual: string; location?: LspLocation }[]; invalid: string[]; explanation: string }[];
}
interface ExplainResponse {
  problem?: string;
  title?: string;
  text?: string;
  links?: { range: LspRange; target: LspLocation }[];
}

const toRange = (r: LspRange) => new Range(r.start.line, r.start.character, r.end.line, r.end.character);
const toLocation = (l: LspLocation) => new Location(Uri.parse(l.uri), toRange(l.range));

export async function activate(context: ExtensionContext): Promise<void> {
  const server = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: server, transport: TransportKind.ipc },
    debug: { module: server, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const settings = workspace.getConfiguration('mql');
  const folder = workspace.workspaceFolders?.[0]?.uri.fsPath;
  const sampleFile = settings.get<string>('sample.file', '');
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'mql' },
      { scheme: 'untitled', language: 'mql' },
    ],
    // Imported files that are not open are read from disk: tell the server when they change.
    synchronize: { fileEvents: workspace.createFileSystemWatcher('**/{*.mql,mql.config.json}') },
    initializationOptions: {
      runTestsOnSave: settings.get<boolean>('tests.runOnSave', true),
      ...(sampleFile ? { sample: { file: folder ? path.resolve(folder, sampleFile) : sampleFile } } : {}),
    },
  };
  client = new LanguageClient('mql', 'MQL language server', serverOptions, clientOptions);
  await client.start();

  const explanations = new Explanations();
  const controller = testController(context);
  context.subscriptions.push(
    controller,
    workspace.registerTextDocumentContentProvider(Explanations.scheme, explanations),
    languages.registerDocumentLinkProvider({ scheme: Explanations.scheme }, explanations),
    commands.registerCommand('mql.runTest', (uri: string, name: string) => runTests(controller, uri, [name])),
    commands.registerCommand('mql.runTests', () => {
      const document = window.activeTextEditor?.document;
      if (document?.languageId === 'mql') return runTests(controller, document.uri.toString());
      return window.showInformationMessage('Open an .mql file to run its tests.');
    }),
    commands.registerCommand('mql.explainTest', (uri: string, name: string) => explain(explanations, uri, { test: name })),
    commands.registerCommand('mql.explainLead', (uri?: string) => explainLead(explanations, uri)),
    commands.registerCommand('mql.checkWorkspace', checkWorkspace),
    commands.registerCommand('mql.restartServer', () => client?.restart()),
    commands.registerCommand('mql.showOutput', () => client?.outputChannel.show()),
    workspace.onDidOpenTextDocument((document) => void discoverTests(controller, document)),
    workspace.onDidSaveTextDocument((document) => void discoverTests(controller, document)),
  );
  for (const document of workspace.textDocuments) void discoverTests(controller, document);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

// ---------------------------------------------------------------------------------------------
// Test Explorer: one item per file, one child per `test` block.

function testController(context: ExtensionContext): TestController {
  const controller = tests.createTestController('mql', 'MQL tests');
  controller.resolveHandler = async () => {
    for (const file of await workspace.findFiles('**/*.mql', '**/node_modules/**')) {
      await discoverTests(controller, await workspace.openTextDocument(file));
    }
  };
  controller.createRunProfile('Run', TestRunProfileKind.Run, (request) => runRequest(controller, request), true);
  context.subscriptions.push({ dispose: () => controller.dispose() });
  return controller;
}

async function discoverTests(controller: TestController, document: TextDocument): Promise<void> {
  if (document.languageId !== 'mql' || !client) return;
  const uri = document.uri.toString();
  const { tests: found } = await client.sendRequest<{ tests: { name: string; range: LspRange }[] }>('mql/tests', { textDocument: { uri } });
  if (found.length === 0) {
    controller.items.delete(uri);
    return;
  }
  const fileItem = controller.items.get(uri) ?? controller.createTestItem(uri, path.basename(document.uri.fsPath), document.uri);
  fileItem.children.replace(
    found.map((test) => {
      const item = controller.createTestItem(`${uri}#${test.name}`, test.name, document.uri);
      item.range = toRange(test.range);
      return item;
    }),
  );
  controller.items.add(fileItem);
}

async function runRequest(controller: TestController, request: TestRunRequest): Promise<void> {
  const wanted: TestItem[] = [];
  if (request.include) wanted.push(...request.include);
  else controller.items.forEach((item) => wanted.push(item));
  const byFile = new Map<string, { names?: string[]; items: TestItem[] }>();
  for (const item of wanted) {
    const [uri, name] = item.id.split('#') as [string, string | undefined];
    const entry = byFile.get(uri) ?? { names: [], items: [] };
    if (name === undefined) entry.names = undefined;
    else entry.names?.push(name);
    if (name === undefined) item.children.forEach((child) => entry.items.push(child));
    else entry.items.push(item);
    byFile.set(uri, entry);
  }
  const run = controller.createTestRun(request);
  for (const [uri, { names, items }] of byFile) {
    for (const item of items) run.started(item);
    const result = await client!.sendRequest<TestRunResponse>('mql/runTests', { textDocument: { uri }, ...(names ? { tests: names } : {}) });
    for (const item of items) {
      const name = item.id.split('#')[1];
      const test = result.tests.find((t) => t.name === name);
      if (!result.compiled) run.errored(item, new TestMessage(`The program has ${result.errors} error(s); fix them to run its tests.`));
      else if (!test) run.skipped(item);
      else if (test.passed) run.passed(item);
      else run.failed(item, testMessages(test));
    }
  }
  run.end();
}

function testMessages(test: TestRunResponse['tests'][number]): TestMessage[] {
  const messages = test.failures.map((failure) => {
    const message = TestMessage.diff(`expected ${failure.expected}, got ${failure.actual}\n\n${test.explanation}`, failure.expected, failure.actual);
    if (failure.location) message.location = toLocation(failure.location);
    return message;
  });
  if (test.invalid.length > 0) messages.push(new TestMessage(`The test lead is not a valid record: ${test.invalid.join('; ')}`));
  return messages;
}

/** The "▶ Run test" code lens (and the command palette): runs through the Test Explorer. */
async function runTests(controller: TestController, uri: string, names?: string[]): Promise<void> {
  const document = await workspace.openTextDocument(Uri.parse(uri));
  await discoverTests(controller, document);
  const fileItem = controller.items.get(uri);
  if (!fileItem) return;
  const include: TestItem[] = [];
  if (names) for (const name of names) include.push(...[fileItem.children.get(`${uri}#${name}`)].filter((i): i is TestItem => i !== undefined));
  else include.push(fileItem);
  await runRequest(controller, { include, exclude: [], profile: undefined, preserveFocus: true } as unknown as TestRunRequest);
}

// ---------------------------------------------------------------------------------------------
// Explanations: read-only documents (mql-explain:), whose `funnel.mql:23` references are links.

class Explanations {
  static readonly scheme = 'mql-explain';
  private readonly texts = new Map<string, ExplainResponse>();
  private readonly changes = new EventEmitter<Uri>();
  readonly onDidChange = this.changes.event;

  show(key: string, response: ExplainResponse): Thenable<unknown> {
    const uri = Uri.from({ scheme: Explanations.scheme, path: `/${key.replace(/[^\w.-]+/g, '-')}.txt` });
    this.texts.set(uri.toString(), response);
    this.changes.fire(uri);
    return workspace.openTextDocument(uri).then((document) => window.showTextDocument(document, { preview: true }));
  }

  provideTextDocumentContent(uri: Uri): string {
    return this.texts.get(uri.toString())?.text ?? '';
  }

  provideDocumentLinks(document: TextDocument): DocumentLink[] {
    const response = this.texts.get(document.uri.toString());
    return (response?.links ?? []).map((link) => {
      const target = Uri.parse(link.target.uri).with({ fragment: `L${link.target.range.start.line + 1},${link.target.range.start.character + 1}` });
      return { range: toRange(link.range), target };
    });
  }
}

async function explain(explanations: Explanations, uri: string, what: { test?: string; lead?: string }): Promise<void> {
  const response = await client!.sendRequest<ExplainResponse>('mql/explain', { textDocument: { uri }, ...what });
  if (response.problem) {
    await window.showWarningMessage(`MQL: ${response.problem}`);
    return;
  }
  await explanations.show(response.title ?? 'explanation', response);
}

/** "MQL: Explain lead…": picks a lead of the sample file by id. */
async function explainLead(explanations: Explanations, uri?: string): Promise<void> {
  const target = uri ?? (window.activeTextEditor?.document.languageId === 'mql' ? window.activeTextEditor.document.uri.toString() : undefined);
  if (!target) {
    await window.showInformationMessage('Open an .mql file to explain a lead with its rules.');
    return;
  }
  const leads = await client!.sendRequest<{ ids?: string[]; problem?: string }>('mql/sampleLeads', { textDocument: { uri: target } });
  if (!leads.ids) {
    await window.showWarningMessage(`MQL: ${leads.problem ?? 'no sample leads'}`);
    return;
  }
  const id = await window.showQuickPick(leads.ids, { placeHolder: 'Lead id (from the sample file in mql.config.json)' });
  if (id) await explain(explanations, target, { lead: id });
}

/** "MQL: Check workspace": opens every .mql file so the server checks it and lists its problems. */
async function checkWorkspace(): Promise<void> {
  const files = await workspace.findFiles('**/*.mql', '**/node_modules/**');
  for (const file of files) await workspace.openTextDocument(file);
  await commands.executeCommand('workbench.actions.view.problems');
  void window.showInformationMessage(`MQL: checked ${files.length} file${files.length === 1 ? '' : 's'}; see the Problems view.`);
}


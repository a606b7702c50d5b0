// The VS Code extension is a client only: it starts the MQL language server bundled beside it
// (dist/server.js) and lets it do everything else. Highlighting comes from the TextMate grammar and
// editing behaviour from language-configuration.json, both declared in package.json.

import path from 'node:path';
import { workspace, type ExtensionContext } from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
  const server = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: server, transport: TransportKind.ipc },
    debug: { module: server, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'mql' },
      { scheme: 'untitled', language: 'mql' },
    ],
    // Imported files that are not open are read from disk: tell the server when they change.
    synchronize: { fileEvents: workspace.createFileSystemWatcher('**/*.mql') },
  };
  client = new LanguageClient('mql', 'MQL language server', serverOptions, clientOptions);
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

// Entry point of the bundled server: LSP over stdio (`--stdio`), node IPC or a socket, as the
// client asks on the command line.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { FramingGuard } from './framing.js';
import { nodeFileSystem } from './node-fs.js';
import { startServer } from './server.js';

startServer(process.argv.includes('--stdio') ? stdioConnection() : createConnection(ProposedFeatures.all), nodeFileSystem, { diagnosticsPage: diagnosticsPage() });

/**
 * The diagnostics reference the codes link to: the copy of docs/diagnostics.md the build puts
 * beside the bundle (dist/ of this package and of the VS Code extension). A client may name
 * another URL (`initializationOptions.diagnosticsPage`), e.g. the page on the project's website.
 */
function diagnosticsPage(): string | undefined {
  const script = process.argv[1];
  const page = script ? path.join(path.dirname(script), 'diagnostics.md') : undefined;
  return page && existsSync(page) ? pathToFileURL(page).href : undefined;
}

/**
 * Over stdio, input that breaks the protocol's framing (a bad or missing Content-Length header, one
 * above MAX_MESSAGE_BYTES, a body that is not JSON) cannot be resynchronised: the server says why
 * on stderr and exits (1) rather than waiting silently for input it can never read.
 */
function stdioConnection() {
  const reader = new StreamMessageReader(process.stdin.pipe(new FramingGuard()));
  reader.onError((error) => {
    process.stderr.write(`mql-language-server: unreadable input from the client, exiting: ${error.message}\n`);
    process.exit(1);
  });
  return createConnection(ProposedFeatures.all, reader, new StreamMessageWriter(process.stdout));
}

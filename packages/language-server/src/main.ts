// Entry point of the bundled server: LSP over stdio (`--stdio`), node IPC or a socket, as the
// client asks on the command line.

import { createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { FramingGuard } from './framing.js';
import { nodeFileSystem } from './node-fs.js';
import { startServer } from './server.js';

startServer(process.argv.includes('--stdio') ? stdioConnection() : createConnection(ProposedFeatures.all), nodeFileSystem);

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

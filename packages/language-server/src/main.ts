// Entry point of the bundled server: LSP over stdio (`--stdio`), node IPC or a socket, as the
// client asks on the command line.

import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { nodeFileSystem } from './node-fs.js';
import { startServer } from './server.js';

startServer(createConnection(ProposedFeatures.all), nodeFileSystem);

// The server shipped inside the extension (CommonJS, bundled by editors/vscode/scripts/build.mjs)
// answers like the one the protocol tests exercise: it starts, checks and completes.

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompletionRequest, type CompletionList } from 'vscode-languageserver-protocol';
import { RULES, SCHEMA } from '../../../packages/language-server/test/fixtures.js';
import { LspClient, withCursor, workspaceFolder } from '../../../packages/language-server/test/lsp-client.js';

const bundledServer = path.join(import.meta.dirname, '..', 'dist', 'server.js');
let lsp: LspClient;

beforeAll(async () => {
  lsp = await LspClient.start(workspaceFolder({ 'schema.mql': SCHEMA }), bundledServer);
});
afterAll(() => lsp.stop());

describe('the server bundled in the extension', () => {
  it('publishes diagnostics and completes', async () => {
    await lsp.open('rules.mql', RULES.replace('require consent', 'require consnt'));
    const diagnostics = await lsp.diagnosticsOfVersion('rules.mql', 1);
    expect(diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual(['MQL2001 unknown name `consnt`; did you mean `consent`?']);
    const { text, position } = withCursor('import "./schema.mql"\nsegment s = company.|');
    const uri = await lsp.open('other.mql', text);
    const list = await lsp.request<CompletionList>(CompletionRequest.method, { textDocument: { uri }, position });
    expect(list.items.map((i) => i.label)).toEqual(['industry', 'employees']);
  });
});

// A workspace holding devices, pipes and imports that leave the project (issue 15): the server
// reports them as diagnostics without reading them and keeps answering.

import { execFileSync } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LspClient, workspaceFolder } from './lsp-client.js';

let client: LspClient | undefined;
afterEach(async () => {
  await client?.stop();
  client = undefined;
});

describe('hostile files in the workspace', () => {
  it('imports of a pipe, a device symlink and a file outside the project are diagnostics, and requests are still answered', async () => {
    const text = 'import "pipe.mql"\nimport "zero.mql"\nimport "../outside.mql"\nlead { email: email }\n';
    const root = workspaceFolder({ 'p/mql.config.json': '{}', 'p/main.mql': text, 'outside.mql': 'password=1' });
    execFileSync('mkfifo', [path.join(root, 'p/pipe.mql')]);
    symlinkSync('/dev/zero', path.join(root, 'p/zero.mql'));
    symlinkSync('/dev/zero', path.join(root, 'p/also-zero.mql')); // merely in the workspace
    writeFileSync(path.join(root, 'p/big.mql'), 'x'.repeat(11 * 1024 * 1024)); // over the limit
    client = await LspClient.start(path.join(root, 'p'));
    await client.open('main.mql', text);
    const diagnostics = await client.diagnosticsOfVersion('main.mql', 1);
    expect(diagnostics.map((d) => `${d.range.start.line} ${d.code} ${String(typeof d.message === 'string' ? d.message : d.message.value).replace(/ \(imports stay.*$/, '')}`)).toEqual([
      '0 MQL2029 cannot read `pipe.mql`: it is not a regular file (a device, pipe or socket)',
      `1 MQL2029 cannot read \`zero.mql\`: it is outside the project folder ${path.join(root, 'p')}`,
      `2 MQL2029 cannot read \`../outside.mql\`: it is outside the project folder ${path.join(root, 'p')}`,
    ]);
    const symbols = await client.request<unknown[]>('workspace/symbol', { query: '' });
    expect(Array.isArray(symbols)).toBe(true);
  });
});

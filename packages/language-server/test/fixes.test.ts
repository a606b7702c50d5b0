// Fixes for lints through the protocol: "ignore here" inserts a `// mql-ignore CODE` line above a
// lint (after which the lint is gone), and `source.fixAll.mql` applies every single fix at once.

import { afterEach, describe, expect, it } from 'vitest';
import { CodeActionRequest, type CodeAction, type TextEdit } from 'vscode-languageserver-protocol';
import { SCHEMA } from './fixtures.js';
import { LspClient, workspaceFolder } from './lsp-client.js';

let client: LspClient | undefined;
afterEach(async () => {
  await client?.stop();
  client = undefined;
});

const whole = { start: { line: 0, character: 0 }, end: { line: 99, character: 0 } };

/** Applies edits (non-overlapping) to a text. */
function apply(text: string, edits: TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start)).reduce((t, e) => t.slice(0, offset(e.range.start)) + e.newText + t.slice(offset(e.range.end)), text);
}

describe('fixes for lints', () => {
  it('"ignore here" inserts `// mql-ignore CODE` above the lint, with its indentation, and the lint goes', async () => {
    const text = 'import "./schema.mql"\nstage MQL {\n  reject "Never": company.employees > 10 and company.employees < 5\n}\n';
    client = await LspClient.start(workspaceFolder({ 'schema.mql': SCHEMA, 'rules.mql': text }));
    await client.open('rules.mql', text);
    const diagnostics = await client.diagnosticsOfVersion('rules.mql', 1);
    expect(diagnostics.map((d) => d.code)).toEqual(['MQL3005', 'MQL3003']);
    const actions = await client.request<CodeAction[]>(CodeActionRequest.method, { textDocument: { uri: client.uri('rules.mql') }, range: whole, context: { diagnostics } });
    const ignore = actions.filter((a) => a.title.startsWith('Ignore'));
    expect(ignore.map((a) => a.title)).toEqual(['Ignore MQL3005 here', 'Ignore MQL3003 here']);
    const fixed = apply(text, ignore[1]!.edit!.changes![client.uri('rules.mql')]!);
    expect(fixed).toBe('import "./schema.mql"\nstage MQL {\n  // mql-ignore MQL3003\n  reject "Never": company.employees > 10 and company.employees < 5\n}\n');
    const version = await client.change('rules.mql', fixed);
    expect((await client.diagnosticsOfVersion('rules.mql', version)).map((d) => d.code)).toEqual(['MQL3005']);
  });

  it('source.fixAll.mql applies every "did you mean" fix of the file at once', async () => {
    const text = 'import "./schema.mql"\nsegment a = titel contains "x"\nsegment b = company.industri == "software"\nstage S { require a and b }\n';
    client = await LspClient.start(workspaceFolder({ 'schema.mql': SCHEMA, 'rules.mql': text }));
    await client.open('rules.mql', text);
    await client.diagnosticsOfVersion('rules.mql', 1);
    const actions = await client.request<CodeAction[]>(CodeActionRequest.method, {
      textDocument: { uri: client.uri('rules.mql') },
      range: whole,
      context: { diagnostics: [], only: ['source.fixAll.mql'] },
    });
    expect(actions.map((a) => [a.title, a.kind])).toEqual([['Fix all MQL problems', 'source.fixAll.mql']]);
    expect(apply(text, actions[0]!.edit!.changes![client.uri('rules.mql')]!)).toBe(
      'import "./schema.mql"\nsegment a = title contains "x"\nsegment b = company.industry == "software"\nstage S { require a and b }\n',
    );
  });

  it('"Remove the unused list" deletes the declaration with its documentation, and the warning goes', async () => {
    const text = 'import "./schema.mql"\n\n/// Old domains.\n/// Kept for reference.\nlist old_domains = ["a.io", "b.io"]\n\nsegment work = email.domain is set\nstage S { require work }\n';
    client = await LspClient.start(workspaceFolder({ 'schema.mql': SCHEMA, 'rules.mql': text }));
    await client.open('rules.mql', text);
    const diagnostics = await client.diagnosticsOfVersion('rules.mql', 1);
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([['MQL3001', 'list `old_domains` is never used']]);
    const actions = await client.request<CodeAction[]>(CodeActionRequest.method, { textDocument: { uri: client.uri('rules.mql') }, range: diagnostics[0]!.range, context: { diagnostics } });
    expect(actions.map((a) => [a.title, a.kind, a.isPreferred])).toEqual([
      ['Remove the unused list `old_domains`', 'quickfix', false],
      ['Ignore MQL3001 here', 'quickfix', false],
    ]);
    const fixed = apply(text, actions[0]!.edit!.changes![client.uri('rules.mql')]!);
    expect(fixed).toBe('import "./schema.mql"\n\nsegment work = email.domain is set\nstage S { require work }\n');
    const version = await client.change('rules.mql', fixed);
    expect(await client.diagnosticsOfVersion('rules.mql', version)).toEqual([]);
  });

  it('"Swap the bounds" turns `between 5000 and 200` round, and the warning goes', async () => {
    const text = 'import "./schema.mql"\nsegment mid = company.employees between 5000 and 200\nstage S { require mid }\n';
    client = await LspClient.start(workspaceFolder({ 'schema.mql': SCHEMA, 'rules.mql': text }));
    await client.open('rules.mql', text);
    const diagnostics = await client.diagnosticsOfVersion('rules.mql', 1);
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['MQL3003', '`company.employees between 5000 and 200` can never hold: the lower bound `5000` is above the upper bound `200`'],
    ]);
    const actions = await client.request<CodeAction[]>(CodeActionRequest.method, { textDocument: { uri: client.uri('rules.mql') }, range: diagnostics[0]!.range, context: { diagnostics } });
    expect(actions.map((a) => a.title)).toEqual(['Swap the bounds: `between 200 and 5000`', 'Ignore MQL3003 here']);
    const fixed = apply(text, actions[0]!.edit!.changes![client.uri('rules.mql')]!);
    expect(fixed).toBe('import "./schema.mql"\nsegment mid = company.employees between 200 and 5000\nstage S { require mid }\n');
    const version = await client.change('rules.mql', fixed);
    expect(await client.diagnosticsOfVersion('rules.mql', version)).toEqual([]);
  });
});

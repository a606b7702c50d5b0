// Diagnostics through the protocol: published on open with codes and related locations, updated
// after edits (debounced: the last version wins), re-checked when an imported file changes, and
// cleared on close; closed files that import an edited schema get theirs (workspace-wide).

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  FileChangeType,
  type Diagnostic,
} from 'vscode-languageserver-protocol';
import { RULES, SCHEMA } from './fixtures.js';
import { LspClient, positionAt, workspaceFolder } from './lsp-client.js';

let client: LspClient | undefined;
afterEach(async () => {
  await client?.stop();
  client = undefined;
});

async function start(files: Record<string, string> = { 'schema.mql': SCHEMA, 'rules.mql': RULES }): Promise<LspClient> {
  client = await LspClient.start(workspaceFolder(files));
  return client;
}

/** Diagnostics as `line:col-line:col CODE message`, compact enough to compare whole lists. */
function summary(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.code} ${d.message}`);
}

describe('diagnostics', () => {
  it('a clean program publishes an empty list', async () => {
    const lsp = await start();
    await lsp.open('rules.mql', RULES);
    expect(await lsp.diagnosticsOfVersion('rules.mql', 1)).toEqual([]);
  });

  it('publishes every problem with its code, severity, source and related locations', async () => {
    const text = RULES.replace('"Target industry": +15 when company.industry == "software"', '"Target industry": +15 when company.industri == "sofware"').replace(
      'segment decision_maker',
      'list decision_maker = ["x"]\nsegment decision_maker',
    );
    const lsp = await start({ 'schema.mql': SCHEMA, 'rules.mql': text });
    await lsp.open('rules.mql', text);
    const diagnostics = await lsp.diagnosticsOfVersion('rules.mql', 1);
    expect(summary(diagnostics)).toEqual([
      '6:8-6:22 MQL2003 `decision_maker` is declared more than once',
      '11:38-11:46 MQL2002 `company` has no field `industri`; did you mean `industry`?',
      '12:30-12:44 MQL2011 a condition must be a boolean, but this is a list',
    ]);
    const duplicate = diagnostics.find((d) => d.code === 'MQL2003')!;
    expect(duplicate).toMatchObject({ severity: 1, source: 'mql' });
    expect(duplicate.relatedInformation).toEqual([
      { location: { uri: lsp.uri('rules.mql'), range: { start: { line: 5, character: 5 }, end: { line: 5, character: 19 } } }, message: '`decision_maker` is first declared here' },
    ]);
  });

  it('updates after each edit, for the latest version', async () => {
    const lsp = await start();
    await lsp.open('rules.mql', RULES);
    expect(await lsp.diagnosticsOfVersion('rules.mql', 1)).toEqual([]);
    // Type an unknown name, one character at a time, as an editor sends it.
    const at = positionAt(RULES, RULES.indexOf('decision_maker\n  "Free-mail"'));
    let version = 1;
    for (const [i, ch] of [...'xyz_'].entries()) version = await lsp.insert('rules.mql', { line: at.line, character: at.character + i }, ch);
    const diagnostics = await lsp.diagnosticsOfVersion('rules.mql', version);
    expect(summary(diagnostics)).toEqual([`${at.line}:${at.character}-${at.line}:${at.character + 18} MQL2001 unknown name \`xyz_decision_maker\`; did you mean \`decision_maker\`?`]);
    // Remove it again: the list is empty.
    const fixed = await lsp.change('rules.mql', RULES);
    expect(await lsp.diagnosticsOfVersion('rules.mql', fixed)).toEqual([]);
  });

  it('reports syntax errors of an unfinished line and keeps checking the rest', async () => {
    const text = RULES.replace('  reject "Free-mail": email.domain in freemail\n', '  reject "Free-mail": email.domain in\n').replace('require consent', 'require consnt');
    const lsp = await start({ 'schema.mql': SCHEMA, 'rules.mql': text });
    await lsp.open('rules.mql', text);
    const codes = (await lsp.diagnosticsOfVersion('rules.mql', 1)).map((d) => d.code);
    expect(codes).toEqual(['MQL1004', 'MQL2001']);
  });

  it('re-checks an open importing file when the imported file changes', async () => {
    const lsp = await start();
    await lsp.open('schema.mql', SCHEMA);
    await lsp.open('rules.mql', RULES);
    expect(await lsp.diagnosticsOfVersion('rules.mql', 1)).toEqual([]);
    // Rename `consent` in the schema (not saved): the rules now use an unknown name.
    const version = await lsp.change('schema.mql', SCHEMA.replace('consent: bool', 'opt_in: bool'));
    expect(await lsp.diagnosticsOfVersion('schema.mql', version)).toEqual([]);
    const updated = await lsp.diagnostics('rules.mql', (p) => p.diagnostics.length > 0);
    expect(updated.map((d) => `${d.code} ${d.message}`)).toEqual([
      'MQL2001 unknown name `consent`',
      'MQL2022 the test lead is missing the required field `opt_in`',
      'MQL2020 the test lead has no field `consent`',
    ]);
  });

  it('re-checks an open importing file when an unopened imported file changes on disk', async () => {
    const lsp = await start();
    await lsp.open('rules.mql', RULES);
    expect(await lsp.diagnosticsOfVersion('rules.mql', 1)).toEqual([]);
    writeFileSync(path.join(lsp.root, 'schema.mql'), SCHEMA.replace('event purchase', 'event order'));
    await lsp.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: lsp.uri('schema.mql'), type: FileChangeType.Changed }],
    });
    const updated = await lsp.diagnostics('rules.mql', (p) => p.diagnostics.length > 0);
    expect(updated.map((d) => `${d.code} ${d.message}`)).toEqual(['MQL2012 unknown event type `purchase`', 'MQL2001 unknown name `amount`']);
  });

  it('editing an imported schema publishes the diagnostics of every closed file that imports it, and clears them once fixed', async () => {
    // rules.mql imports schema.mql; more.mql imports rules.mql (so schema.mql indirectly); alone.mql imports nothing.
    const more = 'import "../rules.mql"\n\nsegment buyer = any(purchase where currency == "EUR")\nstage Buyer { require buyer }\n';
    const alone = 'lead { x: number }\nsegment big = x > 3\nstage S { require big }\n';
    const lsp = await start({ 'mql.config.json': '{}', 'schema.mql': SCHEMA, 'rules.mql': RULES, 'sub/more.mql': more, 'alone.mql': alone });
    await lsp.open('schema.mql', SCHEMA);
    expect(await lsp.diagnosticsOfVersion('schema.mql', 1)).toEqual([]);
    // Rename the event type `purchase` in the schema: both importers break, neither is open.
    const version = await lsp.change('schema.mql', SCHEMA.replace('event purchase', 'event order'));
    expect(await lsp.diagnosticsOfVersion('schema.mql', version)).toEqual([]);
    const rules = await lsp.diagnostics('rules.mql', (p) => p.diagnostics.length > 0);
    const line = RULES.split('\n').findIndex((l) => l.includes('any(purchase'));
    const column = RULES.split('\n')[line]!.indexOf('purchase');
    expect(summary(rules)).toEqual([
      `${line}:${column}-${line}:${column + 8} MQL2012 unknown event type \`purchase\``,
      `${line}:${column + 15}-${line}:${column + 21} MQL2001 unknown name \`amount\``,
    ]);
    expect(summary(await lsp.diagnostics('sub/more.mql', (p) => p.diagnostics.length > 0))).toEqual([
      '2:20-2:28 MQL2012 unknown event type `purchase`',
      '2:35-2:43 MQL2001 unknown name `currency`',
    ]);
    // Undo: both are cleared; the file that does not import the schema never got a publication.
    await lsp.change('schema.mql', SCHEMA);
    expect(await lsp.diagnostics('rules.mql', (p) => p.diagnostics.length === 0)).toEqual([]);
    expect(await lsp.diagnostics('sub/more.mql', (p) => p.diagnostics.length === 0)).toEqual([]);
    expect(lsp.publishedUris().filter((uri) => uri.endsWith('alone.mql'))).toEqual([]);
  });

  it('clears the diagnostics of a closed document', async () => {
    const text = RULES.replace('require consent', 'require consnt');
    const lsp = await start({ 'schema.mql': SCHEMA, 'rules.mql': text });
    const uri = await lsp.open('rules.mql', text);
    expect(await lsp.diagnosticsOfVersion('rules.mql', 1)).toHaveLength(1);
    await lsp.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    expect(await lsp.diagnostics('rules.mql', (p) => p.version === undefined && p.diagnostics.length === 0)).toEqual([]);
  });

  it('publishes lint warnings as mql check reports them, with the config and ignore comments applied', async () => {
    const text = `${RULES}\nlist unused_domains = ["a.io"]\n// mql-ignore MQL3001\nlist silenced = ["b.io"]\n`;
    const lsp = await start({ 'schema.mql': `${SCHEMA}\nlist only_in_schema = ["c.io"]\n`, 'rules.mql': text });
    await lsp.open('rules.mql', text);
    const diagnostics = await lsp.diagnosticsOfVersion('rules.mql', 1);
    expect(summary(diagnostics)).toEqual([`${text.split('\n').length - 4}:5-${text.split('\n').length - 4}:19 MQL3001 list \`unused_domains\` is never used`]);
    expect(diagnostics[0]).toMatchObject({ severity: 2, source: 'mql' });
  });

  it('does not call a declaration unused when a program that imports its file uses it', async () => {
    const schema = `${SCHEMA}\nlist used_by_rules = ["c.io"]\n`;
    const rules = RULES.replace('segment decision_maker', 'segment uses_schema_list = email.domain in used_by_rules\nsegment decision_maker');
    const lsp = await start({ 'schema.mql': schema, 'rules.mql': `${rules}\ngrade g { A when uses_schema_list else B }\nstage S { require g == "A" }\n` });
    await lsp.open('schema.mql', schema);
    expect(await lsp.diagnosticsOfVersion('schema.mql', 1)).toEqual([]);
  });

  it('takes lint severities from mql.config.json and follows its changes', async () => {
    const text = `${RULES}\nlist unused_domains = ["a.io"]\n`;
    const lsp = await start({ 'schema.mql': SCHEMA, 'rules.mql': text, 'mql.config.json': '{ "lints": { "MQL3001": "off" } }' });
    await lsp.open('rules.mql', text);
    expect(await lsp.diagnosticsOfVersion('rules.mql', 1)).toEqual([]);
    writeFileSync(path.join(lsp.root, 'mql.config.json'), '{ "lints": { "unused": "error" } }');
    await lsp.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: lsp.uri('mql.config.json'), type: FileChangeType.Changed }],
    });
    const updated = await lsp.diagnostics('rules.mql', (p) => p.diagnostics.length > 0);
    expect(updated.map((d) => [d.code, d.severity])).toEqual([['MQL3001', 1]]);
  });
});

// Range formatting, selection ranges, document links for imports, and references and rename of
// enum members, through the protocol, with whole results.

import { afterEach, describe, expect, it } from 'vitest';
import type { DocumentLink, Location, SelectionRange, TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { RULES, SCHEMA } from './fixtures.js';
import { LspClient, positionAt, workspaceFolder } from './lsp-client.js';

let client: LspClient | undefined;
afterEach(async () => {
  await client?.stop();
  client = undefined;
});

/** The range of the nth occurrence of `needle`. */
function rangeOf(text: string, needle: string, nth = 1) {
  let at = -1;
  for (let i = 0; i < nth; i++) at = text.indexOf(needle, at + 1);
  if (at < 0) throw new Error(`no ${needle}`);
  return { start: positionAt(text, at), end: positionAt(text, at + needle.length) };
}

async function start(files: Record<string, string>, open: string): Promise<LspClient> {
  client = await LspClient.start(workspaceFolder(files));
  await client.open(open, files[open]!);
  return client;
}

describe('range formatting', () => {
  it('formats the declarations the range touches, even while another one is broken', async () => {
    const text = 'lead {email:email   ,  size?:number}\nsegment   big=size>100\nsegment broken = size >\n';
    const lsp = await start({ 'a.mql': text }, 'a.mql');
    const edits = await lsp.request<TextEdit[]>('textDocument/rangeFormatting', {
      textDocument: { uri: lsp.uri('a.mql') },
      range: { start: { line: 1, character: 0 }, end: { line: 1, character: 5 } },
      options: { tabSize: 2, insertSpaces: true },
    });
    expect(edits).toEqual([{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 22 } }, newText: 'segment big = size > 100' }]);
    // The whole file: the schema too; the broken declaration is left as it is.
    const all = await lsp.request<TextEdit[]>('textDocument/rangeFormatting', {
      textDocument: { uri: lsp.uri('a.mql') },
      range: { start: { line: 0, character: 0 }, end: { line: 3, character: 0 } },
      options: { tabSize: 2, insertSpaces: true },
    });
    expect(all.map((e) => [e.range.start.line, e.newText])).toEqual([
      [0, 'lead {\n  email: email\n  size?: number\n}'],
      [1, 'segment big = size > 100'],
    ]);
  });
});

describe('selection ranges', () => {
  it('grow from the name under the cursor to each enclosing construct, the declaration and the file', async () => {
    const lsp = await start({ 'schema.mql': SCHEMA, 'rules.mql': RULES }, 'rules.mql');
    const offset = RULES.indexOf('fit >= 30\n  reject');
    const [chain] = await lsp.request<SelectionRange[]>('textDocument/selectionRange', { textDocument: { uri: lsp.uri('rules.mql') }, positions: [positionAt(RULES, offset + 1)] });
    const lines = RULES.split('\n');
    const texts: string[] = [];
    for (let range: SelectionRange | undefined = chain; range; range = range.parent) {
      const { start, end } = range.range;
      texts.push(start.line === end.line ? lines[start.line]!.slice(start.character, end.character) : `${start.line}:${start.character}-${end.line}:${end.character}`);
    }
    const stage = rangeOf(RULES, 'stage MQL');
    const stageEnd = positionAt(RULES, RULES.indexOf('}', RULES.indexOf('stage MQL')) + 1);
    expect(texts).toEqual(['fit', 'fit >= 30', 'require "Fits": fit >= 30', `${stage.start.line}:0-${stageEnd.line}:${stageEnd.character}`, `0:0-${lines.length - 1}:0`]);
  });
});

describe('document links', () => {
  it('link each import path to the file it names; a missing file gets no link', async () => {
    const text = `${RULES}\nimport "./nowhere.mql"\n`;
    const lsp = await start({ 'schema.mql': SCHEMA, 'rules.mql': text }, 'rules.mql');
    const links = await lsp.request<DocumentLink[]>('textDocument/documentLink', { textDocument: { uri: lsp.uri('rules.mql') } });
    expect(links).toEqual([{ range: rangeOf(text, '"./schema.mql"'), target: lsp.uri('schema.mql') }]);
  });
});

describe('enum members', () => {
  const rules = RULES.replace('list freemail', 'list target_industries = ["software", "Finance"]\nsegment in_target = company.industry in target_industries\nlist freemail');

  it('references: the member in the type, comparisons, lists used with the field and test leads', async () => {
    const lsp = await start({ 'schema.mql': SCHEMA, 'rules.mql': rules }, 'rules.mql');
    // No error: the list's elements are members (`in_target` itself is unused, a lint).
    expect((await lsp.diagnosticsOfVersion('rules.mql', 1)).map((d) => d.code)).toEqual(['MQL3001']);
    const references = await lsp.request<Location[]>('textDocument/references', {
      textDocument: { uri: lsp.uri('rules.mql') },
      position: rangeOf(rules, '"software"', 2).start,
      context: { includeDeclaration: true },
    });
    const schema = lsp.uri('schema.mql');
    const mine = lsp.uri('rules.mql');
    expect(references).toEqual([
      { uri: mine, range: rangeOf(rules, '"software"', 1) },
      { uri: mine, range: rangeOf(rules, '"software"', 2) },
      { uri: mine, range: rangeOf(rules, '"software"', 3) },
      { uri: schema, range: rangeOf(SCHEMA, '"software"') },
    ]);
    // `Finance` in the list is the member `finance` (members compare case-insensitively).
    const finance = await lsp.request<Location[]>('textDocument/references', {
      textDocument: { uri: lsp.uri('schema.mql') },
      position: rangeOf(SCHEMA, '"finance"').start,
      context: { includeDeclaration: false },
    });
    expect(finance).toEqual([{ uri: mine, range: rangeOf(rules, '"Finance"') }]);
  });

  it('rename changes the member everywhere it is meant, and refuses a name that is already a member', async () => {
    const lsp = await start({ 'schema.mql': SCHEMA, 'rules.mql': rules }, 'rules.mql');
    const at = { textDocument: { uri: lsp.uri('rules.mql') }, position: rangeOf(rules, '"software"', 3).start };
    expect(await lsp.request('textDocument/prepareRename', at)).toEqual({ range: rangeOf(rules, '"software"', 3), placeholder: 'software' });
    const edit = await lsp.request<WorkspaceEdit>('textDocument/rename', { ...at, newName: 'saas' });
    expect(edit).toEqual({
      changes: {
        [lsp.uri('rules.mql')]: [1, 2, 3].map((n) => ({ range: rangeOf(rules, '"software"', n), newText: '"saas"' })),
        [lsp.uri('schema.mql')]: [{ range: rangeOf(SCHEMA, '"software"'), newText: '"saas"' }],
      },
    });
    await expect(lsp.request('textDocument/rename', { ...at, newName: 'Retail' })).rejects.toThrow('"retail" is already a member of this enum (members compare case-insensitively).');
  });
});

describe('grade labels', () => {
  const rules = RULES.replace('segment', 'segment top_profile = profile in ["A"]\nsegment');
  /** The label `A` where its band names it (`A when fit >= 30`). */
  const band = { start: positionAt(rules, rules.indexOf('A when')), end: positionAt(rules, rules.indexOf('A when') + 1) };

  it('references: the band that names the label, and the strings compared with the grade', async () => {
    const lsp = await start({ 'schema.mql': SCHEMA, 'rules.mql': rules }, 'rules.mql');
    const references = await lsp.request<Location[]>('textDocument/references', {
      textDocument: { uri: lsp.uri('rules.mql') },
      position: rangeOf(rules, '"A"', 2).start,
      context: { includeDeclaration: true },
    });
    const mine = lsp.uri('rules.mql');
    expect(references).toEqual([
      { uri: mine, range: rangeOf(rules, '"A"', 1) },
      { uri: mine, range: band },
      { uri: mine, range: rangeOf(rules, '"A"', 2) },
    ]);
  });

  it('rename keeps a label written as an identifier bare, quotes it where it must, and refuses another label', async () => {
    const lsp = await start({ 'schema.mql': SCHEMA, 'rules.mql': rules }, 'rules.mql');
    const mine = lsp.uri('rules.mql');
    const at = { textDocument: { uri: mine }, position: rangeOf(rules, '"A"', 2).start };
    expect(await lsp.request('textDocument/prepareRename', at)).toEqual({ range: rangeOf(rules, '"A"', 2), placeholder: 'A' });
    expect(await lsp.request<WorkspaceEdit>('textDocument/rename', { ...at, newName: 'Top' })).toEqual({
      changes: { [mine]: [{ range: rangeOf(rules, '"A"', 1), newText: '"Top"' }, { range: band, newText: 'Top' }, { range: rangeOf(rules, '"A"', 2), newText: '"Top"' }] },
    });
    expect(await lsp.request<WorkspaceEdit>('textDocument/rename', { ...at, newName: 'Tier 1' })).toEqual({
      changes: { [mine]: [{ range: rangeOf(rules, '"A"', 1), newText: '"Tier 1"' }, { range: band, newText: '"Tier 1"' }, { range: rangeOf(rules, '"A"', 2), newText: '"Tier 1"' }] },
    });
    await expect(lsp.request('textDocument/rename', { ...at, newName: 'b' })).rejects.toThrow('"B" is already a label of grade `profile` (labels compare case-insensitively).');
  });
});


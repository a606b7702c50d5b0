// Hover, go to definition, find references, highlights and rename through the protocol, across the
// files of a workspace (open or only on disk).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DefinitionRequest,
  DocumentHighlightRequest,
  HoverRequest,
  PrepareRenameRequest,
  ReferencesRequest,
  RenameRequest,
  type Hover,
  type Location,
  type Position,
  type Range,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { RULES, SCHEMA } from './fixtures.js';
import { LspClient, positionAt, workspaceFolder } from './lsp-client.js';

// A third file that imports the rules and uses their names: only on disk, never opened.
const REPORT = `import "./rules.mql"

/// Leads worth a call today.
segment hot = fit >= 30 and consent
`;

let lsp: LspClient;
let rulesUri: string;

beforeAll(async () => {
  lsp = await LspClient.start(workspaceFolder({ 'schema.mql': SCHEMA, 'rules.mql': RULES, 'report.mql': REPORT }));
  rulesUri = await lsp.open('rules.mql', RULES);
});
afterAll(() => lsp.stop());

/** The position of the `nth` whole-word occurrence of `needle` in `text`, `shift` characters into it. */
function find(text: string, needle: string, shift = 1, nth = 1): Position {
  return positionAt(text, occurrence(text, needle, nth) + shift);
}

function occurrence(text: string, needle: string, nth: number): number {
  const escaped = needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const matches = [...text.matchAll(new RegExp(`(?<![A-Za-z0-9_])${escaped}(?![A-Za-z0-9_])`, 'g'))];
  const match = matches[nth - 1];
  if (!match) throw new Error(`${needle} #${nth} not found`);
  return match.index;
}

function rangeOf(text: string, needle: string, nth = 1): Range {
  const start = find(text, needle, 0, nth);
  return { start, end: { line: start.line, character: start.character + needle.length } };
}

const hover = (position: Position) => lsp.request<Hover | null>(HoverRequest.method, { textDocument: { uri: rulesUri }, position });
const hoverText = async (position: Position) => ((await hover(position))?.contents as { value: string } | undefined)?.value;

describe('hover', () => {
  it('shows a score’s rules and the lowest and highest value it can take', async () => {
    expect(await hoverText(find(RULES, 'fit >= 30'))).toBe(
      [
        '```mql\nscore fit\n  range 0 to 50\n```',
        'How well the lead fits.',
        'score · lowest value **0**, highest value **35**',
        'Rules:\n' +
          '- **Target industry**: `+15 when company.industry == "software"` (adds 0 to 15)\n' +
          '- **Decision maker**: `+20 when decision_maker` (adds 0 to 20)\n' +
          '- **Free-mail**: `-30 when email.domain in freemail` (adds -30 to 0)',
      ].join('\n\n'),
    );
  });

  it('bounds a formula score through its expression', async () => {
    expect(await hoverText(find(RULES, 'priority'))).toBe('```mql\nscore priority = 0.5 * fit + engagement\n```\n\nscore · lowest value **0**, highest value **42.5**');
  });

  it('shows a list’s elements', async () => {
    expect(await hoverText(find(RULES, 'freemail', 1, 2))).toBe('```mql\nlist freemail = ["gmail.com", "yahoo.com"]\n```\n\nFree web-mail providers.\n\nlist · 2 elements');
  });

  it('shows the type and documentation of a field in another file, with the hovered range', async () => {
    const result = await hover(find(RULES, 'email.domain'));
    expect(result).toEqual({
      contents: { kind: 'markdown', value: '```mql\nemail: email\n```\n\nWork email address.\n\nlead field, required' },
      range: rangeOf(RULES, 'email'),
    });
    expect(await hoverText(find(RULES, 'industry =='))).toBe('```mql\ncompany.industry?: "software" | "finance" | "retail"\n```\n\nlead field, optional (may be missing)');
  });

  it('shows events and their attributes', async () => {
    expect(await hoverText(find(RULES, 'page_view'))).toBe(
      '```mql\nevent page_view { url: string }\n```\n\nA visit to a page of our website.\n\nevent type · every event also has `at: date`, when it happened',
    );
    expect(await hoverText(find(RULES, 'amount >'))).toBe('```mql\namount: number\n```\n\nattribute of event `purchase`, required');
  });

  it('shows other declarations as written, a keyword its meaning, and nothing on literals', async () => {
    expect(await hoverText(find(RULES, 'MQL {'))).toBe(
      '```mql\nstage MQL "Marketing qualified lead" {\n  require "Fits": fit >= 30\n  reject "Free-mail": email.domain in freemail\n}\n```',
    );
    expect((await hoverText(find(RULES, 'when')))?.split('\n\n').at(-1)).toBe('keyword');
    expect(await hover(find(RULES, '"software"'))).toBeNull();
  });
});

describe('go to definition', () => {
  const definition = (uri: string, position: Position) => lsp.request<Location[]>(DefinitionRequest.method, { textDocument: { uri }, position });

  it('jumps from a use to the declaration, across files', async () => {
    expect(await definition(rulesUri, find(RULES, 'consent\n'))).toEqual([{ uri: lsp.uri('schema.mql'), range: rangeOf(SCHEMA, 'consent') }]);
    expect(await definition(rulesUri, find(RULES, 'industry =='))).toEqual([{ uri: lsp.uri('schema.mql'), range: rangeOf(SCHEMA, 'industry') }]);
    expect(await definition(rulesUri, find(RULES, 'decision_maker\n'))).toEqual([{ uri: rulesUri, range: rangeOf(RULES, 'decision_maker') }]);
    expect(await definition(rulesUri, find(RULES, 'MQL {'))).toEqual([{ uri: rulesUri, range: rangeOf(RULES, 'MQL') }]);
  });

  it('opens the imported file from an import path', async () => {
    const zero = { line: 0, character: 0 };
    expect(await definition(rulesUri, find(RULES, 'schema.mql'))).toEqual([{ uri: lsp.uri('schema.mql'), range: { start: zero, end: zero } }]);
  });

  it('finds nothing on a keyword', async () => {
    expect(await definition(rulesUri, find(RULES, 'score'))).toEqual([]);
  });
});

describe('find references', () => {
  const references = (uri: string, position: Position, includeDeclaration: boolean) =>
    lsp.request<Location[]>(ReferencesRequest.method, { textDocument: { uri }, position, context: { includeDeclaration } });

  it('finds the uses of a field in every file of the workspace, from its declaration in an unopened file', async () => {
    const schemaUri = await lsp.open('schema.mql', SCHEMA);
    expect(await references(schemaUri, find(SCHEMA, 'consent'), true)).toEqual([
      { uri: lsp.uri('report.mql'), range: rangeOf(REPORT, 'consent') },
      { uri: rulesUri, range: rangeOf(RULES, 'consent', 1) },
      { uri: rulesUri, range: rangeOf(RULES, 'consent', 2) },
      { uri: schemaUri, range: rangeOf(SCHEMA, 'consent') },
    ]);
  });

  it('finds the uses of a score, without its declaration when asked so', async () => {
    expect(await references(rulesUri, find(RULES, 'fit {'), false)).toEqual([
      { uri: lsp.uri('report.mql'), range: rangeOf(REPORT, 'fit') },
      { uri: rulesUri, range: rangeOf(RULES, 'fit', 2) },
      { uri: rulesUri, range: rangeOf(RULES, 'fit', 3) },
      { uri: rulesUri, range: rangeOf(RULES, 'fit', 4) },
    ]);
  });

  it('finds the imports of a file from an import path', async () => {
    const found = await references(rulesUri, find(RULES, 'schema.mql'), true);
    expect(found).toEqual([{ uri: rulesUri, range: rangeOf(RULES, '"./schema.mql"') }]);
    const reportUri = lsp.uri('report.mql');
    expect(await references(reportUri, find(REPORT, 'rules.mql'), true)).toEqual([{ uri: reportUri, range: rangeOf(REPORT, '"./rules.mql"') }]);
  });

  it('highlights the occurrences in the current file', async () => {
    const highlights = await lsp.request<{ range: Range }[]>(DocumentHighlightRequest.method, { textDocument: { uri: rulesUri }, position: find(RULES, 'freemail') });
    expect(highlights.map((h) => h.range)).toEqual([rangeOf(RULES, 'freemail', 1), rangeOf(RULES, 'freemail', 2), rangeOf(RULES, 'freemail', 3)]);
  });
});

describe('rename', () => {
  const rename = (uri: string, position: Position, newName: string) =>
    lsp.request<WorkspaceEdit>(RenameRequest.method, { textDocument: { uri }, position, newName });

  it('renames a score in every file that uses it, opened or not', async () => {
    const edit = await rename(rulesUri, find(RULES, 'fit >= 30'), 'icp_fit');
    const replaced = (text: string, nths: number[]) => nths.map((nth) => ({ range: rangeOf(text, 'fit', nth), newText: 'icp_fit' }));
    expect(edit).toEqual({
      changes: {
        [lsp.uri('report.mql')]: replaced(REPORT, [1]),
        [rulesUri]: replaced(RULES, [1, 2, 3, 4]),
      },
    });
  });

  it('renames a field in the schema, the rules and the test literals', async () => {
    const edit = await rename(rulesUri, find(RULES, 'consent\n'), 'opt_in');
    expect(Object.keys(edit.changes!).sort()).toEqual([lsp.uri('report.mql'), rulesUri, lsp.uri('schema.mql')].sort());
    expect(edit.changes![rulesUri]).toEqual([
      { range: rangeOf(RULES, 'consent', 1), newText: 'opt_in' },
      { range: rangeOf(RULES, 'consent', 2), newText: 'opt_in' },
    ]);
    expect(edit.changes![lsp.uri('schema.mql')]).toEqual([{ range: rangeOf(SCHEMA, 'consent'), newText: 'opt_in' }]);
  });

  it('prepares a rename with the name’s range, and refuses what cannot be renamed', async () => {
    expect(await lsp.request(PrepareRenameRequest.method, { textDocument: { uri: rulesUri }, position: find(RULES, 'freemail') })).toEqual({
      range: rangeOf(RULES, 'freemail'),
      placeholder: 'freemail',
    });
    await expect(lsp.request(PrepareRenameRequest.method, { textDocument: { uri: rulesUri }, position: find(RULES, 'when') })).rejects.toThrow(
      'Only declarations, lead fields and event attributes can be renamed.',
    );
    await expect(lsp.request(PrepareRenameRequest.method, { textDocument: { uri: rulesUri }, position: find(RULES, 'schema') })).rejects.toThrow(
      'An import path names a file: rename the file instead.',
    );
  });

  it('refuses keywords, invalid names and collisions', async () => {
    const at = find(RULES, 'fit >= 30');
    await expect(rename(rulesUri, at, 'when')).rejects.toThrow('`when` is a keyword and cannot be used as a name.');
    await expect(rename(rulesUri, at, '9lives')).rejects.toThrow('`9lives` is not a valid name');
    await expect(rename(rulesUri, at, 'engagement')).rejects.toThrow('`engagement` is already declared (a score in');
    await expect(rename(rulesUri, at, 'title')).rejects.toThrow('`title` is a field of the lead; a declaration of that name would hide it.');
    await expect(rename(rulesUri, find(RULES, 'industry =='), 'employees')).rejects.toThrow('`company.employees` already exists in the lead schema.');
    await expect(rename(rulesUri, find(RULES, 'amount'), 'currency')).rejects.toThrow('Event `purchase` already has an attribute `currency`.');
    await expect(rename(rulesUri, find(RULES, 'amount'), 'at')).rejects.toThrow('`at` is a keyword and cannot be used as a name.');
  });
});

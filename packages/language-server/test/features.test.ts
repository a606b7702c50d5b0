// Quick fixes, formatting, document and workspace symbols, folding, semantic tokens and signature
// help through the protocol.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CodeActionRequest,
  DocumentFormattingRequest,
  DocumentSymbolRequest,
  FoldingRangeRequest,
  HoverRequest,
  SemanticTokensRequest,
  SignatureHelpRequest,
  WorkspaceSymbolRequest,
  type CodeAction,
  type Diagnostic,
  type DocumentSymbol,
  type FoldingRange,
  type Hover,
  type SemanticTokens,
  type SignatureHelp,
  type SymbolInformation,
  type TextEdit,
} from 'vscode-languageserver-protocol';
import { RULES, SCHEMA } from './fixtures.js';
import { LspClient, positionAt, withCursor, workspaceFolder } from './lsp-client.js';

let lsp: LspClient;
let documents = 0;

beforeAll(async () => {
  lsp = await LspClient.start(workspaceFolder({ 'schema.mql': SCHEMA, 'rules.mql': RULES }));
});
afterAll(() => lsp.stop());

async function openNew(text: string): Promise<{ uri: string; name: string }> {
  const name = `doc${++documents}.mql`;
  return { uri: await lsp.open(name, text), name };
}

/** Applies LSP text edits to a text (edits do not overlap). */
function applyEdits(text: string, edits: TextEdit[]): string {
  const offsetOf = (p: { line: number; character: number }) => {
    const lines = text.split('\n');
    return lines.slice(0, p.line).reduce((sum, line) => sum + line.length + 1, 0) + p.character;
  };
  const sorted = [...edits].sort((a, b) => offsetOf(b.range.start) - offsetOf(a.range.start));
  return sorted.reduce((result, edit) => result.slice(0, offsetOf(edit.range.start)) + edit.newText + result.slice(offsetOf(edit.range.end)), text);
}

describe('quick fixes', () => {
  /** Opens `broken`, takes the quick fixes of its one diagnostic, applies the first and returns the text. */
  async function fixOnce(broken: string): Promise<{ code: unknown; titles: string[]; fixed: string }> {
    const { uri, name } = await openNew(broken);
    const [diagnostic, ...others] = await lsp.diagnosticsOfVersion(name, 1);
    expect(others).toEqual([]);
    const actions = await lsp.request<CodeAction[]>(CodeActionRequest.method, {
      textDocument: { uri },
      range: diagnostic!.range,
      context: { diagnostics: [diagnostic] },
    });
    expect(actions.every((a) => a.kind === 'quickfix' && (a.diagnostics as Diagnostic[])[0]!.code === diagnostic!.code)).toBe(true);
    const fixed = applyEdits(broken, actions[0]!.edit!.changes![uri]!);
    return { code: diagnostic!.code, titles: actions.map((a) => a.title), fixed };
  }

  const H = 'import "./schema.mql"\n';
  const cases: [string, string, string, string][] = [
    ['MQL2001', `${H}segment s = consnt`, 'Change to `consent`', `${H}segment s = consent`],
    ['MQL2002', `${H}segment s = company.employes > 5`, 'Change to `employees`', `${H}segment s = company.employees > 5`],
    ['MQL2008', 'lead { n: nuber }', 'Change to `number`', 'lead { n: number }'],
    ['MQL2009', `${H}segment s = company.industry == "sofware"`, 'Change to "software"', `${H}segment s = company.industry == "software"`],
    ['MQL2012', `${H}segment s = any(page_veiw)`, 'Change to `page_view`', `${H}segment s = any(page_view)`],
    ['MQL2013', `${H}score r = sum(purchase within 30d, amout)`, 'Change to `amount`', `${H}score r = sum(purchase within 30d, amount)`],
    ['MQL2017', `${H}stage MQL { require consent }\nstage SAL after MQK { require consent }`, 'Change to `MQL`', `${H}stage MQL { require consent }\nstage SAL after MQL { require consent }`],
    [
      'MQL2020',
      `${H}test "t" { lead { email: "a@b.c", consent: true, company: {}, tittle: "x" } }`,
      'Change to `title`',
      `${H}test "t" { lead { email: "a@b.c", consent: true, company: {}, title: "x" } }`,
    ],
    [
      'MQL2022',
      `${H}test "t" { lead { email: "a@b.c", company: {} } }`,
      'Add the required field `consent`',
      `${H}test "t" { lead { consent: false, email: "a@b.c", company: {} } }`,
    ],
  ];

  it.each(cases)('%s: applies the fix', async (code, broken, title, expected) => {
    const result = await fixOnce(broken);
    expect(result).toEqual({ code, titles: [title], fixed: expected });
    const { name } = await openNew(result.fixed);
    // The fix leaves no error (the snippets' declarations are unused, so lint warnings may remain).
    expect((await lsp.diagnosticsOfVersion(name, 1)).filter((d) => d.severity === 1)).toEqual([]);
  });

  it('offers nothing where there is no problem', async () => {
    const uri = await lsp.open('rules.mql', RULES);
    const range = { start: { line: 0, character: 0 }, end: { line: 40, character: 0 } };
    expect(await lsp.request(CodeActionRequest.method, { textDocument: { uri }, range, context: { diagnostics: [] } })).toEqual([]);
  });
});

describe('formatting', () => {
  const messy = 'import "./schema.mql"\nscore   fit{\n"Target": +15   when company.industry=="software"   // why\n}\nsegment s=consent and   title contains "x"\n';

  it('formats through the project formatter, keeping comments; a second pass changes nothing', async () => {
    const { uri } = await openNew(messy);
    const edits = await lsp.request<TextEdit[]>(DocumentFormattingRequest.method, { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
    const formatted = applyEdits(messy, edits);
    expect(formatted).toBe(
      'import "./schema.mql"\n\nscore fit {\n  "Target": +15 when company.industry == "software" // why\n}\n\nsegment s = consent and title contains "x"\n',
    );
    const again = await openNew(formatted);
    expect(await lsp.request(DocumentFormattingRequest.method, { textDocument: { uri: again.uri }, options: { tabSize: 2, insertSpaces: true } })).toEqual([]);
  });

  it('a CRLF document formats to exactly what `mql fmt` writes, without a stray \\r', async () => {
    const { TextDocument } = await import('vscode-languageserver-textdocument');
    const { formatText } = await import('@mql/core');
    for (const crlf of [messy.replace(/\n/g, '\r\n'), 'list  b=[ 2 ]\r\nsegment s = (b>1)\r\n', 'list b = [2]\r\n']) {
      const { uri } = await openNew(crlf);
      const edits = await lsp.request<TextEdit[]>(DocumentFormattingRequest.method, { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
      const formatted = TextDocument.applyEdits(TextDocument.create(uri, 'mql', 1, crlf), edits);
      expect(formatted).toBe(formatText(crlf, 'x.mql').text);
      expect(formatted).not.toContain('\r');
    }
  });

  it('leaves a file with syntax errors alone', async () => {
    const { uri } = await openNew('score   fit {\n  +5 when\n');
    expect(await lsp.request(DocumentFormattingRequest.method, { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } })).toEqual([]);
  });
});

describe('symbols', () => {
  it('outlines a file: declarations with their rules, bands, clauses and fields', async () => {
    const uri = await lsp.open('rules.mql', RULES);
    const symbols = await lsp.request<DocumentSymbol[]>(DocumentSymbolRequest.method, { textDocument: { uri } });
    const outline = (list: DocumentSymbol[], depth = 0): string[] =>
      list.flatMap((s) => [`${'  '.repeat(depth)}${s.name} (${s.kind}${s.detail ? `, ${s.detail}` : ''})`, ...outline(s.children ?? [], depth + 1)]);
    expect(outline(symbols)).toEqual([
      './schema.mql (1)',
      'freemail (18, list of 2)',
      'decision_maker (17, segment)',
      'fit (16, score)',
      '  Target industry (7, +15)',
      '  Decision maker (7, +20)',
      '  Free-mail (7, -30)',
      'engagement (16, score)',
      '  Pricing views (7, +5)',
      '  Buyer (7, +10)',
      'priority (16, score (formula))',
      'profile (10, grade)',
      '  A (22)',
      '  B (22, else)',
      'MQL (5, Marketing qualified lead)',
      '  Fits (7, require)',
      '  Free-mail (7, reject)',
      'SAL (5, stage after MQL)',
      '  consent (7, require)',
      'A director at a software company (6, test)',
    ]);
    const fit = symbols.find((s) => s.name === 'fit')!;
    expect(fit.selectionRange).toEqual({ start: positionAt(RULES, RULES.indexOf('fit {')), end: positionAt(RULES, RULES.indexOf('fit {') + 3) });
  });

  it('outlines the lead schema with nested fields', async () => {
    const uri = await lsp.open('schema.mql', SCHEMA);
    const [lead] = await lsp.request<DocumentSymbol[]>(DocumentSymbolRequest.method, { textDocument: { uri } });
    expect(lead!.children!.map((c) => c.name)).toEqual(['email', 'title', 'seniority', 'consent', 'company']);
    expect(lead!.children![4]!.children!.map((c) => c.name)).toEqual(['industry', 'employees']);
  });

  it('finds declarations, fields and attributes across the workspace by fuzzy name', async () => {
    const found = await lsp.request<SymbolInformation[]>(WorkspaceSymbolRequest.method, { query: 'em' });
    expect(found.map((s) => `${s.name} ${s.kind} ${s.containerName ?? ''} ${s.location.uri.split('/').pop()}`)).toEqual([
      'decision_maker 17  rules.mql',
      'email 8 lead schema.mql',
      'employees 8 lead.company schema.mql',
      'engagement 16  rules.mql',
      'freemail 18  rules.mql',
    ]);
  });
});

describe('folding, semantic tokens, signature help', () => {
  it('folds declarations, blocks and comment runs, leaving closing braces visible', async () => {
    const text = '// one\n// two\nimport "./schema.mql"\nscore fit {\n  +5 when consent\n  +3 when title is set\n}\n/* a\n   b */\nsegment s = consent\n';
    const { uri } = await openNew(text);
    const ranges = await lsp.request<FoldingRange[]>(FoldingRangeRequest.method, { textDocument: { uri } });
    expect(ranges).toEqual([
      { startLine: 0, endLine: 1, kind: 'comment' },
      { startLine: 3, endLine: 5 },
      { startLine: 7, endLine: 8, kind: 'comment' },
    ]);
  });

  it('classifies names by what they refer to', async () => {
    const text = 'import "./schema.mql"\nlist fm = ["a"]\nsegment s = email.domain in fm and any(page_view where url contains "x")\n';
    const { uri } = await openNew(text);
    const tokens = await lsp.request<SemanticTokens>(SemanticTokensRequest.method, { textDocument: { uri } });
    // [deltaLine, deltaStart, length, type, modifiers]: types event=0 variable=1 function=2 property=5;
    // modifiers declaration=1 readonly=2.
    expect(tokens.data).toEqual([
      1, 5, 2, 1, 1 | 2, // fm (list declaration)
      1, 8, 1, 2, 1, // s (segment declaration)
      0, 4, 5, 5, 0, // email (field)
      0, 16, 2, 1, 2, // fm (list)
      0, 11, 9, 0, 0, // page_view (event)
      0, 16, 3, 5, 0, // url (attribute)
    ]);
  });

  it('helps with the arguments of event functions', async () => {
    const ask = async (marked: string) => {
      const { text, position } = withCursor(marked);
      const { uri } = await openNew(text);
      return lsp.request<SignatureHelp | null>(SignatureHelpRequest.method, { textDocument: { uri }, position });
    };
    const count = await ask('import "./schema.mql"\nsegment s = count(page_view where |');
    expect(count).toMatchObject({ activeSignature: 0, activeParameter: 0, signatures: [{ label: 'count(EVENT [within DURATION] [where CONDITION]) → number' }] });
    const sum = await ask('import "./schema.mql"\nscore r = sum(purchase where (amount > 1), |)');
    expect(sum).toMatchObject({ activeParameter: 1, signatures: [{ label: 'sum(EVENT [within DURATION] [where CONDITION], ATTRIBUTE) → number' }] });
    expect(sum!.signatures[0]!.parameters!.map((p) => p.label)).toEqual(['EVENT [within DURATION] [where CONDITION]', 'ATTRIBUTE']);
    expect(await ask('import "./schema.mql"\nsegment s = (consent and |')).toBeNull();
  });

  it('helps with the arguments of numeric functions, `max` (a keyword) included', async () => {
    const ask = async (marked: string) => {
      const { text, position } = withCursor(marked);
      const { uri } = await openNew(text);
      return lsp.request<SignatureHelp | null>(SignatureHelpRequest.method, { textDocument: { uri }, position });
    };
    const clamp = await ask('import "./schema.mql"\nscore s = clamp(company.employees / 10, 0, |');
    expect(clamp).toMatchObject({ activeParameter: 2, signatures: [{ label: 'clamp(x, low, high) → number' }] });
    const max = await ask('import "./schema.mql"\nscore s = max(min(1, 2), |');
    expect(max).toMatchObject({ activeParameter: 1, signatures: [{ label: 'max(a, b, …) → number' }] });
    expect(await ask('import "./schema.mql"\nscore s = round(|')).toMatchObject({ signatures: [{ label: 'round(x) → number' }] });
    expect(await ask('import "./schema.mql"\nscore s = rounded(|')).toBeNull();
  });

  it('explains a numeric function on hover, and not a field that has a function’s name', async () => {
    const hoverAt = async (marked: string) => {
      const { text, position } = withCursor(marked);
      const { uri } = await openNew(text);
      return lsp.request<Hover | null>(HoverRequest.method, { textDocument: { uri }, position });
    };
    const clamp = await hoverAt('import "./schema.mql"\nscore s = cl|amp(company.employees, 0, 10)\n');
    expect(clamp?.contents).toEqual({
      kind: 'markdown',
      value: '```mql\nclamp(x, low, high) → number\n```\n\n`x` limited to `low`…`high`: `min(max(x, low), high)`.\n\nfunction · missing when an argument is missing',
    });
    expect(clamp?.range).toEqual({ start: { line: 1, character: 10 }, end: { line: 1, character: 15 } });
    expect(await hoverAt('lead { round?: number }\nsegment s = rou|nd > 1\n')).toMatchObject({ contents: { value: expect.stringContaining('round?: number') } });
  });

  it('explains the `key` marker on hover, and says so on the field', async () => {
    const hoverAt = async (marked: string) => {
      const { text, position } = withCursor(marked);
      const { uri } = await openNew(text);
      return lsp.request<Hover | null>(HoverRequest.method, { textDocument: { uri }, position });
    };
    const value = '```mql\nid: string\n```\n\nlead field, required · read from the input column `Lead Number` · the lead\'s key: its value names the lead in results, `mql eval --only` and the events join';
    const marker = await hoverAt('lead {\n  id: string from "Lead Number" k|ey\n  key?: string\n}\n');
    expect(marker).toEqual({ contents: { kind: 'markdown', value }, range: { start: { line: 1, character: 32 }, end: { line: 1, character: 35 } } });
    expect((await hoverAt('lead {\n  i|d: string from "Lead Number" key\n}\n'))?.contents).toEqual({ kind: 'markdown', value });
    // A field named `key` is a field, not the marker.
    expect(await hoverAt('lead {\n  id: string key\n  k|ey?: string\n}\n')).toMatchObject({ contents: { value: expect.stringContaining('key?: string') } });
  });
});

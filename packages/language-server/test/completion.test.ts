// Completion through the protocol, in documents written with a `|` cursor marker. Most documents
// are unfinished at the cursor, as they are while someone types.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompletionRequest, InsertTextFormat, type CompletionItem, type CompletionList } from 'vscode-languageserver-protocol';
import { SCHEMA } from './fixtures.js';
import { LspClient, withCursor, workspaceFolder } from './lsp-client.js';

let lsp: LspClient;
let documents = 0;

beforeAll(async () => {
  lsp = await LspClient.start(workspaceFolder({ 'schema.mql': SCHEMA, 'other.mql': 'list unrelated = ["x"]\n', 'sub/deep.mql': '' }));
});
afterAll(() => lsp.stop());

const HEADER = 'import "./schema.mql"\n';

/** Opens the marked document as a new file and asks for completion at the marker. */
async function complete(marked: string): Promise<CompletionItem[]> {
  const { text, position } = withCursor(marked);
  const name = `doc${++documents}.mql`;
  const uri = await lsp.open(name, text);
  const list = await lsp.request<CompletionList>(CompletionRequest.method, { textDocument: { uri }, position });
  return list.items;
}

const labels = (items: CompletionItem[]) => items.map((i) => i.label);

const LEAD_FIELDS = ['email', 'title', 'seniority', 'consent', 'company'];
const EXPRESSION_KEYWORDS = ['min', 'clamp', 'round', 'abs', 'max', 'count', 'any', 'none', 'sum', 'days_since', 'not', 'true', 'false', 'now', 'lead', 'at'];

describe('completion of names', () => {
  it('offers lead fields, declarations and expression keywords in a condition, not the score being written', async () => {
    const items = await complete(`${HEADER}list fm = ["a"]\nsegment big = company.employees > 100\nscore fit {\n  "x": +5 when |\n}\n`);
    expect(labels(items)).toEqual([...LEAD_FIELDS, 'fm', 'big', ...EXPRESSION_KEYWORDS]);
    expect(items.find((i) => i.label === 'seniority')).toMatchObject({
      detail: '"ic" | "manager" | "director" | "vp" | "cxo" (optional) · lead field',
    });
    expect(items.find((i) => i.label === 'email')?.documentation).toEqual({ kind: 'markdown', value: 'Work email address.' });
    expect(items.find((i) => i.label === 'count')).toMatchObject({ insertTextFormat: InsertTextFormat.Snippet, textEdit: { newText: 'count(${1:event})' } });
  });

  it('replaces the word being typed, even in an unfinished line at the end of the file', async () => {
    const items = await complete(`${HEADER}segment s = consent and tit|`);
    const title = items.find((i) => i.label === 'title')!;
    expect(title.textEdit).toEqual({ range: { start: { line: 1, character: 24 }, end: { line: 1, character: 27 } }, newText: 'title' });
  });

  it('offers only lists after `in`', async () => {
    const items = await complete(`${HEADER}list fm = ["a"]\nsegment s = email.domain in |`);
    expect(labels(items).filter((l) => !EXPRESSION_KEYWORDS.includes(l))).toEqual(['fm']);
  });

  it('offers the event’s attributes first inside `where`, then the rest', async () => {
    const items = await complete(`${HEADER}score e {\n  +5 per purchase within 30d where |\n}\n`);
    expect(labels(items).slice(0, 3)).toEqual(['amount', 'currency', 'at']);
    expect(items[0]).toMatchObject({ detail: 'number · attribute of purchase', kind: 10 });
    expect(labels(items)).toContain('email');
  });

  it('offers event attributes inside `where` of a function call, nested in a condition', async () => {
    const items = await complete(`${HEADER}segment s = consent and any(page_view where u|)`);
    expect(labels(items).slice(0, 2)).toEqual(['url', 'at']);
  });

  it('offers event types in queries, after `per` and in test events', async () => {
    for (const marked of [`${HEADER}segment s = count(|`, `${HEADER}score e {\n  +5 per |\n}`, `${HEADER}test "t" {\n  event |\n}`]) {
      expect(labels(await complete(marked))).toEqual(['page_view', 'purchase']);
    }
  });

  it('offers stage names after `after` and `expect stage`, without the stage itself', async () => {
    const stages = `${HEADER}stage MQL { require consent }\nstage SAL after MQL { require consent }\n`;
    expect(labels(await complete(`${stages}stage SQO after |`))).toEqual(['MQL', 'SAL']);
    expect(labels(await complete(`${stages}test "t" {\n  expect stage |\n}`))).toEqual(['MQL', 'SAL', 'none']);
  });

  it('offers the number attributes of the event in `sum`', async () => {
    expect(labels(await complete(`${HEADER}score revenue = sum(purchase within 90d, |)`))).toEqual(['amount']);
  });
});

describe('completion after `.`', () => {
  it('offers the fields of a nested object', async () => {
    const items = await complete(`${HEADER}score fit {\n  "x": +5 when company.|\n}\n`);
    expect(labels(items)).toEqual(['industry', 'employees']);
    expect(items[1]).toMatchObject({ detail: 'number (optional) · field of company', documentation: { kind: 'markdown', value: 'Head count.' } });
  });

  it('works mid-word and with `lead.` and email parts', async () => {
    expect(labels(await complete(`${HEADER}segment s = company.ind|`))).toEqual(['industry', 'employees']);
    expect(labels(await complete(`${HEADER}segment s = lead.|`))).toEqual(LEAD_FIELDS);
    expect(labels(await complete(`${HEADER}segment s = email.|`))).toEqual(['domain', 'local']);
    expect(labels(await complete(`${HEADER}segment s = lead.company.|`))).toEqual(['industry', 'employees']);
  });

  it('offers nothing after a value that has no fields', async () => {
    expect(await complete(`${HEADER}segment s = title.|`)).toEqual([]);
  });
});

describe('completion of enum members', () => {
  const industries = ['"software"', '"finance"', '"retail"'];

  it('inside a string compared with an enum field, replacing the whole string', async () => {
    const items = await complete(`${HEADER}segment s = company.industry == "so|"`);
    expect(labels(items)).toEqual(industries);
    expect(items[0]!.textEdit).toEqual({ range: { start: { line: 1, character: 32 }, end: { line: 1, character: 36 } }, newText: '"software"' });
    expect(items[0]!.filterText).toBe('"software"');
  });

  it('inside an unterminated string', async () => {
    expect(labels(await complete(`${HEADER}segment s = company.industry != "|`))).toEqual(industries);
  });

  it('inside `[...]` after `in`, with or without a quote', async () => {
    expect(labels(await complete(`${HEADER}segment s = company.industry in ["software", |]`))).toEqual(industries);
    expect(labels(await complete(`${HEADER}segment s = company.industry not in ["|`))).toEqual(industries);
  });

  it('after `==` before any quote, first among the names', async () => {
    const items = await complete(`${HEADER}segment s = seniority == |`);
    expect(labels(items).slice(0, 5)).toEqual(['"ic"', '"manager"', '"director"', '"vp"', '"cxo"']);
  });

  it('labels of a grade', async () => {
    expect(labels(await complete(`${HEADER}grade g {\n  A when consent\n  else B\n}\nsegment s = g == "|"`))).toEqual(['"A"', '"B"']);
  });

  it('as values of a test lead', async () => {
    expect(labels(await complete(`${HEADER}test "t" {\n  lead { seniority: "|" }\n}`))).toEqual(['"ic"', '"manager"', '"director"', '"vp"', '"cxo"']);
  });
});

describe('completion of keys in tests', () => {
  it('offers the lead fields not yet given, required first', async () => {
    const items = await complete(`${HEADER}test "t" {\n  lead { email: "a@b.c", |}\n}`);
    expect(labels(items)).toEqual(['consent', 'company', 'title', 'seniority']);
    expect(items[0]!.textEdit!.newText).toBe('consent: ');
  });

  it('offers the fields of a nested object and an event’s attributes', async () => {
    expect(labels(await complete(`${HEADER}test "t" {\n  lead { company: { | } }\n}`))).toEqual(['industry', 'employees']);
    expect(labels(await complete(`${HEADER}test "t" {\n  event purchase { | } 1d ago\n}`))).toEqual(['amount', 'currency']);
  });
});

describe('keywords and snippets', () => {
  it('offers block snippets, then declaration keywords, at the start of a declaration', async () => {
    const items = await complete(`${HEADER}|`);
    expect(labels(items)).toEqual([
      'import "…"', 'lead { … }', 'event … { … }', 'list … = […]', 'segment … = …', 'score … { … }', 'score … = …', 'grade … { … }', 'stage … { … }', 'test "…" { … }',
      'import', 'lead', 'event', 'list', 'segment', 'score', 'grade', 'stage', 'test',
    ]);
    const score = items.find((i) => i.label === 'score … { … }')!;
    expect(score).toMatchObject({ kind: 15, insertTextFormat: InsertTextFormat.Snippet });
    expect(score.textEdit!.newText).toBe('score ${1:name} {\n\trange ${2:0} to ${3:100}\n\t"${4:Label}": +${5:10} when ${6:condition}\n}');
  });

  it('offers rule snippets first in a score block, clause snippets in a stage, band snippets in a grade, items in a test', async () => {
    expect(labels(await complete(`${HEADER}score fit {\n  range 0 to 10\n  |\n}`))).toEqual(['"…": +N when …', '"…": +N per … within …', 'decay half-life']);
    expect(labels(await complete(`${HEADER}stage MQL {\n  |\n}`))).toEqual(['require "…": …', 'reject "…": …', 'require', 'reject']);
    expect(labels(await complete(`${HEADER}grade g {\n  |\n}`))).toEqual(['… when …', 'else']);
    expect(labels(await complete(`${HEADER}test "t" {\n  |\n}`))).toEqual(['lead { … }', 'event … at …', 'expect stage …', 'now …', 'now', 'lead', 'event', 'expect']);
  });

  it('offers the operators of the value’s type after it, and the next declaration', async () => {
    const items = labels(await complete(`${HEADER}segment s = title |`));
    expect(items.slice(0, 13)).toEqual(['==', '!=', 'not', 'not in', 'in', 'contains', 'starts with', 'ends with', 'is', 'is set', 'is missing', 'and', 'or']);
    expect(items).toContain('score … { … }');
  });

  it('offers types in a schema', async () => {
    expect(labels(await complete(`lead {\n  age: |\n}`))).toEqual(['string', 'email', 'number', 'bool', 'date', 'list of …', '"a" | "b"', '{ … }', 'list']);
  });

  it('offers `key`, `from` and `missing` after a field’s type, `key` and `missing` after its `from`, not `key` twice', async () => {
    expect(labels(await complete(`lead {\n  id: string |\n}`))).toEqual(['key', 'from', 'missing']);
    expect(labels(await complete(`lead {\n  id: string from "Lead Number" |\n}`))).toEqual(['key', 'missing']);
    expect(labels(await complete(`lead {\n  id: string key |\n}`))).toEqual(['missing']);
  });

  it('still works on the line after an unfinished rule', async () => {
    const items = labels(await complete(`${HEADER}score fit {\n  "a": +5 when\n  "b": +3 when tit|\n}`));
    expect(items).toContain('title');
    expect(items).not.toContain('fit');
  });

  it('offers nothing inside a comment or a number', async () => {
    expect(await complete(`${HEADER}segment s = consent // tit|le`)).toEqual([]);
    expect(await complete(`${HEADER}score s {\n  +1|5 when consent\n}`)).toEqual([]);
  });
});

describe('completion of import paths', () => {
  it('lists .mql files and folders beside the file, except itself', async () => {
    const items = await complete('import "./|"');
    expect(labels(items).sort()).toEqual(['other.mql', 'schema.mql', 'sub/']);
    expect(items.find((i) => i.label === 'schema.mql')!.textEdit).toEqual({
      range: { start: { line: 0, character: 7 }, end: { line: 0, character: 11 } },
      newText: '"./schema.mql"',
    });
  });

  it('lists a subfolder after its name', async () => {
    expect(labels(await complete('import "./sub/|'))).toEqual(['deep.mql']);
  });

  it('offers quoted paths right after `import`', async () => {
    const items = await complete('import |');
    expect(items.map((i) => i.textEdit!.newText).sort()).toEqual(['"./other.mql"', '"./schema.mql"', '"./sub/$0"']);
  });
});

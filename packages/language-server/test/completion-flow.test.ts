// Completion that pops up where a beginner needs it: trigger characters (a space after `when`,
// `per`, `after`, `expect stage`; `in [`; a function's `(`; a label's `:`) answer only where a list
// helps, operators follow the operand's type, snippets come first on an empty line, `"` at the
// start of a rule offers the labelled rules, and nothing offered would make a cycle.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompletionRequest, CompletionTriggerKind, type CompletionItem, type CompletionList } from 'vscode-languageserver-protocol';
import { SCHEMA } from './fixtures.js';
import { LspClient, withCursor, workspaceFolder } from './lsp-client.js';

let lsp: LspClient;
let documents = 0;

beforeAll(async () => {
  lsp = await LspClient.start(workspaceFolder({ 'schema.mql': SCHEMA }));
});
afterAll(() => lsp.stop());

const HEADER = 'import "./schema.mql"\n';

/** Completion at the marker; with `trigger`, as an editor asks after typing that character. */
async function complete(marked: string, trigger?: string): Promise<CompletionItem[] | null> {
  const { text, position } = withCursor(marked);
  const uri = await lsp.open(`flow${++documents}.mql`, text);
  const context = trigger ? { triggerKind: CompletionTriggerKind.TriggerCharacter, triggerCharacter: trigger } : { triggerKind: CompletionTriggerKind.Invoked };
  const list = await lsp.request<CompletionList | null>(CompletionRequest.method, { textDocument: { uri }, position, context });
  return list && list.items;
}

/** Labels in the order an editor shows them (by sortText). */
const shown = (items: CompletionItem[] | null) => [...(items ?? [])].sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? '')).map((i) => i.label);

describe('trigger characters', () => {
  it('a space after `when`, `per`, `after` and `expect stage` opens the list; after a number it does not', async () => {
    expect(shown(await complete(`${HEADER}score fit {\n  "x": +5 when |\n}\n`, ' '))).toContain('seniority');
    expect(shown(await complete(`${HEADER}score fit {\n  "x": +5 per |\n}\n`, ' '))).toEqual(['page_view', 'purchase']);
    expect(shown(await complete(`${HEADER}stage A { require consent }\nstage B after |`, ' '))).toEqual(['A']);
    expect(shown(await complete(`${HEADER}stage MQL { require consent }\ntest "t" {\n  lead { email: "a@b.c", consent: true, company: {} }\n  expect stage |\n}\n`, ' '))).toEqual(['MQL', 'none']);
    expect(await complete(`${HEADER}score fit {\n  "x": +5 |\n}\n`, ' ')).toBeNull();
    expect(await complete(`${HEADER}segment s = title contains "a |"\n`, ' ')).toBeNull();
  });

  it('`in [` offers the enum members, a function’s `(` the event types, a label’s `:` the condition names', async () => {
    expect(shown(await complete(`${HEADER}segment s = seniority in [|]\n`, '['))).toEqual(['"cxo"', '"director"', '"ic"', '"manager"', '"vp"']);
    expect(shown(await complete(`${HEADER}segment s = count(|)\n`, '('))).toEqual(['page_view', 'purchase']);
    expect(shown(await complete(`${HEADER}stage MQL {\n  require "Consent":|\n}\n`, ':'))).toContain('consent');
    expect(await complete(`${HEADER}segment s = (|)\n`, '(')).toBeNull();
  });
});

describe('what is offered', () => {
  it('operators follow the operand’s type: numbers get `>=` and `between`, text `contains` and `starts with`', async () => {
    const number = shown(await complete(`${HEADER}segment s = company.employees |\n`));
    expect(number.filter((l) => ['>=', '>', '==', 'between', 'contains', 'starts with', 'ends with'].includes(l))).toEqual(['==', '>', '>=', 'between']);
    const text = shown(await complete(`${HEADER}segment s = title |\n`));
    expect(text.filter((l) => ['>=', '>', '==', 'between', 'contains', 'starts with', 'ends with', 'in'].includes(l))).toEqual(['==', 'contains', 'ends with', 'in', 'starts with']);
    const counted = shown(await complete(`${HEADER}segment s = count(page_view) |\n`));
    expect(counted).toContain('>=');
    expect(counted).not.toContain('contains');
  });

  it('on an empty line of a score the rule snippets come first, continuations of the line above last', async () => {
    const items = shown(await complete(`${HEADER}score fit {\n  "x": +5 when consent\n  |\n}\n`));
    expect(items.slice(0, 2)).toEqual(['"…": +N per … within …', '"…": +N when …']);
    const continuations = ['and', 'or', 'not in', 'between', 'in', 'contains', 'starts with', 'ends with', 'is', 'is set', 'is missing', 'max', 'within', 'where'];
    const firstContinuation = items.findIndex((l) => continuations.includes(l));
    expect(firstContinuation).toBeGreaterThan(1);
    expect(items.slice(firstContinuation).filter((l) => !continuations.includes(l))).toEqual([]);
  });

  it('`"` at the start of a rule offers the labelled rules', async () => {
    const items = await complete(`${HEADER}score fit {\n  "|"\n}\n`, '"');
    expect(shown(items)).toEqual(['"…": +N per … within …', '"…": +N when …']);
  });

  it('a `"` that opens a value offers the enum members; one that closes a string offers nothing (Enter stays a new line)', async () => {
    expect(shown(await complete(`${HEADER}segment s = seniority == "|"\n`, '"'))).toEqual(['"cxo"', '"director"', '"ic"', '"manager"', '"vp"']);
    expect(await complete(`${HEADER}segment s = title contains "x"|\n`, '"')).toBeNull();
    expect(await complete(`${HEADER}score fit {\n  "Label"|\n}\n`, '"')).toBeNull();
  });

  it('never offers a name that would make a cycle', async () => {
    const items = shown(await complete(`${HEADER}score priority = fit * 2\nsegment good = priority > 10\nsegment other = consent\nscore fit {\n  "x": +5 when |\n}\n`));
    expect(items).toContain('other');
    expect(items).not.toContain('priority');
    expect(items).not.toContain('good');
    expect(items).not.toContain('fit');
  });
});

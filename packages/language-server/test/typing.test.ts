// Diagnostics while typing, through the protocol: an unfinished rule typed into the example program
// (above the `}` an editor inserted) gets one error, on the line being typed, and nothing lands on
// the correct lines around it. The typing harness (scripts/typing-harness.mjs, part of
// `npm run bench:lsp`) measures the same over thousands of keystrokes.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DidSaveTextDocumentNotification, type Diagnostic } from 'vscode-languageserver-protocol';
import { LspClient, workspaceFolder } from './lsp-client.js';

const example = path.resolve(import.meta.dirname, '..', '..', '..', 'examples', 'b2b-funnel');
const LEAD = readFileSync(path.join(example, 'lead.mql'), 'utf8');
const FUNNEL = readFileSync(path.join(example, 'funnel.mql'), 'utf8');
const ANCHOR = '  "Unsubscribed":       -50 when any(unsubscribe)';
/** The line (0-based) the unfinished rule is typed on: right after the anchor. */
const TYPED_LINE = FUNNEL.slice(0, FUNNEL.indexOf(ANCHOR)).split('\n').length;

let client: LspClient | undefined;
afterEach(async () => {
  await client?.stop();
  client = undefined;
});

function summary(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.code} ${d.message}`);
}

/** The example with `typed` on a new line of the engagement score, and its published diagnostics. */
async function diagnosticsWith(typed: string): Promise<string[]> {
  const text = FUNNEL.replace(ANCHOR, `${ANCHOR}\n${typed}`);
  client = await LspClient.start(workspaceFolder({ 'lead.mql': LEAD, 'funnel.mql': FUNNEL }));
  await client.open('funnel.mql', text);
  return summary(await client.diagnosticsOfVersion('funnel.mql', 1));
}

describe('diagnostics while typing', () => {
  it('the example itself is clean', async () => {
    expect(await diagnosticsWith('')).toEqual([]);
  });

  it('a label typed before the `}`: one error on the label, not on the `}` below', async () => {
    expect(await diagnosticsWith('  "Hea"')).toEqual([`${TYPED_LINE}:2-${TYPED_LINE}:7 MQL1004 expected \`:\` after \`"Hea"\`, but found \`}\``]);
  });

  it('an unclosed label: the unterminated string only', async () => {
    expect(await diagnosticsWith('  "Hea')).toEqual([`${TYPED_LINE}:2-${TYPED_LINE}:6 MQL1002 unterminated string: a string must end on the line it starts`]);
  });

  it('`within 6`: one error at the number, not also a rule without a sign', async () => {
    expect(await diagnosticsWith('  "Docs": +2 per page_view within 6')).toEqual([
      `${TYPED_LINE}:34-${TYPED_LINE}:35 MQL1004 expected a duration such as \`30d\` after \`within\`, but found \`6\``,
    ]);
  });

  it('`company.in`: one error at `in`', async () => {
    expect(await diagnosticsWith('  "Industry": +5 when company.in')).toEqual([
      `${TYPED_LINE}:30-${TYPED_LINE}:32 MQL1004 expected a field name after \`.\`, but found \`in\``,
    ]);
  });

  it('a condition cut off after an operator: the error is on the operator, not on the `}` below', async () => {
    expect(await diagnosticsWith('  "Big": +5 when company.employees >=')).toEqual([
      `${TYPED_LINE}:35-${TYPED_LINE}:37 MQL1004 expected an expression after \`>=\`, but found \`}\``,
    ]);
  });

  it('an unclosed list: at the last element, not on the `}` below', async () => {
    expect(await diagnosticsWith('  "VP": +5 when seniority in ["vp"')).toEqual([
      `${TYPED_LINE}:30-${TYPED_LINE}:34 MQL1004 expected \`,\` or \`]\` to close the list, but found \`}\``,
    ]);
  });

  it('a declaration keyword typed above another declaration does not swallow it', async () => {
    const text = FUNNEL.replace('/// How well the lead matches', 'segment\n\n/// How well the lead matches');
    client = await LspClient.start(workspaceFolder({ 'lead.mql': LEAD, 'funnel.mql': FUNNEL }));
    await client.open('funnel.mql', text);
    const line = text.slice(0, text.indexOf('segment\n\n')).split('\n').length - 1;
    expect(summary(await client.diagnosticsOfVersion('funnel.mql', 1))).toEqual([`${line}:0-${line}:7 MQL1004 expected a name after \`segment\`, but found \`score\``]);
  });

  it('a field being typed into the schema is not yet required by the tests', async () => {
    const lead = LEAD.replace('    employees?: number', '    employees?: number\n    revenue');
    client = await LspClient.start(workspaceFolder({ 'lead.mql': lead, 'funnel.mql': FUNNEL }));
    await client.open('funnel.mql', FUNNEL);
    expect(await client.diagnosticsOfVersion('funnel.mql', 1)).toEqual([]);
  });

  it('a declaration that looks unused while its use is retyped is reported only after a save', async () => {
    client = await LspClient.start(workspaceFolder({ 'lead.mql': LEAD, 'funnel.mql': FUNNEL }));
    await client.open('funnel.mql', FUNNEL);
    expect(await client.diagnosticsOfVersion('funnel.mql', 1)).toEqual([]);
    // The only use of `covered_countries` is rewritten: for now it is unused.
    const edited = FUNNEL.replace('when country in covered_countries', 'when country in ["US"]');
    const version = await client.change('funnel.mql', edited);
    expect(await client.diagnosticsOfVersion('funnel.mql', version)).toEqual([]);
    await client.connection.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri: client.uri('funnel.mql') } });
    const line = FUNNEL.slice(0, FUNNEL.indexOf('list covered_countries')).split('\n').length - 1;
    const saved = await client.diagnostics('funnel.mql', (p) => p.version === version && p.diagnostics.length > 0);
    expect(summary(saved)).toEqual([`${line}:5-${line}:22 MQL3001 list \`covered_countries\` is never used`]);
  });
});

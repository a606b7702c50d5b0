// The runtime-backed features through the protocol, on the example program: test locations, running
// tests (failures as diagnostics on the failing `expect` line), explanations with links to the
// rules, and the sample-lead counts in code lenses and inlay hints. Expected counts are computed
// here from the compiled artifact and the sample file, independently of the server's code.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DidSaveTextDocumentNotification, type CodeLens, type InlayHint } from 'vscode-languageserver-protocol';
import { compileProgram } from '@mql/core';
import { load } from '@mql/runtime';
import { LspClient, workspaceFolder } from './lsp-client.js';

const repo = path.resolve(import.meta.dirname, '..', '..', '..');
const LEAD = readFileSync(path.join(repo, 'examples', 'b2b-funnel', 'lead.mql'), 'utf8');
const FUNNEL = readFileSync(path.join(repo, 'examples', 'b2b-funnel', 'funnel.mql'), 'utf8');
const SAMPLE = readFileSync(path.join(repo, 'examples', 'data', 'sample-leads.jsonl'), 'utf8');
const NOW = '2026-11-01T00:00:00Z';
const CONFIG = JSON.stringify({ sample: { file: 'sample.jsonl', now: NOW } });
const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length - 1;
const SAMPLE_LINES = SAMPLE.split('\n').filter((l) => l.trim() !== '');

/** A share as the lenses write it: whole percentages without decimals, others to one decimal. */
const pct = (part: number, whole: number) => (whole === 0 ? '0%' : `${part === whole || part === 0 ? (100 * part) / whole : ((100 * part) / whole).toFixed(1)}%`);

let client: LspClient | undefined;
afterEach(async () => {
  await client?.stop();
  client = undefined;
});

async function start(funnel = FUNNEL, extra: Record<string, string> = {}): Promise<LspClient> {
  client = await LspClient.start(workspaceFolder({ 'lead.mql': LEAD, 'funnel.mql': funnel, 'mql.config.json': CONFIG, 'sample.jsonl': SAMPLE, ...extra }));
  await client.open('funnel.mql', funnel);
  await client.diagnosticsOfVersion('funnel.mql', 1);
  return client;
}

/** The stage lenses (those that open an explanation) as [line, title]. */
async function stageLensesOf(lsp: LspClient, uri: string): Promise<[number, string][]> {
  const lenses = await lsp.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
  return lenses.filter((l) => l.command?.command === 'mql.explainLead').map((l) => [l.range.start.line, l.command!.title]);
}

/** Stage counts of the sample under `funnel`, computed with core and the runtime directly. */
function expectedStageCounts(funnel: string): Map<string, number> {
  const files: Record<string, string> = { '/w/lead.mql': LEAD, '/w/funnel.mql': funnel };
  const compiled = compileProgram('/w/funnel.mql', { readFile: (p) => files[p] });
  const engine = load(compiled.artifact!);
  const counts = new Map(engine.stageNames.map((name) => [name, 0]));
  for (const line of SAMPLE_LINES) {
    const evaluation = engine.evaluate(JSON.parse(line), { now: NOW });
    if (!evaluation.ok) continue;
    for (const name of engine.stageNames) if (evaluation.result.stages[name]?.qualified) counts.set(name, counts.get(name)! + 1);
  }
  return counts;
}

describe('tests in the editor', () => {
  it('mql/tests lists every test block with its range', async () => {
    const lsp = await start();
    const { tests } = await lsp.request<{ tests: { name: string; range: { start: { line: number } } }[] }>('mql/tests', { textDocument: { uri: lsp.uri('funnel.mql') } });
    const names = [...FUNNEL.matchAll(/^test "([^"]+)"/gm)].map((m) => m[1]);
    expect(tests.map((t) => [t.name, t.range.start.line])).toEqual(names.map((name) => [name, lineOf(FUNNEL, `test "${name}"`)]));
  });

  it('mql/runTests runs them: all pass on the example', async () => {
    const lsp = await start();
    const result = await lsp.request<{ compiled: boolean; tests: { name: string; passed: boolean }[] }>('mql/runTests', { textDocument: { uri: lsp.uri('funnel.mql') } });
    expect(result.compiled).toBe(true);
    expect(result.tests.length).toBe(6);
    expect(result.tests.filter((t) => !t.passed)).toEqual([]);
  });

  it('a failed expectation is a diagnostic on its `expect` line with expected and actual values', async () => {
    const broken = FUNNEL.replace('  expect fit == 45\n', '  expect fit == 50\n');
    const lsp = await start(broken);
    const result = await lsp.request<{ tests: { name: string; passed: boolean; failures: { expected: string; actual: string; location: { uri: string; range: { start: { line: number } } } }[]; explanation: string }[] }>('mql/runTests', {
      textDocument: { uri: lsp.uri('funnel.mql') },
    });
    const failed = result.tests.filter((t) => !t.passed);
    const line = lineOf(broken, '  expect fit == 50');
    expect(failed.map((t) => [t.name, t.failures.map((f) => [f.expected, f.actual, f.location.uri, f.location.range.start.line])])).toEqual([
      ['A director at a software company who binged pricing is an MQL', [['fit == 50', 'fit = 45', lsp.uri('funnel.mql'), line]]],
    ]);
    expect(failed[0]!.explanation.split('\n')[0]).toBe('Stage: MQL');
    const diagnostics = await lsp.diagnostics('funnel.mql', (p) => p.diagnostics.some((d) => d.code === 'MQL4001'));
    expect(diagnostics.map((d) => [d.range.start.line, d.range.start.character, d.code, d.severity, d.message])).toEqual([
      [line, 2, 'MQL4001', 1, 'test "A director at a software company who binged pricing is an MQL" failed: expected fit == 50, got fit = 45'],
    ]);
  });

  it('code lenses: ▶ Run test on each test, Explain on each test lead', async () => {
    const lsp = await start();
    const lenses = await lsp.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: lsp.uri('funnel.mql') } });
    const tests = lenses.filter((l) => l.command?.command === 'mql.runTest');
    expect(tests.length).toBe(6);
    expect(tests[0]).toEqual({
      range: { start: { line: lineOf(FUNNEL, 'test "A director'), character: 0 }, end: { line: lineOf(FUNNEL, 'test "A director'), character: 0 } },
      command: { title: '▶ Run test', command: 'mql.runTest', arguments: [lsp.uri('funnel.mql'), 'A director at a software company who binged pricing is an MQL'] },
    });
    expect(lenses.filter((l) => l.command?.command === 'mql.explainTest').length).toBe(6);
  });

  it('mql/explain explains a test lead with links to the rules', async () => {
    const lsp = await start();
    const explained = await lsp.request<{ title: string; text: string; links: { range: { start: { line: number; character: number }; end: { character: number } }; target: { uri: string; range: { start: { line: number } } } }[] }>(
      'mql/explain',
      { textDocument: { uri: lsp.uri('funnel.mql') }, test: 'A director at a software company who binged pricing is an MQL' },
    );
    const lines = explained.text.split('\n');
    expect(lines[0]).toBe('Stage: MQL');
    // Every link covers `funnel.mql:N` in the text and points at line N of funnel.mql.
    expect(explained.links.length).toBeGreaterThan(10);
    for (const link of explained.links) {
      const text = lines[link.range.start.line]!.slice(link.range.start.character, link.range.end.character);
      expect(text).toBe(`funnel.mql:${link.target.range.start.line + 1}`);
      expect(link.target.uri).toBe(lsp.uri('funnel.mql'));
    }
  });
});

describe('sample leads while typing', () => {
  it('code lenses count the sample leads reaching each stage; an edit updates them with the change since save', async () => {
    const lsp = await start();
    const uri = lsp.uri('funnel.mql');
    await lsp.request('mql/impact', { textDocument: { uri }, wait: true });
    const counts = expectedStageCounts(FUNNEL);
    const total = SAMPLE_LINES.length;
    expect(await stageLensesOf(lsp, uri)).toEqual(
      ['MQL', 'SAL', 'SQO'].map((name) => [lineOf(FUNNEL, `stage ${name}`), `${counts.get(name)} of ${total} sample leads reach ${name} (${pct(counts.get(name)!, total)})`]),
    );
    // Lower the MQL bar: more leads reach it, and the lens says how many more than at save.
    const edited = FUNNEL.replace('require "Fits our ideal customer profile": fit >= 30', 'require "Fits our ideal customer profile": fit >= 0');
    const after = expectedStageCounts(edited);
    expect(after.get('MQL')).toBeGreaterThan(counts.get('MQL')!);
    await lsp.change('funnel.mql', edited);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await lsp.request('mql/impact', { textDocument: { uri }, wait: true });
    const delta = after.get('MQL')! - counts.get('MQL')!;
    expect((await stageLensesOf(lsp, uri))[0]).toEqual([lineOf(edited, 'stage MQL'), `${after.get('MQL')} of ${total} sample leads reach MQL (${pct(after.get('MQL')!, total)}) · +${delta} since save`]);
    // Saving makes the new counts the base.
    await lsp.connection.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await lsp.request('mql/impact', { textDocument: { uri }, wait: true });
    expect((await stageLensesOf(lsp, uri))[0]![1]).toBe(`${after.get('MQL')} of ${total} sample leads reach MQL (${pct(after.get('MQL')!, total)})`);
  });

  it('an edit that changes no rule (a comment) moves the lenses with the same counts', async () => {
    const lsp = await start();
    const uri = lsp.uri('funnel.mql');
    await lsp.request('mql/impact', { textDocument: { uri }, wait: true });
    const counts = expectedStageCounts(FUNNEL);
    const total = SAMPLE_LINES.length;
    const edited = FUNNEL.replace('stage MQL', '// Marketing owns this stage.\n\nstage MQL');
    await lsp.change('funnel.mql', edited);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await lsp.request('mql/impact', { textDocument: { uri }, wait: true });
    expect(await stageLensesOf(lsp, uri)).toEqual(
      ['MQL', 'SAL', 'SQO'].map((name) => [lineOf(edited, `stage ${name}`), `${counts.get(name)} of ${total} sample leads reach ${name} (${pct(counts.get(name)!, total)}) · no change since save`]),
    );
  });

  it('inlay hints say how often each score rule fires and how many leads get each grade label', async () => {
    const lsp = await start();
    const uri = lsp.uri('funnel.mql');
    await lsp.request('mql/impact', { textDocument: { uri }, wait: true });
    const hints = await lsp.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 400, character: 0 } } });
    const byLine = new Map(hints.map((h) => [h.position.line, h.label as string]));
    expect(byLine.get(lineOf(FUNNEL, '"Target industry"'))).toMatch(/^fires for \d+(\.\d)?% \(\d+\)$/);
    // The grade bands of `profile` account for every lead once.
    const bands = ['  A when fit >= 45', '  B when fit >= 30', '  C when fit >= 15', '  else D'].map((b) => byLine.get(lineOf(FUNNEL, b))!);
    const total = SAMPLE_LINES.length;
    expect(bands.map((b) => Number(/^(\d+) lead/.exec(b)![1])).reduce((a, b) => a + b, 0)).toBe(total);
  });

  it('without a sample in mql.config.json, the impact says how to name one', async () => {
    const lsp = await start(FUNNEL, { 'mql.config.json': '{}' });
    const state = await lsp.request<{ problem?: string }>('mql/impact', { textDocument: { uri: lsp.uri('funnel.mql') }, wait: true });
    expect(state.problem).toBe('no sample leads: name a file in mql.config.json, e.g. { "sample": { "file": "data/sample-leads.jsonl" } }');
  });

  it('mql/explain explains a sample lead by id', async () => {
    const lsp = await start();
    const ids = await lsp.request<{ ids: string[] }>('mql/sampleLeads', { textDocument: { uri: lsp.uri('funnel.mql') } });
    expect(ids.ids.slice(0, 2)).toEqual(['L0000001', 'L0000002']);
    const explained = await lsp.request<{ text: string }>('mql/explain', { textDocument: { uri: lsp.uri('funnel.mql') }, lead: 'L0000002' });
    expect(explained.text.split('\n')[0]).toBe(`Lead L0000002 at 2026-11-01T00:00:00.000Z (funnel.mql, sample sample.jsonl)`);
    expect(explained.text).toContain('Stage: ');
  });
});

describe('a CSV sample (the reader of mql eval, from @mql/data)', () => {
  const CSV = readFileSync(path.join(repo, 'examples', 'data', 'leads.csv'), 'utf8');
  const csvConfig = JSON.stringify({ sample: { file: 'leads.csv', now: NOW, outcome: 'converted' } });

  /**
   * The same 5,000 leads from leads.jsonl without their events (leads.csv holds them in events.csv),
   * evaluated with the runtime directly: stage counts and conversions per stage.
   */
  function expectedFromJsonl(): { total: number; converted: number; stages: Map<string, { reached: number; converted: number }> } {
    const files: Record<string, string> = { '/w/lead.mql': LEAD, '/w/funnel.mql': FUNNEL };
    const engine = load(compileProgram('/w/funnel.mql', { readFile: (p) => files[p] }).artifact!);
    const stages = new Map(engine.stageNames.map((name) => [name, { reached: 0, converted: 0 }]));
    let total = 0;
    let converted = 0;
    for (const line of readFileSync(path.join(repo, 'examples', 'data', 'leads.jsonl'), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const { events: _events, converted: outcome, amount: _amount, ...record } = JSON.parse(line);
      const evaluation = engine.evaluate(record, { now: NOW });
      if (!evaluation.ok) throw new Error(`leads.jsonl: ${JSON.stringify(evaluation.errors)}`);
      total++;
      if (outcome === true) converted++;
      for (const [name, counts] of stages) {
        if (!evaluation.result.stages[name]?.qualified) continue;
        counts.reached++;
        if (outcome === true) counts.converted++;
      }
    }
    return { total, converted, stages };
  }

  it('code lenses count the CSV leads per stage, with the outcome column, as for the same leads in JSONL', async () => {
    const lsp = await start(FUNNEL, { 'mql.config.json': csvConfig, 'leads.csv': CSV });
    const uri = lsp.uri('funnel.mql');
    const state = await lsp.request<{ problem?: string; sample?: { leads: number } }>('mql/impact', { textDocument: { uri }, wait: true });
    expect(state.problem).toBeUndefined();
    const expected = expectedFromJsonl();
    expect(state.sample?.leads).toBe(expected.total);
    expect(await stageLensesOf(lsp, uri)).toEqual(
      [...expected.stages].map(([name, s]) => [
        lineOf(FUNNEL, `stage ${name}`),
        `${s.reached.toLocaleString('en-US')} of ${expected.total.toLocaleString('en-US')} sample leads reach ${name} (${pct(s.reached, expected.total)})` +
          (s.reached > 0 ? ` · ${pct(s.converted, s.reached)} of them converted (${pct(expected.converted, expected.total)} of all)` : ''),
      ]),
    );
    // Sample leads by id, from the CSV's id column.
    const ids = await lsp.request<{ ids: string[] }>('mql/sampleLeads', { textDocument: { uri } });
    expect([ids.ids.length, ids.ids[0], ids.ids.at(-1)]).toEqual([5000, 'L0000001', 'L0005000']);
  });

  it('a header that does not fit the schema is the reason there are no counts, naming the column', async () => {
    const misspelt = CSV.replace('id,Email,First Name,', 'id,E-mail address,First Name,');
    const lsp = await start(FUNNEL, { 'mql.config.json': csvConfig, 'leads.csv': misspelt });
    const state = await lsp.request<{ problem?: string }>('mql/impact', { textDocument: { uri: lsp.uri('funnel.mql') }, wait: true });
    expect(state.problem).toBe(
      'leads.csv line 1: the header does not fit the schema (","-separated):\n  no column for required field email (from "Email")',
    );
  });
});

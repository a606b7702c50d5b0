// `mql diff`, run as users run it: the example program against a copy whose MQL fit threshold is
// raised (`fit >= 30` → `fit >= 35`), on the 5,000 example leads. The matrix is checked for
// consistency and against an independent count (both versions evaluated with the runtime here).

import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileProgram } from '@mql/core';
import { load, type RulesEngine } from '@mql/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import type { DiffDocument } from '../src/diff/document.js';
import { nodeHost, toCorePath } from '../src/host.js';
import { EXAMPLE_NOW, FUNNEL, mql, ROOT } from './run-cli.js';

const temp = mkdtempSync(join(tmpdir(), 'mql-diff-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const LEADS = join(ROOT, 'examples/data/leads.jsonl');
const NOW = ['--now', EXAMPLE_NOW];
const FIT_30 = 'require "Fits our ideal customer profile": fit >= 30';
const FIT_35 = 'require "Fits our ideal customer profile": fit >= 35';

/** A copy of the example program in `folder`, with `edit` applied to funnel.mql. */
function exampleCopy(folder: string, edit?: (funnel: string) => string): string {
  const dir = join(temp, folder);
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(ROOT, 'examples/b2b-funnel/lead.mql'), join(dir, 'lead.mql'));
  const funnel = readFileSync(join(ROOT, FUNNEL), 'utf8');
  const edited = edit ? edit(funnel) : funnel;
  if (edit && edited === funnel) throw new Error(`the edit for ${folder} changed nothing: the example changed`);
  writeFileSync(join(dir, 'funnel.mql'), edited);
  return join(dir, 'funnel.mql');
}

const raised = exampleCopy('raised', (f) => f.replace(FIT_30, FIT_35));

function engineOf(entry: string): RulesEngine {
  const { artifact, diagnostics } = compileProgram(toCorePath(entry), nodeHost);
  if (!artifact) throw new Error(`${entry}: ${JSON.stringify(diagnostics)}`);
  return load(artifact);
}

/** The independent count: every lead evaluated by both versions, transitions tallied by hand. */
function expectedTransitions(base: RulesEngine, next: RulesEngine) {
  const now = Date.parse(EXAMPLE_NOW);
  const cells = new Map<string, { count: number; examples: string[] }>();
  let leads = 0;
  let fitBetween30And35 = 0;
  for (const line of readFileSync(LEADS, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const record = JSON.parse(line) as { id: string };
    const before = base.evaluate(record, { now });
    const after = next.evaluate(record, { now });
    if (!before.ok || !after.ok) throw new Error(`lead ${record.id} is invalid`);
    leads++;
    const fit = before.result.scores.fit!;
    if (fit >= 30 && fit < 35) fitBetween30And35++;
    const key = `${before.result.stage ?? 'none'} → ${after.result.stage ?? 'none'}`;
    const cell = cells.get(key) ?? { count: 0, examples: [] };
    cell.count++;
    if (cell.examples.length < 3) cell.examples.push(record.id);
    cells.set(key, cell);
  }
  return { leads, cells, fitBetween30And35 };
}

const diffJson = (base: string, next: string, data = LEADS) => {
  const run = mql(['diff', base, next, '--data', data, ...NOW, '--format', 'json']);
  return { ...run, doc: run.status === 0 || run.status === 1 ? (JSON.parse(run.stdout || 'null') as DiffDocument) : undefined };
};

describe('mql diff on a raised MQL threshold', () => {
  const { status, stderr, doc } = diffJson(FUNNEL, raised);
  const independent = expectedTransitions(engineOf(join(ROOT, FUNNEL)), engineOf(raised));

  it('compares every lead and prints only the document on stdout', () => {
    expect(status).toBe(0);
    expect(stderr).toBe('');
    expect(doc!.version).toBe(1);
    expect(doc!.base).toEqual({ rules: FUNNEL });
    expect(doc!.new.rules).toMatch(/raised\/funnel\.mql$/);
    expect(doc!.now).toBe('2026-11-01T00:00:00.000Z');
    expect([doc!.records, doc!.leads, doc!.invalid]).toEqual([5000, 5000, { records: 0, baseOnly: 0, newOnly: 0 }]);
  });

  it('has a consistent matrix: rows sum to the base totals, columns to the new totals, all to the leads', () => {
    const { rows, columns, counts } = doc!.matrix;
    expect(rows).toEqual(['MQL', 'SAL', 'SQO', 'none']);
    expect(columns).toEqual(['MQL', 'SAL', 'SQO', 'none']);
    const total = (stage: string) => doc!.totals.find((t) => t.stage === stage)!;
    rows.forEach((stage, i) => expect(counts[i]!.reduce((a, b) => a + b, 0)).toBe(total(stage).before));
    columns.forEach((stage, j) => expect(counts.reduce((sum, row) => sum + row[j]!, 0)).toBe(total(stage).after));
    expect(counts.flat().reduce((a, b) => a + b, 0)).toBe(doc!.leads);
    // The example's stage counts (as `mql eval` reports them) before the change.
    expect(doc!.totals.map((t) => [t.stage, t.before])).toEqual([
      ['MQL', 386],
      ['SAL', 299],
      ['SQO', 197],
      ['none', 4118],
    ]);
  });

  it('only moves leads from a stage to none: a stricter MQL requirement can only take MQL (and what follows it) away', () => {
    expect(doc!.changed).toBeGreaterThan(0);
    for (const t of doc!.transitions) {
      expect(t.to).toBe('none');
      expect(['MQL', 'SAL', 'SQO']).toContain(t.from);
    }
    expect(doc!.totals.find((t) => t.stage === 'none')!.delta).toBe(doc!.changed);
  });

  it('agrees with the independent count, cell by cell, with the first three leads of each transition', () => {
    const { rows, columns, counts } = doc!.matrix;
    expect(doc!.leads).toBe(independent.leads);
    rows.forEach((from, i) => columns.forEach((to, j) => expect(counts[i]![j], `${from} → ${to}`).toBe(independent.cells.get(`${from} → ${to}`)?.count ?? 0)));
    for (const t of doc!.transitions) {
      const cell = independent.cells.get(`${t.from} → ${t.to}`)!;
      expect(t.examples).toEqual(cell.examples);
      expect(t.percent).toBe(Math.round((10000 * cell.count) / independent.leads) / 100);
    }
  });

  it('names the changed clause with both conditions; no score rule changed', () => {
    expect(doc!.clauses).toEqual([
      {
        stage: 'MQL',
        kind: 'require',
        label: 'Fits our ideal customer profile',
        status: 'changed',
        text: { before: 'fit >= 30', after: 'fit >= 35' },
        before: expect.any(Number),
        after: expect.any(Number),
        change: -independent.fitBetween30And35,
      },
    ]);
    expect(doc!.rules).toEqual([]);
  });

  it('exits 1 with --fail-on-change', () => {
    expect(mql(['diff', FUNNEL, raised, '--data', LEADS, ...NOW, '--fail-on-change', '--format', 'json']).status).toBe(1);
  });

  it('renders markdown for a pull-request comment', () => {
    const run = mql(['diff', FUNNEL, raised, '--data', 'examples/data/leads.jsonl', ...NOW, '--format', 'markdown']);
    expect(run.status).toBe(0);
    const lines = run.stdout.split('\n');
    const share = (n: number) => `${Number(((100 * n) / 5000).toFixed(1))}%`;
    const cell = (from: string, to: string) => {
      const n = independent.cells.get(`${from} → ${to}`)?.count ?? 0;
      if (n === 0) return '·';
      return from === to ? `${n.toLocaleString('en-US')} (${share(n)})` : `**${n} (${share(n)})**`;
    };
    expect(lines.slice(0, 3)).toEqual([
      '### MQL rules: stage changes',
      '',
      `**${doc!.changed} of 5,000 leads (${share(doc!.changed)}) change stage** between \`examples/b2b-funnel/funnel.mql\` (base) and \`${doc!.new.rules}\` (new), on \`examples/data/leads.jsonl\` evaluated at 2026-11-01T00:00:00.000Z.`,
    ]);
    const stages = ['MQL', 'SAL', 'SQO', 'none'];
    expect(lines.slice(4, 10)).toEqual([
      '| base ↓ · new → | MQL | SAL | SQO | none |',
      '| :-- | --: | --: | --: | --: |',
      ...stages.map((from) => `| **${from}** | ${stages.map((to) => cell(from, to)).join(' | ')} |`),
    ]);
    expect(lines.filter((l) => l.startsWith('#'))).toEqual([
      '### MQL rules: stage changes',
      '#### Stage totals',
      '#### Stage clauses whose outcome changed',
      '#### Score rules whose points changed most',
    ]);
    expect(lines).toContain('| MQL | require Fits our ideal customer profile | `fit >= 30 → fit >= 35` | ' + `${doc!.clauses[0]!.before.toLocaleString('en-US')} | ${doc!.clauses[0]!.after.toLocaleString('en-US')} | -${independent.fitBetween30And35} |`);
    expect(lines).toContain("_No score rule's points changed._");
    const details = lines.slice(lines.indexOf('<details>'), lines.indexOf('</details>') + 1);
    expect(details).toEqual([
      '<details>',
      '<summary>Example leads per transition</summary>',
      '',
      '| transition | leads | examples |',
      '| :-- | --: | :-- |',
      ...doc!.transitions.map((t) => `| ${t.from} → ${t.to} | ${t.count} | ${t.examples.map((id) => `\`${id}\``).join(', ')} |`),
      '',
      '</details>',
    ]);
  });

  it('renders a terminal report with the headline, the matrix and the examples', () => {
    const run = mql(['diff', FUNNEL, raised, '--data', 'examples/data/leads.jsonl', ...NOW]);
    expect(run.status).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines.slice(0, 5)).toEqual([
      'Base  examples/b2b-funnel/funnel.mql',
      `New   ${doc!.new.rules}`,
      'Data  examples/data/leads.jsonl, evaluated at 2026-11-01T00:00:00.000Z',
      '',
      `${doc!.changed} of 5,000 leads (${Number(((100 * doc!.changed) / 5000).toFixed(1))}%) change stage`,
    ]);
    expect(lines).toContain('Stage transitions (rows: base stage, columns: new stage)');
    const first = doc!.transitions[0]!;
    expect(lines.some((l) => l.trim().startsWith(`${first.from} → ${first.to}`) && l.endsWith(first.examples.join(', ')))).toBe(true);
  });
});

describe('mql diff on identical versions', () => {
  it('says no lead changes stage and exits 0, even with --fail-on-change', () => {
    const same = exampleCopy('same');
    const run = mql(['diff', FUNNEL, same, '--data', LEADS, ...NOW, '--format', 'markdown', '--fail-on-change']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('**No lead changes stage (5,000 leads compared)**');
    expect(run.stdout).not.toContain('<details>');
    const json = diffJson(FUNNEL, same);
    expect([json.doc!.changed, json.doc!.transitions, json.doc!.rules, json.doc!.clauses]).toEqual([0, [], [], []]);
  });
});

describe('mql diff with records invalid for one version', () => {
  it('leaves them out of the matrix and counts them', () => {
    // The new version no longer knows the lead source `outbound`: those leads are invalid for it only.
    const strict = exampleCopy('strict');
    const leadFile = join(temp, 'strict/lead.mql');
    const lead = readFileSync(leadFile, 'utf8');
    writeFileSync(leadFile, lead.replace(' | "outbound" from "Lead Source"', ' from "Lead Source"'));
    expect(readFileSync(leadFile, 'utf8')).not.toBe(lead);
    const outbound = readFileSync(LEADS, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '' && (JSON.parse(line) as Record<string, unknown>)['Lead Source'] === 'outbound').length;
    expect(outbound).toBeGreaterThan(0);
    const { status, doc } = diffJson(FUNNEL, strict);
    expect(status).toBe(0);
    expect(doc!.invalid).toEqual({ records: outbound, baseOnly: 0, newOnly: outbound });
    expect(doc!.leads).toBe(5000 - outbound);
    expect(doc!.changed).toBe(0);
    // The other way round, they are invalid for the base only.
    expect(diffJson(strict, FUNNEL).doc!.invalid).toEqual({ records: outbound, baseOnly: outbound, newOnly: 0 });
  });

  it('counts unreadable and invalid records of the data file', () => {
    const { status, doc } = diffJson(FUNNEL, raised, join(ROOT, 'examples/data/invalid-leads.jsonl'));
    expect(status).toBe(0);
    expect([doc!.records, doc!.leads, doc!.invalid]).toEqual([50, 45, { records: 5, baseOnly: 0, newOnly: 0 }]);
  });
});

describe('mql diff --base REV', () => {
  const repo = join(temp, 'repo');
  mkdirSync(repo);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  git('init', '--quiet');
  git('config', 'user.email', 'test@example.com');
  git('config', 'user.name', 'Test');
  git('config', 'commit.gpgsign', 'false');
  copyFileSync(join(ROOT, 'examples/b2b-funnel/lead.mql'), join(repo, 'lead.mql'));
  copyFileSync(join(ROOT, FUNNEL), join(repo, 'funnel.mql'));
  git('add', '.');
  git('commit', '--quiet', '-m', 'rules');
  // The working tree raises the threshold and renames the imported file: the base version only
  // compiles if its import is read from the commit too.
  renameSync(join(repo, 'lead.mql'), join(repo, 'schema.mql'));
  writeFileSync(join(repo, 'funnel.mql'), readFileSync(join(repo, 'funnel.mql'), 'utf8').replace(FIT_30, FIT_35).replace('import "./lead.mql"', 'import "./schema.mql"'));
  const inRepo = (...args: string[]) => mql(['diff', ...args, '--data', LEADS, ...NOW, '--format', 'json'], { cwd: repo });

  it('reads the base version (the entry and its imports) from the revision', () => {
    const run = inRepo('--base', 'HEAD', 'funnel.mql');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const doc = JSON.parse(run.stdout) as DiffDocument;
    expect(doc.base).toEqual({ rules: 'funnel.mql', revision: 'HEAD' });
    const reference = diffJson(FUNNEL, raised).doc!;
    expect(doc.matrix).toEqual(reference.matrix);
    expect(doc.transitions).toEqual(reference.transitions);
    // BASE NEW with --base: BASE is read from the revision.
    expect((JSON.parse(inRepo('--base', 'HEAD', 'funnel.mql', 'funnel.mql').stdout) as DiffDocument).matrix).toEqual(reference.matrix);
  });

  it('reports a file missing in the revision as a diagnostic of the base version (exit 1)', () => {
    writeFileSync(join(repo, 'new.mql'), 'import "./schema.mql"\n');
    const run = inRepo('--base', 'HEAD', 'new.mql');
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('The base version (HEAD:new.mql) does not compile:');
    expect(run.stderr).toContain('error[MQL2005]');
  });

  it('exits 2 for a revision that names no commit, or outside a repository', () => {
    const bad = inRepo('--base', 'no-such-branch', 'funnel.mql');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^mql: --base no-such-branch: no such commit in /);
    const outside = mql(['diff', '--base', 'HEAD', join(temp, 'raised/funnel.mql'), '--data', LEADS, ...NOW], { cwd: temp });
    expect(outside.status).toBe(2);
    expect(outside.stderr).toMatch(/is not inside a git repository/);
  });
});

describe('mql diff usage errors', () => {
  it('exits 2 with a message and nothing on stdout', () => {
    for (const args of [
      ['diff', FUNNEL, '--data', LEADS],
      ['diff', FUNNEL, FUNNEL],
      ['diff', FUNNEL, 'no-such.mql', '--data', LEADS],
      ['diff', FUNNEL, FUNNEL, '--data', LEADS, '--now', 'yesterday'],
      ['diff', FUNNEL, FUNNEL, '--data', LEADS, '--format', 'html'],
      ['diff', FUNNEL, FUNNEL, '--data', 'no-such.jsonl'],
    ]) {
      const run = mql(args);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stdout, args.join(' ')).toBe('');
    }
  });
});

describe('mql diff: grade changes and --outcome', () => {
  const bands = exampleCopy('bands', (f) => f.replace('A when fit >= 45', 'A when fit >= 50'));

  it('reports a grade-band change that moves no lead between stages', () => {
    const run = mql(['diff', FUNNEL, bands, '--data', LEADS, ...NOW]);
    expect(run.status).toBe(0);
    const engines = [engineOf(join(ROOT, FUNNEL)), engineOf(bands)];
    let moved = 0;
    for (const line of readFileSync(LEADS, 'utf8').trim().split('\n')) {
      const [before, after] = engines.map((e) => e.evaluate(JSON.parse(line), { now: EXAMPLE_NOW, explain: false }));
      if (before?.ok && after?.ok && before.result.grades.profile !== after.result.grades.profile) moved++;
    }
    expect(moved).toBeGreaterThan(0);
    expect(run.stdout).toContain(`No lead changes stage (5,000 leads compared); grades change: profile for ${moved.toLocaleString('en-US')} leads`);
    expect(run.stdout).toMatch(new RegExp(`Grade changes \\(leads whose band changed\\)\\n  grade    from  to  leads +share +examples\\n  profile  A     B   +${moved}`));
    const json = JSON.parse(mql(['diff', FUNNEL, bands, '--data', LEADS, ...NOW, '--format', 'json']).stdout) as DiffDocument;
    expect(json.grades).toEqual([
      { grade: 'profile', changed: moved, transitions: [{ from: 'A', to: 'B', count: moved, percent: Math.round((10000 * moved) / 5000) / 100, examples: expect.any(Array) }] },
      { grade: 'activity', changed: 0, transitions: [] },
    ]);
    expect(json.outcome).toBeUndefined();
  });

  it('--outcome adds conversion, precision and recall per stage before and after, equal to the backtests of each version', () => {
    const json = JSON.parse(mql(['diff', FUNNEL, raised, '--data', LEADS, ...NOW, '--outcome', 'converted', '--format', 'json']).stdout) as DiffDocument;
    const backtest = (rules: string) => JSON.parse(mql(['backtest', rules, '--data', LEADS, ...NOW, '--outcome', 'converted', '--format', 'json']).stdout);
    const [before, after] = [backtest(FUNNEL), backtest(raised)];
    expect(json.outcome).toEqual({
      leads: 5000,
      conversions: before.conversions,
      excluded: 0,
      stages: before.stages.map((s: { stage: string }, i: number) => {
        const pick = ({ reached, conversions, precision, recall }: Record<string, number>) => ({ reached, conversions, precision, recall });
        return { stage: s.stage, before: pick(before.stages[i]), after: pick(after.stages[i]) };
      }),
    });
    const markdown = mql(['diff', FUNNEL, raised, '--data', LEADS, ...NOW, '--outcome', 'converted', '--format', 'markdown']).stdout;
    expect(markdown).toContain('#### Conversion per stage\n\n5,000 leads with an outcome, 1,222 converted.\n\n| stage | reached before | after | precision before | after | recall before | after |');
  });
});

// mql diff's worker threads (parallel.ts, diff-worker.ts) give exactly the report of the
// single-threaded path, byte for byte, in every format: the same matrix, example leads, rule point
// sums (added in input order), clause and grade changes, conversion per stage, and records left
// out. The example data is several batches.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DiffDocument } from '../src/diff/document.js';
import { messyLeads } from './messy-leads.js';
import { EXAMPLE_NOW, FUNNEL, mql } from './run-cli.js';

const WORKERS_NOTE = 'Evaluated in 2 worker threads (--workers 0 for none).\n';
const dir = mkdtempSync(path.join(tmpdir(), 'mql-diff-parallel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The example with a raised MQL threshold, a rule worth 12.5 and a lower A band. */
function changedExample(): string {
  const folder = path.join(dir, 'changed');
  mkdirSync(folder);
  const edits: [string, string, string][] = [
    ['funnel.mql', 'require "Fits our ideal customer profile": fit >= 30', 'require "Fits our ideal customer profile": fit >= 35'],
    ['funnel.mql', '"Mid-market":        +10', '"Mid-market":        +12.5'],
    ['funnel.mql', 'A when fit >= 45', 'A when fit >= 40'],
  ];
  for (const file of ['funnel.mql', 'lead.mql']) {
    let text = readFileSync(path.join('examples/b2b-funnel', file), 'utf8');
    for (const [name, from, to] of edits) {
      if (name !== file) continue;
      if (!text.includes(from)) throw new Error(`examples/b2b-funnel/${file} no longer has ${from}`);
      text = text.replace(from, to);
    }
    writeFileSync(path.join(folder, file), text);
  }
  return path.join(folder, 'funnel.mql');
}

const CHANGED = changedExample();

function diffBoth(args: string[]) {
  const run = (workers: number) => mql(['diff', FUNNEL, CHANGED, ...args, '--now', EXAMPLE_NOW, '--workers', String(workers)]);
  const single = run(0);
  const parallel = run(2);
  expect(single.stderr).not.toContain('worker threads');
  expect(parallel.stderr).toContain(WORKERS_NOTE);
  return { single, parallel: { ...parallel, stderr: parallel.stderr.replace(WORKERS_NOTE, '') } };
}

describe('mql diff --workers', () => {
  it('JSON lines with an outcome and records left out: the same report in every format', () => {
    const args = ['--data', messyLeads(dir), '--outcome', 'converted'];
    const json = diffBoth([...args, '--format', 'json']);
    expect(json.single.status).toBe(0);
    expect(json.parallel).toEqual(json.single);
    const doc = JSON.parse(json.single.stdout) as DiffDocument;
    // The parts the workers feed are all exercised: moves, points, clauses, grades, outcome, records left out.
    expect(doc.changed).toBeGreaterThan(0);
    expect(doc.rules.map((r) => r.rule)).toContain('Mid-market');
    expect(doc.clauses.length).toBeGreaterThan(0);
    expect(doc.grades.find((g) => g.grade === 'profile')!.changed).toBeGreaterThan(0);
    expect(doc.outcome!.excluded).toBe(2);
    expect(doc.invalid).toEqual({ records: 2, baseOnly: 0, newOnly: 0 });
    for (const format of ['pretty', 'markdown']) {
      const { single, parallel } = diffBoth([...args, '--format', format]);
      expect(parallel, format).toEqual(single);
    }
  });

  it('a leads CSV joined to an events CSV: the same report', () => {
    const { single, parallel } = diffBoth(['--data', 'examples/data/leads.csv', '--events', 'examples/data/events.csv', '--key', 'lead_id', '--outcome', 'converted', '--format', 'json']);
    expect(single.status).toBe(0);
    expect(parallel).toEqual(single);
    expect((JSON.parse(single.stdout) as DiffDocument).leads).toBeGreaterThan(4000);
  });
});

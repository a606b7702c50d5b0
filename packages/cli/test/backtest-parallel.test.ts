// mql backtest's worker threads (parallel.ts, backtest-worker.ts) give exactly the report of the
// single-threaded path, byte for byte, in every format: the same sums (deal values are added in
// input order), the same records left out in the same order with the same line numbers, the same
// hint when no record has the outcome. The example data is several batches (1 MiB each), so the
// order in which the workers answer matters.

import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { messyLeads } from './messy-leads.js';
import { EXAMPLE_NOW, FUNNEL, mql } from './run-cli.js';

const WORKERS_NOTE = 'Evaluated in 2 worker threads (--workers 0 for none).\n';
const dir = mkdtempSync(path.join(tmpdir(), 'mql-backtest-parallel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Both runs; the parallel one says it used the workers, and is otherwise the same. */
function backtestBoth(args: string[]) {
  const run = (workers: number) => mql(['backtest', FUNNEL, ...args, '--now', EXAMPLE_NOW, '--workers', String(workers)]);
  const single = run(0);
  const parallel = run(2);
  expect(single.stderr).not.toContain('worker threads');
  expect(parallel.stderr).toContain(WORKERS_NOTE);
  return { single, parallel: { ...parallel, stderr: parallel.stderr.replace(WORKERS_NOTE, '') } };
}

describe('mql backtest --workers', () => {
  it('JSON lines with records left out: the same report in every format, the same stderr', () => {
    const file = messyLeads(dir);
    expect(statSync(file).size).toBeGreaterThan(4 * 2 ** 20); // several batches per worker
    const args = ['--data', file, '--outcome', 'converted', '--value', 'amount'];
    const json = backtestBoth([...args, '--format', 'json']);
    expect(json.single.status).toBe(0);
    expect(json.parallel).toEqual(json.single);
    const report = JSON.parse(json.single.stdout) as { records: number; invalid: { count: number }; excluded: { count: number }; totalValue: { unreadable: number } };
    expect([report.records, report.invalid.count, report.excluded.count, report.totalValue.unreadable]).toEqual([5000, 2, 2, 1]);
    for (const format of ['pretty', 'markdown']) {
      const { single, parallel } = backtestBoth([...args, '--format', format]);
      expect(parallel, format).toEqual(single);
    }
    expect(json.single.stderr).toBe('4 records left out of the metrics (listed in the report)\n');
  });

  it('a leads CSV joined to an events CSV, with the HTML report: the same bytes', () => {
    const html = (workers: number) => path.join(dir, `report-${workers}.html`);
    const run = (workers: number) =>
      mql(['backtest', FUNNEL, '--data', 'examples/data/leads.csv', '--events', 'examples/data/events.csv', '--key', 'lead_id', '--outcome', 'converted', '--value', 'amount', '--format', 'json', '--html', html(workers), '--now', EXAMPLE_NOW, '--workers', String(workers)]);
    const single = run(0);
    const parallel = run(2);
    expect(single.status).toBe(0);
    expect(parallel.stdout).toBe(single.stdout);
    expect(parallel.stderr).toBe(`${WORKERS_NOTE}Wrote the HTML report to ${html(2)}\n`);
    expect(readFileSync(html(2), 'utf8')).toBe(readFileSync(html(0), 'utf8'));
    // And the CSV gives the JSON lines' numbers (converted as the CSV has it).
    const fromJson = JSON.parse(mql(['backtest', FUNNEL, '--data', 'examples/data/leads.jsonl', '--outcome', 'converted', '--value', 'amount', '--format', 'json', '--now', EXAMPLE_NOW, '--workers', '2']).stdout);
    const fromCsv = JSON.parse(parallel.stdout);
    for (const key of ['leads', 'conversions', 'totalValue', 'stages', 'furthest', 'scores', 'scoreRules', 'clauses', 'sweeps']) expect(fromCsv[key], key).toEqual(fromJson[key]);
  });

  it('no record with the outcome key: the same exit and near-miss hint as one thread', () => {
    const { single, parallel } = backtestBoth(['--data', 'examples/data/leads.jsonl', '--outcome', 'Converted']);
    expect(single.status).toBe(1);
    expect(single.stderr).toContain('No record has a value in "Converted" (did you mean "converted"?)');
    expect(parallel).toEqual(single);
  });

  it('refuses --workers for a JSON array, which is not read in batches', () => {
    const array = path.join(dir, 'leads.json');
    writeFileSync(array, JSON.stringify(readFileSync('examples/data/sample-leads.jsonl', 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l))));
    const run = mql(['backtest', FUNNEL, '--data', array, '--outcome', 'converted', '--now', EXAMPLE_NOW, '--workers', '2']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('mql: --workers applies to a JSON-lines or CSV --data file\n');
  });
});

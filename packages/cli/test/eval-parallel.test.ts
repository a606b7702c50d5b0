// mql eval's worker threads (parallel.ts) give exactly what the single-threaded path gives: the
// same bytes on stdout and the same summary (stage counts, invalid records with line numbers),
// whatever the line endings, blank lines or a missing final newline, for JSON lines and for a
// leads CSV joined to an events CSV.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_NOW, FUNNEL, mql } from './run-cli.js';

const WORKERS_NOTE = 'Evaluated in 2 worker threads (--workers 0 for none).\n';

/** Both runs; the parallel one's summary says it used the workers, and is otherwise the same. */
function evalBoth(data: string, format: 'jsonl' | 'csv', extra: string[] = []) {
  const run = (workers: number) => mql(['eval', FUNNEL, '--data', data, '--now', EXAMPLE_NOW, '--format', format, '--workers', String(workers), ...extra]);
  const single = run(0);
  const parallel = run(2);
  expect(single.stderr).not.toContain('worker threads');
  expect(parallel.stderr).toContain(WORKERS_NOTE);
  return { single, parallel: { ...parallel, stderr: parallel.stderr.replace(WORKERS_NOTE, '') } };
}

describe('mql eval --workers', () => {
  it.each([
    ['jsonl', []],
    ['jsonl', ['--lean']],
    ['csv', []],
  ] as const)('5,000 example leads as %s %j: identical to one thread', (format, extra) => {
    const { single, parallel } = evalBoth('examples/data/leads.jsonl', format, [...extra]);
    expect(single.status).toBe(0);
    expect(parallel.status).toBe(0);
    expect(parallel.stdout).toBe(single.stdout);
    expect(parallel.stderr).toBe(single.stderr);
    expect(single.stdout.split('\n').filter(Boolean)).toHaveLength(format === 'csv' ? 5_001 : 5_000);
  });

  it('lists the same invalid records with the same line numbers', () => {
    const { single, parallel } = evalBoth('examples/data/invalid-leads.jsonl', 'jsonl');
    expect(parallel.stderr).toBe(single.stderr);
    expect(parallel.stderr).toContain('5 invalid');
    expect(parallel.stdout).toBe(single.stdout);
  });

  it('handles CRLF line ends, blank lines, a line that is not JSON and no final newline like one thread', () => {
    const lines = readFileSync('examples/data/sample-leads.jsonl', 'utf8').trimEnd().split('\n');
    const messy = [lines[0], '', lines[1], '{ not json', '   ', ...lines.slice(2)].join('\r\n');
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'mql-parallel-')), 'messy.jsonl');
    writeFileSync(file, messy);
    const { single, parallel } = evalBoth(file, 'jsonl');
    expect(single.stderr).toContain('line 4');
    expect(parallel.stdout).toBe(single.stdout);
    expect(parallel.stderr).toBe(single.stderr);
  });

  it('adds up the workers’ coverage: rules that fired in one batch only are not listed, a dead rule and clause are', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mql-parallel-coverage-'));
    const emails = readFileSync('examples/data/leads.jsonl', 'utf8').trimEnd().split('\n').map((l) => (JSON.parse(l) as { Email: string }).Email);
    writeFileSync(path.join(dir, 'lead.mql'), readFileSync('examples/b2b-funnel/lead.mql', 'utf8'));
    const probes = [
      `score probe {\n  "First lead": +1 when email == "${emails[0]}"\n  "Last lead": +1 when email == "${emails.at(-1)}"\n  "Nobody": +1 when company.employees > 100000000\n}`,
      'stage Probe {\n  require "Last lead only": email == "' + emails.at(-1) + '"\n  require "Never": probe > 5\n}',
    ];
    const rules = path.join(dir, 'funnel.mql');
    const text = `${readFileSync(FUNNEL, 'utf8')}\n${probes.join('\n\n')}\n`;
    writeFileSync(rules, text);
    const lineOf = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    const run = (workers: number) => mql(['eval', rules, '--data', 'examples/data/leads.jsonl', '--now', EXAMPLE_NOW, '--format', 'csv', '--workers', String(workers)]);
    const single = run(0);
    const parallel = run(2);
    const section = [
      '2 rules and clauses never fired or held on the 5000 leads evaluated:',
      `  score probe, rule 3 "Nobody" (funnel.mql:${lineOf('"Nobody"')}): never fired`,
      `  stage Probe, require "Never" \`probe > 5\` (funnel.mql:${lineOf('"Never"')}): never held`,
    ].join('\n');
    expect(single.stderr).toContain(section);
    expect(parallel.stderr.replace(WORKERS_NOTE, '')).toBe(single.stderr);
  });

  it('refuses --workers where results are not one line per lead', () => {
    const run = mql(['eval', FUNNEL, '--data', 'examples/data/leads.jsonl', '--format', 'table', '--workers', '2']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--workers applies to a JSON-lines or CSV --data file written with --format jsonl or csv');
  });

  it('gives the same results as one thread on a BOM, lone \\r line ends and binary garbage', () => {
    const lines = readFileSync('examples/data/sample-leads.jsonl', 'utf8').trimEnd().split('\n');
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(`${lines[0]}\r${lines[1]}\r\n`),
      Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x0d, 0xc3]),
      Buffer.from(`\n\uFEFF${lines[2]}\n${lines.slice(3).join('\r')}`),
    ]);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'mql-parallel-')), 'damaged.jsonl');
    writeFileSync(file, bytes);
    const { single, parallel } = evalBoth(file, 'jsonl');
    expect(single.stdout.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { line: number }).line)).toEqual([1, 2, ...lines.slice(3).map((_, i) => 6 + i)]);
    expect(single.stderr).toContain('— 1 record: line 3\n');
    expect(single.stderr).toContain('is not valid JSON — 1 record: line 5\n');
    expect(parallel.stdout).toBe(single.stdout);
    expect(parallel.stderr).toBe(single.stderr);
  }, 120_000);

  it('is byte-identical to one thread on randomly damaged files (seeded)', () => {
    const lines = readFileSync('examples/data/sample-leads.jsonl', 'utf8').trimEnd().split('\n');
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const damage = ['\r', '\r\n', '\n\n', '\uFEFF', '"', '{', '\u0000', '\uFFFD', '   '];
    const parts: string[] = [];
    for (let i = 0; i < 300; i++) {
      const line = lines[Math.floor(random() * lines.length)]!;
      const cut = Math.floor(random() * line.length);
      const text = random() < 0.2 ? line.slice(0, cut) + damage[Math.floor(random() * damage.length)]! + line.slice(cut) : line;
      parts.push(text, damage[Math.floor(random() * 3)]!);
    }
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'mql-parallel-')), 'random.jsonl');
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(parts.join('')), Buffer.from([0xc3, 0x28, 0x0a, 0xe2, 0x82])]));
    const { single, parallel } = evalBoth(file, 'csv');
    expect(single.stderr).toMatch(/invalid records? \(not evaluated\)/);
    expect(parallel.stdout).toBe(single.stdout);
    expect(parallel.stderr).toBe(single.stderr);
  }, 120_000);

  it('caps --workers at what the machine can use, with a message', () => {
    const run = mql(['eval', FUNNEL, '--data', 'examples/data/sample-leads.jsonl', '--now', EXAMPLE_NOW, '--format', 'jsonl', '--lean', '--workers', '200']);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/^mql: --workers 200 is more than this machine can use; using \d+\n/);
    expect(run.stderr).toMatch(/Evaluated in \d+ worker threads/);
  });
});

describe('mql eval --workers on CSV with --events', () => {
  const EVENTS = ['--events', 'examples/data/events.csv', '--key', 'lead_id'];

  it.each([
    ['jsonl', []],
    ['jsonl', ['--lean']],
    ['csv', ['--include', 'converted,amount']],
  ] as const)('5,000 example leads and their 67,837 event rows as %s %j: identical to one thread', (format, extra) => {
    const { single, parallel } = evalBoth('examples/data/leads.csv', format, [...EVENTS, ...extra]);
    expect(single.status).toBe(0);
    expect(parallel.status).toBe(0);
    expect(single.stdout.split('\n').filter(Boolean)).toHaveLength(format === 'csv' ? 5_001 : 5_000);
    expect(parallel.stdout).toBe(single.stdout);
    expect(parallel.stderr).toBe(single.stderr);
  });

  it('is byte-identical to one thread on damaged exports: bad rows and cells, multi-line and unclosed quotes, orphan and unkeyed events, CRLF (seeded)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mql-parallel-csv-'));
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const damage = (file: string, edits: ((cells: string[]) => string)[]) => {
      const [header, ...rows] = readFileSync(file, 'utf8').trimEnd().split('\n');
      const damaged = rows.map((row) => (random() < 0.01 ? edits[Math.floor(random() * edits.length)]!(row.split(',')) : row));
      return [header, ...damaged].join(random() < 0.5 ? '\r\n' : '\n');
    };
    const leads = path.join(dir, 'leads.csv');
    const events = path.join(dir, 'events.csv');
    writeFileSync(
      leads,
      damage('examples/data/leads.csv', [
        (cells) => cells.slice(1).join(','), // a cell short
        (cells) => [...cells.slice(0, 3), '"Head of\nProcurement, EMEA"', ...cells.slice(4)].join(','), // a quoted line break
        (cells) => [...cells.slice(0, 13), 'lots', ...cells.slice(14)].join(','), // employees not a number
        (cells) => ['', ...cells.slice(1)].join(','), // no id: no events joined
      ]),
    );
    writeFileSync(
      events,
      damage('examples/data/events.csv', [
        (cells) => [cells[0], cells[1], 'last tuesday', ...cells.slice(3)].join(','), // a bad time
        (cells) => [cells[0], 'podcast_listen', ...cells.slice(2)].join(','), // an unknown type
        (cells) => ['L9999999', ...cells.slice(1)].join(','), // a lead not in the data
        (cells) => ['', ...cells.slice(1)].join(','), // no lead key
        (cells) => cells.slice(0, 4).join(','), // a row too short
      ]) + '\nL0000001,page_view,"2026-10-01T00:00:00Z,/unclosed\n',
    );
    // --errors FILE: every record error, the same lines from both paths.
    const errorLines = (workers: number) => {
      const file = path.join(dir, `errors-${workers}.jsonl`);
      const run = mql(['eval', FUNNEL, '--data', leads, '--events', events, '--key', 'lead_id', '--now', EXAMPLE_NOW, '--format', 'csv', '--workers', String(workers), '--errors', file]);
      expect(run.status).toBe(0);
      return readFileSync(file, 'utf8');
    };
    const oneThread = errorLines(0);
    expect(oneThread.split('\n').length).toBeGreaterThan(100);
    expect(errorLines(2)).toBe(oneThread);
    for (const format of ['jsonl', 'csv'] as const) {
      const { single, parallel } = evalBoth(leads, format, ['--events', events, '--key', 'lead_id']);
      expect(single.status).toBe(0);
      for (const expected of [
        'events[].at: expected a date (ISO-8601 or epoch milliseconds) — ',
        'company.employees: expected a number — ',
        'the row has 20 cells, the header 21',
        'for leads not in the data were ignored',
        'without a lead key were ignored',
        'unreadable CSV row: a quoted cell starts here',
      ]) {
        expect(single.stderr).toContain(expected);
      }
      expect(parallel.stdout).toBe(single.stdout);
      expect(parallel.stderr).toBe(single.stderr);
    }
  }, 120_000);

  it('reports a header that does not fit the schema as one thread does', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mql-parallel-csv-'));
    const leads = path.join(dir, 'leads.csv');
    writeFileSync(leads, readFileSync('examples/data/leads.csv', 'utf8').replace('company.employees', 'company.employes'));
    const run = (workers: number) => mql(['eval', FUNNEL, '--data', leads, ...EVENTS, '--now', EXAMPLE_NOW, '--format', 'csv', '--workers', String(workers)]);
    const single = run(0);
    const parallel = run(2);
    expect(single.status).toBe(2);
    expect(single.stderr).toContain('no column for optional field company.employees');
    expect(parallel).toEqual(single);
  });
});


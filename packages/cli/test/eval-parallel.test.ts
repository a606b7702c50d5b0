// mql eval's worker threads (parallel.ts) give exactly what the single-threaded path gives: the
// same bytes on stdout and the same summary (stage counts, invalid records with line numbers),
// whatever the line endings, blank lines or a missing final newline.

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
    expect(run.stderr).toContain('--workers applies to a JSON-lines --data file written with --format jsonl or csv');
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

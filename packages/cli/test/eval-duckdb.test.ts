// `mql eval --engine duckdb`: the same leads give the same results as the runtime engine (stage,
// grades, segments exactly; scores to 1e-9) from CSV (+ events CSV), JSON lines and Parquet; bad
// records are listed as the runtime lists them (same lines, fields, messages and summary);
// unusable input is a usage error naming the column.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_NOW, FUNNEL, mql, ROOT } from './run-cli.js';

const DATA = path.join(ROOT, 'examples/data');
/** What `--engine duckdb` adds to the summary; the rest of it is the runtime's, line for line. */
const DUCKDB_NOTE = 'Evaluated in DuckDB (--engine duckdb): lean results, no explanations.';

interface Lean {
  id: string;
  result: { stage: string | null; scores: Record<string, number>; grades: Record<string, string>; segments: Record<string, boolean>; stages: Record<string, { qualified: boolean }> };
}

function results(args: string[]): Lean[] {
  const run = mql(['eval', FUNNEL, '--now', EXAMPLE_NOW, '--format', 'jsonl', '--lean', ...args]);
  expect(run.status).toBe(0);
  return run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Lean);
}

/** Everything equal, scores to 1e-9 (engines add up decayed events in another order). */
function expectSame(actual: Lean[], expected: Lean[]) {
  expect(actual.map((r) => r.id)).toEqual(expected.map((r) => r.id));
  actual.forEach((a, i) => {
    const e = expected[i]!;
    expect({ ...a.result, scores: {} }).toEqual({ ...e.result, scores: {} });
    for (const [name, v] of Object.entries(e.result.scores)) expect(Math.abs(a.result.scores[name]! - v)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(v)));
  });
}

describe('mql eval --engine duckdb', () => {
  const csvArgs = ['--data', `${DATA}/leads.csv`, '--events', `${DATA}/events.csv`, '--key', 'lead_id'];

  it('scores a leads CSV with an events CSV as the runtime does', () => {
    expectSame(results([...csvArgs, '--engine', 'duckdb']), results(csvArgs));
  }, 120_000);

  it('scores JSON lines with inline events, and Parquet, as the runtime does', async () => {
    const reference = results(['--data', `${DATA}/leads.jsonl`]);
    expectSame(results(['--data', `${DATA}/leads.jsonl`, '--engine', 'duckdb']), reference);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'mql-duck-')), 'leads.parquet');
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    await c.run(`COPY (SELECT * REPLACE (json_extract_string(Created, '$') AS Created) FROM read_json('${DATA}/leads.jsonl', format = 'newline_delimited')) TO '${file}' (FORMAT parquet)`);
    c.closeSync();
    expectSame(results(['--data', file, '--engine', 'duckdb']), reference);
  }, 300_000);

  it('lists invalid records with their line and field, and evaluates the rest', { timeout: 120_000 }, () => {
    const run = mql(['eval', FUNNEL, '--now', EXAMPLE_NOW, '--format', 'csv', '--engine', 'duckdb', '--data', `${DATA}/invalid-leads.jsonl`]);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe(
      [
        'Evaluated 45 leads at 2026-11-01T00:00:00.000Z',
        '  reached (qualified, counted in every stage reached): MQL 5, SAL 5, SQO 0',
        '  furthest stage (each lead once): MQL 0, SAL 5, SQO 0, none 40',
        // Counted in DuckDB (compileSql's coverage columns), listed as the runtime lists them.
        '2 rules and clauses never fired or held on the 45 leads evaluated:',
        '  score engagement, rule 7 "Unsubscribed" (funnel.mql:44): never fired',
        '  stage MQL, reject "Competitor" `email.domain in competitors` (funnel.mql:68): never held',
        '5 invalid records (not evaluated), by field and message:',
        '  Email: required field is missing — 2 records: line 1 (L0000001), line 37 (L0000037)',
        '  company.employees: expected a number — 1 record: line 9 (L0000009) "about 200"',
        '  events[].at: expected a date (ISO-8601 or epoch milliseconds) — 1 record: line 10 (L0000010) "not-a-date"',
        '  seniority: expected one of "ic", "manager", "director", "vp", "cxo" — 1 record: line 19 (L0000019) "svp"',
        `${DUCKDB_NOTE}`,
        '(--errors FILE writes every record error as JSON lines)',
        'Ids: "id" (the default; mark the id field `key` in the schema, or give --id-key), present in every record.',
        '',
      ].join('\n'),
    );
  });

  it('refuses a CSV without a column for a field, naming the field and its from name (exit 2)', { timeout: 120_000 }, () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mql-duck-'));
    const file = path.join(dir, 'leads.csv');
    writeFileSync(file, readFileSync(`${DATA}/leads.csv`, 'utf8').replace('Job Title', 'Job Titel'));
    const run = mql(['eval', FUNNEL, '--engine', 'duckdb', '--data', file, '--now', EXAMPLE_NOW, '--format', 'csv']);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('no column for optional field title (from "Job Title"); did you mean "Job Titel"?');
  });

  it('refuses a typed column of the wrong type, and --explain (exit 2)', { timeout: 120_000 }, async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'mql-duck-')), 'leads.parquet');
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    await c.run(`COPY (SELECT 'L1' AS id, 'a@b.io' AS "Email", 'yes' AS consent) TO '${file}' (FORMAT parquet)`);
    c.closeSync();
    const run = mql(['eval', FUNNEL, '--engine', 'duckdb', '--data', file, '--now', EXAMPLE_NOW, '--format', 'csv']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      'mql: leads.parquet: column "consent" holds VARCHAR values, but field consent is true or false; fix the data or the schema (the runtime engine, --engine runtime, reports the records one by one)\n',
    );
    const explain = mql(['eval', FUNNEL, '--engine', 'duckdb', '--data', `${DATA}/leads.jsonl`, '--explain']);
    expect(explain.status).toBe(2);
    expect(explain.stderr).toBe('mql: --engine duckdb gives lean results; --explain runs on the runtime (leave out --engine duckdb)\n');
  });

  it('reads placeholder values (`missing when`) as the runtime does, in CSV and JSON lines', { timeout: 120_000 }, () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mql-duck-'));
    const rules = path.join(dir, 'rules.mql');
    writeFileSync(
      rules,
      [
        'lead {',
        '  email: email from "Email Address"',
        '  industry?: string from "Industry" missing when ["Select", "N/A"]',
        '  employees?: number from "Employees" missing when ["N/A", "-"]',
        '  owner: string from "Owner" missing when ["Select"]',
        '}',
        'segment software = industry == "software"',
        'segment no_industry = industry is missing',
        'segment shops = industry in ["Retail ", "Fintech"]',
        'score size = employees / 10 + 1',
        'stage MQL { require industry is set or employees > 100 }',
        '',
      ].join('\n'),
    );
    const rows = [
      ['L1', 'a@x.io', 'Software', '250', 'Kim'],
      ['L2', 'b@x.io', ' select ', 'N/A', 'Kim'],
      ['L3', 'c@x.io', 'n/a', ' - ', 'Kim'],
      ['L4', 'd@x.io', 'Retail', 'lots', 'Kim'],
      ['L5', 'e@x.io', 'SELECT', '90', ' Select'],
      ['L6', 'f@x.io', '', '120', 'Kim'],
    ];
    const csv = path.join(dir, 'leads.csv');
    writeFileSync(csv, ['Id,Email Address,Industry,Employees,Owner', ...rows.map((r) => r.join(','))].join('\n') + '\n');
    const jsonl = path.join(dir, 'leads.jsonl');
    const value = (cell: string) => (cell === '' ? null : /^\d+$/.test(cell) ? Number(cell) : cell);
    writeFileSync(jsonl, rows.map(([Id, e, i, n, o]) => JSON.stringify({ Id, 'Email Address': e, Industry: value(i!), Employees: value(n!), Owner: value(o!) })).join('\n') + '\n');
    for (const file of [csv, jsonl]) {
      const args = ['eval', rules, '--data', file, '--id-key', 'Id', '--now', EXAMPLE_NOW, '--format', 'jsonl', '--lean'];
      const runtime = mql(args);
      const duck = mql([...args, '--engine', 'duckdb']);
      expect(runtime.status).toBe(0);
      expect(duck.status).toBe(0);
      expect(duck.stdout).toBe(runtime.stdout);
      expect(duck.stderr.replace(`${DUCKDB_NOTE}\n`, '')).toBe(runtime.stderr);
      // Placeholders are missing values, not invalid numbers; a required field given as one makes the record invalid.
      expect(runtime.stdout.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as Lean).id)).toEqual(['L1', 'L2', 'L3', 'L6']);
      expect(runtime.stderr).toContain('Owner: required field is missing');
      expect(runtime.stderr).toContain('Employees: expected a number');
      // The summary's strings that never matched, from the values DuckDB staged.
      expect(runtime.stderr).toContain('2 strings in the rules never matched');
    }
  });

  /** Both engines on the same files: the same results at the same lines, the same summary and the same --errors lines. */
  function expectSameRun(args: string[]) {
    const dir = mkdtempSync(path.join(tmpdir(), 'mql-duck-'));
    const run = (engine: string) => {
      const errors = path.join(dir, `${engine}.jsonl`);
      const r = mql(['eval', FUNNEL, '--now', EXAMPLE_NOW, '--format', 'jsonl', '--lean', '--engine', engine, '--errors', errors, ...args]);
      expect(r.status).toBe(0);
      const stderr = r.stderr.replace(`${DUCKDB_NOTE}\n`, '').replace(errors, 'ERRORS');
      return { lines: r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Lean & { line: number }), stderr, errors: readFileSync(errors, 'utf8') };
    };
    const runtime = run('runtime');
    const duck = run('duckdb');
    expect(duck.lines.map((l) => [l.id, l.line])).toEqual(runtime.lines.map((l) => [l.id, l.line]));
    expectSame(duck.lines, runtime.lines);
    expect(duck.errors).toBe(runtime.errors);
    expect(duck.stderr).toBe(runtime.stderr);
    return runtime;
  }

  it('numbers lines as the runtime does: quoted cells over several lines, blank lines, event rows by index and line', { timeout: 300_000 }, () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mql-duck-'));
    const [header, ...rows] = readFileSync(`${DATA}/leads.csv`, 'utf8').trimEnd().split('\n');
    const column = (name: string) => header!.split(',').indexOf(name);
    const setCell = (row: string, name: string, value: string) => {
      const cells = row.split(',');
      cells[column(name)] = value;
      return cells.join(',');
    };
    // A job title over three lines, an invalid number and an invalid enum after it, a blank line between.
    rows[2] = setCell(rows[2]!, 'Job Title', '"Head of\nSales, ""EMEA""\n(interim)"');
    rows[5] = setCell(rows[5]!, 'company.employees', 'about 200');
    rows[11] = setCell(rows[11]!, 'seniority', 'svp');
    rows.splice(9, 0, '');
    const leads = path.join(dir, 'leads.csv');
    writeFileSync(leads, [header, ...rows].join('\n') + '\n');
    // Events: a url over two lines early on, then a bad date on a lead's third event row.
    const [eventHeader, ...eventRows] = readFileSync(`${DATA}/events.csv`, 'utf8').trimEnd().split('\n');
    eventRows[1] = eventRows[1]!.replace(/^([^,]*,[^,]*,[^,]*,)[^,]*/, '$1"/pricing\n?from=mail"');
    const third = eventRows.findIndex((r, i) => i > 1 && eventRows.slice(0, i).filter((x) => x.split(',')[0] === r.split(',')[0]).length === 2);
    eventRows[third] = eventRows[third]!.replace(/^([^,]*,[^,]*,)[^,]*/, '$1not-a-date');
    const events = path.join(dir, 'events.csv');
    writeFileSync(events, [eventHeader, ...eventRows].join('\n') + '\n');
    const runtime = expectSameRun(['--data', leads, '--events', events, '--key', 'lead_id']);
    expect(runtime.errors).toContain('"path":"events[2].at","message":"expected a date (ISO-8601 or epoch milliseconds), got \\"not-a-date\\" (events.csv line');
    expect(runtime.errors).toContain('{"line":9,"id":"L0000006","path":"company.employees"');
    expect(runtime.errors).toContain('{"line":16,"id":"L0000012","path":"seniority"');

    // JSON lines: blank lines, and a bad date on an event that is not the lead's first.
    const records = readFileSync(`${DATA}/leads.jsonl`, 'utf8').trimEnd().split('\n').slice(0, 300);
    const damaged = records.findIndex((l) => ((JSON.parse(l) as { events?: unknown[] }).events ?? []).length >= 3);
    const record = JSON.parse(records[damaged]!) as { events: { at: string }[] };
    record.events[2]!.at = 'yesterday';
    records[damaged] = JSON.stringify(record);
    const jsonl = path.join(dir, 'leads.jsonl');
    writeFileSync(jsonl, ['', ...records.slice(0, 50), '', '   ', ...records.slice(50)].join('\n') + '\n');
    const fromJson = expectSameRun(['--data', jsonl]);
    expect(fromJson.errors).toContain('"path":"events[2].at","message":"expected a date (ISO-8601 or epoch milliseconds), got \\"yesterday\\""');
  });

  it('reports a required event attribute left empty, or without a column, as the runtime does', { timeout: 300_000 }, () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mql-duck-'));
    const [eventHeader, ...eventRows] = readFileSync(`${DATA}/events.csv`, 'utf8').trimEnd().split('\n');
    const downloads = eventRows.flatMap((r, i) => (r.split(',')[1] === 'download' ? [i] : []));
    const asset = eventHeader!.split(',').indexOf('asset');
    const emptied = (row: string) => row.split(',').map((cell, i) => (i === asset ? '' : cell)).join(',');
    // An empty asset alone; and an empty asset on a lead whose other row has a bad date (only the date is reported then).
    eventRows[downloads[0]!] = emptied(eventRows[downloads[0]!]!);
    const second = downloads.find((i) => eventRows[i]!.split(',')[0] !== eventRows[downloads[0]!]!.split(',')[0])!;
    eventRows[second] = emptied(eventRows[second]!);
    const sibling = eventRows.findIndex((r, i) => i !== second && r.split(',')[0] === eventRows[second]!.split(',')[0]);
    eventRows[sibling] = eventRows[sibling]!.replace(/^([^,]*,[^,]*,)[^,]*/, '$1someday');
    const events = path.join(dir, 'events.csv');
    writeFileSync(events, [eventHeader, ...eventRows].join('\n') + '\n');
    const runtime = expectSameRun(['--data', `${DATA}/leads.csv`, '--events', events, '--key', 'lead_id']);
    expect(runtime.errors).toMatch(/"path":"events\[\d+\]\.asset","message":"required field is missing"}/);
    expect(runtime.errors).toContain('got \\"someday\\"');
    expect(runtime.errors.match(/asset/g)).toHaveLength(1);

    // No asset column at all, allowed: every lead with a download is invalid, on both engines alike,
    // and both summaries say that "Content downloads" then never fired.
    const withoutAsset = path.join(dir, 'events-without-asset.csv');
    writeFileSync(withoutAsset, readFileSync(`${DATA}/events.csv`, 'utf8').split('\n').map((row) => row.split(',').filter((_, i) => i !== asset).join(',')).join('\n'));
    const allowed = expectSameRun(['--data', `${DATA}/leads.csv`, '--events', withoutAsset, '--key', 'lead_id', '--allow-missing-column', 'download.asset']);
    expect(allowed.lines).toHaveLength(2580);
    expect(allowed.stderr).toContain('score engagement, rule 2 "Content downloads" (funnel.mql:39): never fired');
    expect(allowed.errors).toMatch(/"path":"events\[\d+\]\.asset","message":"required field is missing"}/);
  });
});

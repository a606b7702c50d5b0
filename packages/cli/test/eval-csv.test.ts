// `mql eval` on CSV files shaped like real CRM exports (fixtures/crm): the header is checked
// against the schema before any row is read, delimiters are detected, every row is accounted for.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_NOW, mql } from './run-cli.js';

const CRM = 'packages/cli/test/fixtures/crm';
const temp = mkdtempSync(join(tmpdir(), 'mql-eval-csv-'));
const NOW = ['--now', EXAMPLE_NOW];

function write(name: string, text: string): string {
  const file = join(temp, name);
  writeFileSync(file, text);
  return file;
}

const EXPECTED = ['id,stage,fit', 'ana@uni.example,none,5', 'ben@corp.example,SQL,35', 'cho@corp.example,MQL,45', 'dev@mail.example,none,5', 'eve@corp.example,SQL,35', ''];

/** The first three cells (id, stage, fit) of each CSV output line. */
const firstCells = (stdout: string) => stdout.split('\n').map((line) => line.split(',').slice(0, 3).join(','));

describe('mql eval: a CSV header that does not fit the schema is an error before any row', () => {
  it('names a `from` column missing from the header, with the closest header (a typo never passes silently)', () => {
    const run = mql(['eval', `${CRM}/typo.mql`, '--data', `${CRM}/export.csv`, ...NOW, '--format', 'csv', '--fail-on-invalid']);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      [
        'mql: export.csv line 1: the header does not fit the schema (","-separated):',
        '  no column for optional field time_on_site (from "Total Time Spent On Web Site"); did you mean "Total Time Spent on Website"?',
        "Columns match a field's `from` name or path, ignoring letter case and spaces. If the data has no column for an optional field, say so with --allow-missing-column FIELD.",
        '',
      ].join('\n'),
    );
  });

  it('evaluates without that column when --allow-missing-column names the field', () => {
    const run = mql(['eval', `${CRM}/typo.mql`, '--data', `${CRM}/export.csv`, ...NOW, '--format', 'csv', '--allow-missing-column', 'time_on_site']);
    expect(run.status).toBe(0);
    expect(firstCells(run.stdout)).toEqual(['id,stage,fit', 'ana@uni.example,none,5', 'ben@corp.example,none,15', 'cho@corp.example,MQL,25', 'dev@mail.example,none,5', 'eve@corp.example,none,15', '']);
    const unknown = mql(['eval', `${CRM}/crm.mql`, '--data', `${CRM}/export.csv`, ...NOW, '--format', 'csv', '--allow-missing-column', 'time_on_sight']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('--allow-missing-column time_on_sight: no such field in the schema');
  });

  it('lets an events file lack an attribute column when --allow-missing-column names it as Event.attr (one thread and workers)', () => {
    const events = write('events-no-asset.csv', readFileSync('examples/data/events.csv', 'utf8').replace(/^([^,\n]*,[^,\n]*,[^,\n]*,[^,\n]*),[^,\n]*/gm, '$1'));
    expect(readFileSync(events, 'utf8').split('\n')[0]).toBe('lead_id,type,at,url,name,attended,campaign');
    const args = ['eval', 'examples/b2b-funnel/funnel.mql', '--data', 'examples/data/leads.csv', '--events', events, '--key', 'lead_id', ...NOW, '--format', 'csv'];
    const refused = mql(args);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('no column for required field download.asset (from "asset")');
    const runs = [[], ['--workers', '2']].map((extra) => mql([...args, '--allow-missing-column', 'download.asset', ...extra]));
    for (const run of runs) expect(run.status).toBe(0);
    // Every download then lacks its required asset: those leads are invalid, the same ones on both paths.
    expect(runs[0]!.stderr).toMatch(/events\[\]\.asset: required field is missing — \d+ records/);
    expect(runs[1]!.stdout).toBe(runs[0]!.stdout);
    const typo = mql([...args, '--allow-missing-column', 'download.aset']);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain('--allow-missing-column download.aset: no such field in the schema; did you mean download.asset?');
  });

  it('binds `country` to the top-level field and `company.country` to the nested one, whatever the declaration order', () => {
    const run = mql(['eval', `${CRM}/crm.mql`, '--data', `${CRM}/export.csv`, ...NOW, '--format', 'jsonl', '--only', 'ben@corp.example', '--id-key', 'Email Address']);
    const line = JSON.parse(run.stdout) as { result: { stages: Record<string, { requirements?: unknown }> } };
    expect(run.status).toBe(0);
    expect(line).toMatchObject({ line: 3, id: 'ben@corp.example' });
  });

  it('makes a header that could name two fields an error', () => {
    const rules = write('ambiguous.mql', 'lead {\n  email: email\n  company: { country?: string from "Country" }\n  country?: string from "Country"\n}\n');
    const run = mql(['eval', rules, '--data', write('a.csv', 'email,Country\na@b.c,DE\n'), ...NOW, '--format', 'csv']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('column 2 "Country" could name company.country and country');
  });

  it('makes two columns for one field an error naming both', () => {
    const run = mql(['eval', `${CRM}/crm.mql`, '--data', write('dup.csv', readFileSync(`${CRM}/export.csv`, 'utf8').replace('Lead Number', 'Tags')), ...NOW, '--format', 'csv']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('columns 1 "Tags" and 10 "Tags" both name the field tags: keep one');
  });
});

describe('mql eval: CSV delimiters', () => {
  it.each(['export.csv', 'export-semicolon.csv', 'export-tab.csv'])('%s: detected from the header, the same results', (file) => {
    const run = mql(['eval', `${CRM}/crm.mql`, '--data', `${CRM}/${file}`, ...NOW, '--format', 'csv']);
    expect(run.status).toBe(0);
    expect(firstCells(run.stdout)).toEqual(EXPECTED);
  });

  it('hints at the delimiter when --delimiter makes the header one column holding `;`', () => {
    const run = mql(['eval', `${CRM}/crm.mql`, '--data', `${CRM}/export-semicolon.csv`, ...NOW, '--format', 'csv', '--delimiter', ',']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^mql: export-semicolon\.csv: the header is one column, "Lead Number;Email Address;.*", that holds ";": the file looks ";"-separated; use --delimiter ';'/);
    expect(firstCells(mql(['eval', `${CRM}/crm.mql`, '--data', `${CRM}/export-tab.csv`, ...NOW, '--format', 'csv', '--delimiter', 'tab']).stdout)).toEqual(EXPECTED);
    expect(mql(['eval', `${CRM}/crm.mql`, '--data', `${CRM}/export.csv`, '--delimiter', ':']).stderr).toContain("use ',', ';', '|' or tab");
  });
});

describe('mql eval: every CSV row accounted for', () => {
  const header = readFileSync(`${CRM}/export.csv`, 'utf8').split('\n')[0]!;
  const rows = readFileSync(`${CRM}/export.csv`, 'utf8').trimEnd().split('\n').slice(1);

  it('reports every error of a row: a bad number and the missing required email', () => {
    const bad = rows[0]!.replace('ana@uni.example', '').replace(',0,0,', ',zero,0,');
    const run = mql(['eval', `${CRM}/crm.mql`, '--data', write('errors.csv', [header, bad].join('\n')), ...NOW, '--format', 'csv']);
    expect(run.stderr).toContain('  TotalVisits: expected a number — 1 record: line 2 "zero"\n  Email Address: required field is missing — 1 record: line 2\n');
  });

  it('one `;`-separated row in a comma file, a stray quote, a quote inside a cell, mixed line ends and blank lines: records in = results + invalid', () => {
    const text = [header, rows[0], rows[1]!.replaceAll(',', ';'), rows[2]!.replace('Direct Traffic', '"Direct Traffic'), '   ', rows[3]!.replace('dev@mail.example', 'd"e"v@mail.example'), rows[4]].join('\n').replace(rows[4]!, `${rows[4]!}\r\n`);
    const run = mql(['eval', `${CRM}/crm.mql`, '--data', write('damaged.csv', text.replace(`\n${rows[0]}`, `\r\n${rows[0]}`)), ...NOW, '--format', 'csv']);
    expect(run.stdout.split('\n').map((l) => l.split(',')[0])).toEqual(['id', 'ana@uni.example', '"d""e""v@mail.example"', 'eve@corp.example', '']);
    expect(run.stderr).toBe(
      [
        'Evaluated 3 leads at 2026-11-01T00:00:00.000Z',
        '  reached (qualified, counted in every stage reached): MQL 1, SQL 1',
        '  furthest stage (each lead once): MQL 0, SQL 1, none 2',
        '3 rules and clauses never fired or held on the 3 leads evaluated:',
        '  score fit, rule 4 "MBA interest" (crm.mql:23): never fired',
        '  score fit, rule 5 "Never matches" (crm.mql:24): never fired',
        '  stage SQL, reject "Unreachable" `do_not_email` (crm.mql:33): never held',
        '2 strings in the rules never matched (comparisons ignore letter case, not spaces):',
        '  "Interested in full time MBA" (tags, crm.mql:23) matches no value in the batch; closest: "Interested  in full time MBA"',
        '  "Will revert after reading the email" (tags, crm.mql:23) matches no value in the batch',
        '2 invalid records (not evaluated), by field and message:',
        '  the row has 1 cells, the header 11 (is this row separated by ";"?) — 1 record: line 3',
        '  unreadable CSV row: a quoted cell starts here and it closes on line 6, but the record would have the wrong number of cells; the lines after it were read as rows of their own — 1 record: line 4',
        '(--errors FILE writes every record error as JSON lines)',
        'Ids: no record has "id" (the default; mark the id field `key` in the schema, or give --id-key), so leads are named by their email or record number (line or index).',
        '',
      ].join('\n'),
    );
  });

  it('names the events file and line in an events error', () => {
    const leads = write('leads.csv', 'id,email,do_not_email\nL1,a@b.c,no\n');
    const rules = write('events.mql', 'lead { id: string\n email: email\n do_not_email: bool }\nevent visit { pages: number }\nscore s { "Visits": +1 per visit }\n');
    const events = write('events.csv', 'lead,type,at,pages\nL1,visit,2026-10-01,many\nL1,visit,"2026-10-02,1\n');
    const run = mql(['eval', rules, '--data', leads, '--events', events, '--key', 'lead', ...NOW, '--format', 'csv']);
    expect(run.stderr).toContain('  events[].pages: expected a number — 1 record: line 2 (L1) "many" (events.csv line 2)');
    expect(run.stderr).toContain('events.csv line 3: unreadable CSV row: a quoted cell starts here and it never closes before the end of the file');
  });

  it('groups one problem of many event rows under one line, each record shown with its events row', () => {
    const leads = write('leads3.csv', 'id,email,do_not_email\nL1,a@b.c,no\nL2,b@b.c,no\nL3,c@b.c,no\n');
    const rules = write('events3.mql', 'lead { id: string\n email: email\n do_not_email: bool }\nevent visit { pages: number }\nscore s { "Visits": +1 per visit }\n');
    const events = write('events3.csv', 'lead,type,at,pages\nL1,visit,10/01/2026,1\nL1,visit,10/02/2026,1\nL2,visit,10/03/2026,1\nL3,visit,2026-10-04,1\n');
    const run = mql(['eval', rules, '--data', leads, '--events', events, '--key', 'lead', ...NOW, '--format', 'csv']);
    const summary = run.stderr.split('\n');
    expect(summary.slice(summary.indexOf('2 invalid records (not evaluated), by field and message:'), -3)).toEqual([
      '2 invalid records (not evaluated), by field and message:',
      '  events[].at: expected a date (ISO-8601 or epoch milliseconds) — 2 records: line 2 (L1) "10/01/2026" (events3.csv line 2), line 3 (L2) "10/03/2026" (events3.csv line 4)',
    ]);
  });
});

describe('mql eval: strings in the rules that match nothing in the batch', () => {
  it('names a literal no value of its field equals, with the closest value seen (two spaces in the export)', () => {
    const run = mql(['eval', `${CRM}/crm.mql`, '--data', `${CRM}/export-tab.csv`, ...NOW, '--format', 'csv']);
    expect(run.stderr).toContain(
      [
        '1 string in the rules never matched (comparisons ignore letter case, not spaces):',
        '  "Interested in full time MBA" (tags, crm.mql:23) matches no value in the batch; closest: "Interested  in full time MBA"',
        '',
      ].join('\n'),
    );
  });
});

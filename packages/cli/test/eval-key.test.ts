// The lead key (`lead_number: number from "Lead Number" key`) and placeholders (`missing when
// ["Select"]`) on a CRM-shaped export (fixtures/crm-key): `;`-separated, human column names, the id
// in the second column, "Select" in untouched drop-downs, Yes/No flags, events joined by the key.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_NOW, mql } from './run-cli.js';

const DIR = 'packages/cli/test/fixtures/crm-key';
const RULES = `${DIR}/crm.mql`;
const DATA = ['--data', `${DIR}/export.csv`, '--now', EXAMPLE_NOW];
const EVENTS = ['--events', `${DIR}/events.csv`, '--key', 'Lead Number'];
const temp = mkdtempSync(join(tmpdir(), 'mql-eval-key-'));

const KEY_IDS = 'Ids: the key field `lead_number` (from "Lead Number"), present in every record.';

describe('mql eval: the schema key names the leads', () => {
  it('uses the key column for output ids and joins the events on it; "Select" and "N/A" are missing; the summary says which ids', () => {
    const run = mql(['eval', RULES, ...DATA, ...EVENTS, '--format', 'csv']);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      [
        'id,stage,fit,specialized,no_specialization,MQL qualified',
        // "Select": no specialization.
        '660737,none,0,false,true,false',
        '660728,MQL,30,true,false,true',
        // "N/A": no specialization; 20 points but "Do Not Email" is Yes.
        '660727,none,20,false,true,false',
        // "select" in lower case is the placeholder too; two pricing views joined by "Lead Number".
        '660681,none,10,false,true,false',
        '',
      ].join('\n'),
    );
    expect(run.stderr).toBe(
      [
        'Evaluated 4 leads at 2026-11-01T00:00:00.000Z',
        '  reached (qualified, counted in every stage reached): MQL 1',
        '  furthest stage (each lead once): MQL 1, none 3',
        '1 invalid record (not evaluated), by field and message:',
        '  What is your current occupation: required field is missing ("Select" means not given) — 1 record: line 5 (660719)',
        'events.csv: 1 event for leads not in the data was ignored',
        '(--errors FILE writes every record error as JSON lines)',
        KEY_IDS,
        '',
      ].join('\n'),
    );
  });

  it('picks one lead with --only and its key value, events included', () => {
    const run = mql(['eval', RULES, ...DATA, ...EVENTS, '--format', 'jsonl', '--lean', '--only', '660681']);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      line: 6,
      id: '660681',
      result: { stage: null, scores: { fit: 10 }, grades: {}, segments: { specialized: false, no_specialization: true }, stages: { MQL: { qualified: false } } },
    });
    const none = mql(['eval', RULES, ...DATA, '--format', 'jsonl', '--only', '7927b2df']);
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('No lead with Lead Number "7927b2df"');
  });

  it('lets --id-key override the key, and says so', () => {
    const run = mql(['eval', RULES, ...DATA, '--format', 'csv', '--id-key', 'Prospect ID', '--only', '2a272436']);
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n')[1]).toBe('2a272436,MQL,30,true,false,true');
    expect(run.stderr.trimEnd().split('\n').at(-1)).toBe('Ids: "Prospect ID" (--id-key), present in every record.');
  });

  it('names JSON records by the key field’s `from` key, and writes the placeholder error with its id to --errors', () => {
    const lines = [
      { 'Lead Number': 17, 'Email Address': 'a@b.example', 'What is your current occupation': 'Student', 'Do Not Email': false, Specialization: 'Select' },
      { 'Lead Number': 18, 'Email Address': 'c@d.example', 'What is your current occupation': 'SELECT', 'Do Not Email': false },
    ];
    const data = join(temp, 'leads.jsonl');
    writeFileSync(data, lines.map((l) => JSON.stringify(l)).join('\n'));
    const errors = join(temp, 'errors.jsonl');
    const run = mql(['eval', RULES, '--data', data, '--now', EXAMPLE_NOW, '--format', 'jsonl', '--lean', '--errors', errors]);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ line: 1, id: '17', result: { segments: { no_specialization: true } } });
    expect(readFileSync(errors, 'utf8')).toBe(
      `${JSON.stringify({ line: 2, id: '18', path: 'What is your current occupation', message: 'required field is missing ("SELECT" means not given)' })}\n`,
    );
    expect(run.stderr).toContain(KEY_IDS);
  });

  it('without a key field or --id-key, says that the default "id" was looked for', () => {
    const rules = join(temp, 'nokey.mql');
    writeFileSync(rules, readFileSync(RULES, 'utf8').replace(' key\n', '\n'));
    const run = mql(['eval', rules, ...DATA, '--format', 'csv']);
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n')[1]).toBe('ana@uni.example,none,0,false,true,false');
    expect(run.stderr).toContain(
      'Ids: no record has "id" (the default; mark the id field `key` in the schema, or give --id-key), so leads are named by their email or record number (line or index).',
    );
  });
});

describe('examples/crm-export: the committed CRM export with its rules', () => {
  it('names leads by "Lead Number", reads "Select"/"N/A"/"-" as not given, and scores time and visits with min/clamp/round', () => {
    const run = mql(['eval', 'examples/crm-export/crm.mql', '--data', 'examples/crm-export/export.csv', '--now', EXAMPLE_NOW, '--format', 'csv']);
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n').map((line) => line.split(',').slice(0, 6).join(','))).toEqual([
      'id,stage,time_points,visit_points,fit,interest',
      '660737,none,0,0,0,0',
      '660728,MQL,18,3,30,51',
      '660727,SQL,20,10,45,75',
      // "Head of Strategic Purchasing": `contains any` the buyer titles, -30.
      '660719,none,16.4,1,0,17.4',
      // "Do Not Email" is Yes.
      '660681,none,20,2,45,67',
      // "Select" source, "N/A" specialization: no points, no SQL.
      '660680,none,3.05,1,0,4.05',
      '660673,SQL,11,3,45,59',
      '660664,none,0,0,0,0',
      '660624,none,7.9,2,5,14.9',
      '660616,SQL,14.2,4,45,63.2',
      '',
    ]);
    expect(run.stderr).toBe(
      [
        'Evaluated 10 leads at 2026-11-01T00:00:00.000Z',
        '  reached (qualified, counted in every stage reached): MQL 4, SQL 3',
        '  furthest stage (each lead once): MQL 1, SQL 3, none 6',
        KEY_IDS,
        '',
      ].join('\n'),
    );
  });
});

// What `mql eval` writes besides the results: the grouped summary, --errors FILE, --include
// columns, safe CSV cells and terminal text, and clear messages for awkward inputs and options.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_NOW, FUNNEL, mql } from './run-cli.js';

const temp = mkdtempSync(join(tmpdir(), 'mql-eval-output-'));
const NOW = ['--now', EXAMPLE_NOW];
const SAMPLE = readFileSync('examples/data/sample-leads.jsonl', 'utf8').trimEnd().split('\n');

function write(name: string, text: string | Buffer): string {
  const file = join(temp, name);
  writeFileSync(file, text);
  return file;
}

describe('mql eval: the batch summary', () => {
  it('writes every record error to --errors FILE as JSON lines (line, id, path, message, value)', () => {
    const errors = join(temp, 'errors.jsonl');
    const run = mql(['eval', FUNNEL, '--data', 'examples/data/invalid-leads.jsonl', ...NOW, '--format', 'csv', '--errors', errors]);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain(`Every record error is in ${errors} (JSON lines).`);
    expect(readFileSync(errors, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual([
      { line: 1, id: 'L0000001', path: 'Email', message: 'required field is missing' },
      { line: 9, id: 'L0000009', path: 'company.employees', message: 'expected a number, got "about 200"', value: '"about 200"' },
      { line: 10, id: 'L0000010', path: 'events[0].at', message: 'expected a date (ISO-8601 or epoch milliseconds), got "not-a-date"', value: '"not-a-date"' },
      { line: 19, id: 'L0000019', path: 'seniority', message: 'expected one of "ic", "manager", "director", "vp", "cxo", got "svp"', value: '"svp"' },
      { line: 37, id: 'L0000037', path: 'Email', message: 'required field is missing' },
    ]);
  });

  it('groups invalid records by field and message, naming the first five lines of each', () => {
    const bad = Array.from({ length: 7 }, (_, i) => SAMPLE[i]!.replace(/"Email":\s*"[^"]*"/, '"Email": 7'));
    const run = mql(['eval', FUNNEL, '--data', write('bad.jsonl', [...bad, SAMPLE[8]].join('\n')), ...NOW, '--format', 'jsonl']);
    expect(run.stderr).toContain('  Email: expected a string — 7 records: line 1 (L0000001) 7, line 2 (L0000002) 7, line 3 (L0000003) 7, line 4 (L0000004) 7, line 5 (L0000005) 7, and 2 more\n');
  });

  it('warns when a field is missing on every JSON record, naming its `from` key', () => {
    const renamed = SAMPLE.map((l) => l.replaceAll('"Job Title"', '"Title"'));
    const run = mql(['eval', FUNNEL, '--data', write('renamed.jsonl', renamed.join('\n')), ...NOW, '--format', 'jsonl', '--lean']);
    expect(run.stderr).toContain('Warning: no record has the field (a misspelt key or `from` name?): title (from "Job Title")\n');
    expect(mql(['eval', FUNNEL, '--data', 'examples/data/sample-leads.jsonl', ...NOW, '--format', 'jsonl', '--lean']).stderr).not.toContain('Warning');
  });
});

describe('mql eval: output', () => {
  it('passes --include columns through to CSV and JSON lines', () => {
    const csv = mql(['eval', FUNNEL, '--data', 'examples/data/sample-leads.jsonl', ...NOW, '--format', 'csv', '--include', 'Lead Source,country']);
    const lines = csv.stdout.split('\n');
    expect(lines[0]!.endsWith(',SQO qualified,Lead Source,country')).toBe(true);
    const first = JSON.parse(SAMPLE[0]!) as Record<string, string>;
    expect(lines[1]!.endsWith(`,${first['Lead Source'] ?? ''},${first.country ?? ''}`)).toBe(true);
    const jsonl = mql(['eval', FUNNEL, '--data', 'examples/data/sample-leads.jsonl', ...NOW, '--format', 'jsonl', '--lean', '--include', 'country']);
    expect((JSON.parse(jsonl.stdout.split('\n')[0]!) as { included: unknown }).included).toEqual({ country: first.country ?? '' });
  });

  it('prefixes CSV cells a spreadsheet would run as a formula, but not negative numbers', () => {
    const rules = write('formula.mql', 'lead { id: string\n email: email }\nscore s { "Penalty": -10 when email.domain == "x.io" }\n');
    const leads = write('formula.csv', 'id,email\n=HYPERLINK("http://evil"),a@x.io\n@SUM(A1),b@y.io\n+1,c@x.io\n');
    const run = mql(['eval', rules, '--data', leads, ...NOW, '--format', 'csv']);
    expect(run.stdout.split('\n').map((l) => l.split(',').slice(0, 3).join(','))).toEqual(['id,stage,s', `"'=HYPERLINK(""http://evil"")",none,-10`, "'@SUM(A1),none,0", "'+1,none,-10", '']);
  });

  it('shows control characters from data escaped in the table, never as terminal escape sequences', () => {
    const lead = JSON.parse(SAMPLE[0]!) as Record<string, unknown>;
    const run = mql(['eval', FUNNEL, '--data', write('escape.jsonl', JSON.stringify({ ...lead, id: 'L\u001b[31mRED\u0007' })), ...NOW, '--format', 'table']);
    expect(run.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(run.stdout).toContain('L\\u001b[31mRED\\u0007');
  });

  it('accepts a byte-order mark in a JSON array, a --lead file and an artifact', () => {
    const bom = (text: string) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    const array = mql(['eval', FUNNEL, '--data', write('bom.json', bom(`[${SAMPLE[1]}]`)), ...NOW, '--format', 'csv']);
    expect(array.stdout.split('\n')[1]).toMatch(/^L0000002,SAL,/);
    const lead = mql(['eval', FUNNEL, '--lead', write('bom-lead.json', bom(SAMPLE[1]!)), ...NOW, '--format', 'csv']);
    expect(lead.stdout.split('\n')[1]).toMatch(/^L0000002,SAL,/);
    const artifact = mql(['build', FUNNEL]).stdout;
    const fromArtifact = mql(['eval', write('bom-rules.json', bom(artifact)), '--lead', write('lead.json', SAMPLE[1]!), ...NOW, '--format', 'csv']);
    expect(fromArtifact.stdout).toBe(lead.stdout);
  });

  it('reads an id key named like an Object.prototype member as an ordinary key', () => {
    const lead = JSON.parse(SAMPLE[1]!) as Record<string, unknown>;
    const run = mql(['eval', FUNNEL, '--data', write('ctor.jsonl', JSON.stringify({ ...lead, constructor: 'C-1' })), ...NOW, '--format', 'csv', '--id-key', 'constructor']);
    expect(run.stdout.split('\n')[1]).toMatch(/^C-1,SAL,/);
    const none = mql(['eval', FUNNEL, '--data', 'examples/data/sample-leads.jsonl', ...NOW, '--format', 'csv', '--id-key', 'constructor']);
    expect(none.status).toBe(0);
    expect(none.stdout.split('\n')[1]).toMatch(/@/); // no id: the email names the lead
  });
});

describe('mql eval and build: clear messages', () => {
  it('says what to use instead of --format csv --explain', () => {
    const run = mql(['eval', FUNNEL, '--data', 'examples/data/sample-leads.jsonl', '--format', 'csv', '--explain']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      'mql: --explain prints a readable account for people and CSV has no room for it: use --explain alone (often with --only ID), or --format json/jsonl for explained results a program can read\n',
    );
  });

  it('refuses -o and --errors into a missing folder before doing anything', () => {
    const build = mql(['build', FUNNEL, '-o', join(temp, 'missing', 'rules.json')]);
    expect(build.status).toBe(2);
    expect(build.stderr).toBe(`mql: cannot write ${join(temp, 'missing', 'rules.json')}: there is no folder ${join(temp, 'missing')} (create it first)\n`);
    const run = mql(['eval', FUNNEL, '--data', 'examples/data/sample-leads.jsonl', '--errors', join(temp, 'missing', 'e.jsonl')]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
  });
});

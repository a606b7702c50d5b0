// `mql eval`, run as users run it: the built command on the example program and data.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EvaluationResultSchema } from '@mql/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLE_NOW, FUNNEL, mql, ROOT, sourceLines } from './run-cli.js';

const temp = mkdtempSync(join(tmpdir(), 'mql-eval-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const NOW = ['--now', EXAMPLE_NOW];
const SUMMARY_5000 = [
  'Evaluated 5000 leads at 2026-11-01T00:00:00.000Z',
  '  reached (qualified, counted in every stage reached): MQL 882, SAL 496, SQO 197',
  '  furthest stage (each lead once): MQL 386, SAL 299, SQO 197, none 4118',
  'Ids: "id" (the default; mark the id field `key` in the schema, or give --id-key), present in every record.',
  '',
].join('\n');

interface JsonItem {
  line?: number;
  index?: number;
  id?: string;
  result: { stage: string | null; scores: Record<string, number>; grades: Record<string, string>; segments: Record<string, boolean>; stages: Record<string, { qualified: boolean }> };
}
const jsonLines = (text: string): JsonItem[] => text.trimEnd().split('\n').map((line) => JSON.parse(line) as JsonItem);

function stageCounts(items: JsonItem[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { result } of items) counts[result.stage ?? 'none'] = (counts[result.stage ?? 'none'] ?? 0) + 1;
  return counts;
}

describe('mql eval --data (JSONL and CSV)', () => {
  const jsonl = mql(['eval', FUNNEL, '--data', 'examples/data/leads.jsonl', ...NOW, '--format', 'jsonl']);
  const csv = mql(['eval', FUNNEL, '--data', 'examples/data/leads.csv', '--events', 'examples/data/events.csv', '--key', 'lead_id', ...NOW, '--format', 'jsonl']);

  it('streams 5,000 JSONL leads into 5,000 result lines, each with its line, id and explained result', () => {
    expect(jsonl.status).toBe(0);
    const items = jsonLines(jsonl.stdout);
    expect(items).toHaveLength(5000);
    items.forEach((item, i) => {
      expect(item.line).toBe(i + 1);
      expect(item.id).toBe(`L${String(i + 1).padStart(7, '0')}`);
    });
    for (const item of items.slice(0, 50)) expect(EvaluationResultSchema.parse(item.result)).toEqual(item.result);
    expect(Object.keys(items[0]!.result)).toEqual(['stage', 'scores', 'grades', 'segments', 'stages', 'contributions']);
    // The summary is on stderr (stdout holds results only) and agrees with the results.
    expect(jsonl.stderr).toBe(SUMMARY_5000);
    expect(stageCounts(items)).toEqual({ MQL: 386, SAL: 299, SQO: 197, none: 4118 });
  });

  it('gives the same results for the same leads as CSV with a joined events CSV', () => {
    expect(csv.status).toBe(0);
    expect(csv.stderr).toBe(SUMMARY_5000);
    const fromCsv = jsonLines(csv.stdout);
    const fromJsonl = jsonLines(jsonl.stdout);
    expect(fromCsv.map((item) => item.id)).toEqual(fromJsonl.map((item) => item.id));
    // CSV line numbers count the header: lead i is on line i + 1.
    expect(fromCsv.slice(0, 3).map((item) => item.line)).toEqual([2, 3, 4]);
    expect(fromCsv.map((item) => item.result)).toEqual(fromJsonl.map((item) => item.result));
  });

  it('lists invalid records with their line, id and field paths, and evaluates the rest', () => {
    const run = mql(['eval', FUNNEL, '--data', 'examples/data/invalid-leads.jsonl', ...NOW, '--format', 'jsonl']);
    expect(run.status).toBe(0);
    expect(jsonLines(run.stdout)).toHaveLength(45);
    expect(run.stderr).toBe(
      [
        'Evaluated 45 leads at 2026-11-01T00:00:00.000Z',
        '  reached (qualified, counted in every stage reached): MQL 5, SAL 5, SQO 0',
        '  furthest stage (each lead once): MQL 0, SAL 5, SQO 0, none 40',
        '2 rules and clauses never fired or held on the 45 leads evaluated:',
        '  score engagement, rule 7 "Unsubscribed" (funnel.mql:44): never fired',
        '  stage MQL, reject "Competitor" `email.domain in competitors` (funnel.mql:68): never held',
        '5 invalid records (not evaluated), by field and message:',
        '  Email: required field is missing — 2 records: line 1 (L0000001), line 37 (L0000037)',
        '  company.employees: expected a number — 1 record: line 9 (L0000009) "about 200"',
        '  events[].at: expected a date (ISO-8601 or epoch milliseconds) — 1 record: line 10 (L0000010) "not-a-date"',
        '  seniority: expected one of "ic", "manager", "director", "vp", "cxo" — 1 record: line 19 (L0000019) "svp"',
        '(--errors FILE writes every record error as JSON lines)',
        'Ids: "id" (the default; mark the id field `key` in the schema, or give --id-key), present in every record.',
        '',
      ].join('\n'),
    );
    expect(mql(['eval', FUNNEL, '--data', 'examples/data/invalid-leads.jsonl', ...NOW, '--format', 'jsonl', '--fail-on-invalid']).status).toBe(1);
  });

  it('reports a line that is not JSON, a non-object and a bad event row as invalid records, never a crash', () => {
    const sample = readFileSync(join(ROOT, 'examples/data/sample-leads.jsonl'), 'utf8').split('\n');
    const file = join(temp, 'broken.jsonl');
    writeFileSync(file, [sample[0], '{"id": "X", "Email": oops', '', '[1, 2]', sample[1], ''].join('\n'));
    const run = mql(['eval', FUNNEL, '--data', file, ...NOW, '--format', 'csv']);
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n').map((line) => line.split(',').slice(0, 3).join(','))).toEqual(['id,stage,fit', 'L0000001,none,20', 'L0000002,SAL,30', '']);
    expect(run.stderr).toMatch(
      /^Evaluated 2 leads at 2026-11-01T00:00:00.000Z\n.*\n  furthest stage \(each lead once\): MQL 0, SAL 1, SQO 0, none 1\n(?:.*\n)*2 invalid records \(not evaluated\), by field and message:\n  invalid JSON: .+ — 1 record: line 2\n  expected a lead record \(an object\) — 1 record: line 4 a list\n(?:.*\n)*$/,
    );

    const leads = join(temp, 'leads.csv');
    const events = join(temp, 'events.csv');
    writeFileSync(leads, readFileSync(join(ROOT, 'examples/data/leads.csv'), 'utf8').split('\n').slice(0, 4).join('\n'));
    writeFileSync(events, 'lead_id,type,at,attended,name,url\nL0000002,webinar,2026-10-01,perhaps,Q3,\nL0000003,webinar,2026-10-01,yes,Q3,\nL9,page_view,2026-10-01,,,/x\n');
    const joined = mql(['eval', FUNNEL, '--data', leads, '--events', events, '--key', 'lead_id', ...NOW, '--format', 'csv']);
    expect(joined.stdout.split('\n').map((line) => line.split(',').slice(0, 2).join(','))).toEqual(['id,stage', 'L0000001,none', 'L0000003,none', '']);
    expect(joined.stderr).toBe(
      [
        'Evaluated 2 leads at 2026-11-01T00:00:00.000Z',
        '  reached (qualified, counted in every stage reached): MQL 0, SAL 0, SQO 0',
        '  furthest stage (each lead once): MQL 0, SAL 0, SQO 0, none 2',
        // Two leads leave most rules unfired: ten are named.
        '20 rules and clauses never fired or held on the 2 leads evaluated:',
        '  score fit, rule 3 "Enterprise" (funnel.mql:25): never fired',
        '  score fit, rule 6 "Covered country" (funnel.mql:28): never fired',
        '  score fit, rule 7 "Free-mail address" (funnel.mql:29): never fired',
        '  score fit, rule 8 "Procurement title" (funnel.mql:30): never fired',
        '  score fit, rule 9 "Student or intern" (funnel.mql:31): never fired',
        '  score engagement, rule 1 "Pricing page views" (funnel.mql:38): never fired',
        '  score engagement, rule 2 "Content downloads" (funnel.mql:39): never fired',
        '  score engagement, rule 3 "Email clicks" (funnel.mql:40): never fired',
        '  score engagement, rule 5 "Pricing binge" (funnel.mql:42): never fired',
        '  score engagement, rule 6 "Demo request" (funnel.mql:43): never fired',
        '  and 10 more',
        '6 strings in the rules never matched (comparisons ignore letter case, not spaces):',
        '  "US" (country, funnel.mql:28) matches no value in the batch',
        '  "CA" (country, funnel.mql:28) matches no value in the batch',
        '  "GB" (country, funnel.mql:28) matches no value in the batch',
        '  "DE" (country, funnel.mql:28) matches no value in the batch',
        '  "FR" (country, funnel.mql:28) matches no value in the batch',
        '  "NL" (country, funnel.mql:28) matches no value in the batch',
        '1 invalid record (not evaluated), by field and message:',
        '  events[].attended: expected true/false/yes/no/1/0 — 1 record: line 3 (L0000002) "perhaps" (events.csv line 2)',
        'events.csv: 1 event for leads not in the data was ignored',
        '(--errors FILE writes every record error as JSON lines)',
        'Ids: "id" (the default; mark the id field `key` in the schema, or give --id-key), present in every record.',
        '',
      ].join('\n'),
    );
  });

  it('exits 1 when every record is invalid', () => {
    const file = join(temp, 'all-bad.jsonl');
    writeFileSync(file, '{"id": "A"}\nnot json\n');
    const run = mql(['eval', FUNNEL, '--data', file, ...NOW, '--format', 'jsonl']);
    expect(run).toEqual({
      status: 1,
      stdout: '',
      stderr: expect.stringContaining('  furthest stage (each lead once): MQL 0, SAL 0, SQO 0, none 0\n') as string,
    });
  });

  it('reads a JSON array, naming records by index', () => {
    const file = join(temp, 'leads.json');
    const records = readFileSync(join(ROOT, 'examples/data/sample-leads.jsonl'), 'utf8').trimEnd().split('\n').slice(0, 3).map((l) => JSON.parse(l) as object);
    writeFileSync(file, JSON.stringify([records[0], { id: 'broken', Email: 42 }, records[2]]));
    const run = mql(['eval', FUNNEL, '--data', file, ...NOW, '--format', 'json', '--lean']);
    expect(run.status).toBe(0);
    const items = JSON.parse(run.stdout) as JsonItem[];
    expect(items.map((item) => [item.index, item.id, item.result.stage])).toEqual([
      [0, 'L0000001', null],
      [2, 'L0000003', null],
    ]);
    expect(Object.keys(items[0]!.result)).toEqual(['stage', 'scores', 'grades', 'segments', 'stages']);
    expect(run.stderr).toContain(
      '  Email: expected a string — 1 record: [1] (broken) 42\n  consent: required field is missing — 1 record: [1] (broken)\n  company: required field is missing — 1 record: [1] (broken)\n',
    );
  });
});

describe('mql eval output formats', () => {
  it('prints a table, then the summary, on stdout', () => {
    const run = mql(['eval', FUNNEL, '--data', 'examples/data/sample-leads.jsonl', ...NOW, '--format', 'table']);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'lead      stage  fit  engagement  priority  profile  activity',
      'L0000001  none    20       24.45     21.78  C        cold',
      'L0000002  SAL     30       92.46     54.99  B        hot',
      'L0000003  none    45        24.5      36.8  A        cold',
    ]);
    expect(lines.slice(21)).toEqual([
      '',
      'Evaluated 20 leads at 2026-11-01T00:00:00.000Z',
      '  reached (qualified, counted in every stage reached): MQL 4, SAL 2, SQO 1',
      '  furthest stage (each lead once): MQL 2, SAL 1, SQO 1, none 16',
      '3 rules and clauses never fired or held on the 20 leads evaluated:',
      '  score fit, rule 9 "Student or intern" (funnel.mql:31): never fired',
      '  stage MQL, reject "Student or intern" `student` (funnel.mql:67): never held',
      '  stage MQL, reject "Competitor" `email.domain in competitors` (funnel.mql:68): never held',
      '2 strings in the rules never matched (comparisons ignore letter case, not spaces):',
      '  "CA" (country, funnel.mql:28) matches no value in the batch',
      '  "NL" (country, funnel.mql:28) matches no value in the batch',
      'Ids: "id" (the default; mark the id field `key` in the schema, or give --id-key), present in every record.',
      '',
    ]);
  });

  it('writes CSV with id, stage (`none` as in the table), every score, grade and segment, and each stage\'s qualified flag: the JSON results, flattened', () => {
    const run = mql(['eval', FUNNEL, '--data', 'examples/data/sample-leads.jsonl', ...NOW, '--format', 'csv']);
    const json = mql(['eval', FUNNEL, '--data', 'examples/data/sample-leads.jsonl', ...NOW, '--format', 'jsonl', '--lean']);
    const expected = jsonLines(json.stdout).map(({ id, result }) =>
      [
        id,
        result.stage ?? 'none',
        ...['fit', 'engagement', 'priority'].map((s) => String(result.scores[s])),
        result.grades.profile,
        result.grades.activity,
        ...['decision_maker', 'freemail_address', 'student'].map((s) => String(result.segments[s])),
        ...['MQL', 'SAL', 'SQO'].map((s) => String(result.stages[s]!.qualified)),
      ].join(','),
    );
    expect(run.stdout).toBe(
      ['id,stage,fit,engagement,priority,profile,activity,decision_maker,freemail_address,student,MQL qualified,SAL qualified,SQO qualified', ...expected, ''].join('\n'),
    );
    expect(expected).toHaveLength(20);
    expect(expected[16]).toMatch(/^L0000017,SQO,30,/);
  });

  it('gives the same output from a compiled .json artifact as from the .mql entry', () => {
    const artifact = join(temp, 'rules.json');
    expect(mql(['build', FUNNEL, '-o', artifact]).status).toBe(0);
    const fromMql = mql(['eval', FUNNEL, '--data', 'examples/data/sample-leads.jsonl', ...NOW, '--format', 'jsonl']);
    const fromJson = mql(['eval', artifact, '--data', 'examples/data/sample-leads.jsonl', ...NOW, '--format', 'jsonl']);
    expect(fromJson.status).toBe(0);
    expect(fromJson.stdout).toBe(fromMql.stdout);
    expect(fromJson.stdout.split('\n')).toHaveLength(21);
  });
});

describe('mql eval --explain', () => {
  it('shows each stage with ✓/✗ per requirement and the values, each score with its rules', () => {
    const run = mql(['eval', FUNNEL, '--data', 'examples/data/sample-leads.jsonl', ...NOW, '--only', 'L0000002', '--explain']);
    expect(run.status).toBe(0);
    const lines = sourceLines(join(ROOT, FUNNEL));
    const at = (line: number) => `examples/b2b-funnel/funnel.mql:${line}`;
    const clause = (label: string) => at(lines.clause(label));
    const rule = (label: string) => at(lines.rule(label));
    expect(run.stdout).toBe(
      [
        'Lead L0000002 (line 2)',
        '  Stage: SAL',
        '  Stages',
        '    ✓ MQL  Marketing qualified lead',
        `        ✓ require Fits our ideal customer profile: fit >= 30               fit = 30   ${clause('Fits our ideal customer profile')}`,
        `        ✓ require Engaged recently: engagement >= 40                       engagement = 92.46   ${clause('Engaged recently')}`,
        `        ✓ reject  Free-mail address: freemail_address (did not fire)       freemail_address = false   ${clause('Free-mail address')}`,
        `        ✓ reject  Student or intern: student (did not fire)                student = false   ${clause('Student or intern')}`,
        `        ✓ reject  Competitor: email.domain in competitors (did not fire)   email.domain = "tailspincloud.example"   ${clause('Competitor')}`,
        '    ✓ SAL  Sales accepted lead  (after MQL)',
        `        ✓ require Consented to contact: consent      consent = true   ${clause('Consented to contact')}`,
        `        ✓ require Reachable by phone: phone is set   phone = "+442079460821"   ${clause('Reachable by phone')}`,
        '    ✗ SQO  Sales qualified opportunity  (after SAL)',
        `        ✗ require Buy cycle in place: buy_cycle             buy_cycle = missing   ${clause('Buy cycle in place')}`,
        `        ✗ require Talking to an influencer: influencer      influencer = missing   ${clause('Talking to an influencer')}`,
        `        ✗ require Time frame known: timeframe_days is set   timeframe_days = missing   ${clause('Time frame known')}`,
        `        ✗ require Deal size known: deal_size is set         deal_size = missing   ${clause('Deal size known')}`,
        `        ✗ require Permission to follow up: follow_up_ok     follow_up_ok = missing   ${clause('Permission to follow up')}`,
        '  Scores',
        '    fit 30',
        `        +15  Target industry   ${rule('Target industry')}`,
        `         +5  Enterprise        ${rule('Enterprise')}`,
        `        +10  Covered country   ${rule('Covered country')}`,
        '    engagement 92.46',
        `          +15  Pricing page views (5 events, capped by max)   ${rule('Pricing page views')}`,
        `        +2.46  Email clicks (3 events)                        ${rule('Email clicks')}`,
        `          +15  Webinar attendee                               ${rule('Webinar attendee')}`,
        `          +20  Pricing binge                                  ${rule('Pricing binge')}`,
        `          +40  Demo request                                   ${rule('Demo request')}`,
        '    priority 54.99 = 0.6 * fit + 0.4 * engagement   fit = 30, engagement = 92.46',
        '  Grades',
        `    profile   B    fit >= 30   ${at(lines.band('profile', 'B'))}`,
        `    activity  hot  engagement >= 60   ${at(lines.band('activity', 'hot'))}`,
        '  Segments',
        '    ✗ decision_maker   ✗ freemail_address   ✗ student',
        '',
        'Evaluated 1 lead at 2026-11-01T00:00:00.000Z',
        '  reached (qualified, counted in every stage reached): MQL 1, SAL 1, SQO 0',
        '  furthest stage (each lead once): MQL 0, SAL 1, SQO 0, none 0',
        'Ids: "id" (the default; mark the id field `key` in the schema, or give --id-key), present in every record.',
        '',
      ].join('\n'),
    );
  });

  it('explains a single --lead file, and says when --only matches nothing', () => {
    const lines = sourceLines(join(ROOT, FUNNEL));
    const lead = join(temp, 'lead.json');
    writeFileSync(lead, readFileSync(join(ROOT, 'examples/data/sample-leads.jsonl'), 'utf8').split('\n')[2]!);
    const run = mql(['eval', FUNNEL, '--lead', lead, ...NOW, '--explain']);
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n').slice(0, 6)).toEqual([
      'Lead L0000003',
      '  Stage: none',
      '  Stages',
      '    ✗ MQL  Marketing qualified lead',
      `        ✓ require Fits our ideal customer profile: fit >= 30               fit = 45   ${FUNNEL}:${lines.clause('Fits our ideal customer profile')}`,
      `        ✗ require Engaged recently: engagement >= 40                       engagement = 24.5   ${FUNNEL}:${lines.clause('Engaged recently')}`,
    ]);
    const missing = mql(['eval', FUNNEL, '--data', 'examples/data/sample-leads.jsonl', ...NOW, '--only', 'L404', '--explain']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe('No lead with id "L404"\n');
  });
});

describe('mql eval usage errors (exit 2)', () => {
  const lead = join(temp, 'one.json');
  writeFileSync(lead, '{"Email": "a@b.c", "consent": true, "company": {}}');

  it('rejects an artifact of another version with a clear message', () => {
    const artifact = JSON.parse(mql(['build', FUNNEL]).stdout) as { version: number };
    const file = join(temp, 'v2.json');
    writeFileSync(file, JSON.stringify({ ...artifact, version: 2 }));
    expect(mql(['eval', file, '--lead', lead])).toEqual({
      status: 2,
      stdout: '',
      stderr: `mql: ${file}: unsupported artifact version 2 (this runtime reads version 1)\n`,
    });
    writeFileSync(file, '{"format": "mql-rules"');
    expect(mql(['eval', file, '--lead', lead]).stderr).toMatch(/^mql: .*v2\.json is not a rules artifact: invalid JSON \(.+\)\n$/);
  });

  it.each([
    [['--lead', 'nope.json'], 'mql: no such data file: nope.json\n'],
    [[], 'mql: give the leads with either --lead FILE or --data FILE\n'],
    [['--data', 'examples/data/sample-leads.jsonl', '--now', 'yesterday'], 'mql: --now: "yesterday" is not an ISO-8601 date or date-time (e.g. 2026-11-01 or 2026-11-01T09:30:00Z)\n'],
    [['--data', 'examples/data/leads.jsonl', '--events', 'examples/data/events.csv', '--key', 'lead_id'], 'mql: --events joins an events CSV to a leads CSV; JSON and JSONL records carry their events in `events`\n'],
    [['--data', 'examples/data/leads.csv', '--events', 'examples/data/events.csv'], 'mql: --events and --key go together: --events FILE --key COLUMN (the column with the lead id)\n'],
    [['--data', 'examples/data/leads.csv', '--events', 'examples/data/events.csv', '--key', 'lead'], 'mql: examples/data/events.csv has no "lead" column (--key names the column holding each event\'s lead id)\n'],
    [['--data', 'examples/README.md'], 'mql: examples/README.md: cannot tell the data format from the extension (use .json, .jsonl, .ndjson or .csv)\n'],
  ])('%j', (args, stderr) => {
    expect(mql(['eval', FUNNEL, ...args])).toEqual({ status: 2, stdout: '', stderr });
  });

  it('prints compile errors of a .mql entry and exits 1', () => {
    const broken = join(temp, 'broken.mql');
    writeFileSync(broken, 'import "missing.mql"\n');
    const run = mql(['eval', broken, '--lead', lead]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('error[MQL2005]');
    expect(run.stderr.trimEnd().split('\n').at(-1)).toBe('The rules have 1 error');
  });
});

// `mql backtest` end to end: the built command on small files shaped like CRM exports (JSON lines,
// and a CSV with Yes/No outcomes, human column names and an events table), its three formats, the
// JSON report against its JSON Schema, and bad input with its message and exit code.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLE_NOW, FUNNEL, ROOT, mql } from './run-cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'mql-backtest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};

const RULES = file(
  'rules.mql',
  `lead {
  email: email from "Email"
  seniority?: "ic" | "director" from "Seniority"
  consent: bool from "Consent"
  status?: string from "Lead Status"
}
event visit {}
score fit {
  "Director": +20 when seniority == "director"
  "Visits":   +5 per visit max 20
}
stage MQL { require "Fit": fit >= 20  reject "Competitor": email.domain == "rival.com" }
stage SAL after MQL { require "Consent": consent }
`,
);
const LEAKY = file('leaky.mql', readFileSync(RULES, 'utf8').replace('require "Consent": consent', 'require "Consent": consent\n  require "Won": status == "won"'));

// The six leads of packages/backtest/test/metrics.test.ts: fit 30, 20, 20, 5, 0, 20 (rejected).
const LEADS = [
  { id: 'L1', Email: 'a@acme.io', Seniority: 'director', Consent: true, visits: 2, converted: 'yes', amount: 1000 },
  { id: 'L2', Email: 'b@acme.io', Seniority: 'director', Consent: false, visits: 0, converted: 'Yes', amount: 500 },
  { id: 'L3', Email: 'c@acme.io', Seniority: 'ic', Consent: true, visits: 4, converted: 'No' },
  { id: 'L4', Email: 'd@acme.io', Seniority: 'ic', Consent: true, visits: 1, converted: 'YES' },
  { id: 'L5', Email: 'e@acme.io', Seniority: 'ic', Consent: true, visits: 0, converted: 'no' },
  { id: 'L6', Email: 'f@rival.com', Seniority: 'director', Consent: true, visits: 0, converted: 'No' },
];
const eventsOf = (l: (typeof LEADS)[number]) => Array.from({ length: l.visits }, (_, i) => ({ type: 'visit', at: `2025-12-1${i}` }));
const JSONL = file('leads.jsonl', LEADS.map(({ visits: _, ...l }, i) => JSON.stringify({ ...l, events: eventsOf(LEADS[i]!) })).join('\n') + '\n');
// Every schema field needs a column (mql eval checks the header first): `Lead Status` is empty.
const CSV = file('leads.csv', ['id,Email,Seniority,Consent,Lead Status,Converted,Deal Amount', ...LEADS.map((l) => [l.id, l.Email, l.Seniority, l.Consent ? 'Yes' : 'No', '', l.converted, l.amount ?? ''].join(','))].join('\n') + '\n');
const EVENTS = file('events.csv', ['lead_id,type,at', ...LEADS.flatMap((l) => eventsOf(l).map((e) => `${l.id},${e.type},${e.at}`))].join('\n') + '\n');
const NOW = ['--now', '2026-01-01'];

describe('mql backtest', () => {
  it('prints the report for a terminal from JSON lines', () => {
    const run = mql(['backtest', RULES, '--data', JSONL, '--outcome', 'converted', '--value', 'amount', ...NOW]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('6 leads, 3 converted (base rate 50.0%); value of 2 converted leads: 1,500 (mean 750)');
    expect(run.stdout).toContain(
      [
        '  stage  reached  converted  precision  recall   lift',
        '  MQL          3          2      66.7%   66.7%  1.33×',
        '  SAL          2          1      50.0%   33.3%  1.00×',
      ].join('\n'),
    );
    expect(run.stdout).toContain(
      [
        '  stage  leads  converted    rate   lift  value/lead  total value',
        '  MQL        1          1  100.0%  2.00×         500          500',
        '  SAL        2          1   50.0%  1.00×         500        1,000',
        '  none       3          1   33.3%  0.67×           0            0',
      ].join('\n'),
    );
    expect(run.stdout).toContain('Score fit  AUC 0.667');
    expect(run.stdout).toContain('fit >= 5 has the highest F1: 0.857 (now 0.667), with 4 leads at precision 75.0% and recall 100.0%.');
  });

  it('reads a CSV export with Yes/No outcomes, a value column and an events table: the same numbers', () => {
    const csv = mql(['backtest', RULES, '--data', CSV, '--events', EVENTS, '--key', 'lead_id', '--outcome', 'Converted', '--value', 'Deal Amount', '--format', 'json', ...NOW]);
    const jsonl = mql(['backtest', RULES, '--data', JSONL, '--outcome', 'converted', '--value', 'amount', '--format', 'json', ...NOW]);
    expect(csv.status).toBe(0);
    const [a, b] = [JSON.parse(csv.stdout), JSON.parse(jsonl.stdout)];
    for (const key of ['leads', 'conversions', 'baseRate', 'totalValue', 'stages', 'furthest', 'scores', 'grades', 'scoreRules', 'clauses', 'sweeps']) {
      expect(a[key], key).toEqual(b[key]);
    }
    expect([a.outcome, a.value, b.outcome, b.value]).toEqual(['Converted', 'Deal Amount', 'converted', 'amount']);
  });

  it('--format json matches report.schema.json', () => {
    const run = mql(['backtest', RULES, '--data', JSONL, '--outcome', 'converted', '--format', 'json', '--target-rate', '0.5', ...NOW]);
    const schema = JSON.parse(readFileSync(path.join(ROOT, 'packages/backtest/report.schema.json'), 'utf8'));
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
    const report = JSON.parse(run.stdout);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.sweeps[0].target).toEqual({ rate: 0.5, point: report.sweeps[0].current });
    expect(report.stages[0]).toEqual({ stage: 'MQL', reached: 3, conversions: 2, precision: 2 / 3, recall: 2 / 3, lift: 4 / 3 });
  });

  it('--format markdown prints tables for a pull-request comment', () => {
    const run = mql(['backtest', RULES, '--data', JSONL, '--outcome', 'converted', '--format', 'markdown', ...NOW]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^### Backtest: 6 leads, 3 converted \(base rate 50\.0%\)\n/);
    expect(run.stdout).toContain('| Stage | Reached | Converted | Precision | Recall | Lift |\n| --- | ---: | ---: | ---: | ---: | ---: |\n| **MQL** | 3 | 2 | 66.7% | 66.7% | 1.33× |');
  });

  it('leaves out and lists records without a usable outcome, and invalid records', () => {
    const mixed = file('mixed.jsonl', readFileSync(JSONL, 'utf8').replace('"converted":"No"', '"converted":"maybe"').replace('"converted":"no"', '"converted":""') + '{"id":"L7","Email":"g@acme.io","converted":"yes"}\n');
    const run = mql(['backtest', RULES, '--data', mixed, '--outcome', 'converted', ...NOW]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('4 leads, 3 converted');
    expect(run.stdout).toContain(
      [
        '2 records have no usable outcome in "converted" (true/false, 1/0, yes/no) and are left out:',
        '  line 3 (L3): "maybe"',
        '  line 5 (L5): missing',
        '1 invalid record left out:',
        '  line 7 (L7): Consent: required field is missing',
      ].join('\n'),
    );
    expect(run.stderr).toContain('3 records left out of the metrics');
    expect(mql(['backtest', RULES, '--data', mixed, '--outcome', 'converted', '--fail-on-invalid', ...NOW]).status).toBe(1);
  });

  it('lists a left-out record with its first three errors and how many more (an events file in another date format)', () => {
    const events = file('events-us-dates.csv', ['lead,type,at', ...['01/02', '01/03', '01/04', '01/05', '01/06'].map((d) => `L1,visit,${d}/2026`)].join('\n') + '\n');
    const leads = file('one-lead.csv', readFileSync(CSV, 'utf8').split('\n').slice(0, 2).join('\n') + '\n');
    const run = mql(['backtest', RULES, '--data', leads, '--events', events, '--key', 'lead', '--id-key', 'id', '--outcome', 'Converted', ...NOW]);
    const expected = 'expected a date (ISO-8601 or epoch milliseconds), got';
    expect(run.stdout).toContain(
      [
        '1 invalid record left out:',
        `  line 2 (L1): events[0].at: ${expected} "01/02/2026" (events-us-dates.csv line 2); events[1].at: ${expected} "01/03/2026" (events-us-dates.csv line 3); events[2].at: ${expected} "01/04/2026" (events-us-dates.csv line 4); and 2 more errors`,
      ].join('\n'),
    );
    const json = JSON.parse(mql(['backtest', RULES, '--data', leads, '--events', events, '--key', 'lead', '--id-key', 'id', '--outcome', 'Converted', '--format', 'json', ...NOW]).stdout) as { invalid: { listed: { errors: unknown[] }[] } };
    expect(json.invalid.listed[0]!.errors).toHaveLength(5);
  });

  it('a CSV without the outcome column is a usage error that names the near miss', () => {
    // Columns match like headers do (letter case and spaces ignored), so only a typo is missing.
    const run = mql(['backtest', RULES, '--data', CSV, '--outcome', 'convertd', ...NOW]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('mql: the leads CSV has no "convertd" column (did you mean "Converted"?); its columns: "id", "Email", "Seniority", "Consent", "Lead Status", "Converted", "Deal Amount"\n');
    expect(run.stdout).toBe('');
  });

  it('JSON records without the outcome key: exit 1, with the near miss', () => {
    const run = mql(['backtest', RULES, '--data', JSONL, '--outcome', 'Converted', ...NOW]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('No record has a value in "Converted" (did you mean "converted"?)');
  });

  it('an outcome column of other values: exit 1, showing one', () => {
    const run = mql(['backtest', RULES, '--data', JSONL, '--outcome', 'id', ...NOW]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('No record has a usable outcome in "id": expected true/false, 1/0 or yes/no, found e.g. "L1"');
  });

  it('rules that read the outcome column: a warning naming the clause, exit 1', () => {
    const data = file('status.jsonl', LEADS.map(({ visits: _, ...l }) => JSON.stringify({ ...l, 'Lead Status': /yes/i.test(l.converted) ? 'won' : 'lost' })).join('\n') + '\n');
    const run = mql(['backtest', LEAKY, '--data', data, '--outcome', 'Lead Status', ...NOW]);
    expect(run.status).toBe(1);
    // "won"/"lost" is not an outcome value: the leak is reported before that.
    expect(run.stdout).toContain(`warning: a rule reads status, which is read from the outcome column "Lead Status": the rules see the answer, so these metrics are meaningless\n  read by SAL require "Won"  ${LEAKY}:14`);
    expect(run.stderr).toContain('The rules read the outcome column "Lead Status" (status)');
  });

  it('rejects a bad --target-rate and a missing --outcome', () => {
    expect(mql(['backtest', RULES, '--data', JSONL, '--outcome', 'converted', '--target-rate', '20']).status).toBe(2);
    const run = mql(['backtest', RULES, '--data', JSONL]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('mql: give the outcome column with --outcome COLUMN (or set "backtest": { "outcome": ... } in mql.config.json)\n');
  });

  it('takes outcome, value and id key from mql.config.json, and `mql check` warns about rules reading the outcome', () => {
    const project = mkdtempSync(path.join(tmpdir(), 'mql-backtest-config-'));
    try {
      writeFileSync(path.join(project, 'mql.config.json'), JSON.stringify({ backtest: { outcome: 'Converted', value: 'Deal Amount', idKey: 'id' } }));
      writeFileSync(path.join(project, 'rules.mql'), readFileSync(RULES, 'utf8'));
      writeFileSync(path.join(project, 'leaky.mql'), readFileSync(LEAKY, 'utf8').replace('from "Lead Status"', 'from "Converted"'));
      const configured = mql(['backtest', 'rules.mql', '--data', CSV, '--events', EVENTS, '--key', 'lead_id', '--format', 'json', ...NOW], { cwd: project });
      const explicit = mql(['backtest', RULES, '--data', CSV, '--events', EVENTS, '--key', 'lead_id', '--outcome', 'Converted', '--value', 'Deal Amount', '--format', 'json', ...NOW]);
      expect(configured.status).toBe(0);
      const [a, b] = [JSON.parse(configured.stdout), JSON.parse(explicit.stdout)];
      expect([a.outcome, a.value, a.leads, a.totalValue]).toEqual([b.outcome, b.value, b.leads, b.totalValue]);
      const check = mql(['check', 'leaky.mql'], { cwd: project });
      expect(check.stdout).toContain('MQL3008');
      expect(check.stdout).toContain('`status` is read from "Converted", the outcome column of `mql backtest`');
      expect(mql(['check', 'rules.mql'], { cwd: project }).stdout).not.toContain('MQL3008');
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});

describe('mql backtest on the example data', () => {
  it('shows that the funnel picks buyers: each stage converts better than the last, scores rank buyers', () => {
    const run = mql(['backtest', FUNNEL, '--data', 'examples/data/leads.jsonl', '--outcome', 'converted', '--value', 'amount', '--now', EXAMPLE_NOW, '--format', 'json']);
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout);
    expect([report.records, report.leads, report.excluded.count, report.invalid.count]).toEqual([5000, 5000, 0, 0]);
    // The generator's outcome depends on fit, engagement and noise (examples/generate-data.mjs).
    const [mql_, sal, sqo] = report.stages;
    expect(report.baseRate).toBeGreaterThan(0.15);
    expect(report.baseRate).toBeLessThan(0.35);
    expect(mql_.lift).toBeGreaterThan(2);
    expect(sqo.precision).toBeGreaterThan(sal.precision * 0.95);
    for (const score of report.scores) expect(score.auc, score.score).toBeGreaterThan(0.65);
    expect(report.warnings).toEqual([]);
    // The CSV export gives the same report.
    const csv = mql(['backtest', FUNNEL, '--data', 'examples/data/leads.csv', '--events', 'examples/data/events.csv', '--key', 'lead_id', '--outcome', 'converted', '--value', 'amount', '--now', EXAMPLE_NOW, '--format', 'json']);
    const fromCsv = JSON.parse(csv.stdout);
    for (const key of ['leads', 'conversions', 'stages', 'furthest', 'scores', 'scoreRules', 'clauses', 'sweeps']) expect(fromCsv[key], key).toEqual(report[key]);
  });
});

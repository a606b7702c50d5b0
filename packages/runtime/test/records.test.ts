// LANGUAGE.md §10: record validation with every error of a record, and batches that go on.

import { describe, expect, it } from 'vitest';
import { load, type BatchItem } from '../src/index.js';
import { artifact, E, field, optional, q, score, T, when } from './artifact-builder.js';
import { EVENTS, LEAD, NOW } from './helpers.js';

const engine = load(
  artifact({
    lead: [...LEAD, field('consent_given', T.bool, { from: 'Consent Given' }), optional('interests', T.list(T.enum('ai', 'data')))],
    events: EVENTS,
    scores: [score('eng', [when(10, E.any(q('page_view')), { label: 'Visited' })])],
  }),
);
const valid = { Email: 'dana@acme.io', 'Consent Given': true };

describe('validate', () => {
  it('accepts from-name keys, nested objects, ISO and epoch dates, null optionals; ignores unknown keys and event types', () => {
    const record = {
      ...valid,
      'Job Title': 'CTO',
      seniority: 'CXO',
      created: '2026-10-01',
      tags: ['a', 'b'],
      company: { industry: 'Finance', employees: 12, revenue: 'ignored' },
      consent: null,
      interests: ['AI'],
      'Unknown Column': { anything: true },
      events: [
        { type: 'page_view', at: NOW - 1000, url: '/x', extra: 1 },
        { type: 'purchase', at: '2026-10-31T12:00:00+02:00', Product: 'Pro' },
        { type: 'newsletter_open', at: 'not checked: unknown type' },
      ],
    };
    expect(engine.validate(record)).toEqual({ ok: true });
  });

  it('reports every error of the record, with paths spelled as the input spells them', () => {
    const record = {
      Email: 42,
      'Job Title': ['x'],
      seniority: 'intern',
      employees: '12',
      consent: 'yes',
      created: '2026-02-30',
      tags: ['ok', 3],
      company: { industry: 'mining', employees: true },
      interests: ['ml'],
      events: [
        { type: 'page_view', at: NOW },
        'not an event',
        { type: 'page_view', at: 'yesterday', url: 7 },
        { at: NOW },
        { type: 'webinar', at: NOW, attended: 'yes' },
      ],
    };
    expect(engine.validate(record)).toEqual({
      ok: false,
      errors: [
        { path: 'Email', message: 'expected a string, got 42' },
        { path: 'Job Title', message: 'expected a string, got a list' },
        { path: 'seniority', message: 'expected one of "ic", "manager", "director", "vp", "cxo", got "intern"' },
        { path: 'employees', message: 'expected a number, got "12"' },
        { path: 'consent', message: 'expected true or false, got "yes"' },
        { path: 'created', message: 'expected a date (ISO-8601 or epoch milliseconds), got "2026-02-30"' },
        { path: 'tags[1]', message: 'expected a string, got 3' },
        { path: 'company.industry', message: 'expected one of "software", "finance", got "mining"' },
        { path: 'company.employees', message: 'expected a number, got true' },
        { path: 'Consent Given', message: 'required field is missing' },
        { path: 'interests[0]', message: 'expected one of "ai", "data", got "ml"' },
        { path: 'events[0].url', message: 'required field is missing' },
        { path: 'events[1]', message: 'expected an event (an object), got "not an event"' },
        { path: 'events[2].at', message: 'expected a date (ISO-8601 or epoch milliseconds), got "yesterday"' },
        { path: 'events[2].url', message: 'expected a string, got 7' },
        { path: 'events[3].type', message: 'required field is missing' },
        { path: 'events[4].attended', message: 'expected true or false, got "yes"' },
      ],
    });
  });

  it('rejects a record that is not an object, a nested field that is not an object, events that are not a list', () => {
    expect(engine.validate([valid])).toEqual({ ok: false, errors: [{ path: '', message: 'expected a lead record (an object), got a list' }] });
    expect(engine.validate(null)).toEqual({ ok: false, errors: [{ path: '', message: 'expected a lead record (an object), got null' }] });
    expect(engine.validate({ ...valid, company: 'Acme', events: {} })).toEqual({
      ok: false,
      errors: [
        { path: 'company', message: 'expected an object, got "Acme"' },
        { path: 'events', message: 'expected a list of events, got an object' },
      ],
    });
  });

  it('a missing or null required field and a missing event time are errors', () => {
    expect(engine.validate({ Email: null, events: [{ type: 'page_view', url: '/' }] })).toEqual({
      ok: false,
      errors: [
        { path: 'Email', message: 'required field is missing' },
        { path: 'Consent Given', message: 'required field is missing' },
        { path: 'events[0].at', message: 'required field is missing' },
      ],
    });
  });

  it('reads an own key only, never the prototype', () => {
    const strict = load(artifact({ lead: [field('constructor', T.string)] }));
    expect(strict.validate({})).toEqual({ ok: false, errors: [{ path: 'constructor', message: 'required field is missing' }] });
  });

  it('evaluate returns the same errors and never a result for an invalid record', () => {
    expect(engine.evaluate({ Email: 'x' }, { now: NOW })).toEqual({
      ok: false,
      errors: [{ path: 'Consent Given', message: 'required field is missing' }],
    });
  });
});

describe('evaluateMany', () => {
  const records = [
    { ...valid, events: [{ type: 'page_view', at: NOW - 1, url: '/' }] },
    { Email: 'broken' },
    'not a record',
    { ...valid },
  ];
  const expected: BatchItem[] = [
    { index: 0, evaluation: { ok: true, result: { stage: null, scores: { eng: 10 }, grades: {}, segments: {}, stages: {} } } },
    { index: 1, evaluation: { ok: false, errors: [{ path: 'Consent Given', message: 'required field is missing' }] } },
    { index: 2, evaluation: { ok: false, errors: [{ path: '', message: 'expected a lead record (an object), got "not a record"' }] } },
    { index: 3, evaluation: { ok: true, result: { stage: null, scores: { eng: 0 }, grades: {}, segments: {}, stages: {} } } },
  ];

  it('evaluates every record in order; invalid ones in the middle do not stop the batch', async () => {
    const out: BatchItem[] = [];
    for await (const item of engine.evaluateMany(records, { now: NOW, explain: false })) out.push(item);
    expect(out).toEqual(expected);
  });

  it('streams from an async source without reading ahead', async () => {
    const pulled: number[] = [];
    async function* source() {
      for (let i = 0; i < records.length; i++) {
        pulled.push(i);
        yield records[i];
      }
    }
    const out: BatchItem[] = [];
    for await (const item of engine.evaluateMany(source(), { now: NOW, explain: false })) {
      expect(pulled).toEqual(Array.from({ length: item.index + 1 }, (_, i) => i));
      out.push(item);
    }
    expect(out).toEqual(expected);
  });

  it('uses one `now` for the whole batch when none is given', async () => {
    const out: BatchItem[] = [];
    const recent = { ...valid, events: [{ type: 'page_view', at: Date.now() - 5, url: '/' }] };
    for await (const item of engine.evaluateMany([recent, recent], { explain: false })) out.push(item);
    expect(out.map((i) => i.evaluation.ok && i.evaluation.result.scores.eng)).toEqual([10, 10]);
  });
});

describe('evaluation time', () => {
  it('accepts a Date, epoch ms or an ISO string, and rejects an invalid one', () => {
    const record = { ...valid, events: [{ type: 'page_view', at: '2026-10-31T00:00:00Z', url: '/' }] };
    const eng = (now: Date | number | string) => {
      const e = engine.evaluate(record, { now, explain: false });
      return e.ok ? e.result.scores.eng : undefined;
    };
    expect([eng(new Date(NOW)), eng(NOW), eng('2026-11-01'), eng('2026-10-30')]).toEqual([10, 10, 10, 0]);
    expect(() => engine.evaluate(record, { now: 'tomorrow' })).toThrow('invalid evaluation time "now": tomorrow');
  });
});

describe('placeholders (`missing when`): values that mean "not given"', () => {
  const placeholders = { placeholders: ['Select', 'N/A'] };
  const engine = load(
    artifact({
      lead: [
        field('email', T.email, { from: 'Email' }),
        { ...optional('industry', T.string, { from: 'Industry' }), ...placeholders },
        { ...optional('employees', T.number), ...placeholders },
        { ...field('occupation', T.string, { from: 'Occupation' }), placeholders: ['Select'] },
      ],
      segments: {
        no_industry: E.isMissing(E.field('industry')),
        no_size: E.isMissing(E.field('employees')),
        industry_not_finance: E.cmp('!=', E.field('industry'), E.str('finance'), 'string'),
      },
    }),
  );
  const segments = (record: Record<string, unknown>) => {
    const evaluation = engine.evaluate(record, { now: NOW });
    if (!evaluation.ok) throw new Error(JSON.stringify(evaluation.errors));
    return evaluation.result.segments;
  };

  it('reads a placeholder in a JSON record as missing, in any letter case and with spaces around it, even in a number field', () => {
    for (const [industry, employees] of [['Select', 'N/A'], ['  select ', 'n/a']]) {
      // `!=` with a missing operand is false (LANGUAGE.md §5), as for an absent field.
      expect(segments({ Email: 'a@b.c', Industry: industry, employees, Occupation: 'Student' })).toEqual({ no_industry: true, no_size: true, industry_not_finance: false });
    }
    expect(segments({ Email: 'a@b.c', Industry: 'Retail', employees: 12, Occupation: 'Student' })).toEqual({ no_industry: false, no_size: false, industry_not_finance: true });
  });

  it('makes a required field given as a placeholder an invalid record naming the field and the value, with every other error', () => {
    expect(engine.evaluate({ Email: 'a@b.c', Occupation: 'SELECT', employees: 'many' }, { now: NOW })).toEqual({
      ok: false,
      errors: [
        { path: 'employees', message: 'expected a number, got "many"' },
        { path: 'Occupation', message: 'required field is missing ("SELECT" means not given)' },
      ],
    });
  });

  it('reads a placeholder cell of a CSV row the same way as the JSON value', () => {
    const table = engine.leadTable(['Email', 'Industry', 'employees', 'Occupation']);
    const row = table.read(['a@b.c', 'Select', 'N/A', 'Student']);
    expect(row.ok && segments(row.record as Record<string, unknown>)).toEqual({ no_industry: true, no_size: true, industry_not_finance: false });
    const required = table.read(['a@b.c', 'Retail', '5', 'Select']);
    expect(required.ok && engine.evaluate(required.record, { now: NOW })).toEqual({
      ok: false,
      errors: [{ path: 'Occupation', message: 'required field is missing ("Select" means not given)' }],
    });
  });
});

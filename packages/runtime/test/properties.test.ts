// Evaluator laws, checked with fast-check on the example funnel and on generated per rules.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { load, type EvaluationResult } from '../src/index.js';
import { artifact, per, q, score } from './artifact-builder.js';
import { b2bFunnel } from './fixtures/b2b-funnel.js';
import { DAY, EVENTS, LEAD, NOW } from './helpers.js';

const funnel = load(b2bFunnel);

const mixedCase = (values: string[]) =>
  fc.tuple(fc.constantFrom(...values), fc.boolean()).map(([v, upper]) => (upper ? v.toUpperCase() : v));

const eventArb = fc.record({
  type: fc.constantFrom('page_view', 'download', 'webinar', 'email_click', 'demo_request', 'unsubscribe'),
  ageDays: fc.double({ min: -5, max: 250, noNaN: true }),
  url: mixedCase(['/pricing', '/blog', '/pricing/enterprise']),
  attended: fc.boolean(),
});

const leadArb = fc.record(
  {
    Email: fc.tuple(fc.constantFrom('dana', 'sam'), mixedCase(['acme.io', 'gmail.com', 'rivalsoft.com'])).map(([l, d]) => `${l}@${d}`),
    'Job Title': mixedCase(['VP Sales', 'Procurement lead', 'Student', 'CTO']),
    seniority: mixedCase(['ic', 'manager', 'director', 'vp', 'cxo']),
    country: mixedCase(['us', 'de', 'br']),
    consent: fc.boolean(),
    phone: fc.constant('+1 555'),
    company: fc.record(
      { industry: mixedCase(['software', 'finance', 'retail']), employees: fc.integer({ min: 1, max: 20_000 }) },
      { requiredKeys: [] },
    ),
    buy_cycle: fc.boolean(),
    influencer: fc.boolean(),
    timeframe_days: fc.integer({ min: 1, max: 365 }),
    deal_size: fc.integer({ min: 0, max: 100_000 }),
    follow_up_ok: fc.boolean(),
  },
  { requiredKeys: ['Email', 'consent', 'company'] },
);

type Sample<A> = A extends fc.Arbitrary<infer T> ? T : never;

const toEvent = (e: Sample<typeof eventArb>) => {
  const at = NOW - e.ageDays * DAY;
  switch (e.type) {
    case 'page_view':
      return { type: e.type, at, url: e.url };
    case 'download':
      return { type: e.type, at, asset: 'guide' };
    case 'webinar':
      return { type: e.type, at, name: 'launch', attended: e.attended };
    case 'email_click':
      return { type: e.type, at, campaign: 'fall' };
    default:
      return { type: e.type, at };
  }
};

function result(record: Record<string, unknown>, explain = true): EvaluationResult {
  const evaluation = funnel.evaluate(record, { now: NOW, explain });
  if (!evaluation.ok) throw new Error(JSON.stringify(evaluation.errors));
  return evaluation.result;
}

/** The widest window over each event type in the funnel (every query on these types has one). */
const WIDEST_WINDOW_DAYS: Record<string, number> = { page_view: 30, download: 90, email_click: 60, webinar: 180, demo_request: 30 };

describe('evaluator laws', () => {
  it('an event outside every window (older than the widest, or in the future) changes nothing', () => {
    fc.assert(
      fc.property(
        leadArb,
        fc.array(eventArb, { maxLength: 12 }),
        eventArb,
        fc.double({ min: 1, max: 1e6, noNaN: true }),
        fc.boolean(),
        (lead, events, extra, msOutside, future) => {
          const widest = WIDEST_WINDOW_DAYS[extra.type];
          const outsideAt = future || widest === undefined ? NOW + msOutside : NOW - widest * DAY - msOutside;
          const base = { ...lead, events: events.map(toEvent) };
          const added = { ...base, events: [...base.events, { ...toEvent(extra), at: outsideAt }] };
          expect(result(added)).toEqual(result(base));
        },
      ),
    );
  });

  it('evaluation is deterministic, and the lean result is the explained one without explanations', () => {
    fc.assert(
      fc.property(leadArb, fc.array(eventArb, { maxLength: 12 }), (lead, events) => {
        const record = { ...lead, events: events.map(toEvent) };
        const explained = result(record);
        expect(result(record)).toEqual(explained);
        expect(load(b2bFunnel).evaluate(record, { now: NOW })).toEqual({ ok: true, result: explained });
        const { contributions: _, stages, ...rest } = explained;
        const leanStages = Object.fromEntries(Object.entries(stages).map(([k, s]) => [k, { qualified: s.qualified }]));
        expect(result(record, false)).toEqual({ ...rest, stages: leanStages });
      }),
    );
  });
});

describe('per-rule laws', () => {
  const ruleArb = fc.record({
    points: fc.double({ min: -50, max: 50, noNaN: true }),
    max: fc.option(fc.double({ min: 0, max: 100, noNaN: true }), { nil: undefined }),
    ages: fc.array(fc.double({ min: 0, max: 400, noNaN: true }), { maxLength: 30 }),
  });

  const scoreOf = (rule: Sample<typeof ruleArb>, halfLife?: string) => {
    const engine = load(
      artifact({
        lead: LEAD,
        events: EVENTS,
        scores: [score('s', [per(rule.points, q('page_view'), { label: 'r', ...(rule.max === undefined ? {} : { max: rule.max }) })], halfLife ? { halfLife } : {})],
      }),
    );
    const events = rule.ages.map((age) => ({ type: 'page_view', at: NOW - age * DAY, url: '/' }));
    const evaluation = engine.evaluate({ Email: 'a@b.c', events }, { now: NOW });
    if (!evaluation.ok) throw new Error('invalid');
    return evaluation.result.scores.s!;
  };

  it('a rule never exceeds its cap, with or without decay', () => {
    fc.assert(
      fc.property(ruleArb, fc.constantFrom(undefined, '1d', '30d'), (rule, halfLife) => {
        const s = scoreOf(rule, halfLife);
        if (rule.max !== undefined) expect(Math.abs(s)).toBeLessThanOrEqual(rule.max);
      }),
    );
  });

  it('decayed points never exceed undecayed points in absolute value', () => {
    fc.assert(
      fc.property(ruleArb, fc.constantFrom('1h', '7d', '30d', '365d'), (rule, halfLife) => {
        expect(Math.abs(scoreOf(rule, halfLife))).toBeLessThanOrEqual(Math.abs(scoreOf(rule)) + 1e-9);
      }),
    );
  });
});

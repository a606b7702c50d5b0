// How records are held during evaluation (records.ts, queries.ts): events as per-type lists of
// times searched by binary search when in time order, reader buffers reused from one record to the
// next, and only the values that expressions read kept. None of it may show in a result.

import fc from 'fast-check';
import type { TestCase } from '@mql/artifact';
import { describe, expect, it } from 'vitest';
import { load } from '../src/index.js';
import { artifact, E, field, formula, loc, optional, per, q, score, T } from './artifact-builder.js';
import { DAY, EVENTS, LEAD, NOW } from './helpers.js';

const PRICING = E.contains(E.attr('url'), E.str('/pricing'));

/** Every kind of event query, over windows that cut through the generated events. */
const QUERIES = artifact({
  lead: LEAD,
  events: EVENTS,
  scores: [
    score('per_rules', [
      per(1, q('page_view', { within: '30d' })),
      per(10, q('page_view', { within: '14d', where: PRICING })),
      per(100, q('purchase', { within: '60d' }), { max: 500 }),
    ]),
    formula('counted', E.count(q('page_view'))),
    formula('pricing_7d', E.count(q('page_view', { within: '7d', where: PRICING }))),
    formula('spent_90d', E.sum(q('purchase', { within: '90d' }), 'amount')),
    formula('days_since_purchase', E.daysSince(q('purchase', { within: '45d' }))),
    formula('days_since_view', E.daysSince(q('page_view'))),
  ],
  segments: {
    attended_recently: E.any(q('webinar', { within: '20d', where: E.attr('attended') })),
    no_view_today: E.none(q('page_view', { within: '1d' })),
    product_known: E.any(q('purchase', { where: E.isSet(E.attr('product')) })),
  },
});

const eventArb = fc.record({
  type: fc.constantFrom('page_view', 'page_view', 'purchase', 'webinar', 'unknown_type'),
  // Whole minutes, some in the future, some at the same instant as another event.
  minutesAgo: fc.integer({ min: -3 * 24 * 60, max: 120 * 24 * 60 }).map((m) => m - (m % 7)),
  url: fc.constantFrom('/pricing', '/Pricing/enterprise', '/blog'),
  amount: fc.option(fc.integer({ min: 0, max: 5000 }), { nil: undefined }),
  product: fc.option(fc.constantFrom('Pro', 'team'), { nil: undefined }),
  attended: fc.boolean(),
});

type GeneratedEvent = typeof eventArb extends fc.Arbitrary<infer T> ? T : never;

function toEvent(e: GeneratedEvent): Record<string, unknown> {
  const at = NOW - e.minutesAgo * 60_000;
  if (e.type === 'page_view') return { type: e.type, at, url: e.url };
  if (e.type === 'purchase') return { type: e.type, at, ...(e.amount === undefined ? {} : { amount: e.amount }), ...(e.product === undefined ? {} : { Product: e.product }) };
  if (e.type === 'webinar') return { type: e.type, at: new Date(at).toISOString(), attended: e.attended };
  return { type: e.type, at };
}

describe('event lists', () => {
  it('give the same result whether events come in time order (binary search) or in any order (scan)', () => {
    const engine = load(QUERIES);
    fc.assert(
      fc.property(fc.array(eventArb, { minLength: 0, maxLength: 60 }), fc.boolean(), (generated, explain) => {
        const shuffled = generated.map(toEvent);
        const ordered = [...shuffled].sort((a, b) => time(a) - time(b));
        const options = { now: NOW, explain };
        const inOrder = engine.evaluate({ Email: 'dana@acme.io', events: ordered }, options);
        expect(inOrder.ok).toBe(true);
        expect(engine.evaluate({ Email: 'dana@acme.io', events: shuffled }, options)).toEqual(inOrder);
        // A fresh engine (fresh buffers) agrees with the one that has read every earlier record.
        expect(load(QUERIES).evaluate({ Email: 'dana@acme.io', events: ordered }, options)).toEqual(inOrder);
      }),
    );
  });

  it('count the events at both ends of a window in a long, time-ordered list', () => {
    const engine = load(QUERIES);
    // 40 page views, one every 12 hours back from now: the 30-day window holds the 40 (0 to 19.5
    // days ago), the 14-day one those from 0 to 14 days ago, both ends included.
    const views = Array.from({ length: 40 }, (_, i) => ({ type: 'page_view', at: NOW - (39 - i) * 0.5 * DAY, url: '/pricing' }));
    const withFuture = [...views, { type: 'page_view', at: NOW + 1, url: '/pricing' }];
    const evaluation = engine.evaluate({ Email: 'dana@acme.io', events: withFuture }, { now: NOW, explain: false });
    expect(evaluation.ok && evaluation.result.scores).toEqual({
      per_rules: 40 + 10 * 29,
      counted: 40,
      pricing_7d: 15,
      spent_90d: 0,
      days_since_purchase: 0,
      days_since_view: 0,
    });
  });
});

describe('reused reader buffers', () => {
  it('leave nothing of one record in the next', () => {
    const engine = load(QUERIES);
    const full = {
      Email: 'dana@acme.io',
      'Job Title': 'VP Sales',
      events: [{ type: 'purchase', at: NOW - DAY, amount: 300, Product: 'Pro' }, { type: 'webinar', at: NOW - DAY, attended: true }],
    };
    const bare = { Email: 'sam@acme.io', events: [{ type: 'purchase', at: NOW - DAY }] };
    const fresh = load(QUERIES).evaluate(bare, { now: NOW });
    engine.evaluate(full, { now: NOW });
    expect(engine.evaluate(bare, { now: NOW })).toEqual(fresh);
    expect(fresh.ok && fresh.result.segments).toEqual({ attended_recently: false, no_view_today: true, product_known: false });
    expect(fresh.ok && fresh.result.scores.spent_90d).toBe(0);
  });

  it('an invalid record in between changes nothing for the next', () => {
    const engine = load(QUERIES);
    const lead = { Email: 'dana@acme.io', events: [{ type: 'purchase', at: NOW - DAY, amount: 300 }] };
    const before = engine.evaluate(lead, { now: NOW });
    const invalid = engine.evaluate({ Email: 'x@y.z', events: [{ type: 'purchase', at: 'soon', amount: 'a lot' }] }, { now: NOW });
    expect(invalid).toEqual({
      ok: false,
      errors: [
        { path: 'events[0].at', message: 'expected a date (ISO-8601 or epoch milliseconds), got "soon"' },
        { path: 'events[0].amount', message: 'expected a number, got "a lot"' },
      ],
    });
    expect(engine.evaluate(lead, { now: NOW })).toEqual(before);
  });
});

describe('values kept for expressions', () => {
  it('a field that only a test condition reads is still read in that test', () => {
    // No rule reads `employees` or `title`: the reader only checks them until a test reads them.
    const test: TestCase = {
      description: 'employees and title are seen',
      now: NOW,
      record: { Email: 'dana@acme.io', employees: 800, 'Job Title': 'CTO' },
      expectations: [
        { kind: 'condition', expr: E.cmp('==', E.field('employees'), E.num(800)), text: 'employees == 800', loc: loc(2) },
        { kind: 'condition', expr: E.cmp('==', E.field('title'), E.str('cto'), 'string'), text: 'title == "cto"', loc: loc(3) },
      ],
      loc: loc(1),
    };
    const engine = load({ ...QUERIES, tests: [test] });
    expect(engine.evaluate({ Email: 'dana@acme.io', employees: 'many' }, { now: NOW }).ok).toBe(false); // still checked
    const [outcome] = engine.runTests();
    expect(outcome).toMatchObject({ passed: true, valid: true });
    expect(outcome!.valid && outcome!.expectations.map((e) => e.actual)).toEqual([{ employees: 800 }, { title: 'CTO' }]);
  });
});

describe('event text, lower-cased when a query first reads it', () => {
  // The reader keeps event attributes as given; a `where` lower-cases what it reads and stores that
  // form back. Two queries over the same events, text and list attributes, and a second record
  // through the same buffers must all compare ignoring case.
  const TAGGED = artifact({
    lead: LEAD,
    events: { ...EVENTS, download: [field('asset', T.string), optional('tags', T.list(T.string))] },
    scores: [
      formula('pricing_30d', E.count(q('page_view', { within: '30d', where: PRICING }))),
      formula('pricing_7d', E.count(q('page_view', { within: '7d', where: PRICING }))),
      formula('enterprise_30d', E.count(q('page_view', { within: '30d', where: E.contains(E.attr('url'), E.str('/ENTERPRISE')) }))),
      formula('tagged_pricing', E.count(q('download', { where: E.contains(E.attr('tags'), E.str('Pricing'), 'list') }))),
      formula('whitepaper', E.count(q('download', { where: E.cmp('==', E.attr('asset'), E.str('whitepaper.pdf'), 'string') }))),
    ],
  });
  const record = {
    Email: 'dana@acme.io',
    events: [
      { type: 'page_view', at: NOW - 20 * DAY, url: '/PRICING/Enterprise' },
      { type: 'page_view', at: NOW - 2 * DAY, url: '/Pricing' },
      { type: 'page_view', at: NOW - 1 * DAY, url: '/blog' },
      { type: 'download', at: NOW - 3 * DAY, asset: 'WhitePaper.PDF', tags: ['PRICING', 'Security'] },
      { type: 'download', at: NOW - 4 * DAY, asset: 'deck.pdf', tags: ['security'] },
    ],
  };
  const expected = { pricing_30d: 2, pricing_7d: 1, enterprise_30d: 1, tagged_pricing: 1, whitepaper: 1 };

  it('give the same counts lean and explained, and again for the next record', () => {
    const engine = load(TAGGED);
    for (const explain of [false, true, false]) {
      const evaluation = engine.evaluate(record, { now: NOW, explain });
      expect(evaluation.ok && evaluation.result.scores).toEqual(expected);
    }
    // The input record is not changed by the lower-casing.
    expect(record.events[0]).toEqual({ type: 'page_view', at: NOW - 20 * DAY, url: '/PRICING/Enterprise' });
    expect(record.events[3]!.tags).toEqual(['PRICING', 'Security']);
  });
});

function time(event: Record<string, unknown>): number {
  return typeof event.at === 'number' ? event.at : Date.parse(event.at as string);
}

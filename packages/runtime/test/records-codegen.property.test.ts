// The event and lead-field readers generated for a schema (records-codegen.ts) against the generic
// loops they replace (`load(artifact, { codegen: false })`): on random records and event lists,
// valid and broken alike, both give the same record check (every error, in order) and the same
// lean and explained results. The schema's names
// and input keys are hostile on purpose (quotes, backslashes, line separators, `${…}`, `*/`, keys
// that Object.prototype has), since they are spliced into generated source.

import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { load } from '../src/index.js';
import { Codegen } from '../src/codegen.js';
import { generateEventReader, type EventHelpers } from '../src/records-codegen.js';
import { artifact, E, field, optional, per, q, score, T, when } from './artifact-builder.js';
import { NOW } from './helpers.js';

const SNEAKY = 'x"); globalThis.__pwned = 1; ("';
const VISIT = `visit ${SNEAKY}`;
const BREAKING = ['q"uote', 'back\\slash', 'line\nbreak', 'sep\u2028arator', '${globalThis.__pwned = 2}', '*/ globalThis.__pwned = 3 /*', "'single'"];

// The lead's own fields: every kind the generated reader handles itself or hands back (an enum
// with and without placeholders, a date, a list, an object with a required child, an
// Object.prototype key), under hostile input keys.
const LEAD_KEYS = BREAKING.map((key) => `lead ${key}`);
const leadFields = [
  field('email', T.email),
  optional('title', T.string, { from: LEAD_KEYS[0] }),
  optional('size', T.number, { from: LEAD_KEYS[1] }),
  field('consent', T.bool, { from: LEAD_KEYS[2] }),
  optional('tier', T.enum('Gold', 'silver'), { from: LEAD_KEYS[3] }),
  optional('since', T.date, { from: LEAD_KEYS[4] }),
  optional('tags', T.list(T.string), { from: LEAD_KEYS[5] }),
  optional('org', T.object(field('name', T.string, { from: BREAKING[0] }), optional('seats', T.number)), { from: LEAD_KEYS[6] }),
  optional('ctor', T.string, { from: 'constructor' }),
  { ...optional('stage', T.enum('open', 'won')), placeholders: ['Select'] },
];

const rules = artifact({
  lead: leadFields,
  events: {
    [VISIT]: [
      field('url', T.string, { from: BREAKING[0] }),
      optional('secs', T.number, { from: BREAKING[1] }),
      optional('ok', T.bool, { from: BREAKING[2] }),
      optional('kind', T.enum('Web', 'App'), { from: BREAKING[3] }),
      optional('when', T.date, { from: BREAKING[4] }),
      optional('tags', T.list(T.string), { from: BREAKING[5] }),
      optional('meta', T.object(optional('a', T.string)), { from: BREAKING[6] }),
      optional('ctor', T.string, { from: 'constructor' }),
      { ...optional('channel', T.string), placeholders: ['Select', 'n/a'] },
    ],
    click: [field('campaign', T.string), optional('score', T.number)],
    empty: [],
  },
  scores: [
    score('engagement', [
      per(5, q(VISIT, { within: '30d', where: E.contains(E.attr('url'), E.str('/pricing')) }), { label: 'pricing' }),
      when(1, E.cmp('>', E.sum(q(VISIT), 'secs'), E.num(10)), { label: 'long visits' }),
      when(2, E.any(q(VISIT, { where: E.attr('ok') })), { label: 'ok' }),
      when(3, E.any(q(VISIT, { where: E.cmp('==', E.attr('kind'), E.str('web'), 'string') })), { label: 'web' }),
      when(4, E.any(q(VISIT, { where: E.within(E.attr('when'), '60d') })), { label: 'recent' }),
      when(5, E.any(q(VISIT, { where: E.contains(E.attr('tags'), E.str('b'), 'list') })), { label: 'tagged' }),
      when(6, E.any(q(VISIT, { where: E.isSet(E.attr('meta.a')) })), { label: 'meta' }),
      when(7, E.any(q(VISIT, { where: E.isSet(E.attr('ctor')) })), { label: 'own constructor' }),
      when(8, E.any(q(VISIT, { where: E.isSet(E.attr('channel')) })), { label: 'channel' }),
      per(1, q('click', { where: E.cmp('>=', E.attr('score'), E.num(0)) }), { label: 'clicks', max: 5 }),
      when(9, E.cmp('>=', E.count(q('empty', { within: '7d' })), E.num(1)), { label: 'empty' }),
    ]),
    score('fit', [
      when(1, E.contains(E.field('title'), E.str('vp')), { label: 'title' }),
      when(2, E.cmp('>', E.field('size'), E.num(10)), { label: 'size' }),
      when(3, E.field('consent'), { label: 'consent' }),
      when(4, E.cmp('==', E.field('tier'), E.str('gold'), 'string'), { label: 'tier' }),
      when(5, E.within(E.field('since'), '60d'), { label: 'since' }),
      when(6, E.contains(E.field('tags'), E.str('b'), 'list'), { label: 'tags' }),
      when(7, E.isSet(E.field('org', 'name')), { label: 'org' }),
      when(8, E.cmp('>=', E.field('org', 'seats'), E.num(5)), { label: 'seats' }),
      when(9, E.isSet(E.field('ctor')), { label: 'ctor' }),
      when(10, E.cmp('==', E.field('stage'), E.str('won'), 'string'), { label: 'stage' }),
    ]),
  ],
});

const generated = load(rules);
const generic = load(rules, { codegen: false });

const DAY = 86_400_000;
const anyValue = fc.constantFrom<unknown>(
  undefined, null, 'x', '/pricing/a', '', 'Select', ' N/A ', 'web', 'APP', 'b', 3, -1, 0.5, NaN, Infinity,
  true, false, [], ['a', 'b'], ['b', 2], {}, { a: 'z' }, { a: 1 }, '2026-10-20T00:00:00Z', 'not a date',
);
const timeArb = fc.oneof(
  fc.integer({ min: -90, max: 5 }).map((days) => NOW + days * DAY),
  fc.integer({ min: -90, max: 5 }).map((days) => new Date(NOW + days * DAY).toISOString()),
  fc.constantFrom<unknown>(undefined, null, NaN, Infinity, 'yesterday', {}, true),
);
const typeArb = fc.constantFrom<unknown>(VISIT, VISIT.toUpperCase(), 'click', 'CLICK', 'empty', 'unknown', 'constructor', undefined, null, 7);
const keyArb = fc.constantFrom('type', 'at', 'campaign', 'score', 'constructor', 'channel', ...BREAKING);
const eventArb = fc.oneof(
  { weight: 10, arbitrary: fc.tuple(typeArb, timeArb, fc.dictionary(keyArb, anyValue, { maxKeys: 6 })).map(([type, at, attrs]) => ({ ...attrs, type, at })) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, 1, 'event', [], [{ type: 'click' }]) },
);
// Mostly valid events, so that many records get past the check and are evaluated.
const validVisit = fc.record({ at: timeArb, url: fc.constantFrom('/pricing', '/blog'), secs: fc.integer({ min: 0, max: 9 }) }).map((e) => ({ type: VISIT, ...e }));
const leadKeyArb = fc.constantFrom('email', 'constructor', 'stage', ...LEAD_KEYS);
const orgArb = fc.oneof(anyValue, fc.dictionary(fc.constantFrom(BREAKING[0]!, 'seats', 'other'), anyValue, { maxKeys: 3 }));
// Mostly valid leads, with random and missing values mixed in.
const validLead = fc.record(
  {
    email: fc.constantFrom('a@b.co', 'A@B.CO'),
    [LEAD_KEYS[0]!]: fc.constantFrom('VP Sales', 'intern'),
    [LEAD_KEYS[1]!]: fc.integer({ min: 0, max: 20 }),
    [LEAD_KEYS[2]!]: fc.boolean(),
    [LEAD_KEYS[3]!]: fc.constantFrom('gold', 'Gold', 'silver', 'GOLD'),
    [LEAD_KEYS[6]!]: fc.record({ [BREAKING[0]!]: fc.constantFrom('Acme', 7), seats: fc.integer({ min: 0, max: 9 }) }, { requiredKeys: [] }),
    stage: fc.constantFrom('open', 'won', 'Select', 'lost'),
  },
  { requiredKeys: ['email', LEAD_KEYS[2]!] },
);
const noiseArb = fc.oneof(fc.constant({}), fc.dictionary(leadKeyArb, fc.oneof(anyValue, orgArb), { maxKeys: 3 }));
const leadArb = fc.tuple(validLead, noiseArb).map(([valid, noise]) => ({ ...valid, ...noise }));
const recordArb = fc
  .tuple(fc.oneof({ weight: 3, arbitrary: fc.constant({ email: 'a@b.co', [LEAD_KEYS[2]!]: true }) }, { weight: 2, arbitrary: leadArb }), fc.array(fc.oneof(eventArb, validVisit), { maxLength: 12 }))
  .map(([lead, events]) => ({ ...lead, events }));

const outcome = (engine: typeof generic, record: unknown) => ({
  check: engine.validate(record),
  lean: engine.evaluate(record, { now: NOW, explain: false }),
  explained: engine.evaluate(record, { now: NOW }),
});

describe('generated record readers', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    delete (globalThis as Record<string, unknown>).__pwned;
  });

  it('gives the same checks, errors and results as the generic loop', () => {
    let evaluated = 0;
    let evaluatedRandomLeads = 0;
    fc.assert(
      fc.property(recordArb, (record) => {
        const expected = outcome(generic, record);
        expect(outcome(generated, record)).toEqual(expected);
        if (expected.lean.ok) {
          evaluated++;
          if (Object.keys(record).length > 3) evaluatedRandomLeads++;
        }
      }),
      { numRuns: 3000, seed: 14 },
    );
    // The comparison covered both outcomes, not only invalid records, for random leads too.
    expect(evaluated).toBeGreaterThan(150);
    expect(evaluatedRandomLeads).toBeGreaterThan(30);
    expect((globalThis as Record<string, unknown>).__pwned).toBeUndefined();
  });

  it('reads keys and names that would break generated source as plain data', () => {
    const record = {
      email: 'a@b.co',
      [LEAD_KEYS[0]!]: 'VP',
      [LEAD_KEYS[2]!]: true,
      [LEAD_KEYS[3]!]: 'GOLD',
      [LEAD_KEYS[6]!]: { [BREAKING[0]!]: 'Acme' },
      constructor: 'own',
      events: <Record<string, unknown>[]>[
        {
          type: VISIT,
          at: NOW - DAY,
          [BREAKING[0]!]: '/pricing',
          [BREAKING[1]!]: 11,
          [BREAKING[2]!]: true,
          [BREAKING[3]!]: 'WEB',
          [BREAKING[4]!]: '2026-10-20T00:00:00Z',
          [BREAKING[5]!]: ['a', 'b'],
          [BREAKING[6]!]: { a: 'z' },
          constructor: 'own',
          channel: 'email',
        },
        { type: 'empty', at: NOW - DAY },
      ],
    };
    const evaluation = generated.evaluate(record, { now: NOW, explain: false });
    expect(evaluation).toEqual({
      ok: true,
      result: { stage: null, scores: { engagement: 5 + 1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9, fit: 1 + 3 + 4 + 7 + 9 }, grades: {}, segments: {}, stages: {} },
    });
    expect((globalThis as Record<string, unknown>).__pwned).toBeUndefined();
  });

  it('generates working code for hostile names and keys (a broken splice would throw, not fall back)', () => {
    const calls: string[] = [];
    const helpers: EventHelpers = {
      notEvent: () => calls.push('notEvent'),
      typeIndex: (type) => (calls.push(`typeIndex ${String(type)}`), -1),
      isoTime: () => NaN,
      timeOf: () => NaN,
      append: (events) => (events as { length: number }).length++,
      attribute: (t, f) => calls.push(`attribute ${t} ${f}`),
    };
    const string = (v: string) => `typeof ${v} === 'string'`;
    const read = generateEventReader(
      [
        { name: SNEAKY, width: BREAKING.length, attributes: BREAKING.map((key, slot) => ({ key, inherited: false, plainTest: string, slot, optional: false })) },
        { name: 'constructor', width: 1, attributes: [{ key: 'toString', inherited: true, plainTest: string, slot: 0, optional: false }] },
      ],
      helpers,
      new Codegen(true),
    );
    expect(read).toBeTypeOf('function');
    const lists = [
      { length: 0, values: [] as unknown[] },
      { length: 0, values: [] as unknown[] },
    ];
    const event = Object.fromEntries(BREAKING.map((key) => [key, `<${key}>`]));
    read!([{ type: SNEAKY, at: 1, ...event, [BREAKING[3]!]: 5 }, { type: 'constructor', at: 2 }, { type: 'other', at: 3 }], lists, []);
    expect(lists[0]).toEqual({ length: 1, values: BREAKING.map((key, slot) => (slot === 3 ? undefined : `<${key}>`)) });
    // `toString` is inherited from Object.prototype, not given: the general path gets undefined.
    expect(lists[1]).toEqual({ length: 1, values: [] });
    expect(calls).toEqual(['attribute 0 3', 'attribute 1 0', 'typeIndex other']);
    expect((globalThis as Record<string, unknown>).__pwned).toBeUndefined();
  });

  it('falls back to the generic loop where `new Function` is forbidden', () => {
    // What a Content-Security-Policy without 'unsafe-eval' does to `new Function`.
    vi.stubGlobal('Function', function forbidden() {
      throw new EvalError('Code generation from strings disallowed for this context');
    });
    const engine = load(rules);
    vi.unstubAllGlobals();
    const record = { email: 'a@b.co', [LEAD_KEYS[2]!]: true, events: [{ type: VISIT, at: NOW - DAY, [BREAKING[0]!]: '/pricing' }, { type: 'click', at: 'soon', campaign: 4 }] };
    expect(engine.validate(record)).toEqual({
      ok: false,
      errors: [
        { path: 'events[1].at', message: 'expected a date (ISO-8601 or epoch milliseconds), got "soon"' },
        { path: 'events[1].campaign', message: 'expected a string, got 4' },
      ],
    });
    expect(engine.evaluate({ ...record, events: record.events.slice(0, 1) }, { now: NOW, explain: false })).toEqual(
      generated.evaluate({ ...record, events: record.events.slice(0, 1) }, { now: NOW, explain: false }),
    );
  });
});

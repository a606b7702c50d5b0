// LANGUAGE.md §4–§5: operators, case-insensitive text, missing values, windows, event functions.

import { describe, expect, it } from 'vitest';
import { E, q } from './artifact-builder.js';
import { ago, conditions, DAY, expectAll, NOW, values } from './helpers.js';

const { field, str, num } = E;
const title = field('title');
const employees = field('employees');

describe('strings and enums compare case-insensitively', () => {
  it('in every text operator', () => {
    const segments = conditions(
      {
        eq: E.cmp('==', title, str('vp ENGINEERING'), 'string'),
        contains: E.contains(title, str('ENGINEER')),
        starts: E.startsWith(title, str('vp')),
        ends: E.endsWith(title, str('ING')),
        in: E.in(title, E.list('cto', 'Vp Engineering')),
        enumEq: E.cmp('==', field('seniority'), str('director'), 'string'),
        enumIn: E.in(field('seniority'), E.list('DIRECTOR', 'vp')),
        nestedEnum: E.cmp('==', field('company', 'industry'), str('Software'), 'string'),
        listContains: E.contains(field('tags'), str('PRICING'), 'list'),
        domain: E.cmp('==', E.domain(field('email')), str('ACME.io'), 'string'),
        local: E.cmp('==', E.local(field('email')), str('dana'), 'string'),
      },
      { 'Job Title': 'VP Engineering', seniority: 'Director', company: { industry: 'SOFTWARE' }, tags: ['Pricing'], Email: 'Dana@ACME.IO' },
    );
    expectAll(segments, true);
  });

  it('and a different string is still different', () => {
    const segments = conditions(
      {
        eq: E.cmp('==', title, str('vp sales'), 'string'),
        notEq: E.cmp('!=', title, str('VP SALES'), 'string'),
        notIn: E.in(title, E.list('VP ENGINEERING'), true),
      },
      { 'Job Title': 'VP Engineering' },
    );
    expect(segments).toEqual({ eq: false, notEq: true, notIn: false });
  });
});

describe('missing values', () => {
  const missingOperand = {
    eq: E.cmp('==', title, str('x'), 'string'),
    ne: E.cmp('!=', title, str('x'), 'string'),
    lt: E.cmp('<', employees, num(5)),
    le: E.cmp('<=', employees, num(5)),
    gt: E.cmp('>', employees, num(5)),
    ge: E.cmp('>=', employees, num(5)),
    rightSide: E.cmp('!=', num(5), employees),
    in: E.in(title, E.list('x')),
    notIn: E.in(title, E.list('x'), true),
    contains: E.contains(title, str('x')),
    startsWith: E.startsWith(title, str('x')),
    endsWith: E.endsWith(title, str('x')),
    valueMissing: E.contains(str('abc'), title),
    listContains: E.contains(field('tags'), str('x'), 'list'),
    between: E.between(employees, num(1), num(10)),
    betweenBound: E.between(num(5), num(1), employees),
    within: E.within(field('created'), '30d'),
    isSet: E.isSet(title),
    nestedIsSet: E.isSet(field('company', 'employees')),
    boolAsCondition: field('consent'),
    arithmetic: E.isSet(E.arith('+', employees, num(1))),
    negation: E.isSet(E.neg(employees)),
    arithmeticCompared: E.cmp('!=', E.arith('*', employees, num(2)), num(3)),
    domain: E.isSet(E.domain(field('email'))),
    daysSinceDate: E.isSet(E.daysSinceDate(field('created'))),
    and: E.and(field('consent'), E.bool(true)),
  };

  it('make every predicate and comparison false (including != and not in), arithmetic missing', () => {
    expectAll(conditions(missingOperand, { Email: 'no-at-sign' }), false);
  });

  it('null is the same as absent', () => {
    const nulls = { 'Job Title': null, employees: null, tags: null, created: null, consent: null, company: null };
    expectAll(conditions(missingOperand, { Email: 'no-at-sign', ...nulls }), false);
  });

  it('`not` inverts the boolean result, so it is true over a missing operand', () => {
    const negated = Object.fromEntries(Object.entries(missingOperand).map(([k, e]) => [k, E.not(e)]));
    expectAll(conditions(negated, { Email: 'no-at-sign' }), true);
  });

  it('`is missing` tests absence; an empty list counts as missing', () => {
    const segments = conditions(
      {
        title: E.isMissing(title),
        tags: E.isMissing(field('tags')),
        tagsSet: E.isSet(field('tags')),
        company: E.isMissing(field('company')),
        companyEmployees: E.isMissing(field('company', 'employees')),
        email: E.isMissing(field('email')),
      },
      { tags: [], company: {} },
    );
    expect(segments).toEqual({ title: true, tags: true, tagsSet: false, company: false, companyEmployees: true, email: false });
  });

  it('an empty string is a value, not missing', () => {
    expect(conditions({ set: E.isSet(title), empty: E.cmp('==', title, str(''), 'string') }, { 'Job Title': '' })).toEqual({
      set: true,
      empty: true,
    });
  });

  it('division by zero is missing, and a missing formula score counts as 0', () => {
    const segments = conditions({ divided: E.isSet(E.arith('/', employees, num(0))) }, { employees: 10 });
    expect(segments).toEqual({ divided: false });
    expect(values({ ratio: E.arith('/', employees, num(0)), missing: employees, half: E.arith('/', employees, num(4)) }, { employees: 10 })).toEqual({
      ratio: 0,
      missing: 10,
      half: 2.5,
    });
    expect(values({ missing: employees })).toEqual({ missing: 0 });
  });
});

describe('between and within', () => {
  it('between includes both bounds', () => {
    const at = (n: number) => conditions({ mid: E.between(employees, num(200), num(5000)) }, { employees: n }).mid;
    expect([199, 200, 201, 4999, 5000, 5001].map(at)).toEqual([false, true, true, true, true, false]);
  });

  it('within D is [now - D, now] inclusive: exactly now - D counts, one ms earlier does not', () => {
    const at = (ms: number) => conditions({ recent: E.within(field('created'), '30d') }, { created: ms }).recent;
    expect([NOW - 30 * DAY - 1, NOW - 30 * DAY, NOW - 1, NOW, NOW + 1].map(at)).toEqual([false, true, true, true, false]);
  });

  it('a query window is inclusive the same way, and future events never count', () => {
    const count = (ats: number[]) =>
      values({ n: E.count(q('page_view', { within: '14d' })) }, { events: ats.map((at) => ({ type: 'page_view', at, url: '/' })) }).n;
    expect(count([NOW - 14 * DAY])).toBe(1);
    expect(count([NOW - 14 * DAY - 1])).toBe(0);
    expect(count([NOW])).toBe(1);
    expect(count([NOW + 1])).toBe(0);
  });
});

describe('email parts', () => {
  it('domain is after the last @ (lower-cased), local before it', () => {
    const segments = conditions(
      {
        domain: E.cmp('==', E.domain(field('email')), str('example.com'), 'string'),
        local: E.cmp('==', E.local(field('email')), str('a@B'), 'string'),
        freemail: E.in(E.domain(field('email')), E.list('gmail.com', 'example.com')),
      },
      { Email: 'a@b@Example.COM' },
    );
    expectAll(segments, true);
  });

  it('both are missing without an @', () => {
    const segments = conditions(
      { domain: E.isSet(E.domain(field('email'))), local: E.isSet(E.local(field('email'))) },
      { Email: 'dana.acme.io' },
    );
    expectAll(segments, false);
  });
});

describe('event functions', () => {
  const events = [
    { type: 'page_view', at: ago(1), url: '/Pricing' },
    { type: 'page_view', at: ago(1.5), url: '/blog' },
    { type: 'page_view', at: ago(20), url: '/pricing/enterprise' },
    { type: 'page_view', at: ago(-1), url: '/pricing' }, // future: never counted
    { type: 'purchase', at: ago(2), amount: 10 },
    { type: 'purchase', at: ago(3) }, // amount missing: skipped by sum
    { type: 'purchase', at: ago(4), amount: 5.5, Product: 'Pro' },
    { type: 'purchase', at: ago(-2), amount: 100 }, // future
    { type: 'newsletter', at: ago(1) }, // unknown type: ignored
  ];
  const pricing = E.contains(E.attr('url'), str('/PRICING'));

  it('count, any, none, sum and days_since over matching, non-future events', () => {
    const result = values(
      {
        all: E.count(q('page_view')),
        pricing: E.count(q('page_view', { where: pricing })),
        recentPricing: E.count(q('page_view', { within: '14d', where: pricing })),
        spent: E.sum(q('purchase'), 'amount'),
        proSpent: E.sum(q('purchase', { where: E.cmp('==', E.attr('product'), str('PRO'), 'string') }), 'amount'),
        lastView: E.daysSince(q('page_view')),
        lastBlog: E.daysSince(q('page_view', { where: E.not(pricing) })),
        byDate: E.count(q('page_view', { where: E.cmp('>=', E.attr('at'), E.arith('-', E.now(), E.dur('36h')), 'date') })),
        sinceCreated: E.daysSinceDate(field('created')),
      },
      { events, created: ago(0.5) },
    );
    expect(result).toEqual({
      all: 3,
      pricing: 2,
      recentPricing: 1,
      spent: 15.5,
      proSpent: 5.5,
      lastView: 1,
      lastBlog: 1.5,
      byDate: 2,
      sinceCreated: 0.5,
    });
  });

  it('any / none, days_since missing when nothing matches, lead fields inside where', () => {
    const segments = conditions(
      {
        any: E.any(q('page_view', { where: pricing })),
        none: E.none(q('page_view', { within: '12h' })),
        noWebinar: E.none(q('webinar')),
        daysSinceMissing: E.isMissing(E.daysSince(q('webinar'))),
        leadFieldInWhere: E.any(q('page_view', { where: E.cmp('==', field('seniority'), str('vp'), 'string') })),
      },
      { events, seniority: 'VP' },
    );
    expectAll(segments, true);
  });
});

// Readable names of explanation values: expressions printed back as MQL text.

import { describe, expect, it } from 'vitest';
import { durationText, exprText } from '../src/explain.js';
import { E, q } from './artifact-builder.js';

describe('exprText', () => {
  it('prints queries, functions and operators with the parentheses precedence needs', () => {
    const url = E.attr('url');
    const cases: [ReturnType<typeof E.field>, string][] = [
      [E.count(q('page_view', { within: '14d' })), 'count(page_view within 14d)'],
      [
        E.count(q('page_view', { within: '36h', where: E.and(E.contains(url, E.str('/pricing')), E.or(E.isSet(url), E.not(E.bool(true)))) })),
        'count(page_view within 36h where url contains "/pricing" and (url is set or not true))',
      ],
      [E.sum(q('purchase'), 'amount'), 'sum(purchase, amount)'],
      [E.daysSince(q('webinar', { where: E.attr('attended') })), 'days_since(webinar where attended)'],
      [E.daysSinceDate(E.field('created')), 'days_since(created)'],
      [E.domain(E.field('email')), 'email.domain'],
      [E.field('company', 'employees'), 'company.employees'],
      [E.arith('*', E.arith('+', E.num(1), E.score('fit')), E.neg(E.score('eng'))), '(1 + fit) * -eng'],
      [E.arith('-', E.num(10), E.arith('-', E.num(3), E.num(2))), '10 - (3 - 2)'],
      [E.in(E.field('country'), E.list('US', 'DE'), true), 'country not in ["US", "DE"]'],
      [E.between(E.field('created'), E.date('2026-01-01'), E.arith('-', E.now(), E.dur('2w'))), 'created between 2026-01-01 and now - 14d'],
      [E.within(E.field('created'), '30d'), 'created within 30d'],
      [E.isMissing(E.grade('profile')), 'profile is missing'],
    ];
    expect(cases.map(([expr]) => exprText(expr))).toEqual(cases.map(([, text]) => text));
  });

  it('prints durations in whole days, else hours', () => {
    expect([86_400_000 * 30, 3_600_000 * 36, 3_600_000 * 48, 1_800_000].map(durationText)).toEqual(['30d', '36h', '2d', '0.5h']);
  });
});

// LANGUAGE.md §6 scores (per, max, decay, range, formulas) and §4 grades.

import { describe, expect, it } from 'vitest';
import { E, formula, grade, loc, per, q, score, when } from './artifact-builder.js';
import { ago, run } from './helpers.js';

const views = (...days: number[]) => days.map((d) => ({ type: 'page_view', at: ago(d), url: '/pricing' }));

describe('per rules', () => {
  it('give their points once per matching event', () => {
    const result = run({ scores: [score('eng', [per(5, q('page_view'), { label: 'Views', line: 7 })])] }, { events: views(1, 2, 3) });
    expect(result.scores).toEqual({ eng: 15 });
    expect(result.contributions).toEqual({
      eng: [{ kind: 'per', label: 'Views', points: 15, events: 3, loc: loc(7) }],
    });
  });

  it('max caps a positive total', () => {
    const result = run({ scores: [score('eng', [per(5, q('page_view'), { label: 'Views', max: 15 })])] }, { events: views(1, 2, 3, 4) });
    expect(result.scores.eng).toBe(15);
    expect(result.contributions!.eng).toEqual([{ kind: 'per', label: 'Views', points: 15, events: 4, capped: true, loc: loc() }]);
  });

  it('max caps a negative total at -max', () => {
    const result = run({ scores: [score('eng', [per(-10, q('page_view'), { label: 'Bounces', max: 30 })])] }, { events: views(1, 2, 3, 4, 5) });
    expect(result.scores.eng).toBe(-30);
    expect(result.contributions!.eng).toEqual([{ kind: 'per', label: 'Bounces', points: -30, events: 5, capped: true, loc: loc() }]);
  });

  it('a total exactly at max is not marked capped', () => {
    const result = run({ scores: [score('eng', [per(5, q('page_view'), { label: 'Views', max: 15 })])] }, { events: views(1, 2, 3) });
    expect(result.contributions!.eng).toEqual([{ kind: 'per', label: 'Views', points: 15, events: 3, loc: loc() }]);
  });
});

describe('when rules', () => {
  it('contribute when the condition holds, capped by max; only non-zero contributions are listed', () => {
    const result = run(
      {
        scores: [
          score('fit', [
            when(50, E.cmp('==', E.field('seniority'), E.str('vp'), 'string'), { label: 'VP', max: 20 }),
            when(-30, E.in(E.domain(E.field('email')), E.list('gmail.com')), { label: 'Free-mail' }),
            when(10, E.field('consent'), { label: 'Consent' }),
          ]),
        ],
      },
      { seniority: 'vp', consent: true },
    );
    expect(result.scores).toEqual({ fit: 30 });
    expect(result.contributions).toEqual({
      fit: [
        { kind: 'when', label: 'VP', points: 20, capped: true, loc: loc() },
        { kind: 'when', label: 'Consent', points: 10, loc: loc() },
      ],
    });
  });

  it('a score with no firing rule is 0 with no contributions', () => {
    const result = run({ scores: [score('fit', [when(10, E.field('consent'))])] }, {});
    expect(result.scores).toEqual({ fit: 0 });
    expect(result.contributions).toEqual({ fit: [] });
  });
});

describe('decay', () => {
  const decayed = (days: number[], opts: { max?: number } = {}) =>
    run({ scores: [score('eng', [per(5, q('page_view'), { label: 'Views', ...opts })], { halfLife: '30d' })] }, { events: views(...days) });

  it('an event exactly one half-life old gives half points, two half-lives a quarter', () => {
    expect(decayed([30]).scores.eng).toBe(2.5);
    expect(decayed([60]).scores.eng).toBe(1.25);
    expect(decayed([0, 30]).scores.eng).toBe(7.5);
  });

  it('the cap applies after decay', () => {
    expect(decayed([0, 0, 0, 0], { max: 15 }).scores.eng).toBe(15);
    expect(decayed([30, 30, 30, 30], { max: 15 }).scores.eng).toBe(10);
  });

  it('when rules are not decayed', () => {
    const result = run(
      { scores: [score('eng', [when(15, E.any(q('webinar')), { label: 'Webinar' })], { halfLife: '30d' })] },
      { events: [{ type: 'webinar', at: ago(60), attended: true }] },
    );
    expect(result.scores.eng).toBe(15);
  });
});

describe('range and formulas', () => {
  const rules = [per(40, q('page_view'), { label: 'Views' }), when(-50, E.field('consent'), { label: 'No' })];

  it('clamps the sum to the range (contributions show the rules before clamping)', () => {
    const high = run({ scores: [score('eng', rules, { range: [0, 100] })] }, { events: views(1, 2, 3) });
    expect(high.scores.eng).toBe(100);
    expect(high.contributions!.eng).toEqual([{ kind: 'per', label: 'Views', points: 120, events: 3, loc: loc() }]);
    const low = run({ scores: [score('eng', rules, { range: [0, 100] })] }, { consent: true });
    expect(low.scores.eng).toBe(0);
    const inside = run({ scores: [score('eng', rules, { range: [-100, 100] })] }, { consent: true, events: views(1) });
    expect(inside.scores.eng).toBe(-10);
  });

  it('a formula score combines other scores and shows its inputs', () => {
    const result = run(
      {
        scores: [
          formula('priority', E.arith('+', E.arith('*', E.num(0.5), E.score('fit')), E.arith('*', E.num(0.25), E.score('eng'))), '0.5 * fit + 0.25 * eng'),
          score('fit', [when(40, E.field('consent'), { label: 'Consent' })]),
          score('eng', [per(10, q('page_view'), { label: 'Views' })]),
        ],
      },
      { consent: true, events: views(1, 2) },
    );
    expect(result.scores).toEqual({ priority: 25, fit: 40, eng: 20 });
    expect(result.contributions!.priority).toEqual([
      { kind: 'formula', label: '0.5 * fit + 0.25 * eng', points: 25, loc: loc(), values: { fit: 40, eng: 20 } },
    ]);
  });
});

describe('grades', () => {
  const profile = grade(
    'profile',
    [
      ['A', E.cmp('>=', E.score('fit'), E.num(45))],
      ['B', E.cmp('>=', E.score('fit'), E.num(30))],
    ],
    'D',
  );
  const fit = score('fit', [
    when(30, E.field('consent'), { label: 'Consent' }),
    when(20, E.cmp('==', E.field('seniority'), E.str('vp'), 'string'), { label: 'VP' }),
  ]);

  it('the first band whose condition holds wins, else the else label', () => {
    const grades = (record: Record<string, unknown>) =>
      run({ scores: [fit], grades: [profile], segments: { isA: E.cmp('==', E.grade('profile'), E.str('a'), 'string') } }, record);
    expect(grades({ consent: true, seniority: 'vp' })).toMatchObject({ grades: { profile: 'A' }, segments: { isA: true } });
    expect(grades({ consent: true })).toMatchObject({ grades: { profile: 'B' }, segments: { isA: false } });
    expect(grades({ seniority: 'vp' })).toMatchObject({ grades: { profile: 'D' }, segments: { isA: false } });
  });
});

describe('non-finite arithmetic (LANGUAGE.md §5)', () => {
  it('a formula that overflows to Infinity is missing, so the score is 0, and the result stays valid JSON', () => {
    const huge = E.num(1e308);
    const result = run(
      {
        scores: [formula('overflow', E.arith('*', huge, E.num(10)), '1e308 * 10'), formula('fine', E.arith('+', E.num(1), E.num(2)), '1 + 2')],
        segments: { big: E.cmp('>', E.arith('+', huge, huge), E.num(0)) },
      },
      {},
    );
    expect(result.scores).toEqual({ overflow: 0, fine: 3 });
    expect(result.segments.big).toBe(false);
    expect(result.contributions!.overflow).toEqual([{ kind: 'formula', label: '1e308 * 10', points: 0, loc: loc(), values: {} }]);
    expect(JSON.parse(JSON.stringify(result)).scores).toEqual({ overflow: 0, fine: 3 });
  });

  it('rule points summing past the largest number give 0, never Infinity', () => {
    const result = run({ scores: [score('s', [when(1.5e308, E.bool(true)), when(1.5e308, E.bool(true))])] }, {});
    expect(result.scores.s).toBe(0);
  });
});

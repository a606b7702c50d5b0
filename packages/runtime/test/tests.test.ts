// engine.runTests() / runTest(): test blocks (LANGUAGE.md §8) checked on the hand-written
// artifact of examples/b2b-funnel, with the actual values of every expectation.

import type { Expr, RulesArtifact, TestCase } from '@mql/artifact';
import { describe, expect, it } from 'vitest';
import { ArtifactError, load, type TestOutcome } from '../src/index.js';
import { E, loc, q } from './artifact-builder.js';
import { b2bFunnel } from './fixtures/b2b-funnel.js';
import { NOW } from './helpers.js';

const condition = (text: string, expr: Expr, line: number) => ({ kind: 'condition' as const, expr, text, loc: loc(line) });
const stage = (name: string | null, line: number) => ({ kind: 'stage' as const, stage: name, loc: loc(line) });

const DIRECTOR = { Email: 'dana@acme.io', seniority: 'director', consent: true, company: { industry: 'software', employees: 800 } };
const PRICING_VIEWS = [
  ...['2026-10-31', '2026-10-30', '2026-10-29'].map((at) => ({ type: 'page_view', at, url: '/pricing' })),
  { type: 'webinar', at: '2026-10-12', name: 'Q3 launch', attended: true },
];

function testCase(description: string, record: Record<string, unknown>, expectations: TestCase['expectations'], line = 90): TestCase {
  return { description, now: NOW, record, expectations, loc: loc(line) };
}

const withTests = (tests: TestCase[]): RulesArtifact => ({ ...b2bFunnel, tests });

describe('runTests', () => {
  it('passes a test whose expectations all hold, with the actual values of each', () => {
    const engine = load(
      withTests([
        testCase('A director who binged pricing', { ...DIRECTOR, events: PRICING_VIEWS }, [
          stage('MQL', 91),
          condition('fit == 45', E.cmp('==', E.score('fit'), E.num(45)), 92),
          condition('profile == "A"', E.cmp('==', E.grade('profile'), E.str('A'), 'string'), 93),
          condition('decision_maker', E.segment('decision_maker'), 94),
        ]),
      ]),
    );
    const [outcome] = engine.runTests();
    expect(outcome).toMatchObject({ description: 'A director who binged pricing', loc: loc(90), now: NOW, passed: true, valid: true });
    expect(outcome!.valid && outcome!.expectations).toEqual([
      { kind: 'stage', text: 'stage MQL', passed: true, actual: { stage: 'MQL' }, loc: loc(91) },
      { kind: 'condition', text: 'fit == 45', passed: true, actual: { fit: 45 }, loc: loc(92) },
      { kind: 'condition', text: 'profile == "A"', passed: true, actual: { profile: 'A' }, loc: loc(93) },
      { kind: 'condition', text: 'decision_maker', passed: true, actual: { decision_maker: true }, loc: loc(94) },
    ]);
    // The full explained result comes along, for reporting a failure.
    const evaluation = engine.evaluate({ ...DIRECTOR, events: PRICING_VIEWS }, { now: NOW });
    expect(evaluation.ok).toBe(true);
    expect(outcome!.valid && outcome!.result).toEqual(evaluation.ok && evaluation.result);
  });

  it('fails a test when one expectation does not hold, reporting every expectation', () => {
    const engine = load(
      withTests([
        testCase('A manager is not an MQL', { ...DIRECTOR, seniority: 'manager' }, [
          stage(null, 91),
          condition('fit >= 40 and engagement < 10', E.and(E.cmp('>=', E.score('fit'), E.num(40)), E.cmp('<', E.score('engagement'), E.num(10))), 92),
          stage('SAL', 93),
        ]),
      ]),
    );
    const [outcome] = engine.runTests() as [TestOutcome];
    expect(outcome.passed).toBe(false);
    expect(outcome.valid && outcome.expectations).toEqual([
      { kind: 'stage', text: 'stage none', passed: true, actual: { stage: null }, loc: loc(91) },
      { kind: 'condition', text: 'fit >= 40 and engagement < 10', passed: false, actual: { fit: 35, engagement: 0 }, loc: loc(92) },
      { kind: 'stage', text: 'stage SAL', passed: false, actual: { stage: null }, loc: loc(93) },
    ]);
  });

  it('shows fields and event functions a condition reads, evaluated at the test’s own now', () => {
    const pricingViews = E.count(q('page_view', { within: '14d', where: E.contains(E.attr('url'), E.str('/pricing')) }));
    const engine = load(
      withTests([
        testCase('Three pricing views in two weeks', { ...DIRECTOR, events: PRICING_VIEWS }, [
          condition('count(...) == 3 and company.employees > 500', E.and(E.cmp('==', pricingViews, E.num(3)), E.cmp('>', E.field('company', 'employees'), E.num(500))), 91),
        ]),
      ]),
    );
    const [outcome] = engine.runTests() as [TestOutcome];
    expect(outcome.valid && outcome.expectations[0]).toEqual({
      kind: 'condition',
      text: 'count(...) == 3 and company.employees > 500',
      passed: true,
      actual: { 'count(page_view within 14d where url contains "/pricing")': 3, 'company.employees': 800 },
      loc: loc(91),
    });
    // Two weeks later, the same test case sees none of the views.
    const later = engine.runTest({ ...engine.artifact.tests[0]!, now: NOW + 30 * 86_400_000 });
    expect(later.valid && later.expectations[0]!.actual).toEqual({
      'count(page_view within 14d where url contains "/pricing")': 0,
      'company.employees': 800,
    });
    expect(later.passed).toBe(false);
  });

  it('reports an invalid test lead as a failed, invalid outcome with the record errors', () => {
    const engine = load(withTests([testCase('No email', { consent: 'yes', company: {} }, [stage(null, 91)])]));
    expect(engine.runTests()).toEqual([
      {
        description: 'No email',
        loc: loc(90),
        now: NOW,
        passed: false,
        valid: false,
        errors: [
          { path: 'Email', message: 'required field is missing' },
          { path: 'consent', message: 'expected true or false, got "yes"' },
        ],
      },
    ]);
  });

  it('runs every test in artifact order, and none when there are none', () => {
    const engine = load(
      withTests([
        testCase('first', DIRECTOR, [stage(null, 91)], 90),
        testCase('second', DIRECTOR, [stage('MQL', 101)], 100),
      ]),
    );
    expect(engine.runTests().map((o) => [o.description, o.passed])).toEqual([
      ['first', true],
      ['second', false],
    ]);
    expect(load(b2bFunnel).runTests()).toEqual([]);
  });

  it('rejects a condition that names something the program does not have', () => {
    const engine = load(withTests([testCase('Bad', DIRECTOR, [condition('nope > 1', E.cmp('>', E.score('nope'), E.num(1)), 91)])]));
    expect(() => engine.runTests()).toThrow(new ArtifactError('malformed artifact: test "Bad": unknown score "nope"'));
  });

  it('leaves ordinary evaluations unchanged after tests ran', () => {
    const engine = load(withTests([testCase('t', { ...DIRECTOR, events: PRICING_VIEWS }, [condition('any(page_view)', E.any(q('page_view')), 91)])]));
    const before = engine.evaluate({ ...DIRECTOR, events: PRICING_VIEWS }, { now: NOW });
    expect(engine.runTests()[0]!.passed).toBe(true);
    expect(engine.evaluate({ ...DIRECTOR, events: PRICING_VIEWS }, { now: NOW })).toEqual(before);
  });
});

// The comparison behind `mql diff` (diff/compare.ts), on hand-made results: the matrix, stage
// totals across versions with different stages, rule and clause changes, examples and left-out records.

import type { ClauseResult, Contribution, EvaluationResult } from '@mql/runtime';
import { describe, expect, it } from 'vitest';
import { StageComparison, type VersionShape } from '../src/diff/compare.js';

const loc = { file: 'funnel.mql', line: 1, column: 1, start: 0, end: 1 };
const rule = (label: string, points: number): Contribution => ({ kind: 'when', label, points, loc });
const clause = (label: string, passed: boolean): ClauseResult => ({ label, passed, loc, text: label });

/** A result at `stage`, with `fit` contributions and the MQL requirement's outcome. */
function result(stage: string | null, fit: Contribution[], fitHolds = stage !== null): EvaluationResult {
  return {
    stage,
    scores: { fit: fit.reduce((sum, c) => sum + c.points, 0) },
    grades: {},
    segments: {},
    stages: { MQL: { qualified: stage !== null, requirements: [clause('Fit', fitHolds)], rejections: [clause('Competitor', false)] } },
    contributions: { fit, priority: [{ kind: 'formula', label: '0.5 * fit', points: 1, loc }] },
  };
}

const BASE: VersionShape = {
  stages: ['MQL', 'SAL'],
  rules: [
    { score: 'fit', rule: 'Industry' },
    { score: 'fit', rule: 'Country' },
    { score: 'fit', rule: 'Old rule' },
  ],
  clauses: [
    { stage: 'MQL', kind: 'require', label: 'Fit', text: 'fit >= 30' },
    { stage: 'MQL', kind: 'reject', label: 'Competitor', text: 'competitor' },
  ],
};
const NEXT: VersionShape = {
  stages: ['MQL', 'SQL'],
  rules: [
    { score: 'fit', rule: 'Industry' },
    { score: 'fit', rule: 'Country' },
    { score: 'fit', rule: 'New rule' },
  ],
  clauses: [
    { stage: 'MQL', kind: 'require', label: 'Fit', text: 'fit >= 35' },
    { stage: 'MQL', kind: 'reject', label: 'Competitor', text: 'competitor' },
  ],
};

describe('StageComparison', () => {
  it('counts transitions, totals, rule and clause changes, examples and left-out records', () => {
    const comparison = new StageComparison(BASE, NEXT, { examples: 2 });
    // Three leads drop from MQL to none, one moves from SAL (gone in the new version) to SQL,
    // two stay MQL, one stays none.
    for (const id of ['a', 'b', 'c']) comparison.addLead(id, result('MQL', [rule('Industry', 15), rule('Old rule', 5)]), result(null, [rule('Industry', 15)]));
    comparison.addLead('d', result('SAL', [rule('Country', 10)]), result('SQL', [rule('Country', 12.5), rule('New rule', 1)]));
    for (const id of ['e', 'f']) comparison.addLead(id, result('MQL', [rule('Industry', 15)]), result('MQL', [rule('Industry', 15)]));
    comparison.addLead('g', result(null, []), result(null, []));
    comparison.addInvalid('both');
    comparison.addInvalid('new');
    comparison.addInvalid('new');
    comparison.addInvalid('base');

    expect(comparison.result()).toEqual({
      leads: 7,
      changed: 4,
      invalid: { records: 4, baseOnly: 1, newOnly: 2 },
      matrix: {
        rows: ['MQL', 'SAL', 'none'],
        columns: ['MQL', 'SQL', 'none'],
        counts: [
          [2, 0, 3],
          [0, 1, 0],
          [0, 0, 1],
        ],
      },
      transitions: [
        { from: 'MQL', to: 'none', count: 3, percent: 42.86, examples: ['a', 'b'] },
        { from: 'SAL', to: 'SQL', count: 1, percent: 14.29, examples: ['d'] },
      ],
      totals: [
        { stage: 'MQL', before: 5, after: 2, delta: -3 },
        { stage: 'SAL', before: 1, after: 0, delta: -1 },
        { stage: 'SQL', before: 0, after: 1, delta: 1 },
        { stage: 'none', before: 1, after: 4, delta: 3 },
      ],
      // Industry gave the same points to the same leads: not a change. Formula scores are not rules.
      rules: [
        { score: 'fit', rule: 'Old rule', status: 'removed', before: { points: 15, leads: 3 }, after: { points: 0, leads: 0 }, change: -15 },
        { score: 'fit', rule: 'Country', status: 'changed', before: { points: 10, leads: 1 }, after: { points: 12.5, leads: 1 }, change: 2.5 },
        { score: 'fit', rule: 'New rule', status: 'added', before: { points: 0, leads: 0 }, after: { points: 1, leads: 1 }, change: 1 },
      ],
      // The requirement held for the 6 staged leads before and for the 3 still staged after.
      clauses: [{ stage: 'MQL', kind: 'require', label: 'Fit', status: 'changed', text: { before: 'fit >= 30', after: 'fit >= 35' }, before: 6, after: 3, change: -3 }],
    });
  });

  it('keeps at most `top` rule changes, the largest first', () => {
    const shape: VersionShape = { stages: [], rules: ['a', 'b', 'c'].map((r) => ({ score: 's', rule: r })), clauses: [] };
    const comparison = new StageComparison(shape, shape, { top: 2 });
    comparison.addLead('x', result(null, [rule('a', 1), rule('b', 1), rule('c', 1)]), result(null, [rule('a', 2), rule('b', -5), rule('c', 4)]));
    expect(comparison.result().rules.map((r) => [r.rule, r.change])).toEqual([
      ['b', -6],
      ['c', 3],
    ]);
  });

  it('reports identical versions as no change, and no leads without dividing by zero', () => {
    const same = new StageComparison(BASE, BASE);
    same.addLead('a', result('MQL', [rule('Industry', 15)]), result('MQL', [rule('Industry', 15)]));
    const diff = same.result();
    expect([diff.changed, diff.transitions, diff.rules, diff.clauses]).toEqual([0, [], [], []]);
    const empty = new StageComparison(BASE, NEXT).result();
    expect([empty.leads, empty.changed, empty.transitions]).toEqual([0, 0, []]);
  });
});

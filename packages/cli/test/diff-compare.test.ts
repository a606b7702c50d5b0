// The comparison behind `mql diff` (diff/compare.ts), on hand-made results: the matrix, stage
// totals across versions with different stages, rule and clause changes, examples and left-out records.

import type { ClauseResult, Contribution, EvaluationResult } from '@mql/runtime';
import { describe, expect, it } from 'vitest';
import { StageComparison, type VersionShape } from '../src/diff/compare.js';

const loc = { file: 'funnel.mql', line: 1, column: 1, start: 0, end: 1 };
const rule = (label: string, points: number): Contribution => ({ kind: 'when', label, points, loc });
const clause = (label: string, passed: boolean): ClauseResult => ({ label, passed, loc, text: label });

/** A result at `stage`, with `fit` contributions and the MQL requirement's outcome. */
function result(stage: string | null, fit: Contribution[], fitHolds = stage !== null, profile = 'A'): EvaluationResult {
  return {
    stage,
    scores: { fit: fit.reduce((sum, c) => sum + c.points, 0) },
    grades: { profile },
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
  grades: ['profile'],
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
  grades: ['profile'],
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
      grades: [{ grade: 'profile', changed: 0, transitions: [] }],
    });
  });

  it('reports grade changes even when no lead changes stage', () => {
    const comparison = new StageComparison(BASE, NEXT);
    comparison.addLead('a', result('MQL', [], true, 'A'), result('MQL', [], true, 'B'));
    comparison.addLead('b', result('MQL', [], true, 'A'), result('MQL', [], true, 'B'));
    comparison.addLead('c', result(null, [], false, 'C'), result(null, [], false, 'D'));
    comparison.addLead('d', result(null, [], false, 'C'), result(null, [], false, 'C'));
    const diff = comparison.result();
    expect(diff.changed).toBe(0);
    expect(diff.grades).toEqual([
      {
        grade: 'profile',
        changed: 3,
        transitions: [
          { from: 'A', to: 'B', count: 2, percent: 50, examples: ['a', 'b'] },
          { from: 'C', to: 'D', count: 1, percent: 25, examples: ['c'] },
        ],
      },
    ]);
  });

  it('with outcomes: conversion, precision and recall per stage before and after', () => {
    const comparison = new StageComparison(BASE, NEXT);
    // before: a, b, c at MQL (a, b converted); after: a, d at MQL (a converted). e converted at none both times.
    comparison.addLead('a', result('MQL', []), result('MQL', []), true);
    comparison.addLead('b', result('MQL', []), result(null, []), true);
    comparison.addLead('c', result('MQL', []), result(null, []), false);
    comparison.addLead('d', result(null, []), result('MQL', []), false);
    comparison.addLead('e', result(null, []), result(null, []), true);
    comparison.addLead('f', result('MQL', []), result('MQL', []), null);
    expect(comparison.result().outcome).toEqual({
      leads: 5,
      conversions: 3,
      excluded: 1,
      stages: [
        { stage: 'MQL', before: { reached: 3, conversions: 2, precision: 2 / 3, recall: 2 / 3 }, after: { reached: 2, conversions: 1, precision: 0.5, recall: 1 / 3 } },
        { stage: 'SAL', before: { reached: 0, conversions: 0, precision: null, recall: 0 }, after: null },
        { stage: 'SQL', before: null, after: { reached: 0, conversions: 0, precision: null, recall: 0 } },
      ],
    });
    expect(new StageComparison(BASE, NEXT).result().outcome).toBeUndefined();
  });

  it('keeps at most `top` rule changes, the largest first', () => {
    const shape: VersionShape = { stages: [], rules: ['a', 'b', 'c'].map((r) => ({ score: 's', rule: r })), clauses: [], grades: [] };
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

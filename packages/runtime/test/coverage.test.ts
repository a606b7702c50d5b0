// Batch coverage (`evaluate(record, { coverage })`): one counter per score rule (leads it fired
// for) and per stage clause (leads it held for), laid out by coverageItems; the same counts with
// and without explanations, every clause counted even where lean evaluation short-circuits.

import { describe, expect, it } from 'vitest';
import { coverageItems, load } from '../src/index.js';
import { artifact, E, formula, per, q, score, stage, when } from './artifact-builder.js';
import { ago, EVENTS, LEAD, NOW } from './helpers.js';

const rules = artifact({
  lead: LEAD,
  events: EVENTS,
  scores: [
    score('fit', [when(10, E.cmp('>', E.field('employees'), E.num(100)), { label: 'Big' }), when(5, E.bool(false), { label: 'Dead' })]),
    formula('double', E.arith('*', E.score('fit'), E.num(2))),
    score('activity', [per(3, q('page_view'), { label: 'Visits' })], { halfLife: '30d' }),
  ],
  stages: [
    stage('MQL', { require: [['Fits', E.cmp('>=', E.score('fit'), E.num(10))], ['Active', E.cmp('>', E.score('activity'), E.num(0))]] }),
    stage('SAL', { after: 'MQL', require: [['Consent', E.field('consent')]], reject: [['Never', E.bool(false)]] }),
  ],
});
const engine = load(rules);
const leads = [
  { Email: 'a@b.c', employees: 500, consent: true },
  { Email: 'd@e.f', employees: 50, consent: true, events: [{ type: 'page_view', at: ago(1), url: '/x' }] },
  { Email: 'g@h.i', employees: 900, events: [{ type: 'page_view', at: ago(2), url: '/y' }] },
];

function counts(explain: boolean): Record<string, number> {
  const coverage = new Uint32Array(coverageItems(engine.artifact).length);
  for (const lead of leads) expect(engine.evaluate(lead, { now: NOW, explain, coverage }).ok).toBe(true);
  return Object.fromEntries(coverageItems(engine.artifact).map((item, i) => [`${item.owner} ${item.kind} ${item.position} ${item.label}`, coverage[i]!]));
}

describe('coverage', () => {
  it('lays out the counters: every rule of the rules scores, then each stage’s requirements and rejections', () => {
    expect(coverageItems(rules).map((i) => [i.kind, i.owner, i.position, i.label])).toEqual([
      ['rule', 'fit', 1, 'Big'],
      ['rule', 'fit', 2, 'Dead'],
      ['rule', 'activity', 1, 'Visits'],
      ['requirement', 'MQL', 1, 'Fits'],
      ['requirement', 'MQL', 2, 'Active'],
      ['requirement', 'SAL', 1, 'Consent'],
      ['rejection', 'SAL', 1, 'Never'],
    ]);
  });

  it('counts the leads each rule fired for and each clause held for, lean and explained alike', () => {
    const expected = {
      'fit rule 1 Big': 2,
      'fit rule 2 Dead': 0,
      'activity rule 1 Visits': 2,
      'MQL requirement 1 Fits': 2,
      'MQL requirement 2 Active': 2,
      // Counted for every lead, also those whose MQL failed (lean evaluation would not look).
      'SAL requirement 1 Consent': 2,
      'SAL rejection 1 Never': 0,
    };
    expect(counts(false)).toEqual(expected);
    expect(counts(true)).toEqual(expected);
  });
});

// LANGUAGE.md §7 stages and §9 result: chains, rejections, the last qualifying stage, explanations.

import { describe, expect, it } from 'vitest';
import { load } from '../src/index.js';
import { artifact, E, loc, per, q, score, stage, when, type ArtifactParts } from './artifact-builder.js';
import { ago, EVENTS, LEAD, NOW, run } from './helpers.js';

const fit = score('fit', [
  when(20, E.in(E.field('seniority'), E.list('director', 'vp', 'cxo')), { label: 'Decision maker' }),
  when(15, E.cmp('==', E.field('company', 'industry'), E.str('software'), 'string'), { label: 'Target industry' }),
]);
const freemail = E.in(E.domain(E.field('email')), E.list('gmail.com', 'yahoo.com'));
const recentViews = E.count(q('page_view', { within: '14d' }));
const funnel = [
  stage('MQL', {
    title: 'Marketing qualified lead',
    require: [
      ['Fits', E.cmp('>=', E.score('fit'), E.num(30)), 'fit >= 30', 2],
      ['Engaged', E.cmp('>=', recentViews, E.num(2)), 'count(page_view within 14d) >= 2', 3],
    ],
    reject: [['Free-mail', freemail, 'email.domain in freemail', 4]],
  }),
  stage('SAL', { after: 'MQL', require: [['Consent', E.field('consent'), 'consent', 6]] }),
  stage('SQO', { after: 'SAL', require: [['Size known', E.isSet(E.field('company', 'employees')), 'company.employees is set', 8]] }),
];
const parts = { scores: [fit], stages: funnel };
const views = (n: number) => Array.from({ length: n }, (_, i) => ({ type: 'page_view', at: ago(i + 1), url: '/' }));
const qualifiedLead = { seniority: 'VP', company: { industry: 'Software' }, events: views(2) };

/** The lead's stage, checked to be the same in lean and explained evaluation. */
function stageOf(stageParts: ArtifactParts, record: Record<string, unknown>): string | null {
  const engine = load(artifact({ lead: LEAD, events: EVENTS, ...stageParts }));
  const [lean, explained] = [false, true].map((explain) => {
    const evaluation = engine.evaluate({ Email: 'dana@acme.io', ...record }, { now: NOW, explain });
    if (!evaluation.ok) throw new Error('invalid record');
    return evaluation.result.stage;
  });
  expect(lean).toBe(explained);
  return explained!;
}

describe('stage qualification', () => {
  it('the lead stage is the furthest stage reached in a chain', () => {
    expect(stageOf(parts, qualifiedLead)).toBe('MQL');
    expect(stageOf(parts, { ...qualifiedLead, consent: true })).toBe('SAL');
    expect(stageOf(parts, { ...qualifiedLead, consent: true, company: { industry: 'software', employees: 10 } })).toBe('SQO');
    expect(stageOf(parts, { ...qualifiedLead, events: views(1) })).toBeNull();
  });

  it('a stage does not qualify when its after stage does not, even if its own requirements hold', () => {
    const result = run(parts, { ...qualifiedLead, consent: true, Email: 'vp@gmail.com' });
    expect(result.stage).toBeNull();
    expect(Object.fromEntries(Object.entries(result.stages).map(([k, v]) => [k, v.qualified]))).toEqual({ MQL: false, SAL: false, SQO: false });
    expect(result.stages.SAL!.requirements).toEqual([{ label: 'Consent', passed: true, loc: loc(6), text: 'consent', values: { consent: true } }]);
  });

  it('a rejection disqualifies whatever the points', () => {
    const result = run(parts, { ...qualifiedLead, Email: 'Dana@GMAIL.com' });
    expect(result.scores.fit).toBe(35);
    expect(result.stages.MQL).toEqual({
      title: 'Marketing qualified lead',
      qualified: false,
      requirements: [
        { label: 'Fits', passed: true, loc: loc(2), text: 'fit >= 30', values: { fit: 35 } },
        { label: 'Engaged', passed: true, loc: loc(3), text: 'count(page_view within 14d) >= 2', values: { 'count(page_view within 14d)': 2 } },
      ],
      rejections: [
        { label: 'Free-mail', passed: true, loc: loc(4), text: 'email.domain in freemail', values: { 'email.domain': 'gmail.com' } },
      ],
    });
  });

  it('is the qualifying stage declared last, not the deepest in a chain', () => {
    // Declared out of order: SAL (after MQL) first, then MQL.
    const outOfOrder = [stage('SAL', { after: 'MQL' }), stage('MQL')];
    expect(stageOf({ stages: outOfOrder }, {})).toBe('MQL');
    const tree = [stage('MQL'), stage('Partner', { after: 'MQL' }), stage('Direct', { after: 'MQL', require: [['No', E.bool(false)]] })];
    expect(stageOf({ stages: tree }, {})).toBe('Partner');
  });
});

describe('the result', () => {
  const record = { Email: 'dana@acme.io', seniority: 'vp', company: { industry: 'software', employees: 300 }, events: views(3) };

  it('explained: stages with every clause and the values it read, scores with their rules', () => {
    const result = run({ ...parts, scores: [fit, score('eng', [per(5, q('page_view'), { label: 'Views', line: 9 })])] }, record);
    expect(result).toEqual({
      stage: 'MQL',
      scores: { fit: 35, eng: 15 },
      grades: {},
      segments: {},
      stages: {
        MQL: {
          title: 'Marketing qualified lead',
          qualified: true,
          requirements: [
            { label: 'Fits', passed: true, loc: loc(2), text: 'fit >= 30', values: { fit: 35 } },
            { label: 'Engaged', passed: true, loc: loc(3), text: 'count(page_view within 14d) >= 2', values: { 'count(page_view within 14d)': 3 } },
          ],
          rejections: [{ label: 'Free-mail', passed: false, loc: loc(4), text: 'email.domain in freemail', values: { 'email.domain': 'acme.io' } }],
        },
        SAL: {
          after: 'MQL',
          qualified: false,
          requirements: [{ label: 'Consent', passed: false, loc: loc(6), text: 'consent', values: { consent: null } }],
          rejections: [],
        },
        SQO: {
          after: 'SAL',
          qualified: false,
          requirements: [
            { label: 'Size known', passed: true, loc: loc(8), text: 'company.employees is set', values: { 'company.employees': 300 } },
          ],
          rejections: [],
        },
      },
      contributions: {
        fit: [
          { kind: 'when', label: 'Decision maker', points: 20, loc: loc() },
          { kind: 'when', label: 'Target industry', points: 15, loc: loc() },
        ],
        eng: [{ kind: 'per', label: 'Views', points: 15, events: 3, loc: loc(9) }],
      },
    });
  });

  it('lean (explain: false): stage, scores, grades, segments and per stage only qualified', () => {
    const engine = load(artifact({ lead: LEAD, events: EVENTS, ...parts }));
    const evaluation = engine.evaluate(record, { now: NOW, explain: false });
    expect(evaluation).toEqual({
      ok: true,
      result: {
        stage: 'MQL',
        scores: { fit: 35 },
        grades: {},
        segments: {},
        stages: { MQL: { qualified: true }, SAL: { qualified: false }, SQO: { qualified: false } },
      },
    });
  });

  it('explanation values show dates as ISO strings and fields as given', () => {
    const result = run(
      { stages: [stage('Recent', { require: [['Created', E.within(E.field('created'), '30d')], ['Title', E.contains(E.field('title'), E.str('vp'))]] })] },
      { created: ago(2), 'Job Title': 'VP Sales' },
    );
    expect(result.stages.Recent!.requirements!.map((r) => r.values)).toEqual([
      { created: '2026-10-30T00:00:00.000Z' },
      { title: 'VP Sales' },
    ]);
  });
});

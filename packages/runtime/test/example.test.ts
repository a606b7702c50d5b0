// The test blocks of examples/b2b-funnel/funnel.mql, run on a hand-written artifact of that program.

import { describe, expect, it } from 'vitest';
import { load, type EvaluationResult } from '../src/index.js';
import { loc } from './artifact-builder.js';
import { b2bFunnel } from './fixtures/b2b-funnel.js';
import { ago, NOW } from './helpers.js';

const engine = load(b2bFunnel);
const evaluate = (record: Record<string, unknown>, events: [string, Record<string, unknown>, number | string][] = []): EvaluationResult => {
  const withEvents = { ...record, events: events.map(([type, attrs, at]) => ({ type, ...attrs, at: typeof at === 'number' ? ago(at) : at })) };
  const evaluation = engine.evaluate(withEvents, { now: NOW });
  if (!evaluation.ok) throw new Error(JSON.stringify(evaluation.errors));
  return evaluation.result;
};

describe('examples/b2b-funnel tests', () => {
  it('A director at a software company who binged pricing is an MQL', () => {
    const r = evaluate(
      { Email: 'dana@acme.io', seniority: 'director', consent: true, company: { industry: 'software', employees: 800 } },
      [
        ['page_view', { url: '/pricing' }, '2026-10-31'],
        ['page_view', { url: '/pricing' }, '2026-10-30'],
        ['page_view', { url: '/pricing/enterprise' }, 3],
        ['webinar', { name: 'Q3 launch', attended: true }, 20],
      ],
    );
    expect(r.stage).toBe('MQL');
    expect(r.scores.fit).toBe(45);
    expect(r.grades.profile).toBe('A');
    expect(r.scores.engagement).toBeGreaterThanOrEqual(40);
    expect(r.grades.activity).toBe('warm');
    const views = 5 * (0.5 ** (1 / 30) + 0.5 ** (2 / 30) + 0.5 ** (3 / 30));
    expect(r.contributions!.engagement).toEqual([
      { kind: 'per', label: 'Pricing page views', points: views, events: 3, loc: loc(37) },
      { kind: 'when', label: 'Webinar attendee', points: 15, loc: loc(40) },
      { kind: 'when', label: 'Pricing binge', points: 20, loc: loc(41) },
    ]);
    expect(r.scores.engagement).toBe(views + 35);
  });

  it('A free-mail address never becomes an MQL, whatever the activity', () => {
    const r = evaluate(
      { Email: 'sam@GMAIL.com', seniority: 'vp', country: 'us', consent: true, company: { industry: 'finance', employees: 1200 } },
      [['demo_request', {}, '2026-10-30']],
    );
    expect(r.stage).toBeNull();
    expect(r.segments.freemail_address).toBe(true);
    expect(r.scores.fit).toBe(25);
    expect(r.scores.engagement).toBe(40);
    expect(r.stages.MQL!.rejections!.filter((c) => c.passed).map((c) => c.label)).toEqual(['Free-mail address']);
  });

  it('A qualified, reachable buyer with budget and timing is an SQO', () => {
    const r = evaluate(
      {
        Email: 'kim@bigbank.example',
        'Job Title': 'VP Operations',
        seniority: 'vp',
        country: 'DE',
        consent: true,
        phone: '+49 30 1234567',
        company: { name: 'Big Bank', industry: 'finance', employees: 4200 },
        buy_cycle: true,
        influencer: true,
        timeframe_days: 90,
        deal_size: 48000,
        follow_up_ok: true,
      },
      [
        ['demo_request', {}, 2],
        ['page_view', { url: '/pricing' }, 1],
      ],
    );
    expect(r.stage).toBe('SQO');
    expect(r.scores.fit).toBe(55);
    expect(r.scores.priority).toBeGreaterThanOrEqual(50);
    expect(r.grades.profile).toBe('A');
    expect(Object.values(r.stages).map((s) => s.qualified)).toEqual([true, true, true]);
  });

  it('Procurement titles are disqualified by points', () => {
    const r = evaluate({ Email: 'pat@acme.io', 'Job Title': 'Head of Procurement', seniority: 'director', consent: true, company: { industry: 'software' } });
    expect(r.scores.fit).toBe(-15);
    expect(r.grades.profile).toBe('D');
    expect(r.stage).toBeNull();
  });

  it('Engagement is capped per rule and clamped to its range', () => {
    const r = evaluate({ Email: 'lee@acme.io', consent: false, company: {} }, [
      ...[1, 2, 3, 4].map((n): [string, Record<string, unknown>, number] => ['download', { asset: `report-${n}` }, 1]),
      ...[1, 2, 3, 4].map((): [string, Record<string, unknown>, number] => ['page_view', { url: '/pricing' }, 1]),
      ['demo_request', {}, 1],
    ]);
    expect(r.scores.engagement).toBe(100);
    expect(r.grades.activity).toBe('hot');
    expect(r.grades.profile).toBe('D');
    expect(r.contributions!.engagement!.map((c) => [c.label, c.points, c.capped ?? false])).toEqual([
      ['Pricing page views', 15, true],
      ['Content downloads', 30, true],
      ['Pricing binge', 20, false],
      ['Demo request', 40, false],
    ]);
  });

  it('Activity older than every window counts for nothing', () => {
    const r = evaluate({ Email: 'ari@acme.io', seniority: 'cxo', consent: true, company: { industry: 'software', employees: 300 } }, [
      ['webinar', { name: '2025 kickoff', attended: true }, 200],
      ['download', { asset: 'guide' }, 120],
      ['demo_request', {}, 45],
      ['page_view', { url: '/pricing' }, '2026-12-01'],
    ]);
    expect(r.scores.engagement).toBe(0);
    expect(r.grades.activity).toBe('cold');
    expect(r.stage).toBeNull();
    expect(r.stages.MQL!.requirements!.find((c) => c.label === 'Engaged recently')).toEqual({
      label: 'Engaged recently',
      passed: false,
      loc: loc(66),
      text: 'engagement >= 40',
      values: { engagement: 0 },
    });
  });
});

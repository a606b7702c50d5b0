// The backtest metrics against small data sets computed by hand (the numbers in the comments),
// edge cases (ties, all converted, none converted, no usable outcome) and properties (fast-check).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RulesArtifact } from '@mql/artifact';
import { compileProgram } from '@mql/core';
import { load } from '@mql/runtime';
import { Backtest, LeadDigester, auc, backtestShape, fieldPresence, parseOutcome, parseValue, rocCurve, type BacktestLead, type BacktestReport } from '../src/index.js';

const SOURCE = `
lead {
  email: email
  seniority?: "ic" | "director"
  consent: bool
  status?: string from "Status"
}
event visit {}
score fit {
  "Director": +20 when seniority == "director"
  "Visits":   +5 per visit max 20
}
grade tier { A when fit >= 30 else B }
stage MQL { require "Fit": fit >= 20  reject "Competitor": email.domain == "rival.com" }
stage SAL after MQL { require "Consent": consent }
`;

function compile(source: string): RulesArtifact {
  const { artifact, diagnostics } = compileProgram('/t/rules.mql', { readFile: (f) => (f === '/t/rules.mql' ? source : undefined) });
  if (!artifact) throw new Error(JSON.stringify(diagnostics));
  return artifact;
}

const artifact = compile(SOURCE);
const engine = load(artifact);
const NOW = '2026-01-01T00:00:00Z';
const where = (loc: { file: string; line: number }) => `${loc.file}:${loc.line}`;

type Lead = { seniority: 'ic' | 'director'; visits: number; consent: boolean; domain?: string; converted: boolean; value?: number };

function record(lead: Lead, status?: string) {
  const events = Array.from({ length: lead.visits }, (_, i) => ({ type: 'visit', at: `2025-12-${String(10 + i).padStart(2, '0')}` }));
  return { email: `x@${lead.domain ?? 'acme.io'}`, seniority: lead.seniority, consent: lead.consent, ...(status !== undefined ? { Status: status } : {}), events };
}

function backtest(leads: Lead[], options: { outcome?: string; source?: string; targetRate?: number; status?: (lead: Lead, i: number) => string | undefined } = {}): BacktestReport {
  const art = options.source ? compile(options.source) : artifact;
  const eng = options.source ? load(art) : engine;
  const shape = backtestShape(art);
  const bt = new Backtest(shape, { where, outcome: options.outcome ?? 'converted', ...(options.targetRate !== undefined ? { targetRate: options.targetRate } : {}) });
  leads.forEach((lead, i) => {
    const rec = record(lead, options.status?.(lead, i));
    const evaluation = eng.evaluate(rec, { now: NOW });
    if (!evaluation.ok) throw new Error(JSON.stringify(evaluation.errors));
    bt.add({ result: evaluation.result, converted: lead.converted, ...(lead.value !== undefined ? { value: lead.value } : {}), present: fieldPresence(rec, shape.fields) });
  });
  return bt.report({ rules: 'rules.mql', data: 'leads.jsonl', value: 'amount', now: NOW });
}

// fit = 20 (director) + 5 per visit (max 20).
const SIX: Lead[] = [
  { seniority: 'director', visits: 2, consent: true, converted: true, value: 1000 }, // L1 fit 30 → SAL
  { seniority: 'director', visits: 0, consent: false, converted: true, value: 500 }, // L2 fit 20 → MQL
  { seniority: 'ic', visits: 4, consent: true, converted: false }, // L3 fit 20 → SAL
  { seniority: 'ic', visits: 1, consent: true, converted: true }, // L4 fit 5 → none (no value)
  { seniority: 'ic', visits: 0, consent: true, converted: false }, // L5 fit 0 → none
  { seniority: 'director', visits: 0, consent: true, domain: 'rival.com', converted: false }, // L6 fit 20, rejected → none
];

describe('Backtest on six leads computed by hand', () => {
  const report = backtest(SIX, { targetRate: 0.5 });

  it('counts the base rate and the value', () => {
    expect([report.leads, report.conversions, report.baseRate]).toEqual([6, 3, 0.5]);
    expect(report.totalValue).toEqual({ leads: 2, total: 1500, mean: 750, unreadable: 0 });
  });

  it('reports each stage reached with precision, recall and lift', () => {
    expect(report.stages).toEqual([
      { stage: 'MQL', reached: 3, conversions: 2, precision: 2 / 3, recall: 2 / 3, lift: 4 / 3 },
      { stage: 'SAL', after: 'MQL', reached: 2, conversions: 1, precision: 0.5, recall: 1 / 3, lift: 1 },
    ]);
  });

  it('reports the furthest stage with the value of a lead there', () => {
    expect(report.furthest).toEqual([
      { stage: 'MQL', leads: 1, conversions: 1, rate: 1, lift: 2, meanValue: 500, valuePerLead: 500, totalValue: 500 },
      { stage: 'SAL', leads: 2, conversions: 1, rate: 0.5, lift: 1, meanValue: 1000, valuePerLead: 500, totalValue: 1000 },
      { stage: 'none', leads: 3, conversions: 1, rate: 1 / 3, lift: 2 / 3, meanValue: null, valuePerLead: 0, totalValue: 0 },
    ]);
  });

  it('computes AUC with ties counted one half', () => {
    // converted fits {30, 20, 5}, others {20, 0, 20}: 3 + (0.5 + 1 + 0.5) + 1 = 6 of 9 pairs.
    expect(report.scores[0]!.auc).toBeCloseTo(6 / 9, 12);
    expect(report.scores[0]!.calibration).toEqual([
      { label: '≥ 30', from: 30, to: 30, leads: 1, conversions: 1, rate: 1 },
      { label: '20 – 30', from: 20, to: 20, leads: 3, conversions: 1, rate: 1 / 3 },
      { label: '< 20', from: 0, to: 5, leads: 2, conversions: 1, rate: 0.5 },
    ]);
  });

  it('keeps tied scores in one decile', () => {
    const deciles = report.scores[0]!.deciles.filter((d) => d.leads > 0);
    // ranks 0..5 ascending: 0 (mid 0 → D1), 5 (1 → D2), 20×3 (mid 3 → D6), 30 (5 → D9)
    expect(deciles.map((d) => [d.label, d.from, d.leads, d.conversions])).toEqual([
      ['D9', 30, 1, 1],
      ['D6', 20, 3, 1],
      ['D2', 5, 1, 1],
      ['D1', 0, 1, 0],
    ]);
  });

  it('reports conversion per grade band', () => {
    expect(report.grades).toEqual([
      { grade: 'tier', bands: [{ label: 'A', leads: 1, conversions: 1, rate: 1, lift: 2 }, { label: 'B', leads: 5, conversions: 2, rate: 0.4, lift: 0.8 }] },
    ]);
  });

  it('reports when each score rule fired and how those leads converted', () => {
    expect(report.scoreRules.map(({ source: _, ...r }) => r)).toEqual([
      { score: 'fit', rule: 'Director', fired: 3, conversions: 2, rate: 2 / 3, rateWhenNot: 1 / 3, lift: 4 / 3 },
      { score: 'fit', rule: 'Visits', fired: 3, conversions: 2, rate: 2 / 3, rateWhenNot: 1 / 3, lift: 4 / 3 },
    ]);
    expect(report.scoreRules[0]!.source).toBe('rules.mql:10');
  });

  it('reports each clause, and the converting leads it kept out', () => {
    expect(report.clauses.map((c) => [c.stage, c.kind, c.label, c.held, c.conversions, c.rate, c.rateWhenNot, c.keptOut])).toEqual([
      ['MQL', 'require', 'Fit', 4, 2, 0.5, 0.5, 1], // L4 converted with fit 5
      ['MQL', 'reject', 'Competitor', 1, 0, 0, 0.6, 0],
      ['SAL', 'require', 'Consent', 5, 2, 0.4, 1, 1], // L2: an MQL without consent
    ]);
  });

  it('sweeps the fit threshold over the leads the clause decides', () => {
    const [sweep] = report.sweeps;
    expect(sweep).toMatchObject({ stage: 'MQL', clause: 'Fit', score: 'fit', op: '>=', threshold: 20, eligible: 5 });
    // the current point is the stage as it is: 3 leads, 2 converted
    expect(sweep!.current).toEqual({ threshold: 20, volume: 3, conversions: 2, precision: 2 / 3, recall: 2 / 3, f1: 2 / 3 });
    const at = (t: number) => sweep!.points.find((p) => p.threshold === t);
    expect(at(0)).toEqual({ threshold: 0, volume: 5, conversions: 3, precision: 0.6, recall: 1, f1: 0.75 });
    expect(at(30)).toEqual({ threshold: 30, volume: 1, conversions: 1, precision: 1, recall: 1 / 3, f1: 0.5 });
    // thresholds 1..5 tie on F1 (4 leads, 3 converted); the one nearest the current 20 wins
    expect(sweep!.bestF1).toEqual({ threshold: 5, volume: 4, conversions: 3, precision: 0.75, recall: 1, f1: 6 / 7 });
    // half of the 6 leads: a volume of 3
    expect(sweep!.target).toEqual({ rate: 0.5, point: { ...sweep!.current } });
    expect(sweep!.points.map((p) => p.threshold)).toEqual(Array.from({ length: 31 }, (_, i) => i));
  });

  it('conversions over the furthest stages add up to all conversions', () => {
    expect(report.furthest.reduce((sum, s) => sum + s.conversions, 0)).toBe(report.conversions);
  });
});

describe('Backtest edge cases', () => {
  it('every lead converted: base rate 1, AUC undefined (null), lift 1', () => {
    const report = backtest(SIX.map((l) => ({ ...l, converted: true })));
    expect(report.baseRate).toBe(1);
    expect(report.scores[0]!.auc).toBeNull();
    expect(report.scores[0]!.roc).toEqual([]);
    expect(report.stages.map((s) => [s.precision, s.recall, s.lift])).toEqual([
      [1, 0.5, 1],
      [1, 1 / 3, 1],
    ]);
  });

  it('no lead converted: base rate 0, recall and lift null', () => {
    const report = backtest(SIX.map((l) => ({ ...l, converted: false })));
    expect(report.baseRate).toBe(0);
    expect(report.scores[0]!.auc).toBeNull();
    expect(report.stages[0]).toEqual({ stage: 'MQL', reached: 3, conversions: 0, precision: 0, recall: null, lift: null });
    expect(report.sweeps[0]!.bestF1).toBeNull();
  });

  it('no usable outcome: every rate is null and the records are listed', () => {
    const bt = new Backtest(backtestShape(artifact), { where, outcome: 'converted' });
    bt.addExcluded('line 1', 'L1', 'missing');
    bt.addExcluded('line 2', undefined, '"maybe"');
    bt.addInvalid('line 3', 'L3', [{ path: 'consent', message: 'required' }]);
    const report = bt.report({ rules: 'r', data: 'd', value: null, now: NOW });
    expect([report.records, report.leads, report.conversions, report.baseRate, report.totalValue]).toEqual([3, 0, 0, null, null]);
    expect(report.excluded).toEqual({ count: 2, listed: [{ where: 'line 1', id: 'L1', value: 'missing' }, { where: 'line 2', value: '"maybe"' }] });
    expect(report.invalid).toEqual({ count: 1, listed: [{ where: 'line 3', id: 'L3', errors: [{ path: 'consent', message: 'required' }] }] });
    expect(report.stages[0]).toEqual({ stage: 'MQL', reached: 0, conversions: 0, precision: null, recall: null, lift: null });
    expect(report.scores[0]).toMatchObject({ auc: null, roc: [] });
    expect(report.sweeps[0]!.current).toEqual({ threshold: 20, volume: 0, conversions: 0, precision: null, recall: null, f1: null });
  });
});

describe('AUC and the ROC curve', () => {
  const split = (pos: number[], neg: number[]) => ({ pos: Float64Array.from(pos).sort(), neg: Float64Array.from(neg).sort() });

  it('is 1 for a perfect score and 0 for a reversed one, 0.5 when all tie', () => {
    expect(auc(split([5, 6, 7], [1, 2, 3]))).toBe(1);
    expect(auc(split([1, 2, 3], [5, 6, 7]))).toBe(0);
    expect(auc(split([4, 4], [4, 4, 4]))).toBe(0.5);
  });

  it('draws the ROC curve from (0,0) to (1,1), ties diagonally', () => {
    expect(rocCurve(split([3, 2], [2, 1]))).toEqual([
      { fpr: 0, tpr: 0 },
      { fpr: 0, tpr: 0.5 },
      { fpr: 0.5, tpr: 1 },
      { fpr: 1, tpr: 1 },
    ]);
  });

  const scores = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 60 });

  it('lies in [0, 1], and AUC(score) + AUC(-score) = 1 without ties', () => {
    fc.assert(
      fc.property(scores, scores, (pos, neg) => {
        const a = auc(split(pos, neg))!;
        expect(a).toBeGreaterThanOrEqual(0);
        expect(a).toBeLessThanOrEqual(1);
        const distinct = new Set([...pos, ...neg]).size === pos.length + neg.length;
        if (distinct) expect(a + auc(split(pos.map((x) => -x), neg.map((x) => -x)))!).toBeCloseTo(1, 10);
      }),
    );
  });

  it('equals the pairwise count', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 30 }), fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 30 }), (pos, neg) => {
        let wins = 0;
        for (const p of pos) for (const q of neg) wins += p > q ? 1 : p === q ? 0.5 : 0;
        expect(auc(split(pos, neg))).toBeCloseTo(wins / (pos.length * neg.length), 12);
      }),
    );
  });
});

/** Any lead of the six-lead program's kind. */
const leadArb = fc.record({
  seniority: fc.constantFrom<'ic' | 'director'>('ic', 'director'),
  visits: fc.integer({ min: 0, max: 5 }),
  consent: fc.boolean(),
  domain: fc.constantFrom('acme.io', 'rival.com'),
  converted: fc.boolean(),
});

describe('Backtest properties', () => {
  it('conversions over furthest stages add up to the total; the current sweep point is the stage', () => {
    fc.assert(
      fc.property(fc.array(leadArb, { minLength: 1, maxLength: 40 }), (leads) => {
        const report = backtest(leads);
        expect(report.furthest.reduce((sum, s) => sum + s.conversions, 0)).toBe(report.conversions);
        expect(report.furthest.reduce((sum, s) => sum + s.leads, 0)).toBe(report.leads);
        expect(report.sweeps[0]!.current.volume).toBe(report.stages[0]!.reached);
        expect(report.sweeps[0]!.current.conversions).toBe(report.stages[0]!.conversions);
        const auc = report.scores[0]!.auc;
        if (auc !== null) expect(auc).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 60 },
    );
  });
});

describe('digests (what mql backtest\'s worker threads hand back)', () => {
  const shape = backtestShape(artifact);
  const valuedLeadArb = fc.record({
    lead: leadArb,
    value: fc.option(fc.double({ min: 0, max: 1e6, noNaN: true }), { nil: undefined }),
    unreadable: fc.boolean(),
  }).map(({ lead, value, unreadable }) => ({ ...lead, ...(value !== undefined ? { value } : {}), unreadable }));
  const asBacktestLead = (lead: Lead & { unreadable: boolean }): BacktestLead => {
    const rec = record(lead);
    const evaluation = engine.evaluate(rec, { now: NOW });
    if (!evaluation.ok) throw new Error(JSON.stringify(evaluation.errors));
    return {
      result: evaluation.result,
      converted: lead.converted,
      ...(lead.value !== undefined ? { value: lead.value } : {}),
      ...(lead.value === undefined && lead.unreadable && lead.converted ? { valueUnreadable: true } : {}),
      present: fieldPresence(rec, shape.fields),
    };
  };
  const header = { rules: 'rules.mql', data: 'leads.jsonl', value: 'amount', now: NOW };

  it('rows digested in batches elsewhere and added in order give the report of adding each lead', () => {
    fc.assert(
      fc.property(fc.array(valuedLeadArb, { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 7 }), (leads, batchSize) => {
        const one = new Backtest(shape, { where, outcome: 'converted' });
        const batched = new Backtest(shape, { where, outcome: 'converted' });
        const digester = new LeadDigester(shape);
        const { width } = digester.layout;
        const prepared = leads.map(asBacktestLead);
        prepared.forEach((lead) => one.add(lead));
        for (let start = 0; start < prepared.length; start += batchSize) {
          const batch = prepared.slice(start, start + batchSize);
          const rows = new Float64Array(batch.length * width).fill(7); // stale numbers must be overwritten
          batch.forEach((lead, i) => digester.write(lead, rows, i * width));
          batched.addDigests(rows);
        }
        expect(JSON.stringify(batched.report(header))).toBe(JSON.stringify(one.report(header)));
      }),
      { numRuns: 60 },
    );
  });

  it('refuses rows of another width (digests of another shape)', () => {
    const bt = new Backtest(shape, { where, outcome: 'converted' });
    const { width } = new LeadDigester(shape).layout;
    expect(() => bt.addDigests(new Float64Array(width + 1))).toThrow(`digests of ${width} numbers expected, got ${width + 1} numbers`);
  });
});

describe('leakage', () => {
  it('warns when a rule reads the field fed by the outcome column', () => {
    const source = SOURCE.replace('stage SAL after MQL { require "Consent": consent }', 'stage SAL after MQL { require "Consent": consent  require "Won": status == "won" }');
    const report = backtest(SIX, { source, outcome: 'status', status: (l) => (l.converted ? 'won' : 'lost') });
    expect(report.warnings.map((w) => ({ kind: w.kind, field: w.field, key: w.key, readBy: w.readBy }))).toEqual([
      { kind: 'reads-outcome', field: 'status', key: 'Status', readBy: [{ what: 'clause', name: 'SAL require "Won"', source: 'rules.mql:15' }] },
    ]);
  });

  it('warns when a field the rules read converts at ≥ 95% when set, on 100 leads or more', () => {
    const source = SOURCE.replace('stage SAL after MQL { require "Consent": consent }', 'stage SAL after MQL { require "Consent": consent  reject "Closed": status is set }');
    const leads = Array.from({ length: 300 }, (_, i): Lead => ({ seniority: i % 2 ? 'ic' : 'director', visits: i % 5, consent: true, converted: i % 3 === 0 }));
    const report = backtest(leads, { source, status: (l) => (l.converted ? 'Closed Won' : undefined) });
    expect(report.warnings).toEqual([
      {
        kind: 'looks-like-outcome',
        field: 'status',
        key: 'Status',
        leads: 100,
        rate: 1,
        message: expect.stringContaining('status (column "Status") looks like an outcome: 100% of the 100 leads where it is set converted (base rate 33.3%)'),
        readBy: [{ what: 'clause', name: 'SAL reject "Closed"', source: 'rules.mql:15' }],
      },
    ]);
    // fewer than 100 leads with the field set: no warning
    expect(backtest(leads.slice(0, 150), { source, status: (l) => (l.converted ? 'Closed Won' : undefined) }).warnings).toEqual([]);
  });
});

describe('reading outcomes and values', () => {
  it('accepts true/false, 1/0 and yes/no in any case; nothing else', () => {
    expect(['true', 'YES', ' 1 ', 1, true, 'Yes'].map(parseOutcome)).toEqual([true, true, true, true, true, true]);
    expect(['false', 'no', '0', 0, false, 'NO'].map(parseOutcome)).toEqual([false, false, false, false, false, false]);
    expect(['', 'maybe', 'won', 2, null, undefined, '1.0'].map(parseOutcome)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it('reads values as numbers, missing, or unreadable', () => {
    expect([48000, ' 48000.5 ', '', null, undefined, '48,000', 'n/a'].map(parseValue)).toEqual([48000, 48000.5, undefined, undefined, undefined, 'unreadable', 'unreadable']);
  });
});

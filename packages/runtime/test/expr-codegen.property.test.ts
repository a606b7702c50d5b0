// Generated evaluation (expr-codegen.ts, the generated scores, stages and results) against the
// closures it replaces (`load(artifact, { codegen: false })`): on generated programs that use every
// construct and generated edge-case leads, both give the same lean and explained results and the
// same coverage counts, lead by lead.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coverageItems, load, type RulesEngine } from '../src/index.js';
import { leadsArb, NOW, programArb } from './artifact-arbitraries.js';
import { artifact, E, field, grade, optional, per, q, score, stage, T, when } from './artifact-builder.js';

/** Whether a loaded engine runs generated code: its stage program has a generated lean path. */
function usesGeneratedCode(engine: RulesEngine): boolean {
  const internals = engine as unknown as { program: { stages: { generatedLean?: unknown } } };
  return typeof internals.program.stages.generatedLean === 'function';
}

function outcomes(engine: RulesEngine, records: Record<string, unknown>[], explain: boolean) {
  const coverage = new Uint32Array(coverageItems(engine.artifact).length);
  const results = records.map((record) => engine.evaluate(record, { now: NOW, explain }));
  const covered = records.map((record) => engine.evaluate(record, { now: NOW, explain, coverage }));
  return { results, covered, coverage: [...coverage] };
}

describe('generated evaluation against the closures', () => {
  it('gives the same results, lean and explained, and the same coverage, for every generated program', () => {
    fc.assert(
      fc.property(programArb, leadsArb(1, 20), (artifact, records) => {
        const generated = load(artifact);
        const closures = load(artifact, { codegen: false });
        expect(usesGeneratedCode(generated)).toBe(true);
        expect(usesGeneratedCode(closures)).toBe(false);
        for (const explain of [false, true]) {
          expect(outcomes(generated, records, explain)).toEqual(outcomes(closures, records, explain));
        }
      }),
      { numRuns: 300 },
    );
  });
});

/** Names and text written to break out of a string literal or a comment of the generated source. */
const HOSTILE = ['x"]: 1 }); globalThis.__pwned = 1; ({"', '*/ globalThis.__pwned = 2 /*', '${globalThis.__pwned = 3}', "q'uote", 'line\nbreak\u2028', 'toString', 'constructor'];

describe('generated evaluation with hostile names', () => {
  it('keeps every name and text as data', () => {
    const [a, b, c, d, e, f, g] = HOSTILE as [string, string, string, string, string, string, string];
    const rules = artifact({
      lead: [field(a, T.email, { from: b }), optional(c, T.string, { from: d })],
      events: { [e]: [optional(f, T.string, { from: g })] },
      segments: { [b]: E.contains(E.field(c), E.str(a)), [g]: E.in(E.domain(E.field(a)), E.list(d, e)) },
      scores: [score(c, [when(5, E.segment(b), { label: a }), per(2, q(e, { within: '30d', where: E.startsWith(E.attr(f), E.str(g)) }), { label: d, max: 10 })])],
      grades: [grade(d, [[a, E.cmp('>=', E.score(c), E.num(5))]], e)],
      stages: [stage(e, { title: f, require: [[a, E.cmp('==', E.grade(d), E.str(a), 'string')]] }), stage(a, { after: e, reject: [[b, E.segment(g)]] })],
    });
    const generated = load(rules);
    const closures = load(rules, { codegen: false });
    expect(usesGeneratedCode(generated)).toBe(true);
    const records = [
      { [b]: `someone@${d}`, [d]: `x ${a} y`, events: [{ type: e, at: NOW - 1000, [g]: `${g}!` }] },
      { [b]: 'other@example.com', events: [] },
    ];
    for (const explain of [false, true]) {
      const results = outcomes(generated, records, explain);
      expect(results).toEqual(outcomes(closures, records, explain));
      const first = results.results[0]!;
      expect(first.ok && first.result.scores).toEqual({ [c]: 7 });
      expect(first.ok && Object.keys(first.result.stages)).toEqual([e, a]);
    }
    expect((globalThis as Record<string, unknown>).__pwned).toBeUndefined();
  });
});

// Comparison of outcomes: stage, every score (relative 1e-9), grade, segment and stage flag, for
// every lead; the first differences are reported with the lead, so a failure says what differs.

import type { RulesArtifact } from '@mql/artifact';
import { load } from '@mql/runtime';
import type { Outcome } from './engines.js';
import { KEY } from './engines.js';

export function runtimeOutcomes(artifact: RulesArtifact, records: Record<string, unknown>[], now: string): Map<string, Outcome> {
  const engine = load(artifact);
  const out = new Map<string, Outcome>();
  for (const record of records) {
    const evaluation = engine.evaluate(record, { now, explain: false });
    if (!evaluation.ok) throw new Error(`invalid test record ${String(record[KEY])}: ${JSON.stringify(evaluation.errors)}`);
    const r = evaluation.result;
    out.set(String(record[KEY]), {
      stage: r.stage,
      scores: r.scores,
      grades: r.grades,
      segments: r.segments,
      qualified: Object.fromEntries(Object.entries(r.stages).map(([name, s]) => [name, s.qualified])),
    });
  }
  return out;
}

/**
 * Relative 1e-9, and 1e-9 absolute near zero: the engines add up events in another order than the
 * runtime, and `x - x` computed from two such sums leaves ~1e-16 where the runtime has 0.
 */
export function sameNumber(a: number, b: number): boolean {
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b), 1);
}

/** Differences between the reference (runtime) and an engine, at most `limit` of them. */
export function differences(reference: Map<string, Outcome>, actual: Map<string, Outcome>, engine: string, limit = 10): string[] {
  const found: string[] = [];
  const add = (text: string) => found.length < limit && found.push(`${engine}: ${text}`);
  if (actual.size !== reference.size) add(`${actual.size} rows for ${reference.size} leads`);
  for (const [id, want] of reference) {
    const got = actual.get(id);
    if (got === undefined) {
      add(`lead ${id}: no row`);
      continue;
    }
    if (got.stage !== want.stage) add(`lead ${id}: stage ${got.stage} instead of ${want.stage}`);
    for (const [name, v] of Object.entries(want.scores)) if (!sameNumber(got.scores[name]!, v)) add(`lead ${id}: score ${name} = ${got.scores[name]} instead of ${v}`);
    for (const [name, v] of Object.entries(want.grades)) if (got.grades[name] !== v) add(`lead ${id}: grade ${name} = ${got.grades[name]} instead of ${v}`);
    for (const [name, v] of Object.entries(want.segments)) if (got.segments[name] !== v) add(`lead ${id}: segment ${name} = ${got.segments[name]} instead of ${v}`);
    for (const [name, v] of Object.entries(want.qualified)) if (got.qualified[name] !== v) add(`lead ${id}: ${name} qualified = ${got.qualified[name]} instead of ${v}`);
  }
  return found;
}

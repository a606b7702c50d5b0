// One record of `mql diff`: evaluated explained by both versions at one `now`, with its outcome when
// --outcome names one, or else left out as unreadable or invalid for one version or both. The same
// code runs in the command's own thread (into a StageComparison) and in its worker threads (into the
// lead's change, diff-worker.ts).

import { parseOutcome } from '@mql/backtest';
import { positionText, recordColumns, type LeadInput } from '@mql/data';
import type { EvaluationResult, RulesEngine } from '@mql/runtime';

/** Where a record goes: a StageComparison, or a worker's batch of changes. */
export interface DiffSink {
  addLead(lead: string, base: EvaluationResult, next: EvaluationResult, converted?: boolean | null): void;
  addInvalid(invalidFor: 'base' | 'new' | 'both'): void;
}

export interface DiffReader {
  /** The CSV column kept beside each record for the outcome (undefined for JSON, read from the record, or without --outcome). */
  include: string[] | undefined;
  fold(item: LeadInput, sink: DiffSink): void;
}

export function diffReader(base: RulesEngine, next: RulesEngine, data: string, outcome: string | undefined, now: number): DiffReader {
  const columns = outcome !== undefined ? recordColumns(data, [outcome]) : undefined;
  return {
    include: columns?.include,
    fold(item, sink) {
      if (!item.ok) return sink.addInvalid('both');
      const before = base.evaluate(item.record, { now, explain: true });
      const after = next.evaluate(item.record, { now, explain: true });
      const converted = columns ? (parseOutcome(columns.cell(item, outcome!)) ?? null) : undefined;
      if (before.ok && after.ok) sink.addLead(item.id ?? positionText(item.position), before.result, after.result, converted);
      else sink.addInvalid(before.ok ? 'new' : after.ok ? 'base' : 'both');
    },
  };
}

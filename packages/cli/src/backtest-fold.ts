// One record of `mql backtest`, from the record as read to what the aggregator counts: evaluated
// explained at one `now`, its outcome (and value) read from the record or the CSV columns kept
// beside it, or else left out as invalid or without a usable outcome. The same code runs in the
// command's own thread (into a Backtest) and in its worker threads (into digests, backtest-worker.ts).

import { fieldPresence, outcomeText, parseOutcome, parseValue, type BacktestLead, type BacktestShape } from '@mql/backtest';
import { positionText, recordColumns, type LeadInput } from '@mql/data';
import type { RecordError, RulesEngine } from '@mql/runtime';

/** Where a record goes: a Backtest, or a worker's batch of digests. */
export interface BacktestSink {
  add(lead: BacktestLead): void;
  addInvalid(where: string, id: string | undefined, errors: readonly RecordError[]): void;
  addExcluded(where: string, id: string | undefined, value: string): void;
}

export interface BacktestColumns {
  data: string;
  outcome: string;
  value?: string;
}

export interface BacktestReader {
  /** Columns of a CSV kept beside each record for the outcome and value (undefined for JSON, read from the record). */
  include: string[] | undefined;
  fold(item: LeadInput, sink: BacktestSink): void;
}

export function backtestReader(engine: RulesEngine, shape: BacktestShape, columns: BacktestColumns, now: number): BacktestReader {
  const { include, cell } = recordColumns(columns.data, [columns.outcome, ...(columns.value !== undefined ? [columns.value] : [])]);
  return {
    include,
    fold(item, sink) {
      const where = positionText(item.position);
      if (!item.ok) return sink.addInvalid(where, item.id, item.errors);
      const evaluation = engine.evaluate(item.record, { now, explain: true });
      if (!evaluation.ok) return sink.addInvalid(where, item.id, evaluation.errors);
      const raw = cell(item, columns.outcome);
      const converted = parseOutcome(raw);
      if (converted === undefined) return sink.addExcluded(where, item.id, outcomeText(raw));
      const value = columns.value === undefined ? undefined : parseValue(cell(item, columns.value));
      sink.add({
        result: evaluation.result,
        converted,
        ...(typeof value === 'number' ? { value } : {}),
        ...(value === 'unreadable' && converted ? { valueUnreadable: true } : {}),
        present: fieldPresence(item.record, shape.fields),
      });
    },
  };
}

/** A JSON record's keys, for the hint when no record has the outcome key; undefined for CSV rows and invalid records. */
export function recordKeys(item: LeadInput, reader: BacktestReader): string[] | undefined {
  return !reader.include && item.ok && typeof item.record === 'object' && item.record !== null ? Object.keys(item.record) : undefined;
}

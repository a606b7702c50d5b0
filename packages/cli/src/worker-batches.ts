// How a worker thread (eval-worker.ts, backtest-worker.ts) turns a batch from parallel.ts back into
// records: the same @mql/data readers as the single-threaded path, so every record, id, position
// and error is the one that path would see.

import type { RulesEngine } from '@mql/runtime';
import { csvBatchReader, leadFromLine, linesOf, type LeadInput } from '@mql/data';
import type { BatchSetup, WorkerBatch } from './parallel.js';

export function batchLeads(engine: RulesEngine, setup: BatchSetup): (batch: WorkerBatch) => LeadInput[] {
  const readCsvBatch = setup.csv ? csvBatchReader(engine, setup.csv) : undefined;
  return (batch) => {
    if ('meta' in batch) return readCsvBatch!(batch);
    const { bytes, firstLine } = batch;
    return linesOf(bytes).flatMap((text, i) => leadFromLine(text, firstLine + i, setup) ?? []);
  };
}

// A worker thread of `mql backtest` (see parallel.ts): loads the rules once, then folds each batch of
// JSON lines or CSV rows as the command's own thread does (backtest-fold.ts), except that a lead
// with a usable outcome becomes its digest (@mql/backtest's LeadDigester), one row of numbers
// instead of an explained result. The rows of a batch go back in one buffer, without copying; the
// main thread adds them, and the records left out, in input order.

import { parentPort, workerData } from 'node:worker_threads';
import { backtestShape, LeadDigester } from '@mql/backtest';
import { load, type RecordError } from '@mql/runtime';
import { backtestReader, recordKeys, type BacktestColumns } from './backtest-fold.js';
import type { Answer, BatchSetup, WorkerBatch } from './parallel.js';
import { batchLeads } from './worker-batches.js';

export interface BacktestWorkerSetup extends BatchSetup {
  now: number;
  columns: BacktestColumns;
}

export interface BacktestBatchResult extends Answer {
  /** One LeadDigester row per lead with a usable outcome, in input order. */
  digests: Float64Array;
  invalid: { where: string; id?: string; errors: RecordError[] }[];
  excluded: { where: string; id?: string; value: string }[];
  /** The batch's first valid JSON record's keys (for the hint when no record has the outcome). */
  firstKeys?: string[];
}

const setup = workerData as BacktestWorkerSetup;
const engine = load(setup.artifact);
const shape = backtestShape(engine.artifact);
const digester = new LeadDigester(shape);
const reader = backtestReader(engine, shape, setup.columns, setup.now);
const leadsOf = batchLeads(engine, setup);
const { width } = digester.layout;

function foldBatch(batch: WorkerBatch): BacktestBatchResult {
  const items = leadsOf(batch);
  const rows = new Float64Array(items.length * width);
  let leads = 0;
  const out: BacktestBatchResult = { seq: batch.seq, digests: rows, invalid: [], excluded: [] };
  const sink = {
    add: (lead: Parameters<LeadDigester['write']>[0]) => digester.write(lead, rows, width * leads++),
    addInvalid: (where: string, id: string | undefined, errors: readonly RecordError[]) => out.invalid.push({ where, ...(id !== undefined ? { id } : {}), errors: [...errors] }),
    addExcluded: (where: string, id: string | undefined, value: string) => out.excluded.push({ where, ...(id !== undefined ? { id } : {}), value }),
  };
  for (const item of items) {
    out.firstKeys ??= recordKeys(item, reader);
    reader.fold(item, sink);
  }
  out.digests = rows.slice(0, leads * width); // its own buffer, the size of what was written, to transfer
  return out;
}

parentPort!.on('message', (batch: WorkerBatch) => {
  const result = foldBatch(batch);
  parentPort!.postMessage(result, [result.digests.buffer as ArrayBuffer]);
});

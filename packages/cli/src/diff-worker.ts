// A worker thread of `mql diff` (see parallel.ts): loads both versions once, then folds each batch
// of JSON lines or CSV rows as the command's own thread does (diff/fold.ts), except that a lead
// becomes its change (StageComparison.changeOf: its stages, rule points, clauses and grade bands
// before and after) instead of being counted here; the main thread adds the changes, and the
// records left out, in input order.

import { parentPort, workerData } from 'node:worker_threads';
import type { RulesArtifact } from '@mql/artifact';
import { load } from '@mql/runtime';
import { StageComparison, versionShape, type LeadChange } from './diff/compare.js';
import { diffReader } from './diff/fold.js';
import type { Answer, BatchSetup, WorkerBatch } from './parallel.js';
import { batchLeads } from './worker-batches.js';

/** `artifact` is the new version, whose lead declaration reads the records (as in the main thread). */
export interface DiffWorkerSetup extends BatchSetup {
  baseArtifact: RulesArtifact;
  now: number;
  data: string;
  outcome?: string;
}

export interface DiffBatchResult extends Answer {
  /** One per lead both versions evaluated, in input order. */
  changes: LeadChange[];
  /** One per record left out, in input order. */
  invalid: ('base' | 'new' | 'both')[];
}

const setup = workerData as DiffWorkerSetup;
const base = load(setup.baseArtifact);
const next = load(setup.artifact);
// Only its changeOf is used: what a lead adds depends on the two versions' shapes alone.
const shapes = new StageComparison(versionShape(base.artifact), versionShape(next.artifact));
const reader = diffReader(base, next, setup.data, setup.outcome, setup.now);
const leadsOf = batchLeads(next, setup);

function foldBatch(batch: WorkerBatch): DiffBatchResult {
  const out: DiffBatchResult = { seq: batch.seq, changes: [], invalid: [] };
  const sink = {
    addLead: (...lead: Parameters<StageComparison['changeOf']>) => out.changes.push(shapes.changeOf(...lead)),
    addInvalid: (invalidFor: 'base' | 'new' | 'both') => out.invalid.push(invalidFor),
  };
  for (const item of leadsOf(batch)) reader.fold(item, sink);
  return out;
}

parentPort!.on('message', (batch: WorkerBatch) => parentPort!.postMessage(foldBatch(batch)));

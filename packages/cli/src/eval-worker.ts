// A worker thread of `mql eval` (see parallel.ts): loads the rules once, then turns each batch of
// JSON lines into formatted results (UTF-8, handed back without copying), stage counts and invalid
// records, exactly as the single-threaded path does (the same leadFromLine, evaluate, resultLine).

import { parentPort, workerData } from 'node:worker_threads';
import { load } from '@mql/runtime';
import { leadFromLine, leadLabeller } from './data.js';
import { linesOf } from './lines.js';
import { resultLine } from './output.js';
import type { BatchResult, LineBatch, WorkerSetup } from './parallel.js';

const setup = workerData as WorkerSetup;
const engine = load(setup.artifact);
const labelOf = leadLabeller(engine.artifact.lead.fields);

const encoder = new TextEncoder();

function evaluateBatch(batch: LineBatch): BatchResult {
  const out: BatchResult = { seq: batch.seq, bytes: new Uint8Array(0), records: 0, stages: {}, invalid: [] };
  const parts: string[] = [];
  linesOf(batch.bytes).forEach((text, i) => {
    const item = leadFromLine(text, batch.firstLine + i, setup.idKey);
    if (!item) return;
    out.records++;
    const id = item.id !== undefined ? { id: item.id } : {};
    if (!item.ok) {
      out.invalid.push({ position: item.position, ...id, errors: item.errors });
      return;
    }
    const evaluation = engine.evaluate(item.record, { now: setup.now, explain: setup.explain });
    if (!evaluation.ok) {
      out.invalid.push({ position: item.position, ...id, errors: evaluation.errors });
      return;
    }
    const stage = evaluation.result.stage ?? 'none';
    out.stages[stage] = (out.stages[stage] ?? 0) + 1;
    parts.push(resultLine(setup.format, { position: item.position, ...id, label: labelOf(item), result: evaluation.result }, engine));
  });
  out.bytes = encoder.encode(parts.join(''));
  return out;
}

parentPort!.on('message', (batch: LineBatch) => {
  const result = evaluateBatch(batch);
  parentPort!.postMessage(result, [result.bytes.buffer as ArrayBuffer]);
});

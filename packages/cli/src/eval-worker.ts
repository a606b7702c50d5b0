// A worker thread of `mql eval` (see parallel.ts): loads the rules once, then turns each batch of
// JSON lines or CSV rows into formatted results (UTF-8, handed back without copying), stage counts
// and invalid records, exactly as the single-threaded path does (the same records from @mql/data,
// worker-batches.ts; evaluate, resultLine).

import { parentPort, workerData } from 'node:worker_threads';
import { coverageItems, load } from '@mql/runtime';
import { leadLabeller } from '@mql/data';
import { noteValues, watchedLiterals, type SeenValues } from './literals.js';
import { evaluatedLead, resultLine } from './output.js';
import type { BatchResult, WorkerBatch, WorkerSetup } from './parallel.js';
import { countResult, inputPaths, notePresentKeys } from './summary.js';
import { batchLeads } from './worker-batches.js';

const setup = workerData as WorkerSetup;
const engine = load(setup.artifact);
const labelOf = leadLabeller(engine.artifact.lead.fields);

const coverageSize = coverageItems(engine.artifact).length;
const keyPaths = inputPaths(engine.artifact.lead.fields).map((p) => p.path);
const watched = watchedLiterals(engine.artifact);

const encoder = new TextEncoder();
const leadsOf = batchLeads(engine, setup);

function evaluateBatch(batch: WorkerBatch): BatchResult {
  const out: BatchResult = { seq: batch.seq, bytes: new Uint8Array(0), records: 0, stages: {}, reached: {}, withId: 0, seenKeys: [], values: [], invalid: [], coverage: new Uint32Array(coverageSize) };
  const values: SeenValues = new Map();
  const counts = { stages: new Map<string, number>(), reached: new Map<string, number>() };
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const item of leadsOf(batch)) {
    out.records++;
    if (item.id !== undefined) out.withId++;
    const id = item.id !== undefined ? { id: item.id } : {};
    if (!item.ok) {
      out.invalid.push({ position: item.position, ...id, errors: item.errors });
      continue;
    }
    // JSON records may lack keys, which the summary reports; a CSV row has every column.
    if (!setup.csv) notePresentKeys(item.record, keyPaths, seen);
    noteValues(item.record, watched, values);
    const evaluation = engine.evaluate(item.record, { now: setup.now, explain: setup.explain, coverage: out.coverage });
    if (!evaluation.ok) {
      out.invalid.push({ position: item.position, ...id, errors: evaluation.errors });
      continue;
    }
    countResult(counts, evaluation.result);
    const lead = evaluatedLead(item.position, item.id, item.included, labelOf(item), evaluation.result);
    parts.push(resultLine(setup.format, lead, engine, setup.include));
  }
  out.bytes = encoder.encode(parts.join(''));
  out.stages = Object.fromEntries(counts.stages);
  out.reached = Object.fromEntries(counts.reached);
  out.seenKeys = [...seen];
  out.values = [...values].map(([key, map]) => [key, [...map.values()]]);
  return out;
}

parentPort!.on('message', (batch: WorkerBatch) => {
  const result = evaluateBatch(batch);
  parentPort!.postMessage(result, [result.bytes.buffer as ArrayBuffer]);
});

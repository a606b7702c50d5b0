// Parallel evaluation of a JSON-lines or CSV file for `mql eval`: worker threads (eval-worker.ts)
// read, evaluate and format batches of records, which is most of the cost per lead (JSON.parse or
// the cell conversions, the rules, JSON.stringify of the result), and the main thread writes the
// workers' encoded results in input order. At most two batches per worker are in flight, so memory
// stays flat however large the file. The output is byte-identical to the single-threaded path
// (tests compare them): both read records with @mql/data.
// - JSON lines: the main thread only moves bytes: it cuts the file into batches at line ends and
//   hands each to a worker without copying (a transferred buffer).
// - CSV: the main thread reads the records (a quoted cell may span lines, so a file cannot be cut
//   blindly) and, with `--events`, builds the events index and joins each lead's event rows; a
//   batch is those rows still encoded (@mql/data's csvBatchSource), which the worker converts.

import { createReadStream } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { RulesArtifact } from '@mql/artifact';
import type { RulesEngine } from '@mql/runtime';
import { countLines, csvBatchSource, LineCutter, type CsvBatch, type CsvBatchSetup, type DataOptions } from '@mql/data';
import type { InvalidLead } from './output.js';

/** What every worker needs to evaluate and format leads like the main thread would. */
export interface WorkerSetup {
  artifact: RulesArtifact;
  now: number;
  explain: boolean;
  format: 'jsonl' | 'csv';
  idKey: string;
  /** `--include`: input keys passed through to the output. */
  include: readonly string[];
  /** A CSV input: how its batches are read (else JSON lines). */
  csv?: CsvBatchSetup;
}

export interface LineBatch {
  seq: number;
  /** Line number of the batch's first line, from 1. */
  firstLine: number;
  /** Whole lines of the file, UTF-8, each with its line break (but perhaps the file's last one). */
  bytes: Uint8Array;
}

export type CsvRowBatch = CsvBatch & { seq: number };

export type WorkerBatch = LineBatch | CsvRowBatch;

export interface BatchResult {
  seq: number;
  /** The formatted results of the batch's valid leads, in order, UTF-8. */
  bytes: Uint8Array;
  /** Records read (blank lines are not records). */
  records: number;
  stages: Record<string, number>;
  /** Leads that qualified for each stage. */
  reached: Record<string, number>;
  /** Values of the fields the rules compare with string literals, as first seen (literals.ts). */
  values: [string, string[]][];
  /** Records with an id. */
  withId: number;
  /** Lead schema key paths present in at least one record of the batch (JSON records only). */
  seenKeys: string[];
  invalid: InvalidLead[];
  /** Leads each score rule fired for and each stage clause held for (the runtime's coverage counters). */
  coverage: Uint32Array;
}

/** About 700 leads of 20 events each: big enough to keep messages rare, small enough for flat memory. */
const BATCH_BYTES = 1 << 20;
const BATCHES_IN_FLIGHT_PER_WORKER = 2;

export interface ParallelRun {
  file: string;
  workers: number;
  setup: WorkerSetup;
  /** Called with each batch's result, in input order. */
  onResult(result: BatchResult): Promise<void>;
  onProgress(bytesRead: number): void;
}

export interface CsvParallelRun extends Omit<ParallelRun, 'setup'> {
  /** The setup but for the CSV's, which comes from its header. */
  setup: Omit<WorkerSetup, 'csv'>;
  engine: RulesEngine;
  data: DataOptions;
}

/** Evaluates a leads CSV (and its `--events`) in worker threads; returns the notes on the input (leadSource's). */
export async function evaluateCsvInParallel(run: CsvParallelRun): Promise<string[]> {
  const source = await csvBatchSource(run.file, run.engine, run.data, BATCH_BYTES);
  let pool: WorkerPool | undefined;
  try {
    let seq = 0;
    for await (const batch of source.batches) {
      // The header came before any row, so the setup is known by the first batch.
      pool ??= new WorkerPool(run.workers, { ...run.setup, csv: source.setup()! }, run.onResult);
      await pool.submit({ ...batch, seq: seq++ });
      run.onProgress(source.progress().done);
    }
    await pool?.drain();
  } finally {
    await pool?.close();
  }
  return source.notes();
}

export async function evaluateJsonLinesInParallel(run: ParallelRun): Promise<void> {
  const pool = new WorkerPool(run.workers, run.setup, run.onResult);
  const stream = createReadStream(run.file, { highWaterMark: BATCH_BYTES });
  try {
    let seq = 0;
    let firstLine = 1;
    const cutter = new LineCutter(); // the same cuts and BOM rule as the single-threaded path
    const submit = async (part: Buffer | undefined) => {
      if (part === undefined || part.length === 0) return;
      const bytes = new Uint8Array(part); // its own buffer, to transfer
      const lines = countLines(bytes); // before submit: the transfer detaches the buffer
      await pool.submit({ seq: seq++, firstLine, bytes });
      firstLine += lines;
    };
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      await submit(cutter.push(chunk));
      run.onProgress(stream.bytesRead);
    }
    await submit(cutter.end());
    await pool.drain();
  } finally {
    stream.destroy();
    await pool.close();
  }
}

/** Batches go to the workers in turn; each worker answers in the order it was asked. */
class WorkerPool {
  private readonly workers: Worker[];
  private readonly finished = new Map<number, BatchResult>();
  private inFlight = 0;
  private nextToWrite = 0;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(
    count: number,
    setup: WorkerSetup,
    private readonly onResult: (result: BatchResult) => Promise<void>,
  ) {
    this.workers = Array.from({ length: count }, () => {
      const worker = new Worker(new URL('./eval-worker.js', import.meta.url), { workerData: setup });
      worker.on('message', (result: BatchResult) => {
        this.finished.set(result.seq, result);
        this.inFlight--;
        this.wake?.();
      });
      worker.on('error', (error) => {
        this.failure = error;
        this.wake?.();
      });
      return worker;
    });
  }

  async submit(batch: WorkerBatch): Promise<void> {
    while (this.inFlight >= this.workers.length * BATCHES_IN_FLIGHT_PER_WORKER) await this.settle();
    const transfer = 'bytes' in batch ? [batch.bytes.buffer] : [batch.rows.buffer, batch.meta.buffer];
    this.workers[batch.seq % this.workers.length]!.postMessage(batch, transfer as ArrayBuffer[]);
    this.inFlight++;
    await this.writeReady();
  }

  async drain(): Promise<void> {
    while (this.inFlight > 0) await this.settle();
    await this.writeReady();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  /** Waits for a worker to answer, then writes whatever is next in order. */
  private async settle(): Promise<void> {
    await new Promise<void>((resolve) => (this.wake = resolve));
    this.wake = undefined;
    if (this.failure) throw this.failure;
    await this.writeReady();
  }

  private async writeReady(): Promise<void> {
    for (let result = this.finished.get(this.nextToWrite); result; result = this.finished.get(this.nextToWrite)) {
      this.finished.delete(this.nextToWrite);
      this.nextToWrite++;
      await this.onResult(result);
    }
  }
}

// Parallel evaluation of a JSON-lines or CSV file for `mql eval`, `mql backtest` and `mql diff`:
// worker threads (eval-worker.ts, backtest-worker.ts, diff-worker.ts) read and evaluate batches of
// records, which is most of the cost per lead (JSON.parse or the cell conversions, the rules, then
// JSON.stringify of the result, the backtest's digest or the diff's change), and the main thread
// takes the workers' results in input order.
// At most two batches per worker are in flight, so memory stays flat however large the file. The
// results are exactly the single-threaded path's (tests compare them): both read records with
// @mql/data.
// - JSON lines: the main thread only moves bytes: it cuts the file into batches at line ends and
//   hands each to a worker without copying (a transferred buffer).
// - CSV: the main thread reads the records (a quoted cell may span lines, so a file cannot be cut
//   blindly) and, with `--events`, builds the events index and joins each lead's event rows; a
//   batch is those rows still encoded (@mql/data's csvBatchSource), which the worker converts.

import { createReadStream } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { RulesArtifact } from '@mql/artifact';
import type { RulesEngine } from '@mql/runtime';
import { countLines, csvBatchSource, dataFormatOf, fileSize, idKeyOf, LineCutter, type CsvBatch, type CsvBatchSetup, type DataOptions } from '@mql/data';
import { UsageError } from './host.js';
import { eventsProgress, startProgress, type InvalidLead, type Progress } from './output.js';

/** What every worker needs to read its batches as the main thread would (worker-batches.ts). */
export interface BatchSetup {
  artifact: RulesArtifact;
  idKey: string;
  /** Input keys or columns kept beside each record (`--include`; the backtest's outcome and value). */
  include: readonly string[];
  /** A CSV input: how its batches are read (else JSON lines). */
  csv?: CsvBatchSetup;
}

/** What an eval worker needs to evaluate and format leads like the main thread would. */
export interface WorkerSetup extends BatchSetup {
  now: number;
  explain: boolean;
  format: 'jsonl' | 'csv';
}

/** The worker threads' scripts, built beside this file (scripts/build.mjs). */
export type WorkerScript = 'eval-worker.js' | 'backtest-worker.js' | 'diff-worker.js';

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

/** A batch's answer: each worker script has its own, all numbered like the batches. */
export interface Answer {
  seq: number;
}

export interface ParallelRun<S extends BatchSetup = WorkerSetup, R extends Answer = BatchResult> {
  file: string;
  workers: number;
  script: WorkerScript;
  setup: S;
  /** Called with each batch's result, in input order. */
  onResult(result: R): Promise<void>;
  onProgress(bytesRead: number): void;
}

export interface CsvParallelRun<S extends BatchSetup = WorkerSetup, R extends Answer = BatchResult> extends Omit<ParallelRun<S, R>, 'setup'> {
  /** The setup but for the CSV's, which comes from its header. */
  setup: Omit<S, 'csv'>;
  engine: RulesEngine;
  data: DataOptions;
}

/** Below this size a batch finishes before worker threads would have started (~50 ms each). */
const PARALLEL_MIN_BYTES = 32 * 2 ** 20;

/** The default for a JSON-lines or CSV input: one worker per core once the files are large enough, else none. */
export function defaultWorkers(files: readonly string[]): number {
  const size = files.reduce((sum, file) => sum + fileSize(file), 0);
  return size >= PARALLEL_MIN_BYTES ? availableParallelism() : 0;
}

/** `--workers N`, but no more than worth starting: each worker holds a copy of the rules and ~30 MB of its own. */
export function cappedWorkers(requested: number): number {
  const most = Math.max(4, availableParallelism());
  if (requested <= most) return requested;
  process.stderr.write(`mql: --workers ${requested} is more than this machine can use; using ${most}\n`);
  return most;
}

/** The options that say how `mql backtest` and `mql diff` read their leads. */
export interface FoldInput {
  data: string;
  events?: string;
  key?: string;
  idKey?: string;
  workers?: number;
}

/** How the leads are read, the same for one thread and for workers: ids, the events file, the columns kept beside each record. */
export function foldDataOptions(artifact: RulesArtifact, input: FoldInput, include: string[] | undefined): DataOptions & { idKey: string } {
  return {
    idKey: idKeyOf(artifact, input.idKey).key,
    ...(input.events ? { events: { file: input.events, key: input.key! } } : {}),
    ...(include ? { include } : {}),
  };
}

/** Worker threads for `mql backtest` or `mql diff`, or 0 for this thread: --workers N, else one per core for a large JSON-lines or CSV file. */
export function foldWorkers(input: FoldInput): number {
  const format = dataFormatOf(input.data);
  const eligible = format === 'jsonl' || format === 'csv';
  if (input.workers !== undefined) {
    if (input.workers > 0 && !eligible) throw new UsageError('--workers applies to a JSON-lines or CSV --data file');
    return cappedWorkers(input.workers);
  }
  return eligible ? defaultWorkers([input.data, ...(input.events === undefined ? [] : [input.events])]) : 0;
}

export interface FoldRun<S extends BatchSetup, R extends Answer> {
  file: string;
  workers: number;
  script: WorkerScript;
  setup: Omit<S, 'csv'>;
  engine: RulesEngine;
  /** How the file (and its events) is read: the single-threaded path's options. */
  data: DataOptions;
  /** Called with each batch's answer, in input order. */
  onResult(result: R): void;
  /** Records a batch held (read, left out or not). */
  records(result: R): number;
}

/**
 * A JSON-lines or CSV file through a worker script, with the single-threaded path's progress bars
 * (the events file being indexed, then the leads); returns the notes on the input.
 */
export async function foldInParallel<S extends BatchSetup, R extends Answer>(run: FoldRun<S, R>): Promise<string[]> {
  let bytesRead = 0;
  let records = 0;
  const total = fileSize(run.file);
  const indexing = eventsProgress();
  let leadsProgress: Progress | undefined;
  const parallel: CsvParallelRun<S, R> = {
    ...run,
    onProgress: (bytes) => (bytesRead = bytes),
    onResult: async (result) => {
      run.onResult(result);
      records += run.records(result);
      indexing.stop(); // the events were indexed before the first batch
      (leadsProgress ??= startProgress(() => ({ done: bytesRead, total }))).update(records);
    },
  };
  try {
    if (dataFormatOf(run.file) === 'csv') return await evaluateCsvInParallel({ ...parallel, data: { ...run.data, onEventsProgress: indexing.onEventsProgress } });
    await evaluateJsonLinesInParallel({ ...parallel, setup: run.setup as S });
    return [];
  } finally {
    indexing.stop();
    leadsProgress?.stop();
  }
}

/** Evaluates a leads CSV (and its `--events`) in worker threads; returns the notes on the input (leadSource's). */
export async function evaluateCsvInParallel<S extends BatchSetup, R extends Answer>(run: CsvParallelRun<S, R>): Promise<string[]> {
  const source = await csvBatchSource(run.file, run.engine, run.data, BATCH_BYTES);
  let pool: WorkerPool<R> | undefined;
  try {
    let seq = 0;
    for await (const batch of source.batches) {
      // The header came before any row, so the setup is known by the first batch.
      pool ??= new WorkerPool(run.workers, run.script, { ...run.setup, csv: source.setup()! }, run.onResult);
      await pool.submit({ ...batch, seq: seq++ });
      run.onProgress(source.progress().done);
    }
    await pool?.drain();
  } finally {
    await pool?.close();
  }
  return source.notes();
}

export async function evaluateJsonLinesInParallel<S extends BatchSetup, R extends Answer>(run: ParallelRun<S, R>): Promise<void> {
  const pool = new WorkerPool(run.workers, run.script, run.setup, run.onResult);
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
class WorkerPool<R extends Answer> {
  private readonly workers: Worker[];
  private readonly finished = new Map<number, R>();
  private inFlight = 0;
  private nextToWrite = 0;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(
    count: number,
    script: WorkerScript,
    setup: BatchSetup,
    private readonly onResult: (result: R) => Promise<void>,
  ) {
    this.workers = Array.from({ length: count }, () => {
      const worker = new Worker(new URL(`./${script}`, import.meta.url), { workerData: setup });
      worker.on('message', (result: R) => {
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

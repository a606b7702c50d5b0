// The output side of `mql eval`: results in one of four formats on stdout (written through a
// buffer that respects backpressure), the closing summary, and the progress bar on stderr.

import { once } from 'node:events';
import cliProgress from 'cli-progress';
import type { EvaluationResult, RulesEngine } from '@mql/runtime';
import { positionText, type Position } from '@mql/data';
import { formatNumber, renderExplanation, type ExplainContext } from './explain.js';
import { colors } from './report.js';
import { NO_STAGE } from './summary.js';
export type { InvalidLead } from './summary.js';

export const OUTPUT_FORMATS = ['table', 'json', 'jsonl', 'csv'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface EvaluatedLead {
  position: Position;
  id?: string;
  /** Input columns passed through with `--include`, as text, in the order asked. */
  included?: Record<string, string>;
  /** The id, else the email, else the position: how people recognise the lead. */
  label: string;
  result: EvaluationResult;
}

/**
 * One lead's output, its optional parts set only when present: spreading `{ id }` and
 * `{ included }` into a new object for every lead cost a visible share of a large batch.
 */
export function evaluatedLead(position: Position, id: string | undefined, included: Record<string, string> | undefined, label: string, result: EvaluationResult): EvaluatedLead {
  const lead: EvaluatedLead = { position, label, result };
  if (id !== undefined) lead.id = id;
  if (included) lead.included = included;
  return lead;
}

// ---------------------------------------------------------------------------------------------
// stdout

/** Buffers writes to stdout in ~64 kB chunks and waits when the pipe is full (a closed pipe: main.ts). */
export class Stdout {
  private buffer: string[] = [];
  private size = 0;

  async write(text: string): Promise<void> {
    this.buffer.push(text);
    this.size += text.length;
    if (this.size >= 65_536) await this.flush();
  }

  /** Already-encoded output (from mql eval's worker threads), written after what is buffered. */
  async writeBytes(bytes: Uint8Array): Promise<void> {
    await this.flush();
    if (!process.stdout.write(bytes)) await once(process.stdout, 'drain');
  }

  async flush(): Promise<void> {
    if (this.size === 0) return;
    const chunk = this.buffer.join('');
    this.buffer = [];
    this.size = 0;
    if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
  }
}

// ---------------------------------------------------------------------------------------------
// Result writers

export interface ResultWriter {
  add(lead: EvaluatedLead): Promise<void>;
  finish(): Promise<void>;
}

export function resultWriter(
  format: OutputFormat | 'explain',
  out: Stdout,
  engine: RulesEngine,
  explain: ExplainContext,
  include: readonly string[] = [],
): ResultWriter {
  switch (format) {
    case 'json':
      return new JsonWriter(out);
    case 'jsonl':
      return { add: (lead) => out.write(resultLine('jsonl', lead, engine, include)), finish: () => Promise.resolve() };
    case 'csv':
      return new CsvWriter(out, engine, include);
    case 'table':
      return new TableWriter(out, engine);
    case 'explain':
      return new ExplainWriter(out, explain);
  }
}

/**
 * A JSON result's text: where the record was (`line` or `index`), its `id` when it has one, the
 * input columns asked for with `--include` (`included`), the result, in that order. Written as
 * text around `JSON.stringify` of the parts (the same bytes as stringifying one object of them):
 * building that object from spread parts for every lead was a visible share of a large batch.
 */
function jsonItemText(lead: EvaluatedLead): string {
  const { position } = lead;
  const parts: string[] = [];
  if (position.kind === 'line') parts.push(`"line":${position.line}`);
  else if (position.kind === 'index') parts.push(`"index":${position.index}`);
  if (lead.id !== undefined) parts.push(`"id":${JSON.stringify(lead.id)}`);
  if (lead.included) parts.push(`"included":${JSON.stringify(lead.included)}`);
  parts.push(`"result":${JSON.stringify(lead.result)}`);
  return `{${parts.join(',')}}`;
}

class JsonWriter implements ResultWriter {
  private first = true;

  constructor(private readonly out: Stdout) {}

  async add(lead: EvaluatedLead): Promise<void> {
    await this.out.write(`${this.first ? '[\n' : ',\n'}${jsonItemText(lead)}`);
    this.first = false;
  }

  finish(): Promise<void> {
    return this.out.write(this.first ? '[]\n' : '\n]\n');
  }
}

/**
 * `id,stage,<every score>,<every grade>,<every segment>,<stage> qualified…,<included columns>`.
 * No stage is `none`, as in the table and the summary (JSON has `null`).
 */
class CsvWriter implements ResultWriter {
  private started = false;

  constructor(
    private readonly out: Stdout,
    private readonly engine: RulesEngine,
    private readonly include: readonly string[],
  ) {}

  async add(lead: EvaluatedLead): Promise<void> {
    if (!this.started) await this.out.write(csvHeader(this.engine, this.include));
    this.started = true;
    await this.out.write(resultLine('csv', lead, this.engine, this.include));
  }

  async finish(): Promise<void> {
    if (!this.started) await this.out.write(csvHeader(this.engine, this.include));
  }
}

export function csvHeader(engine: RulesEngine, include: readonly string[] = []): string {
  const columns = ['id', 'stage', ...engine.scoreNames, ...engine.gradeNames, ...engine.segmentNames, ...engine.stageNames.map((s) => `${s} qualified`), ...include];
  return `${columns.map(csvCell).join(',')}\n`;
}

/** One result as a line of the line-per-lead formats; shared with the eval workers (parallel.ts). */
export function resultLine(format: 'jsonl' | 'csv', lead: EvaluatedLead, engine: RulesEngine, include: readonly string[] = []): string {
  if (format === 'jsonl') return `${jsonItemText(lead)}\n`;
  const { result } = lead;
  const cells = [
    lead.label,
    result.stage ?? NO_STAGE,
    ...engine.scoreNames.map((n) => String(result.scores[n])),
    ...engine.gradeNames.map((n) => result.grades[n]!),
    ...engine.segmentNames.map((n) => String(result.segments[n])),
    ...engine.stageNames.map((n) => String(result.stages[n]!.qualified)),
    ...include.map((column) => lead.included?.[column] ?? ''),
  ];
  return `${cells.map(csvCell).join(',')}\n`;
}

/**
 * RFC 4180 quoting: one rule, so no CSV writer library for it. A cell that a spreadsheet would
 * run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading
 * `'`, as OWASP advises; a number (`-10`) is left alone.
 */
function csvCell(text: string): string {
  const safe = FORMULA_START.test(text) && !NUMBER.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

const FORMULA_START = /^[=+\-@\t\r]/;
const NUMBER = /^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i;

/**
 * Text for a terminal: control characters (an escape sequence in a name or a label) are shown as
 * `\u001b` instead of being run by the terminal.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A result with every string made printable, for the human formats. */
export function printableDeep<T>(value: T): T {
  if (typeof value === 'string') return printable(value) as T;
  if (Array.isArray(value)) return value.map(printableDeep) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [printable(k), printableDeep(v)])) as T;
  }
  return value;
}

/**
 * One aligned line per lead. Column widths come from the first rows (buffered, so a long email
 * in row 3 still fits); later rows that are wider just push the line out.
 */
class TableWriter implements ResultWriter {
  private static readonly SAMPLE = 50;
  private pending: string[][] = [];
  private widths: number[] | undefined;
  private readonly header: string[];
  /** Scores align right, text columns (lead, stage, grades) left. */
  private readonly scoreColumns: Set<number>;

  constructor(
    private readonly out: Stdout,
    private readonly engine: RulesEngine,
  ) {
    this.header = ['lead', 'stage', ...engine.scoreNames, ...engine.gradeNames].map(printable);
    this.scoreColumns = new Set(engine.scoreNames.map((_, i) => i + 2));
  }

  async add(lead: EvaluatedLead): Promise<void> {
    const { result } = lead;
    const row = [
      lead.label,
      result.stage ?? NO_STAGE,
      ...this.engine.scoreNames.map((n) => formatNumber(result.scores[n]!)),
      ...this.engine.gradeNames.map((n) => result.grades[n]!),
    ].map(printable);
    if (this.widths) return this.out.write(this.line(row));
    this.pending.push(row);
    if (this.pending.length >= TableWriter.SAMPLE) await this.release();
  }

  finish(): Promise<void> {
    return this.widths ? Promise.resolve() : this.release();
  }

  private async release(): Promise<void> {
    const rows = [this.header, ...this.pending];
    this.widths = this.header.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    await this.out.write(`${colors.bold(this.line(this.header).trimEnd())}\n`);
    for (const row of this.pending) await this.out.write(this.line(row));
    this.pending = [];
  }

  private line(row: string[]): string {
    return `${row.map((cell, i) => (this.scoreColumns.has(i) ? cell.padStart(this.widths![i]!) : cell.padEnd(this.widths![i]!))).join('  ').trimEnd()}\n`;
  }
}

class ExplainWriter implements ResultWriter {
  constructor(
    private readonly out: Stdout,
    private readonly context: ExplainContext,
  ) {}

  add(lead: EvaluatedLead): Promise<void> {
    const where = lead.position.kind === 'file' ? '' : colors.dim(` (${positionText(lead.position)})`);
    const lines = [`${colors.bold(`Lead ${printable(lead.label)}`)}${where}`, ...renderExplanation(printableDeep(lead.result), this.context, '  ')];
    return this.out.write(`${lines.join('\n')}\n\n`);
  }

  finish(): Promise<void> {
    return Promise.resolve();
  }
}

// ---------------------------------------------------------------------------------------------
// Progress

export interface Progress {
  update(leads: number): void;
  stop(): void;
}

/** Large inputs only, and only when stderr is a terminal that stdout's output will not mix into. */
function showsProgress(total: number): boolean {
  return process.stderr.isTTY === true && !process.stdout.isTTY && total >= 1_000_000;
}

/** The bar of the leads being evaluated (size: bytes of the leads file read and its size). */
export function startProgress(size: () => { done: number; total: number }): Progress {
  const { total } = size();
  if (!showsProgress(total)) return { update: () => {}, stop: () => {} };
  const bar = progressBar('Evaluating |{bar}| {percentage}% | {leads} leads');
  bar.start(total, 0, { leads: 0 });
  let shown = 0;
  return {
    update: (leads) => {
      // cli-progress throttles redraws; this only keeps the call off the per-record path. (Not
      // `leads % 256`: worker threads report a batch of leads at a time.)
      if (leads - shown < 256) return;
      shown = leads;
      bar.update(size().done, { leads });
    },
    stop: () => bar.stop(),
  };
}

/**
 * The bar of an events file being read into its index (`--events`), which comes before any lead
 * and takes about a minute for 20 million rows: `onEventsProgress` for @mql/data's DataOptions.
 */
export function eventsProgress(): { onEventsProgress: (done: number, total: number) => void; stop(): void } {
  let bar: cliProgress.SingleBar | undefined;
  let stopped = false;
  return {
    onEventsProgress: (done, total) => {
      if (stopped || !showsProgress(total)) return;
      if (bar === undefined) {
        bar = progressBar('Reading the events |{bar}| {percentage}%');
        bar.start(total, done);
      } else bar.update(done);
    },
    stop: () => {
      stopped = true;
      bar?.stop();
    },
  };
}

/** Reads the leads (leadSource or the like) with the events bar shown while the events file is read. */
export async function withEventsProgress<T>(read: (onEventsProgress: (done: number, total: number) => void) => Promise<T>): Promise<T> {
  const indexing = eventsProgress();
  try {
    return await read(indexing.onEventsProgress);
  } finally {
    indexing.stop();
  }
}

function progressBar(format: string): cliProgress.SingleBar {
  return new cliProgress.SingleBar({ stream: process.stderr, format, hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic);
}

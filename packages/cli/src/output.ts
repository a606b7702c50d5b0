// The output side of `mql eval`: results in one of four formats on stdout (written through a
// buffer that respects backpressure), the closing summary, and the progress bar on stderr.

import { once } from 'node:events';
import cliProgress from 'cli-progress';
import type { RecordError, EvaluationResult, RulesEngine } from '@mql/runtime';
import { positionText, type Position } from './data.js';
import { formatNumber, renderExplanation, type ExplainContext } from './explain.js';
import { colors, plural } from './report.js';

export const OUTPUT_FORMATS = ['table', 'json', 'jsonl', 'csv'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface EvaluatedLead {
  position: Position;
  id?: string;
  /** The id, else the email, else the position: how people recognise the lead. */
  label: string;
  result: EvaluationResult;
}

export interface InvalidLead {
  position: Position;
  id?: string;
  errors: RecordError[];
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

export function resultWriter(format: OutputFormat | 'explain', out: Stdout, engine: RulesEngine, explain: ExplainContext): ResultWriter {
  switch (format) {
    case 'json':
      return new JsonWriter(out);
    case 'jsonl':
      return { add: (lead) => out.write(resultLine('jsonl', lead, engine)), finish: () => Promise.resolve() };
    case 'csv':
      return new CsvWriter(out, engine);
    case 'table':
      return new TableWriter(out, engine);
    case 'explain':
      return new ExplainWriter(out, explain);
  }
}

/** A JSON result: where the record was (`line` or `index`), its `id` when it has one, the result. */
function jsonItem(lead: EvaluatedLead): Record<string, unknown> {
  const where = lead.position.kind === 'line' ? { line: lead.position.line } : lead.position.kind === 'index' ? { index: lead.position.index } : {};
  return { ...where, ...(lead.id !== undefined ? { id: lead.id } : {}), result: lead.result };
}

class JsonWriter implements ResultWriter {
  private first = true;

  constructor(private readonly out: Stdout) {}

  async add(lead: EvaluatedLead): Promise<void> {
    await this.out.write(`${this.first ? '[\n' : ',\n'}${JSON.stringify(jsonItem(lead))}`);
    this.first = false;
  }

  finish(): Promise<void> {
    return this.out.write(this.first ? '[]\n' : '\n]\n');
  }
}

/** `id,stage,<every score>,<every grade>`; an empty stage cell means none. */
class CsvWriter implements ResultWriter {
  private started = false;

  constructor(
    private readonly out: Stdout,
    private readonly engine: RulesEngine,
  ) {}

  async add(lead: EvaluatedLead): Promise<void> {
    if (!this.started) await this.out.write(csvHeader(this.engine));
    this.started = true;
    await this.out.write(resultLine('csv', lead, this.engine));
  }

  async finish(): Promise<void> {
    if (!this.started) await this.out.write(csvHeader(this.engine));
  }
}

export function csvHeader(engine: RulesEngine): string {
  return `${['id', 'stage', ...engine.scoreNames, ...engine.gradeNames].map(csvCell).join(',')}\n`;
}

/** One result as a line of the line-per-lead formats; shared with the eval workers (parallel.ts). */
export function resultLine(format: 'jsonl' | 'csv', lead: EvaluatedLead, engine: RulesEngine): string {
  if (format === 'jsonl') return `${JSON.stringify(jsonItem(lead))}\n`;
  const { result } = lead;
  const cells = [lead.label, result.stage ?? '', ...engine.scoreNames.map((n) => String(result.scores[n])), ...engine.gradeNames.map((n) => result.grades[n]!)];
  return `${cells.map(csvCell).join(',')}\n`;
}

/** RFC 4180 quoting: one rule, so no CSV writer library for it. */
function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
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
    this.header = ['lead', 'stage', ...engine.scoreNames, ...engine.gradeNames];
    this.scoreColumns = new Set(engine.scoreNames.map((_, i) => i + 2));
  }

  async add(lead: EvaluatedLead): Promise<void> {
    const { result } = lead;
    const row = [
      lead.label,
      result.stage ?? 'none',
      ...this.engine.scoreNames.map((n) => formatNumber(result.scores[n]!)),
      ...this.engine.gradeNames.map((n) => result.grades[n]!),
    ];
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
    const lines = [`${colors.bold(`Lead ${lead.label}`)}${where}`, ...renderExplanation(lead.result, this.context, '  ')];
    return this.out.write(`${lines.join('\n')}\n\n`);
  }

  finish(): Promise<void> {
    return Promise.resolve();
  }
}

// ---------------------------------------------------------------------------------------------
// Summary

export interface BatchSummary {
  now: number;
  records: number;
  /** By stage name in program order, then `none`. */
  stages: Map<string, number>;
  invalid: InvalidLead[];
  notes: string[];
}

export function summaryText(summary: BatchSummary): string {
  const evaluated = summary.records - summary.invalid.length;
  const counts = [...summary.stages].map(([stage, count]) => `${stage} ${count}`).join(', ');
  const lines = [`Evaluated ${plural(evaluated, 'lead')} at ${new Date(summary.now).toISOString()}: ${counts}`];
  if (summary.invalid.length > 0) {
    lines.push(colors.yellow(`${plural(summary.invalid.length, 'invalid record')} (not evaluated):`));
    const ordered = [...summary.invalid].sort((a, b) => order(a.position) - order(b.position));
    for (const lead of ordered) {
      const name = `${positionText(lead.position)}${lead.id !== undefined ? ` (${lead.id})` : ''}`;
      lines.push(`  ${name}: ${lead.errors.map((e) => (e.path === '' ? e.message : `${e.path}: ${e.message}`)).join('; ')}`);
    }
  }
  for (const note of summary.notes) lines.push(colors.dim(note));
  return `${lines.join('\n')}\n`;
}

function order(position: Position): number {
  return position.kind === 'line' ? position.line : position.kind === 'index' ? position.index : 0;
}

// ---------------------------------------------------------------------------------------------
// Progress

export interface Progress {
  update(leads: number): void;
  stop(): void;
}

/** Large inputs only, and only when stderr is a terminal that stdout's output will not mix into. */
export function startProgress(size: () => { done: number; total: number }): Progress {
  const { total } = size();
  if (!process.stderr.isTTY || process.stdout.isTTY || total < 1_000_000) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: 'Evaluating |{bar}| {percentage}% | {leads} leads', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { leads: 0 });
  return {
    update: (leads) => {
      // cli-progress throttles redraws; this only keeps the call off the per-record path.
      if (leads % 256 === 0) bar.update(size().done, { leads });
    },
    stop: () => bar.stop(),
  };
}

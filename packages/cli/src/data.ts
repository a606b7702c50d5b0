// Lead input for `mql eval`: one JSON lead (--lead), or many (--data) as a JSON array, JSONL or
// CSV, with CSV events from a second table (--events --key). Each input record becomes a LeadInput
// that knows where it came from (line or array index) and its id, so results and errors can name it.
//
// Memory: JSONL and CSV leads stream (readline / csv-parse), one record at a time. A JSON array
// (and --lead) is parsed whole, as JSON.parse needs. The events CSV is read first into an index
// from lead key to converted events, because leads and events need not be in the same order:
// memory grows with the number of events (about 70k events for 5,000 leads is a few MB); for
// inputs too large for that, put the events inside JSONL records.

import { createReadStream, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse, type CsvError, type Info } from 'csv-parse';
import type { FieldSpec } from '@mql/artifact';
import type { RecordError, RulesEngine } from '@mql/runtime';
import { UsageError } from './host.js';
import { readLines } from './lines.js';
import { plural } from './report.js';

/** Where a record is in its input. */
export type Position = { kind: 'line'; line: number } | { kind: 'index'; index: number } | { kind: 'file' };

export type LeadInput = { position: Position; id?: string; included?: Record<string, string> } & ({ ok: true; record: unknown } | { ok: false; errors: RecordError[] });

export interface LeadSource {
  items: Iterable<LeadInput> | AsyncIterable<LeadInput>;
  /** Bytes read so far and the input's size, for a progress bar. */
  progress(): { done: number; total: number };
  /** Remarks to print after the batch (events that matched no lead, ...). */
  notes(): string[];
}

export type DataFormat = 'json' | 'jsonl' | 'csv';

export interface DataOptions {
  /** The key holding each lead's id (JSON key or CSV column). */
  idKey: string;
  events?: { file: string; key: string };
  /**
   * CSV columns kept as raw text in each lead's `included` (the record holds only the schema's
   * fields): `mql backtest` reads its outcome and value columns there. A missing column is a usage
   * error. JSON and JSONL records keep every key, so they need none.
   */
  include?: readonly string[];
}

export function positionText(position: Position): string {
  switch (position.kind) {
    case 'line':
      return `line ${position.line}`;
    case 'index':
      return `[${position.index}]`;
    case 'file':
      return 'the lead';
  }
}

export function dataFormatOf(file: string): DataFormat {
  const extension = path.extname(file).toLowerCase();
  if (extension === '.json') return 'json';
  if (extension === '.jsonl' || extension === '.ndjson') return 'jsonl';
  if (extension === '.csv') return 'csv';
  throw new UsageError(`${file}: cannot tell the data format from the extension (use .json, .jsonl, .ndjson or .csv)`);
}

export function fileSize(file: string): number {
  try {
    const stats = statSync(file);
    if (stats.isFile()) return stats.size;
  } catch {
    // reported below
  }
  throw new UsageError(`no such data file: ${file}`);
}

/** `--lead FILE`: one lead record, a JSON object. */
export function singleLead(file: string, options: DataOptions): LeadSource {
  const total = fileSize(file);
  const parsed = parseJson(readFileSync(file, 'utf8'));
  if (parsed.ok && Array.isArray(parsed.value)) {
    throw new UsageError(`${file} holds a JSON array: use --data for many leads, --lead for one lead object`);
  }
  const item: LeadInput = parsed.ok
    ? { position: { kind: 'file' }, ...idOf(parsed.value, options.idKey), ok: true, record: parsed.value }
    : { position: { kind: 'file' }, ok: false, errors: [{ path: '', message: parsed.message }] };
  return { items: [item], progress: () => ({ done: total, total }), notes: () => [] };
}

export async function leadSource(file: string, engine: RulesEngine, options: DataOptions): Promise<LeadSource> {
  const format = dataFormatOf(file);
  if (options.events && format !== 'csv') {
    throw new UsageError('--events joins an events CSV to a leads CSV; JSON and JSONL records carry their events in `events`');
  }
  const total = fileSize(file);
  if (format === 'json') return jsonArray(file, total, options);
  const stream = createReadStream(file);
  const progress = () => ({ done: stream.bytesRead, total });
  if (format === 'jsonl') return { items: jsonLines(stream, options), progress, notes: () => [] };
  const events = options.events ? await readEventIndex(options.events.file, options.events.key, engine) : undefined;
  return { items: csvLeads(stream, engine, options, events), progress, notes: () => events?.notes() ?? [] };
}

// ---------------------------------------------------------------------------------------------
// JSON and JSONL

function jsonArray(file: string, total: number, options: DataOptions): LeadSource {
  const parsed = parseJson(readFileSync(file, 'utf8'));
  if (!parsed.ok) throw new UsageError(`${file}: ${parsed.message}`);
  if (!Array.isArray(parsed.value)) {
    throw new UsageError(`${file} must hold a JSON array of lead records (use --lead for a single lead object)`);
  }
  const records: unknown[] = parsed.value;
  async function* items(): AsyncGenerator<LeadInput> {
    for (let index = 0; index < records.length; index++) {
      yield { position: { kind: 'index', index }, ...idOf(records[index], options.idKey), ok: true, record: records[index] };
    }
  }
  return { items: items(), progress: () => ({ done: total, total }), notes: () => [] };
}

/** One record per non-blank line; a line that is not JSON is an invalid record, not the end of the batch. */
async function* jsonLines(stream: NodeJS.ReadableStream, options: DataOptions): AsyncGenerator<LeadInput> {
  for await (const { line, text } of readLines(stream as AsyncIterable<Buffer>)) {
    const item = leadFromLine(text, line, options.idKey);
    if (item) yield item;
  }
}

/** One JSON line as a lead (undefined for a blank line); shared with the eval workers (parallel.ts). */
export function leadFromLine(text: string, line: number, idKey: string): LeadInput | undefined {
  if (text.trim() === '') return undefined;
  const parsed = parseJson(text);
  const position: Position = { kind: 'line', line };
  return parsed.ok
    ? { position, ...idOf(parsed.value, idKey), ok: true, record: parsed.value }
    : { position, ok: false, errors: [{ path: '', message: parsed.message }] };
}

/** The id, else the lead's first email field, else where the record is. */
export function leadLabeller(fields: FieldSpec[]): (item: LeadInput) => string {
  const email = fields.find((f) => f.type.kind === 'email');
  const emailKey = email ? (email.from ?? email.name) : undefined;
  return (item) => {
    if (item.id !== undefined) return item.id;
    const record = item.ok ? (item.record as Record<string, unknown>) : undefined;
    const value = emailKey !== undefined ? record?.[emailKey] : undefined;
    return typeof value === 'string' ? value : positionText(item.position);
  };
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: `invalid JSON: ${(error as Error).message}` };
  }
}

function idOf(record: unknown, key: string): { id?: string } {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return {};
  const id = (record as Record<string, unknown>)[key];
  return typeof id === 'string' || typeof id === 'number' ? { id: String(id) } : {};
}

// ---------------------------------------------------------------------------------------------
// CSV

type CsvRow = { record: Record<string, string>; info: Info };

function csvParser(stream: NodeJS.ReadableStream, onSkip: (error: CsvError) => void) {
  // A row with the wrong number of cells or broken quoting is skipped and reported, not fatal.
  const parser = parse({ columns: true, bom: true, info: true, skip_empty_lines: true, skip_records_with_error: true });
  parser.on('skip', onSkip);
  stream.on('error', (error) => parser.destroy(error));
  return stream.pipe(parser);
}

/** A CSV problem line, as an invalid record. csv-parse counts the line a row ends on. */
function skippedRow(error: CsvError): LeadInput {
  const line = typeof error.lines === 'number' ? error.lines : 0;
  return { position: { kind: 'line', line }, ok: false, errors: [{ path: '', message: `unreadable CSV row: ${error.message}` }] };
}

async function* csvLeads(stream: NodeJS.ReadableStream, engine: RulesEngine, options: DataOptions, events: EventIndex | undefined): AsyncGenerator<LeadInput> {
  const { idKey, include = [] } = options;
  const skipped: LeadInput[] = [];
  const parser = csvParser(stream, (error) => skipped.push(skippedRow(error)));
  let checkedHeader = false;
  for await (const { record: row, info } of parser as AsyncIterable<CsvRow>) {
    yield* skipped.splice(0);
    if (!checkedHeader) {
      if (events && !Object.hasOwn(row, idKey)) throw new UsageError(`the leads CSV has no "${idKey}" column to join events on (name it with --id-key)`);
      for (const column of include) if (!Object.hasOwn(row, column)) throw new UsageError(missingColumn(column, Object.keys(row)));
    }
    checkedHeader = true;
    const lead = csvLead(row, info.lines, engine, idKey, events);
    if (include.length > 0) lead.included = Object.fromEntries(include.map((column) => [column, row[column]!]));
    yield lead;
  }
  yield* skipped.splice(0);
}

/** A column the command needs is not in the header: name it, and a column that differs only in case. */
function missingColumn(column: string, header: string[]): string {
  const near = header.find((h) => h.trim().toLowerCase() === column.trim().toLowerCase());
  return `the leads CSV has no "${column}" column${near !== undefined ? ` (did you mean "${near}"?)` : ''}; its columns: ${header.map((h) => `"${h}"`).join(', ')}`;
}

function csvLead(row: Record<string, string>, line: number, engine: RulesEngine, idKey: string, events: EventIndex | undefined): LeadInput {
  const id = row[idKey]?.trim() || undefined;
  const position: Position = { kind: 'line', line };
  const converted = engine.fromRow(row);
  const joined = events && id !== undefined ? events.take(id) : { events: [], errors: [] };
  const errors = [...(converted.ok ? [] : converted.errors), ...joined.errors];
  if (!converted.ok || errors.length > 0) return { position, ...(id ? { id } : {}), ok: false, errors };
  const record = events ? { ...converted.record, events: joined.events } : converted.record;
  return { position, ...(id ? { id } : {}), ok: true, record };
}

// ---------------------------------------------------------------------------------------------
// The events table, indexed by lead key

type EventRow = { line: number } & ({ ok: true; event: Record<string, unknown> } | { ok: false; errors: RecordError[] });

export class EventIndex {
  private readonly byKey = new Map<string, EventRow[]>();
  private readonly claimed = new Set<string>();
  private unkeyed = 0;
  private readonly unreadable: string[] = [];

  constructor(private readonly file: string) {}

  add(key: string, row: EventRow): void {
    if (key === '') {
      this.unkeyed++;
      return;
    }
    const rows = this.byKey.get(key);
    if (rows) rows.push(row);
    else this.byKey.set(key, [row]);
  }

  unreadableRow(error: CsvError): void {
    this.unreadable.push(`${path.basename(this.file)} line ${String(error.lines)}: unreadable CSV row: ${error.message}`);
  }

  /** A lead's events in file order; an invalid event row makes the lead invalid, naming the row. */
  take(key: string): { events: Record<string, unknown>[]; errors: RecordError[] } {
    this.claimed.add(key);
    const events: Record<string, unknown>[] = [];
    const errors: RecordError[] = [];
    (this.byKey.get(key) ?? []).forEach((row, i) => {
      if (row.ok) events.push(row.event);
      else for (const e of row.errors) errors.push({ path: `events[${i}].${e.path}`, message: `${e.message} (${path.basename(this.file)} line ${row.line})` });
    });
    return { events, errors };
  }

  notes(): string[] {
    const name = path.basename(this.file);
    const notes = [...this.unreadable];
    let orphans = 0;
    for (const [key, rows] of this.byKey) if (!this.claimed.has(key)) orphans += rows.length;
    if (orphans > 0) notes.push(`${name}: ${plural(orphans, 'event')} for leads not in the data ${orphans === 1 ? 'was' : 'were'} ignored`);
    if (this.unkeyed > 0) notes.push(`${name}: ${plural(this.unkeyed, 'event')} without a lead key ${this.unkeyed === 1 ? 'was' : 'were'} ignored`);
    return notes;
  }
}

async function readEventIndex(file: string, key: string, engine: RulesEngine): Promise<EventIndex> {
  fileSize(file);
  const index = new EventIndex(file);
  const parser = csvParser(createReadStream(file), (error) => index.unreadableRow(error));
  let checkedHeader = false;
  for await (const { record: row, info } of parser as AsyncIterable<CsvRow>) {
    if (!checkedHeader && !Object.hasOwn(row, key)) {
      throw new UsageError(`${file} has no "${key}" column (--key names the column holding each event's lead id)`);
    }
    checkedHeader = true;
    const converted = engine.eventFromRow(row);
    const line = info.lines;
    index.add(row[key]!.trim(), converted.ok ? { line, ok: true, event: converted.event } : { line, ok: false, errors: converted.errors });
  }
  return index;
}

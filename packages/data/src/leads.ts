// Lead data files, read one way for `mql eval`/`backtest`/`diff` and for the editor's sample leads:
// one JSON lead (--lead), or many (--data) as a JSON array, JSONL or CSV, with CSV events from a
// second table (--events --key). Each input record becomes a LeadInput that knows where it came
// from (line or array index) and its id, so results and errors can name it.
//
// A file that cannot be read as asked (no such file, a header that does not fit the schema, a
// missing id or outcome column) is a DataError: the CLI reports it as a usage error (exit 2), the
// editor as the reason it shows no sample counts.
//
// Memory: JSONL and CSV leads stream (lines.ts, csv-read.ts), one record at a time. A JSON array
// (and --lead) is parsed whole, as JSON.parse needs. The events CSV is read first into an index
// by lead key, because leads and events need not be in the same order: its rows are kept as
// compact cells outside the JavaScript heap (row-store.ts) and converted when their lead is read,
// so memory grows with the events file's size (about as much again as the file) but the heap
// does not; JSONL records with their events inside stream in bounded memory.
//
// Worker threads (`mql eval --workers`): csvBatchSource reads a leads CSV and its events index as
// leadSource does, and hands out each lead row with its event rows still encoded; csvBatchReader
// turns a batch into the LeadInputs leadSource would give, through the same csvLead and joinEvents.

import { createReadStream, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { FieldSpec, RulesArtifact } from '@mql/artifact';
import { suggest } from '@mql/core';
import { foldHeader, type EventTable, type HeaderBinding, type LeadTable, type RecordError, type RulesEngine } from '@mql/runtime';
import { csvRecordRuns, delimiterName, otherDelimiterIn, type CsvHeader, type NumberedLine } from './csv-read.js';
import { lineRunsOfText, linesOfText, readLineRuns, readLines, withoutBom } from './lines.js';
import { grown, readRow, RowBuffer, RowStore } from './row-store.js';

/** The data cannot be read as asked: a usage error of whoever named the file or the columns. */
export class DataError extends Error {}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

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
  /** CSV: the delimiter (default: detected from the header line). */
  delimiter?: string;
  /** CSV: fields (schema paths, `Event.attr` for event attributes) the data has no column for. */
  allowMissing?: string[];
  /**
   * Called as the events file is read into its index, before any lead (bytes read, file size):
   * on a large file that takes a while, and the caller may want to show it.
   */
  onEventsProgress?: (done: number, total: number) => void;
}

/** Which key names the leads, and why (the summary says it): never a column guessed silently. */
export interface IdKey {
  /** The JSON key or CSV column (matched like headers: exact, else ignoring case and spaces). */
  key: string;
  /** `--id-key` given; the schema's `key` field; or neither, so the default `id`. */
  source: 'option' | 'key' | 'default';
  /** The field marked `key`, when source is 'key'. */
  field?: string;
}

/** `--id-key` when given, else the schema's `key` field (read by its `from` name), else `id`. */
export function idKeyOf(artifact: RulesArtifact, option: string | undefined): IdKey {
  if (option !== undefined) return { key: option, source: 'option' };
  const field = artifact.lead.key === undefined ? undefined : artifact.lead.fields.find((f) => f.name === artifact.lead.key);
  if (field) return { key: field.from ?? field.name, source: 'key', field: field.name };
  return { key: 'id', source: 'default' };
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
  throw new DataError(`${file}: cannot tell the data format from the extension (use .json, .jsonl, .ndjson or .csv)`);
}

export function fileSize(file: string): number {
  try {
    const stats = statSync(file);
    if (stats.isFile()) return stats.size;
  } catch {
    // reported below
  }
  throw new DataError(`no such data file: ${file}`);
}

/** `--lead FILE`: one lead record, a JSON object. */
export function singleLead(file: string, options: DataOptions): LeadSource {
  const total = fileSize(file);
  const parsed = parseJson(withoutBom(readFileSync(file, 'utf8')));
  if (parsed.ok && Array.isArray(parsed.value)) {
    throw new DataError(`${file} holds a JSON array: use --data for many leads, --lead for one lead object`);
  }
  const item: LeadInput = parsed.ok
    ? { position: { kind: 'file' }, ...keysOf(parsed.value, options), ok: true, record: parsed.value }
    : { position: { kind: 'file' }, ok: false, errors: [{ path: '', message: parsed.message }] };
  return { items: [item], progress: () => ({ done: total, total }), notes: () => [] };
}

export async function leadSource(file: string, engine: RulesEngine, options: DataOptions): Promise<LeadSource> {
  const format = dataFormatOf(file);
  if (options.events && format !== 'csv') {
    throw new DataError('--events joins an events CSV to a leads CSV; JSON and JSONL records carry their events in `events`');
  }
  const total = fileSize(file);
  if (format === 'json') return jsonArray(file, total, options);
  const stream = createReadStream(file) as AsyncIterable<Buffer> & { bytesRead: number };
  const progress = () => ({ done: stream.bytesRead, total });
  if (format === 'jsonl') return { items: jsonLines(readLines(stream), options), progress, notes: () => [] };
  const events = options.events ? await readEventIndex(options.events.file, options.events.key, engine, options) : undefined;
  return { items: csvLeads(file, readLineRuns(stream), engine, options, events), progress, notes: () => events?.notes() ?? [] };
}

/**
 * The leads of a data file whose text the caller has read (the editor reads its sample with
 * @mql/node-host's size-limited reader): the same records, ids, errors and header checks as
 * `leadSource`, without events from a second table.
 */
export function leadsOfText(file: string, text: string, engine: RulesEngine, options: DataOptions): AsyncIterable<LeadInput> {
  const format = dataFormatOf(file);
  if (options.events) throw new DataError('events from a second table are read from files (leadSource)');
  if (format === 'json') return jsonRecords(file, text, options);
  return format === 'jsonl' ? jsonLines(linesOfText(text), options) : csvLeads(file, lineRunsOfText(text), engine, options, undefined);
}

// ---------------------------------------------------------------------------------------------
// JSON and JSONL

function jsonArray(file: string, total: number, options: DataOptions): LeadSource {
  return { items: jsonRecords(file, readFileSync(file, 'utf8'), options), progress: () => ({ done: total, total }), notes: () => [] };
}

/** The records of a JSON array (parsed before the first is yielded, so a broken file fails at once). */
function jsonRecords(file: string, text: string, options: DataOptions): AsyncIterable<LeadInput> {
  const parsed = parseJson(withoutBom(text));
  if (!parsed.ok) throw new DataError(`${file}: ${parsed.message}`);
  if (!Array.isArray(parsed.value)) {
    throw new DataError(`${file} must hold a JSON array of lead records (use --lead for a single lead object)`);
  }
  const records: unknown[] = parsed.value;
  async function* items(): AsyncGenerator<LeadInput> {
    for (let index = 0; index < records.length; index++) {
      yield { position: { kind: 'index', index }, ...keysOf(records[index], options), ok: true, record: records[index] };
    }
  }
  return items();
}

/** One record per non-blank line; a line that is not JSON is an invalid record, not the end of the batch. */
async function* jsonLines(lines: AsyncIterable<NumberedLine>, options: DataOptions): AsyncGenerator<LeadInput> {
  for await (const { line, text } of lines) {
    const item = leadFromLine(text, line, options);
    if (item) yield item;
  }
}

/** One JSON line as a lead (undefined for a blank line); shared with the eval workers (parallel.ts). */
export function leadFromLine(text: string, line: number, keys: RecordKeys): LeadInput | undefined {
  if (text.trim() === '') return undefined;
  const parsed = parseJson(text);
  const position: Position = { kind: 'line', line };
  return parsed.ok
    ? { position, ...keysOf(parsed.value, keys), ok: true, record: parsed.value }
    : { position, ok: false, errors: [{ path: '', message: parsed.message }] };
}

/** The id, else the lead's first email field, else where the record is. */
export function leadLabeller(fields: FieldSpec[]): (item: LeadInput) => string {
  const email = fields.find((f) => f.type.kind === 'email');
  const emailKey = email ? (email.from ?? email.name) : undefined;
  return (item) => {
    if (item.id !== undefined) return item.id;
    const record = item.ok ? (item.record as Record<string, unknown>) : undefined;
    const value = emailKey !== undefined && record !== undefined && Object.hasOwn(record, emailKey) ? record[emailKey] : undefined;
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

/** What a JSON record's id and `--include` keys are read from. */
export interface RecordKeys {
  idKey: string;
  include?: readonly string[];
}

/**
 * A JSON record's id and included values. Keys match like CSV headers (exact spelling, else letter
 * case and spaces ignored) and only own keys count, so `--id-key constructor` is an ordinary key.
 */
function keysOf(record: unknown, keys: RecordKeys): { id?: string; included?: Record<string, string> } {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return {};
  const object = record as Record<string, unknown>;
  const id = valueOf(object, keys.idKey);
  const found: { id?: string; included?: Record<string, string> } = typeof id === 'string' || typeof id === 'number' ? { id: String(id) } : {};
  if (keys.include && keys.include.length > 0) found.included = Object.fromEntries(keys.include.map((key) => [key, cellText(valueOf(object, key))]));
  return found;
}

function valueOf(object: Record<string, unknown>, key: string): unknown {
  if (Object.hasOwn(object, key)) return object[key];
  const folded = foldHeader(key);
  const match = Object.keys(object).find((k) => foldHeader(k) === folded);
  return match === undefined ? undefined : object[match];
}

/** An included JSON value as a CSV cell would hold it. */
function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

// ---------------------------------------------------------------------------------------------
// CSV

/**
 * Binds a CSV header before any row is read (csv.ts in the runtime): a header that names two fields,
 * two columns for one field, or a field with no column is an error of the whole file, listed at
 * once, since it would make every row wrong. A field may lack a column when `--allow-missing-column`
 * names it. A header that is one column holding `;`, a tab or `|` gets a hint about the delimiter.
 */
export function checkHeader(file: string, header: CsvHeader, binding: HeaderBinding, options: Pick<DataOptions, 'allowMissing'>, engine: RulesEngine): void {
  const name = path.basename(file);
  const other = otherDelimiterIn(header);
  if (other !== undefined) {
    throw new DataError(
      `${name}: the header is one column, "${header.cells[0]}", that holds ${delimiterName(other)}: the file looks ${delimiterName(other)}-separated; use --delimiter ${other === '\t' ? 'tab' : `'${other}'`} (or leave --delimiter out to detect it)`,
    );
  }
  const allowed = new Set(options.allowMissing ?? []);
  const unused = header.cells.filter((_, i) => binding.fields[i] === undefined);
  const problems = [...binding.errors];
  for (const missing of binding.missing) {
    if (allowed.has(missing.field)) continue;
    const spelled = missing.header === missing.field ? '' : ` (from "${missing.header}")`;
    const guess = suggest(foldHeader(missing.header), unused.map(foldHeader));
    const close = guess === undefined ? undefined : unused.find((h) => foldHeader(h) === guess);
    problems.push(`no column for ${missing.optional ? 'optional' : 'required'} field ${missing.field}${spelled}${close !== undefined ? `; did you mean "${close}"?` : ''}`);
  }
  // Checked against the whole schema: a leads file's header is checked with the events' names allowed too.
  const known = allowed.size === 0 ? new Set<string>() : schemaFieldNames(engine);
  for (const field of allowed) {
    if (known.has(field)) continue;
    const guess = suggest(field, [...known]);
    problems.push(`--allow-missing-column ${field}: no such field in the schema${guess !== undefined ? `; did you mean ${guess}?` : ''}`);
  }
  if (problems.length === 0) return;
  const way = binding.missing.some((m) => m.optional && !allowed.has(m.field))
    ? `\nColumns match a field's \`from\` name or path, ignoring letter case and spaces. If the data has no column for an optional field, say so with --allow-missing-column FIELD.`
    : '';
  throw new DataError(`${name} line ${header.line}: the header does not fit the schema (${delimiterName(header.delimiter)}-separated):\n  ${problems.join('\n  ')}${way}`);
}

/** What `--allow-missing-column` may name: lead fields by schema path, event attributes as `Event.attr`. */
function schemaFieldNames(engine: RulesEngine): Set<string> {
  // Bound to no columns, every field of a table is missing, under the name the option uses.
  return new Set([...engine.leadTable([]).missing, ...engine.eventTable([]).missing].map((m) => m.field));
}

/** A column the command needs is not in the header: name it, and the closest header. */
function missingColumn(column: string, header: readonly string[]): string {
  const guess = suggest(foldHeader(column), header.map(foldHeader));
  const near = guess === undefined ? undefined : header.find((h) => foldHeader(h) === guess);
  return `the leads CSV has no "${column}" column${near !== undefined ? ` (did you mean "${near}"?)` : ''}; its columns: ${header.map((h) => `"${h}"`).join(', ')}`;
}

/** The column a name denotes: its exact spelling, else ignoring letter case and spaces (as headers match fields). */
export function findColumn(header: readonly string[], name: string): number | undefined {
  const exact = header.indexOf(name);
  if (exact >= 0) return exact;
  const folded = header.findIndex((h) => foldHeader(h) === foldHeader(name));
  return folded < 0 ? undefined : folded;
}

/** A column used by name (ids, the events key): two columns of that name are an error naming both. */
function usedColumn(file: string, header: CsvHeader, name: string): number | undefined {
  const at = findColumn(header.cells, name);
  if (at === undefined) return undefined;
  const twin = header.cells.findIndex((h, i) => i !== at && foldHeader(h) === foldHeader(name));
  if (twin >= 0) {
    throw new DataError(`${path.basename(file)}: columns ${Math.min(at, twin) + 1} and ${Math.max(at, twin) + 1} are both named "${name}": rename one`);
  }
  return at;
}

/** A leads CSV's header as bound for reading its rows (bindLeadsHeader). */
interface BoundLeadsHeader {
  table: LeadTable;
  idColumn: number | undefined;
  /** Per `--include` column, its column in the file. */
  includeColumns: number[];
}

/** Binds and checks a leads CSV's header (a DataError when it does not fit the schema or the options). */
function bindLeadsHeader(file: string, header: CsvHeader, engine: RulesEngine, options: DataOptions, withEvents: boolean): BoundLeadsHeader {
  const table = engine.leadTable(header.cells);
  checkHeader(file, header, table, options, engine);
  const idColumn = usedColumn(file, header, options.idKey);
  if (withEvents && idColumn === undefined) {
    throw new DataError(`the leads CSV has no "${options.idKey}" column to join events on (name it with --id-key, or mark the id field \`key\` in the schema)`);
  }
  const includeColumns = (options.include ?? []).map((column) => usedColumn(file, header, column) ?? fail(missingColumn(column, header.cells)));
  return { table, idColumn, includeColumns };
}

async function* csvLeads(file: string, runs: AsyncIterable<NumberedLine[]>, engine: RulesEngine, options: DataOptions, events: EventIndex | undefined): AsyncGenerator<LeadInput> {
  let bound: BoundLeadsHeader | undefined;
  const onHeader = (header: CsvHeader) => (bound = bindLeadsHeader(file, header, engine, options, events !== undefined));
  for await (const items of csvRecordRuns(runs, options.delimiter, onHeader)) {
    for (const item of items) {
      if (item.kind === 'bad') yield badRow(item.line, item.message);
      else {
        const id = leadId(item.cells, bound!.idColumn);
        const joined = events ? (id !== undefined ? events.take(id) : NO_EVENTS) : undefined;
        yield csvLead(item.cells, item.line, bound!, options.include ?? [], joined);
      }
    }
  }
}

function fail(message: string): never {
  throw new DataError(message);
}

function badRow(line: number, message: string): LeadInput {
  return { position: { kind: 'line', line }, ok: false, errors: [{ path: '', message }] };
}

function leadId(cells: readonly string[], idColumn: number | undefined): string | undefined {
  return (idColumn === undefined ? undefined : cells[idColumn]?.trim()) || undefined;
}

/** A lead row with its events (from `--events`, else none) as a lead input. */
function csvLead(cells: string[], line: number, bound: BoundLeadsHeader, include: readonly string[], joined: JoinedEvents | undefined): LeadInput {
  const position: Position = { kind: 'line', line };
  const id = leadId(cells, bound.idColumn);
  const converted = bound.table.read(cells);
  const errors = [...(converted.ok ? [] : converted.errors), ...(joined?.errors ?? [])];
  const lead: LeadInput =
    !converted.ok || errors.length > 0
      ? { position, ...(id ? { id } : {}), ok: false, errors }
      : { position, ...(id ? { id } : {}), ok: true, record: joined ? { ...converted.record, events: joined.events } : converted.record };
  if (include.length > 0) lead.included = Object.fromEntries(include.map((column, i) => [column, cells[bound.includeColumns[i]!] ?? '']));
  return lead;
}

// ---------------------------------------------------------------------------------------------
// CSV in batches, for worker threads

/**
 * What a worker thread needs to read the batches of one leads CSV (csvBatchReader): the headers as
 * the main thread bound and checked them.
 */
export interface CsvBatchSetup {
  leadHeader: string[];
  idColumn: number | undefined;
  include: string[];
  includeColumns: number[];
  /** With `--events`: the events CSV's header and file name. */
  events?: { header: string[]; file: string };
}

/**
 * Consecutive records of a leads CSV, each lead row with its event rows, as encoded rows
 * (row-store.ts) and numbers, so a batch moves to a worker without copying: per record in `meta`,
 * ROW, its line, its event count and each event row's line, or BAD and its line (the row then
 * holds the message); in `rows`, the lead's cells and then each event row's.
 */
export interface CsvBatch {
  rows: Uint8Array;
  meta: Int32Array;
}

const ROW = 0;
const BAD = 1;

export interface CsvBatchSource extends Omit<LeadSource, 'items'> {
  /** Batches of about `batchBytes` of rows, in file order. */
  batches: AsyncIterable<CsvBatch>;
  /** Known once the first batch is out (the header comes first); undefined for a file without one. */
  setup(): CsvBatchSetup | undefined;
}

/**
 * A leads CSV (with `--events`, joined to its events) cut into batches for worker threads: the
 * same headers checked, the same rows joined to the same events and the same notes as leadSource,
 * whose records csvBatchReader gives back from the batches.
 */
export async function csvBatchSource(file: string, engine: RulesEngine, options: DataOptions, batchBytes: number): Promise<CsvBatchSource> {
  const total = fileSize(file);
  if (dataFormatOf(file) !== 'csv') throw new DataError(`${file}: batches are cut from CSV files`);
  const events = options.events ? await readEventIndex(options.events.file, options.events.key, engine, options) : undefined;
  const stream = createReadStream(file) as AsyncIterable<Buffer> & { bytesRead: number };
  let setup: CsvBatchSetup | undefined;
  let bound: BoundLeadsHeader | undefined;
  const onHeader = (header: CsvHeader) => {
    bound = bindLeadsHeader(file, header, engine, options, events !== undefined);
    setup = {
      leadHeader: header.cells,
      idColumn: bound.idColumn,
      include: [...(options.include ?? [])],
      includeColumns: bound.includeColumns,
      ...(events ? { events: events.setup() } : {}),
    };
  };
  async function* batches(): AsyncGenerator<CsvBatch> {
    const rows = new RowBuffer();
    let meta: number[] = [];
    const cut = (): CsvBatch => {
      const batch = { rows: rows.take(), meta: Int32Array.from(meta) };
      meta = [];
      return batch;
    };
    for await (const items of csvRecordRuns(readLineRuns(stream), options.delimiter, onHeader)) {
      for (const item of items) {
        if (item.kind === 'bad') {
          meta.push(BAD, item.line);
          rows.add([item.message]);
          continue;
        }
        meta.push(ROW, item.line, 0);
        const count = meta.length - 1;
        rows.add(item.cells);
        const id = leadId(item.cells, bound!.idColumn);
        if (events && id !== undefined) {
          events.claim(id, (row, line) => {
            events.copyRow(row, rows);
            meta.push(line);
            meta[count]!++;
          });
        }
      }
      if (rows.size >= batchBytes) yield cut();
    }
    if (meta.length > 0) yield cut();
  }
  return { batches: batches(), setup: () => setup, progress: () => ({ done: stream.bytesRead, total }), notes: () => events?.notes() ?? [] };
}

/** Reads batches of csvBatchSource back into the lead inputs that leadSource gives for the same rows. */
export function csvBatchReader(engine: RulesEngine, setup: CsvBatchSetup): (batch: CsvBatch) => LeadInput[] {
  const bound: BoundLeadsHeader = { table: engine.leadTable(setup.leadHeader), idColumn: setup.idColumn, includeColumns: setup.includeColumns };
  const events = setup.events && { table: engine.eventTable(setup.events.header), file: setup.events.file };
  return ({ rows, meta }) => {
    const buffer = Buffer.from(rows.buffer, rows.byteOffset, rows.byteLength);
    const leads: LeadInput[] = [];
    let at = 0;
    const nextRow = () => {
      const row = readRow(buffer, at);
      at = row.end;
      return row.cells;
    };
    for (let m = 0; m < meta.length; ) {
      const kind = meta[m++]!;
      const line = meta[m++]!;
      if (kind === BAD) {
        leads.push(badRow(line, nextRow()[0]!));
        continue;
      }
      const count = meta[m++]!;
      const cells = nextRow();
      const eventRows: EventRow[] = [];
      for (let e = 0; e < count; e++) eventRows.push({ cells: nextRow(), line: meta[m++]! });
      const joined = events && joinEvents(eventRows, events.table, events.file);
      leads.push(csvLead(cells, line, bound, setup.include, joined));
    }
    return leads;
  };
}

// ---------------------------------------------------------------------------------------------
// The events table, indexed by lead key

/**
 * The events table by lead key. Rows are kept as cells in a RowStore (outside the heap) and
 * converted into events when their lead is read; the rows of one key are linked in file order
 * through typed arrays, so the index costs a few bytes per row besides the cells.
 */
export class EventIndex {
  private readonly rows = new RowStore();
  /** Per row: its line in the file, and the next row of the same key (NONE at the last). */
  private lineOf = new Uint32Array(1024);
  private nextOf = new Int32Array(1024);
  /** Lead key → key number; per key number: its first and last row, and whether a lead took it. */
  private readonly keyNumbers = new Map<string, number>();
  private firstOf = new Int32Array(1024);
  private lastOf = new Int32Array(1024);
  private claimed = new Uint8Array(1024);
  /** The key of the last row added, and its number. */
  private lastKey: string | undefined;
  private lastNumber = 0;
  private unkeyed = 0;
  private readonly unreadable: string[] = [];

  constructor(
    private readonly file: string,
    private readonly header: string[],
    private readonly table: EventTable,
  ) {}

  add(key: string, cells: readonly string[], line: number): void {
    if (key === '') {
      this.unkeyed++;
      return;
    }
    const row = this.rows.add(cells);
    if (row === this.lineOf.length) {
      this.lineOf = grown(this.lineOf);
      this.nextOf = grown(this.nextOf);
    }
    this.lineOf[row] = line;
    this.nextOf[row] = NONE;
    // Exports list a lead's events together, so the key is mostly the last row's.
    const known = key === this.lastKey ? this.lastNumber : this.keyNumbers.get(key);
    if (known !== undefined) {
      this.nextOf[this.lastOf[known]!] = row;
      this.lastOf[known] = row;
      this.lastKey = key;
      this.lastNumber = known;
      return;
    }
    const number = this.keyNumbers.size;
    this.keyNumbers.set(key, number);
    this.lastKey = key;
    this.lastNumber = number;
    if (number === this.firstOf.length) {
      this.firstOf = grown(this.firstOf);
      this.lastOf = grown(this.lastOf);
      this.claimed = grown(this.claimed);
    }
    this.firstOf[number] = row;
    this.lastOf[number] = row;
  }

  /** A row that cannot be read names no lead: it is listed in the summary with its file and line. */
  unreadableRow(line: number, message: string): void {
    this.unreadable.push(`${path.basename(this.file)} line ${line}: ${message} (the row is ignored)`);
  }

  /** A lead's events in file order; an invalid event row makes the lead invalid, naming the row. */
  take(key: string): JoinedEvents {
    const rows: EventRow[] = [];
    this.claim(key, (row, line) => rows.push({ cells: this.rows.cells(row), line }));
    return joinEvents(rows, this.table, this.file);
  }

  /** Visits a lead's event rows in file order (row number and line) and marks them taken. */
  claim(key: string, visit: (row: number, line: number) => void): void {
    const number = this.keyNumbers.get(key);
    if (number === undefined) return;
    this.claimed[number] = 1;
    for (let row = this.firstOf[number]!; row !== NONE; row = this.nextOf[row]!) visit(row, this.lineOf[row]!);
  }

  /** Appends row `row` as encoded (row-store.ts) to a batch for a worker thread. */
  copyRow(row: number, into: RowBuffer): void {
    this.rows.copyRow(row, into);
  }

  /** What a worker thread needs to convert this file's rows (csvBatchReader). */
  setup(): { header: string[]; file: string } {
    return { header: this.header, file: this.file };
  }

  notes(): string[] {
    const name = path.basename(this.file);
    const notes = [...this.unreadable];
    let orphans = 0;
    for (const number of this.keyNumbers.values()) {
      if (this.claimed[number]) continue;
      for (let row = this.firstOf[number]!; row !== NONE; row = this.nextOf[row]!) orphans++;
    }
    if (orphans > 0) notes.push(`${name}: ${plural(orphans, 'event')} for leads not in the data ${orphans === 1 ? 'was' : 'were'} ignored`);
    if (this.unkeyed > 0) notes.push(`${name}: ${plural(this.unkeyed, 'event')} without a lead key ${this.unkeyed === 1 ? 'was' : 'were'} ignored`);
    return notes;
  }
}

/** The end of a key's list of rows. */
const NONE = -1;

interface EventRow {
  cells: string[];
  line: number;
}

interface JoinedEvents {
  events: Record<string, unknown>[];
  errors: RecordError[];
}

/** The events of a lead row without an id: none. */
const NO_EVENTS: JoinedEvents = { events: [], errors: [] };

/** A lead's event rows as events; an invalid row makes the lead invalid, naming the row by its file and line. */
function joinEvents(rows: readonly EventRow[], table: EventTable, file: string): JoinedEvents {
  const events: Record<string, unknown>[] = [];
  const errors: RecordError[] = [];
  rows.forEach(({ cells, line }, i) => {
    const converted = table.read(cells);
    if (converted.ok) events.push(converted.event);
    else for (const e of converted.errors) errors.push({ path: `events[${i}].${e.path}`, message: `${e.message} (${path.basename(file)} line ${line})` });
  });
  return { events, errors };
}

async function readEventIndex(file: string, key: string, engine: RulesEngine, options: DataOptions): Promise<EventIndex> {
  const total = fileSize(file);
  let index: EventIndex | undefined;
  let table: EventTable | undefined;
  let header: CsvHeader | undefined;
  let keyColumn = 0;
  const onHeader = (found: CsvHeader) => {
    header = found;
    table = engine.eventTable(found.cells);
    index = new EventIndex(file, found.cells, table);
    // Attribute columns are checked once the rows say which event types the file holds.
    checkHeader(file, found, { ...table, missing: [] }, options, engine);
    const column = usedColumn(file, found, key);
    if (column === undefined) throw new DataError(`${file} has no "${key}" column (--key names the column holding each event's lead id)`);
    keyColumn = column;
  };
  const types = new Set<string>();
  const stream = createReadStream(file) as AsyncIterable<Buffer> & { bytesRead: number };
  for await (const items of csvRecordRuns(readLineRuns(stream), options.delimiter, onHeader)) {
    options.onEventsProgress?.(stream.bytesRead, total);
    for (const item of items) {
      if (item.kind === 'bad') {
        index!.unreadableRow(item.line, item.message);
        continue;
      }
      if (table!.typeColumn !== undefined) types.add((item.cells[table!.typeColumn] ?? '').trim().toLowerCase());
      // Kept as cells and converted when the lead is read (see EventIndex).
      index!.add((item.cells[keyColumn] ?? '').trim(), item.cells, item.line);
    }
  }
  // A type the file never holds needs no columns; the attributes of the types it does hold do.
  if (table && header) {
    const missing = table.missing.filter((m) => types.has(m.field.slice(0, m.field.indexOf('.')).toLowerCase()));
    checkHeader(file, header, { ...table, errors: [], missing }, options, engine);
  }
  // A file without even a header holds no events.
  return index ?? new EventIndex(file, [], engine.eventTable([]));
}

// `mql eval RULES --engine duckdb --data FILE`: the batch runs inside an embedded DuckDB, on the
// query @mql/sql compiles, reading CSV, JSON, JSON lines and Parquet with DuckDB's own readers.
// Results are the runtime's lean results (no explanations), written by the same writers.
//
// 1. The file becomes a table `mql_source` (insertion order kept: `rowid` is the record's position).
// 2. Each field the schema declares is found: a CSV header is bound exactly as the runtime binds it
//    (engine.leadTable, checkHeader: a missing or ambiguous column is an error naming the field and
//    its `from` name); in JSON and Parquet a column (or struct field) named by the input path. A
//    typed column of the wrong type (text where the schema says number) is an error of the file.
// 3. A staging table converts each cell as the runtime does (CSV: blank = missing, yes/no bools, ISO
//    or epoch-ms dates, enum members in any case, `;` lists) and lists each record's errors
//    (required field missing, a cell that does not convert, an event without a valid `at`): those
//    records are reported as invalid, the others are scored by the compiled query. The staged
//    leads and events are tables, not views: both passes (invalid records, then the query) and
//    the query's two inputs read them, and a view would parse every record's JSON each time
//    (measured: 44 s as views, 16 s as tables on 20,000 leads with 400,000 events).

import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { FieldSpec, FieldType, RulesArtifact } from '@mql/artifact';
import type { EvaluationResult, RulesEngine } from '@mql/runtime';
import { compileSql, DIALECT_TABLE, readResultRow } from '@mql/sql';
import { checkHeader, csvRecordRuns, dataFormatOf, fileSize, readLineRuns, readLines, type Position } from '@mql/data';
import { UsageError } from './host.js';
import { evaluatedLead, type ResultWriter } from './output.js';
import { addValues, MAX_VALUES, watchedLiterals } from './literals.js';
import { countResult, type BatchSummary } from './summary.js';

const d = DIALECT_TABLE.duckdb;
const q = (name: string) => d.ident(name);
const lit = (text: string) => d.string(text);

export interface DuckDbRun {
  rules: { engine: RulesEngine };
  data: string;
  events?: { file: string; key: string };
  idKey: string;
  delimiter?: string;
  allowMissing?: string[];
  now: number;
  only?: string;
  writer: ResultWriter;
  summary: BatchSummary;
}

interface Connection {
  run(sql: string, values?: Record<string, unknown>): Promise<unknown>;
  runAndReadAll(sql: string, values?: Record<string, unknown>): Promise<{ getRowObjectsJS(): Record<string, unknown>[] }>;
  stream(sql: string, values?: Record<string, unknown>): Promise<{ yieldRowObjectJs(): AsyncIterableIterator<Record<string, unknown>[]> }>;
}

/** A field and the SQL that reads it from `mql_source`, typed, plus its error (NULL when fine). */
interface Staged {
  column: string;
  value: string;
  error: string;
}

export async function evaluateInDuckDb(run: DuckDbRun): Promise<string[]> {
  const { engine } = run.rules;
  const artifact = engine.artifact;
  fileSize(run.data); // a clear error for a missing file
  if (run.events) fileSize(run.events.file);
  const connection = await connect();
  await connection.run(`SET TimeZone = 'UTC'`);
  const format = sourceFormat(run.data);
  const json = format === 'json' || format === 'jsonl';
  // JSON records are parsed once: every pointer the staging reads is extracted in one call, into
  // a list of small JSON values (`f[1]` the id, then each field, then the events).
  const pointers = json ? [[run.idKey], ...leafFields(artifact.lead.fields).map((l) => l.keys), ['events']] : [];
  const slot = (keys: string[]) => `s.f[${pointers.findIndex((p) => p.join('\u0000') === keys.join('\u0000')) + 1}]`;
  const select = json ? `json_extract(json, [${pointers.map(pointer).join(', ')}]) AS f` : '*';
  await connection.run(`CREATE TEMP TABLE mql_source AS SELECT ${select} FROM ${reader(run.data, format, run.delimiter)}`);
  const columns = await describe(connection, 'mql_source');

  const staged = format === 'csv' ? stageCsvLeads(run, engine, columns) : json ? stageJsonLeads(artifact.lead.fields, slot) : stageTypedLeads(artifact.lead.fields, columns, run.data);
  const idColumn = columns.find((c) => c.name === run.idKey);
  const id = json ? `CASE WHEN json_type(${slot([run.idKey])}) IN ('VARCHAR', 'BIGINT', 'UBIGINT', 'DOUBLE') THEN json_extract_string(${slot([run.idKey])}, '$') END` : idColumn ? `CAST(s.${q(idColumn.name)} AS VARCHAR)` : 'NULL';
  const labelField = artifact.lead.fields.find((f) => f.type.kind === 'email');
  const label = labelField && staged.has(labelField.from ?? labelField.name) ? `CAST(${staged.get(labelField.from ?? labelField.name)!.value} AS VARCHAR)` : 'NULL';
  const errorItems = [...staged.values()].map((s) => s.error);

  // Events: a second CSV joined by key, or the `events` list inside JSON / Parquet records.
  const events = await stageEvents(connection, run, columns, format, engine, pointers.length);
  const csvEvents = events && run.events !== undefined && sourceFormat(run.events.file) === 'csv';
  // Only event rows with an error are grouped: a lead without one gets [] from the COALESCEs below.
  // Grouping every row (20 million for a million leads) into ordered lists took more memory than
  // DuckDB's limit (it cannot spill list aggregates with ORDER BY).
  const withErrors = `len(mql_errors) > 0${csvEvents ? ' OR len(mql_required) > 0' : ''}`;
  const eventErrors = events
    ? `LEFT JOIN (SELECT mql_row, flatten(list(mql_errors ORDER BY mql_event)) AS errs${csvEvents ? ', flatten(list(mql_required ORDER BY mql_event)) AS req' : ''} FROM mql_events_staged WHERE ${withErrors} GROUP BY mql_row) ee ON ee.mql_row = s.rowid`
    : '';
  const leadErrors = `list_filter([${errorItems.join(', ')}], x -> x IS NOT NULL)`;
  // An events CSV's required attributes left empty count, as in the runtime, only when no cell of
  // the lead or its event rows failed to convert (the lead's own errors are then all `required`).
  const converted = `len(list_filter(${leadErrors}, e -> NOT (${REQUIRED_ERROR('e')}))) = 0 AND len(COALESCE(ee.errs, [])) = 0`;
  const allErrors = !events ? leadErrors : csvEvents ? `${leadErrors} || CASE WHEN ${converted} THEN COALESCE(ee.req, []) ELSE COALESCE(ee.errs, []) END` : `${leadErrors} || COALESCE(ee.errs, [])`;
  await connection.run(
    `CREATE TEMP TABLE mql_leads AS SELECT s.rowid AS mql_row, ${id} AS mql_id, ${label} AS mql_label, ${allErrors} AS mql_errors, ` +
      `${[...staged.values()].map((s) => `${s.value} AS ${q(s.column)}`).join(', ') || 'NULL AS mql_nothing'} FROM mql_source s ${eventErrors}` +
      (run.only !== undefined ? ` WHERE ${id} = ${lit(run.only)}` : ''),
  );
  await connection.run(`CREATE TEMP VIEW mql_valid_leads AS SELECT * FROM mql_leads WHERE len(mql_errors) = 0`);
  if (!events) {
    // No events in the data: an empty table with every column the query reads.
    const attrs = [...new Set(artifact.events.flatMap((e) => e.fields.map((f) => f.from ?? f.name)))];
    await connection.run(`CREATE TEMP VIEW mql_events AS SELECT CAST(NULL AS BIGINT) AS mql_row, CAST(NULL AS VARCHAR) AS type, CAST(NULL AS TIMESTAMPTZ) AS at${attrs.map((a) => `, NULL AS ${q(a)}`).join('')} LIMIT 0`);
  }

  const coverage = run.summary.coverage;
  const query = compileSql(artifact, { dialect: 'duckdb', leads: 'mql_valid_leads', events: 'mql_events', key: 'mql_row', passthrough: ['mql_id', 'mql_label'], coverage: coverage !== undefined });
  const now = new Date(run.now).toISOString();
  const rowCount = async (table: string) => Number((await connection.runAndReadAll(`SELECT count(*) AS n FROM ${table}`)).getRowObjectsJS()[0]!.n);
  const leadLine = format === 'csv' || format === 'jsonl' ? await recordLines(run.data, format, run.delimiter, await rowCount('mql_source')) : (row: number) => row + 1;
  const position = (row: number): Position => (format === 'json' ? { kind: 'index', index: row } : { kind: 'line', line: leadLine(row) });
  const eventLine = run.events && sourceFormat(run.events.file) === 'csv' ? await recordLines(run.events.file, 'csv', run.delimiter, await rowCount('mql_event_source')) : (row: number) => row + 2;
  const withEventLines = (error: string) => error.replace(/\u0001(\d+)\u0001/, (_, row: string) => String(eventLine(Number(row))));

  // Invalid records first into the summary (it sorts them by position), then the results in order.
  for (const r of (await connection.runAndReadAll(`SELECT mql_row, mql_id, mql_errors FROM mql_leads WHERE len(mql_errors) > 0 ORDER BY mql_row`)).getRowObjectsJS()) {
    run.summary.records++;
    if (r.mql_id !== null) run.summary.withId++; // as the runtime path counts: every record with an id, valid or not
    run.summary.invalid.push({
      position: position(Number(r.mql_row)),
      ...(r.mql_id !== null ? { id: String(r.mql_id) } : {}),
      errors: (r.mql_errors as string[]).map((e) => splitError(withEventLines(e))),
    });
  }
  // Not for one lead picked by --only (as in the runtime path): a literal may match only some leads.
  if (run.only === undefined) await noteSeenValues(connection, artifact, new Set(staged.keys()), json, run.summary);
  const stream = await resultStream(connection, query.sql, query.coverage, now, coverage);
  for await (const rows of stream.yieldRowObjectJs()) {
    for (const row of rows) {
      const result = resultOf(artifact, row);
      run.summary.records++;
      countResult(run.summary, result);
      const where = position(Number(row.mql_row));
      const idText = row.mql_id === null ? undefined : String(row.mql_id);
      if (idText !== undefined) run.summary.withId++;
      await run.writer.add(evaluatedLead(where, idText, undefined, idText ?? (row.mql_label as string | null) ?? `line ${'line' in where ? where.line : 0}`, result));
    }
  }
  return ['Evaluated in DuckDB (--engine duckdb): lean results, no explanations.'];
}

/**
 * The query's rows in input order. With coverage counters, the results go to a table first: DuckDB
 * sums the coverage columns (1 where a rule fired or a clause held) into the counters, and the
 * rows are streamed without them (reading two dozen more columns per row into JavaScript took a
 * fifth longer than the whole batch on 100,000 leads).
 */
async function resultStream(connection: Connection, sql: string, columns: readonly string[], now: string, counters: Uint32Array | undefined) {
  if (counters === undefined || columns.length === 0) return connection.stream(`SELECT * FROM (${sql.trimEnd()}) ORDER BY mql_row`, { now });
  await connection.run(`CREATE TEMP TABLE mql_results AS ${sql.trimEnd()}`, { now });
  const sums = (await connection.runAndReadAll(`SELECT ${columns.map((c) => `sum(${q(c)}) AS ${q(c)}`).join(', ')} FROM mql_results`)).getRowObjectsJS()[0]!;
  columns.forEach((column, i) => (counters[i]! += Number(sums[column] ?? 0)));
  return connection.stream(`SELECT * EXCLUDE (${columns.map(q).join(', ')}) FROM mql_results ORDER BY mql_row`);
}

async function connect(): Promise<Connection> {
  let duckdb: typeof import('@duckdb/node-api');
  try {
    duckdb = await import('@duckdb/node-api');
  } catch (error) {
    throw new UsageError(`--engine duckdb: DuckDB could not be loaded on this machine (${(error as Error).message.split('\n')[0]}); use --engine runtime`);
  }
  const instance = await duckdb.DuckDBInstance.create(':memory:');
  return (await instance.connect()) as unknown as Connection;
}

type SourceFormat = 'csv' | 'jsonl' | 'json' | 'parquet';

/** Whether an error (SQL text `e`) says a required field is missing, rather than that a value did not convert. */
const REQUIRED_ERROR = (e: string) => `ends_with(${e}, ': required field is missing') OR ${e} LIKE '%: required field is missing (% means not given)'`;

function sourceFormat(file: string): SourceFormat {
  if (path.extname(file).toLowerCase() === '.parquet') return 'parquet';
  return dataFormatOf(file);
}

function reader(file: string, format: SourceFormat, delimiter: string | undefined): string {
  switch (format) {
    case 'csv':
      // Every cell as text: the conversions are the runtime's (stageCsvLeads), not DuckDB's guesses.
      return `read_csv(${lit(file)}, header = true, all_varchar = true${delimiter !== undefined ? `, delim = ${lit(delimiter)}` : ''})`;
    // Each record as one JSON value: fields are converted record by record, as the runtime does,
    // rather than by one type DuckDB would infer for a whole column.
    case 'jsonl':
      return `read_json_objects(${lit(file)}, format = 'newline_delimited')`;
    case 'json':
      return `read_json_objects(${lit(file)}, format = 'array')`;
    case 'parquet':
      return `read_parquet(${lit(file)})`;
  }
}

interface ColumnInfo {
  name: string;
  type: string;
}

async function describe(connection: Connection, table: string): Promise<ColumnInfo[]> {
  const rows = (await connection.runAndReadAll(`DESCRIBE ${table}`)).getRowObjectsJS();
  return rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
}

// ---------------------------------------------------------------------------------------------
// CSV: the runtime's header binding and cell conventions, in SQL.

function stageCsvLeads(run: DuckDbRun, engine: RulesEngine, columns: ColumnInfo[]): Map<string, Staged> {
  const header = columns.map((c) => c.name);
  const binding = engine.leadTable(header);
  checkHeader(run.data, { line: 1, cells: header, delimiter: run.delimiter ?? ',' }, binding, { ...(run.allowMissing ? { allowMissing: run.allowMissing } : {}) }, engine);
  const staged = new Map<string, Staged>();
  const leaves = leafFields(engine.artifact.lead.fields);
  for (const leaf of leaves) {
    const index = binding.fields.findIndex((f) => f === leaf.schemaPath);
    const cell = index < 0 ? 'NULL' : `s.${q(header[index]!)}`;
    staged.set(leaf.inputPath, { column: leaf.inputPath, ...convertText(leaf.type, cell, leaf.inputPath, leaf.required, leaf.placeholders) });
  }
  return staged;
}

/**
 * Whether a text value is one of the field's placeholders (`missing when`): compared as the runtime
 * does, ignoring letter case and the white space JavaScript's trim() removes (the SQL back end's
 * own spelling of that trim, so both read the same values as placeholders).
 */
function isPlaceholderSql(text: string, placeholders: string[]): string {
  return placeholders.length === 0 ? 'FALSE' : `(lower(${d.fn.trim_space!([text])}) IN (${placeholders.map(lit).join(', ')}))`;
}

/** Whether a text cell is empty, blank or a placeholder: missing, as the runtime reads it. */
function blankText(cell: string, placeholders: string[]): string {
  return `(${cell} IS NULL OR trim(${cell}) = ''${placeholders.length > 0 ? ` OR ${isPlaceholderSql(cell, placeholders)}` : ''})`;
}

/** The error of a required field whose cell is missing (a placeholder says which value it was, as the runtime does). */
function missingText(cell: string, label: string, placeholders: string[]): string {
  const note = placeholders.length > 0 ? ` || CASE WHEN ${isPlaceholderSql(cell, placeholders)} THEN ' (' || to_json(${cell})::VARCHAR || ' means not given)' ELSE '' END` : '';
  return `CASE WHEN ${blankText(cell, placeholders)} THEN ${lit(`${label}: required field is missing`)}${note} END`;
}

/** A text cell → the field's typed value and its error, as the runtime converts CSV cells (a placeholder is an empty cell). */
function convertText(type: FieldType, cell: string, label: string, required: boolean, placeholders: string[]): { value: string; error: string } {
  const blank = blankText(cell, placeholders);
  const text = `trim(${cell})`;
  const got = `${lit(`${label}: expected `)} || %s || ', got ' || to_json(${cell})::VARCHAR`;
  const bad = (expected: string, ok: string) => `CASE WHEN NOT ${blank} AND NOT (${ok}) THEN ${got.replace('%s', lit(expected))} END`;
  const missing = required ? missingText(cell, label, placeholders) : 'NULL';
  const both = (error: string) => `COALESCE(${missing}, ${error})`;
  switch (type.kind) {
    case 'string':
    case 'email':
      return { value: `CASE WHEN ${blank} THEN NULL ELSE ${cell} END`, error: missing };
    case 'number': {
      const ok = `regexp_full_match(${text}, '[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?') AND isfinite(TRY_CAST(${text} AS DOUBLE))`;
      return { value: `CASE WHEN NOT ${blank} AND ${ok} THEN CAST(${text} AS DOUBLE) END`, error: both(bad('a number', ok)) };
    }
    case 'bool': {
      const value = `CASE lower(${text}) WHEN 'true' THEN TRUE WHEN 'yes' THEN TRUE WHEN '1' THEN TRUE WHEN 'false' THEN FALSE WHEN 'no' THEN FALSE WHEN '0' THEN FALSE END`;
      return { value, error: both(bad('true/false/yes/no/1/0', `${value} IS NOT NULL`)) };
    }
    case 'date': {
      const value = dateFromText(text);
      return { value: `CASE WHEN NOT ${blank} THEN ${value} END`, error: both(bad('a date (ISO-8601 or epoch milliseconds)', `${value} IS NOT NULL`)) };
    }
    case 'enum': {
      const value = `CASE lower(${text}) ${type.members.map((m) => `WHEN ${lit(m.toLowerCase())} THEN ${lit(m)}`).join(' ')} END`;
      return { value: `CASE WHEN NOT ${blank} THEN ${value} END`, error: both(bad(`one of ${type.members.map((m) => JSON.stringify(m)).join(', ')}`, `${value} IS NOT NULL`)) };
    }
    case 'list': {
      const parts = `list_filter(list_transform(string_split(${cell}, ';'), x -> trim(x)), x -> x <> '')`;
      const element = type.element.kind === 'number' ? `TRY_CAST(x AS DOUBLE)` : type.element.kind === 'enum' ? `CASE lower(x) ${type.element.members.map((m) => `WHEN ${lit(m.toLowerCase())} THEN ${lit(m)}`).join(' ')} END` : 'x';
      const converted = `list_transform(${parts}, x -> ${element})`;
      const ok = `NOT list_contains(list_transform(${converted}, x -> x IS NULL), TRUE)`;
      return { value: `CASE WHEN NOT ${blank} THEN ${converted} END`, error: both(bad('a list separated by ";"', ok)) };
    }
    case 'object':
      return { value: 'NULL', error: 'NULL' };
  }
}

/** ISO-8601 as the runtime reads it (strictly; without an offset, UTC), or integer epoch ms. */
function dateFromText(text: string): string {
  const iso = `regexp_full_match(${text}, '\\d{4}-\\d{2}-\\d{2}(?:[Tt ]\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,9})?)?(?:[Zz]|[+-]\\d{2}(?::?\\d{2})?)?)?')`;
  return `CASE WHEN regexp_full_match(${text}, '-?\\d{1,15}') THEN make_timestamp(CAST(${text} AS BIGINT) * 1000)::TIMESTAMPTZ WHEN ${iso} THEN TRY_CAST(${text} AS TIMESTAMPTZ) END`;
}

// ---------------------------------------------------------------------------------------------
// JSON and Parquet: typed columns, found by the input path (struct fields for nested objects).

interface Leaf {
  inputPath: string;
  keys: string[];
  schemaPath: string;
  type: FieldType;
  required: boolean;
  /** Placeholder values (`missing when`), folded (trimmed, lower case). */
  placeholders: string[];
}

function foldedPlaceholders(spec: FieldSpec): string[] {
  return [...new Set((spec.placeholders ?? []).map((p) => p.trim().toLowerCase()))];
}

function leafFields(fields: FieldSpec[], keys: string[] = [], names: string[] = [], required = true): Leaf[] {
  return fields.flatMap((f) => {
    const k = [...keys, f.from ?? f.name];
    const n = [...names, f.name];
    if (f.type.kind === 'object') return leafFields(f.type.fields, k, n, required && !f.optional);
    return [{ inputPath: k.join('.'), keys: k, schemaPath: n.join('.'), type: f.type, required: required && !f.optional, placeholders: foldedPlaceholders(f) }];
  });
}

function stageTypedLeads(fields: FieldSpec[], columns: ColumnInfo[], file: string): Map<string, Staged> {
  const staged = new Map<string, Staged>();
  for (const leaf of leafFields(fields)) {
    const found = findTyped(columns, leaf.keys);
    const label = leaf.inputPath;
    if (found === undefined) {
      staged.set(leaf.inputPath, { column: leaf.inputPath, value: 'NULL', error: leaf.required ? lit(`${label}: required field is missing`) : 'NULL' });
      continue;
    }
    staged.set(leaf.inputPath, { column: leaf.inputPath, ...convertTyped(leaf.type, `s.${found.sql}`, found.type, label, leaf.required, file, leaf.schemaPath, leaf.placeholders) });
  }
  return staged;
}

/** The column (or struct field) at an input path, and its DuckDB type. */
function findTyped(columns: ColumnInfo[], keys: string[]): { sql: string; type: string } | undefined {
  const flat = columns.find((c) => c.name === keys.join('.'));
  if (flat) return { sql: q(flat.name), type: flat.type };
  const top = columns.find((c) => c.name === keys[0]);
  if (!top) return undefined;
  let type = top.type;
  for (const key of keys.slice(1)) {
    const field = structFields(type).find((f) => f.name === key);
    if (!field) return undefined;
    type = field.type;
  }
  return { sql: keys.map(q).join('.'), type };
}

/** `STRUCT(a VARCHAR, "b c" STRUCT(...))` → its fields. */
function structFields(type: string): ColumnInfo[] {
  const m = /^STRUCT\((.*)\)$/s.exec(type);
  if (!m) return [];
  const out: ColumnInfo[] = [];
  const body = m[1]!;
  let depth = 0;
  let start = 0;
  const parts: string[] = [];
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === '"') {
      i = body.indexOf('"', i + 1);
      while (body[i + 1] === '"') i = body.indexOf('"', i + 2);
    } else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  for (const part of parts) {
    const p = part.trim();
    const quoted = /^"((?:[^"]|"")*)"\s+(.*)$/s.exec(p);
    if (quoted) out.push({ name: quoted[1]!.replaceAll('""', '"'), type: quoted[2]! });
    else {
      const space = p.indexOf(' ');
      out.push({ name: p.slice(0, space), type: p.slice(space + 1) });
    }
  }
  return out;
}

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)$/;

function convertTyped(type: FieldType, typed: string, columnType: string, label: string, required: boolean, file: string, field: string, placeholders: string[]): { value: string; error: string } {
  // Placeholders are text (a typed number or date is never one), read as missing like NULL.
  const placeholder = columnType === 'VARCHAR' && placeholders.length > 0;
  const sql = placeholder ? `CASE WHEN NOT ${isPlaceholderSql(typed, placeholders)} THEN ${typed} END` : typed;
  const note = placeholder ? ` || CASE WHEN ${typed} IS NOT NULL THEN ' (' || to_json(${typed})::VARCHAR || ' means not given)' ELSE '' END` : '';
  const missing = required ? `CASE WHEN ${sql} IS NULL THEN ${lit(`${label}: required field is missing`)}${note} END` : 'NULL';
  if (columnType === '"NULL"' || columnType === 'NULL') return { value: 'NULL', error: missing };
  const wrong = (expected: string): never => {
    throw new UsageError(`${path.basename(file)}: column "${label}" holds ${columnType} values, but field ${field} is ${expected}; fix the data or the schema (the runtime engine, --engine runtime, reports the records one by one)`);
  };
  switch (type.kind) {
    case 'string':
    case 'email':
      if (columnType !== 'VARCHAR') wrong('text');
      return { value: sql, error: missing };
    case 'number':
      if (!NUMERIC.test(columnType)) wrong('a number');
      return { value: `CAST(${sql} AS DOUBLE)`, error: missing };
    case 'bool':
      if (columnType !== 'BOOLEAN') wrong('true or false');
      return { value: sql, error: missing };
    case 'date':
      if (/^TIMESTAMP|^DATE$/.test(columnType)) return { value: `CAST(${sql} AS TIMESTAMPTZ)`, error: missing };
      if (/INT$/.test(columnType)) return { value: `make_timestamp(CAST(${sql} AS BIGINT) * 1000)::TIMESTAMPTZ`, error: missing };
      if (columnType === 'VARCHAR') {
        const value = dateFromText(sql);
        return { value, error: `COALESCE(${missing}, CASE WHEN ${sql} IS NOT NULL AND ${value} IS NULL THEN ${lit(`${label}: expected a date (ISO-8601 or epoch milliseconds), got `)} || to_json(${sql})::VARCHAR END)` };
      }
      return wrong('a date');
    case 'enum': {
      if (columnType !== 'VARCHAR') wrong('text');
      const value = `CASE lower(${sql}) ${type.members.map((m) => `WHEN ${lit(m.toLowerCase())} THEN ${lit(m)}`).join(' ')} END`;
      return { value, error: `COALESCE(${missing}, CASE WHEN ${sql} IS NOT NULL AND ${value} IS NULL THEN ${lit(`${label}: expected one of ${type.members.map((m) => JSON.stringify(m)).join(', ')}, got `)} || to_json(${sql})::VARCHAR END)` };
    }
    case 'list':
      if (!columnType.endsWith('[]')) wrong('a list');
      return { value: sql, error: missing };
    case 'object':
      return { value: 'NULL', error: 'NULL' };
  }
}

// ---------------------------------------------------------------------------------------------
// JSON and JSON lines: each record is one JSON value; each field is read by its JSON pointer and
// converted by the JSON type it holds in that record (LANGUAGE.md §10).

/** A JSON pointer (`/company/Size`) as an SQL string. */
function pointer(keys: string[]): string {
  return lit(keys.map((k) => `/${k.replaceAll('~', '~0').replaceAll('/', '~1')}`).join(''));
}

function stageJsonLeads(fields: FieldSpec[], slot: (keys: string[]) => string): Map<string, Staged> {
  const staged = new Map<string, Staged>();
  for (const leaf of leafFields(fields)) {
    staged.set(leaf.inputPath, { column: leaf.inputPath, ...convertJson(leaf.type, slot(leaf.keys), leaf.inputPath, leaf.required, leaf.placeholders) });
  }
  return staged;
}

/** A JSON value → the field's typed value and its error (NULL when fine), as records.ts reads it. */
function convertJson(type: FieldType, v: string, label: string, required: boolean, placeholders: string[]): { value: string; error: string } {
  const jt = `json_type(${v})`;
  // A string that is a placeholder (`missing when`) is missing; a required field says which value it was.
  const placeholder = placeholders.length > 0 ? `(${jt} = 'VARCHAR' AND ${isPlaceholderSql(`json_extract_string(${v}, '$')`, placeholders)})` : 'FALSE';
  const absent = `(${v} IS NULL OR ${jt} = 'NULL' OR ${placeholder})`;
  const note = placeholders.length > 0 ? ` || CASE WHEN ${placeholder} THEN ' (' || ${v}::VARCHAR || ' means not given)' ELSE '' END` : '';
  const missing = required ? `CASE WHEN ${absent} THEN ${lit(`${label}: required field is missing`)}${note} END` : 'NULL';
  const check = (ok: string, expected: string) => `COALESCE(${missing}, CASE WHEN NOT ${absent} AND NOT (${ok}) THEN ${lit(`${label}: expected ${expected}, got `)} || left(${v}::VARCHAR, 40) END)`;
  const isText = `${jt} = 'VARCHAR'`;
  const isNumber = `${jt} IN ('BIGINT', 'UBIGINT', 'DOUBLE')`;
  const text = `json_extract_string(${v}, '$')`;
  switch (type.kind) {
    case 'string':
    case 'email':
      return { value: `CASE WHEN ${isText} THEN ${text} END`, error: check(isText, 'a string') };
    case 'number':
      return { value: `CASE WHEN ${isNumber} THEN CAST(${v} AS DOUBLE) END`, error: check(isNumber, 'a number') };
    case 'bool':
      return { value: `CASE WHEN ${jt} = 'BOOLEAN' THEN CAST(${v} AS BOOLEAN) END`, error: check(`${jt} = 'BOOLEAN'`, 'true or false') };
    case 'date': {
      const value = `CASE WHEN ${isText} THEN ${dateFromText(text)} WHEN ${isNumber} THEN make_timestamp(CAST(floor(CAST(${v} AS DOUBLE)) AS BIGINT) * 1000)::TIMESTAMPTZ END`;
      return { value, error: check(`${value} IS NOT NULL`, 'a date (ISO-8601 or epoch milliseconds)') };
    }
    case 'enum': {
      const value = `CASE WHEN ${isText} THEN CASE lower(${text}) ${type.members.map((m) => `WHEN ${lit(m.toLowerCase())} THEN ${lit(m)}`).join(' ')} END END`;
      return { value, error: check(`${value} IS NOT NULL`, `one of ${type.members.map((m) => JSON.stringify(m)).join(', ')}`) };
    }
    case 'list': {
      const elementType = type.element.kind === 'number' ? ['BIGINT', 'UBIGINT', 'DOUBLE'] : ['VARCHAR'];
      const items = `CAST(${v} AS JSON[])`;
      const ok = `${jt} = 'ARRAY' AND list_bool_and(list_transform(${items}, x -> json_type(x) IN (${elementType.map(lit).join(', ')})))`;
      const element = type.element.kind === 'number' ? 'CAST(x AS DOUBLE)' : "json_extract_string(x, '$')";
      return { value: `CASE WHEN ${ok} THEN list_transform(${items}, x -> ${element}) END`, error: check(`(${ok}) OR (${jt} = 'ARRAY' AND json_array_length(${v}) = 0)`, 'a list') };
    }
    case 'object':
      return { value: 'NULL', error: 'NULL' };
  }
}

// ---------------------------------------------------------------------------------------------
// Events

async function stageEvents(connection: Connection, run: DuckDbRun, columns: ColumnInfo[], format: SourceFormat, engine: RulesEngine, eventsSlot: number): Promise<boolean> {
  const artifact = engine.artifact;
  // Events of the declared types (exact name, else another letter case), converted by their own type's attributes.
  const typeOf = (t: string) =>
    `CASE ${[...artifact.events.map((e) => `WHEN ${t} = ${lit(e.name)} THEN ${lit(e.name)}`), ...artifact.events.map((e) => `WHEN lower(${t}) = ${lit(e.name.toLowerCase())} THEN ${lit(e.name)}`)].join(' ') || 'WHEN FALSE THEN NULL'} END`;
  const attrs = new Map<string, FieldSpec>();
  for (const e of artifact.events) for (const f of e.fields) if (!attrs.has(f.from ?? f.name)) attrs.set(f.from ?? f.name, f);
  if (run.events) {
    const eventFormat = sourceFormat(run.events.file);
    await connection.run(`CREATE TEMP TABLE mql_event_source AS SELECT * FROM ${reader(run.events.file, eventFormat, run.delimiter)}`);
    const eventColumns = await describe(connection, 'mql_event_source');
    const header = eventColumns.map((c) => c.name);
    const key = header.find((h) => h === run.events!.key);
    if (key === undefined) throw new UsageError(`${path.basename(run.events.file)}: no "${run.events.key}" column (the lead key, --key); its columns: ${header.map((h) => `"${h}"`).join(', ')}`);
    if (!columns.some((c) => c.name === run.idKey)) throw new UsageError(`${path.basename(run.data)}: no "${run.idKey}" column to join the events on (--id-key)`);
    for (const required of ['type', 'at']) if (!header.includes(required)) throw new UsageError(`${path.basename(run.events.file)}: no "${required}" column`);
    const csv = eventFormat === 'csv';
    const known = typeOf('trim(v."type")');
    const values = [...attrs].map(([name, spec]) => {
      const col = eventColumns.find((c) => c.name === name);
      if (!col) return `NULL AS ${q(name)}`;
      const converted = csv ? convertText(spec.type, `v.${q(name)}`, name, false, foldedPlaceholders(spec)).value : convertTyped(spec.type, `v.${q(name)}`, col.type, name, false, run.events!.file, name, foldedPlaceholders(spec)).value;
      return `${converted} AS ${q(name)}`;
    });
    const at = csv || eventColumns.find((c) => c.name === 'at')!.type === 'VARCHAR' ? dateFromText('trim(v."at")') : 'CAST(v."at" AS TIMESTAMPTZ)';
    // Each event row's errors as the runtime's event table reports them (type, at, then the
    // attributes of its type in column order), named `events[i].…` (i counts the lead's rows in
    // file order) and ending with the row's line, which JavaScript fills in (see eventLines).
    const errors = csv
      ? [
          `CASE WHEN v."type" IS NULL OR trim(v."type") = '' THEN 'type: required field is missing' END`,
          `CASE WHEN v."at" IS NULL OR trim(v."at") = '' THEN 'at: required field is missing' WHEN ${at} IS NULL THEN 'at: expected a date (ISO-8601 or epoch milliseconds), got ' || to_json(trim(v."at"))::VARCHAR END`,
          ...eventColumns.flatMap((c) => {
            const perType = artifact.events.flatMap((evType) => evType.fields.filter((f) => (f.from ?? f.name) === c.name).map((f) => `WHEN ${lit(evType.name)} THEN ${convertText(f.type, `v.${q(c.name)}`, c.name, false, foldedPlaceholders(f)).error}`));
            return perType.length > 0 ? [`CASE ${known} ${perType.join(' ')} END`] : [];
          }),
        ]
      : [`CASE WHEN ${at} IS NULL THEN 'at: no valid date (an event of type ' || to_json(v."type")::VARCHAR || ')' END`];
    // Required attributes left empty (or without a column, by --allow-missing-column): the runtime
    // finds these when it reads the record, after every row converted, so they name no file line
    // and count only for a lead without conversion errors (see mql_leads).
    const required = csv
      ? artifact.events.flatMap((evType) =>
          evType.fields.filter((f) => !f.optional).map((f) => {
            const name = f.from ?? f.name;
            const missing = header.includes(name) ? missingText(`v.${q(name)}`, name, foldedPlaceholders(f)) : lit(`${name}: required field is missing`);
            return `CASE WHEN ${known} = ${lit(evType.name)} THEN ${missing} END`;
          }),
        )
      : [];
    const prefix = `'events[' || (row_number() OVER (PARTITION BY l.rowid ORDER BY v.rowid) - 1) || '].'`;
    const suffix = `' (' || ${lit(path.basename(run.events.file))} || ' line ' || chr(1) || v.rowid || chr(1) || ')'`;
    await connection.run(
      `CREATE TEMP TABLE mql_events_staged AS SELECT l.rowid AS mql_row, v.rowid AS mql_event, CAST(v."type" AS VARCHAR) AS type, ${at} AS at, ` +
        `list_filter([${errors.map((e) => `${prefix} || ${e} || ${suffix}`).join(', ')}], x -> x IS NOT NULL) AS mql_errors, ` +
        `list_filter([${required.map((e) => `${prefix} || ${e}`).join(', ')}]::VARCHAR[], x -> x IS NOT NULL) AS mql_required${values.length ? `, ${values.join(', ')}` : ''} ` +
        `FROM mql_event_source v JOIN mql_source l ON trim(CAST(l.${q(run.idKey)} AS VARCHAR)) = trim(CAST(v.${q(key)} AS VARCHAR))`,
    );
  } else if (format === 'json' || format === 'jsonl') {
    const ev = 'e.ev';
    const type = `json_extract_string(${ev}, '/type')`;
    const at = convertJson({ kind: 'date' }, `json_extract(${ev}, '/at')`, 'events[].at', true, []);
    const values: string[] = [];
    const errors: string[] = [`CASE WHEN json_type(json_extract(${ev}, '/type')) IS DISTINCT FROM 'VARCHAR' THEN 'events[].type: required field is missing' END`, `CASE WHEN e.known IS NOT NULL THEN ${at.error} END`];
    for (const [name] of attrs) {
      const perType = artifact.events.flatMap((evType) => evType.fields.filter((f) => (f.from ?? f.name) === name).map((f) => ({ evType, f })));
      const conv = perType.map(({ evType, f }) => ({ evType, c: convertJson(f.type, `json_extract(${ev}, ${pointer([name])})`, `events[].${name}`, !f.optional, foldedPlaceholders(f)) }));
      values.push(`CASE ${conv.map(({ evType, c }) => `WHEN e.known = ${lit(evType.name)} THEN ${c.value}`).join(' ')} END AS ${q(name)}`);
      errors.push(`CASE ${conv.map(({ evType, c }) => `WHEN e.known = ${lit(evType.name)} THEN ${c.error}`).join(' ')} END`);
    }
    await connection.run(
      // Every label starts `events[]`; the event's index goes between the brackets, as the runtime writes it.
      `CREATE TEMP TABLE mql_events_staged AS SELECT mql_row, mql_event, e.known AS type, ${at.value} AS at, ` +
        `list_filter([${errors.map((x) => `'events[' || mql_event || ']' || substr(${x}, 9)`).join(', ')}], x -> x IS NOT NULL) AS mql_errors${values.length ? `, ${values.join(', ')}` : ''} ` +
        `FROM (SELECT mql_row, mql_event, ev, ${typeOf(type)} AS known FROM (SELECT rowid AS mql_row, unnest(CAST(f[${eventsSlot}] AS JSON[])) AS ev, unnest(range(len(CAST(f[${eventsSlot}] AS JSON[])))) AS mql_event FROM mql_source) e) e ` +
        `WHERE e.known IS NOT NULL OR json_type(json_extract(${ev}, '/type')) IS DISTINCT FROM 'VARCHAR'`,
    );
  } else {
    const eventsColumn = columns.find((c) => c.name === 'events');
    if (!eventsColumn || !/^STRUCT\(.*\)\[\]$/s.test(eventsColumn.type)) return false;
    const fields = structFields(eventsColumn.type.slice(0, -2));
    const has = (name: string) => fields.find((f) => f.name === name);
    const atField = has('at');
    const at = !atField ? 'NULL' : atField.type === 'VARCHAR' ? dateFromText('e."at"') : /INT$/.test(atField.type) ? 'make_timestamp(CAST(e."at" AS BIGINT) * 1000)::TIMESTAMPTZ' : 'CAST(e."at" AS TIMESTAMPTZ)';
    const values = [...attrs].map(([name, spec]) => {
      const field = has(name);
      return field ? `${convertTyped(spec.type, `e.${q(name)}`, field.type, `events.${name}`, false, run.data, name, foldedPlaceholders(spec)).value} AS ${q(name)}` : `NULL AS ${q(name)}`;
    });
    await connection.run(
      `CREATE TEMP TABLE mql_events_staged AS SELECT mql_row, mql_event, ${has('type') ? 'e."type"' : 'NULL'} AS type, ${at} AS at, ` +
        `list_filter([CASE WHEN ${has('type') ? 'e."type"' : 'NULL'} IS NOT NULL AND ${at} IS NULL THEN 'events[' || mql_event || '].at: no valid date (an event of type ' || to_json(e."type")::VARCHAR || ')' END], x -> x IS NOT NULL) AS mql_errors${values.length ? `, ${values.join(', ')}` : ''} ` +
        `FROM (SELECT rowid AS mql_row, unnest(events) AS e, unnest(range(len(events))) AS mql_event FROM mql_source)`,
    );
  }
  await connection.run(`CREATE TEMP VIEW mql_events AS SELECT * FROM mql_events_staged WHERE len(mql_errors) = 0`);
  return true;
}

// ---------------------------------------------------------------------------------------------

/** A query row → the runtime's lean result. */
function resultOf(artifact: RulesArtifact, row: Record<string, unknown>): EvaluationResult {
  const { qualified, ...rest } = readResultRow(artifact, row);
  return { ...rest, stages: Object.fromEntries(Object.entries(qualified).map(([name, ok]) => [name, { qualified: ok }])) };
}

function splitError(text: string): { path: string; message: string } {
  const at = text.indexOf(': ');
  return at < 0 ? { path: '', message: text } : { path: text.slice(0, at), message: text.slice(at + 2) };
}

/**
 * The values of the fields the rules compare with string literals, for the summary's "never
 * matched" list, as the runtime path notes them (literals.ts): per field, the first MAX_VALUES
 * distinct values by letter case, each as first seen, in record order; from every JSON record
 * that parses, and from every CSV row whose cells convert and whose events are valid (a required
 * field left empty is the record's own error, found after reading).
 */
async function noteSeenValues(connection: Connection, artifact: RulesArtifact, stagedColumns: Set<string>, json: boolean, summary: BatchSummary): Promise<void> {
  const read = json ? 'TRUE' : `len(list_filter(mql_errors, e -> NOT (${REQUIRED_ERROR('e')}))) = 0`;
  for (const watched of watchedLiterals(artifact)) {
    const column = watched.path.join('.');
    if (!stagedColumns.has(column)) continue;
    const list = leafFields(artifact.lead.fields).find((l) => l.inputPath === column)?.type.kind === 'list';
    const values = list ? `unnest(${q(column)})` : q(column);
    const rows = await connection.runAndReadAll(
      `SELECT v FROM (SELECT lower(v) AS k, arg_min(v, mql_row) AS v, min(mql_row) AS first FROM (SELECT mql_row, ${values} AS v FROM mql_leads WHERE ${read}) ` +
        `WHERE v IS NOT NULL GROUP BY k) ORDER BY first LIMIT ${MAX_VALUES}`,
    );
    addValues(summary.values, column, rows.getRowObjectsJS().map((r) => String(r.v)));
  }
}

// ---------------------------------------------------------------------------------------------
// Positions

/**
 * The line each record of a CSV or JSON-lines file starts on, numbered as the runtime path numbers
 * it (@mql/data: csvRecordRuns and readLines). DuckDB's readers count records, not lines, and skip
 * blank lines, so a quoted cell running over line breaks, or a blank line, would shift every later
 * position. When the file has exactly one line per record (and the CSV header), record k is on
 * line k + 2 (CSV) or k + 1 (JSON lines), found by counting line breaks; otherwise the file is read
 * once more with the runtime path's own reader.
 */
async function recordLines(file: string, format: 'csv' | 'jsonl', delimiter: string | undefined, records: number): Promise<(row: number) => number> {
  const first = format === 'csv' ? 2 : 1;
  if ((await physicalLines(file)) === records + first - 1) return (row) => row + first;
  const lines: number[] = [];
  if (format === 'csv') {
    for await (const items of csvRecordRuns(readLineRuns(createReadStream(file)), delimiter, () => undefined)) {
      for (const item of items) {
        if (item.kind === 'bad') throw new UsageError(`${path.basename(file)} line ${item.line}: ${item.message}; --engine duckdb reads well-formed CSV only (--engine runtime lists such rows as invalid records)`);
        lines.push(item.line);
      }
    }
  } else {
    for await (const { line, text } of readLines(createReadStream(file))) if (text.trim() !== '') lines.push(line);
  }
  if (lines.length !== records) throw new UsageError(`${path.basename(file)}: DuckDB reads ${records} records where the runtime engine reads ${lines.length}; use --engine runtime`);
  return (row) => lines[row]!;
}

/** How many lines @mql/data's readLines yields: a line ends at \n, \r\n or a lone \r. */
async function physicalLines(file: string): Promise<number> {
  let breaks = 0;
  let last = -1;
  let pendingCr = false;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    if (chunk.length === 0) continue;
    if (!pendingCr && !chunk.includes(13)) {
      for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) breaks++;
    } else {
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i]!;
        if (pendingCr && byte !== 10) breaks++;
        pendingCr = byte === 13;
        if (byte === 10) breaks++;
      }
    }
    last = chunk[chunk.length - 1]!;
  }
  if (pendingCr) breaks++;
  return last === -1 || last === 10 || last === 13 ? breaks : breaks + 1;
}

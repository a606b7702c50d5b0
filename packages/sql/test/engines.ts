// Test harness: the same lead records as tables in DuckDB (embedded) and PostgreSQL (PGlite, or a
// real server through `pg`), bulk-loaded with each engine's own reader (DuckDB read_json over a
// temporary file, PostgreSQL COPY), the compiled query run with `now` bound, and the rows returned
// in the runtime's result shape for comparison.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FieldSpec, RulesArtifact } from '@mql/artifact';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { PGlite } from '@electric-sql/pglite';
import { columnKind, compileSql, DIALECT_TABLE, readResultRow, type ColumnKind, type DialectName, type ResultRow } from '../src/index.js';

export interface Column {
  name: string;
  kind: ColumnKind;
  /** Path in a JSON record (input keys, `from` names). */
  path: string[];
}

export interface Tables {
  leads: { columns: Column[]; rows: unknown[][] };
  events: { columns: Column[]; rows: unknown[][] };
}

/** What the comparison looks at, for one lead: the query's result row. */
export type Outcome = ResultRow;

export const KEY = 'id';

/**
 * Every leaf field of the schema as a column named by its dotted input path. A number field with
 * placeholders (`missing when ["N/A"]`) is a text column holding numbers and placeholders, as a
 * CRM export staged as text has it: the query reads placeholders as NULL before CAST.
 */
export function leafColumns(fields: FieldSpec[], prefix: string[] = []): Column[] {
  return fields.flatMap((f) => {
    const p = [...prefix, f.from ?? f.name];
    if (f.type.kind === 'object') return leafColumns(f.type.fields, p);
    const textNumbers = f.type.kind === 'number' && (f.placeholders?.length ?? 0) > 0;
    return [{ name: p.join('.'), kind: textNumbers ? 'text' : columnKind(f.type)!, path: p }];
  });
}

/** Lead records (JSON, with `events`) → a leads table and an events table; dates as ISO text. */
export function toTables(artifact: RulesArtifact, records: Record<string, unknown>[]): Tables {
  const leadColumns: Column[] = [{ name: KEY, kind: 'text', path: [KEY] }, ...leafColumns(artifact.lead.fields)];
  const attrs = new Map<string, Column>();
  for (const e of artifact.events) for (const c of leafColumns(e.fields)) attrs.set(c.name, c);
  const eventColumns: Column[] = [
    { name: KEY, kind: 'text', path: [KEY] },
    { name: 'type', kind: 'text', path: ['type'] },
    { name: 'at', kind: 'date', path: ['at'] },
    ...attrs.values(),
  ];
  const leads: unknown[][] = [];
  const events: unknown[][] = [];
  for (const record of records) {
    leads.push(leadColumns.map((c) => cell(record, c)));
    for (const ev of (record.events as Record<string, unknown>[] | undefined) ?? []) {
      events.push(eventColumns.map((c) => (c.name === KEY ? record[KEY] : cell(ev, c))));
    }
  }
  return { leads: { columns: leadColumns, rows: leads }, events: { columns: eventColumns, rows: events } };
}

function cell(record: Record<string, unknown>, column: Column): unknown {
  let v: unknown = record;
  for (const p of column.path) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  if (v === undefined || v === null) return null;
  if (column.kind === 'date') return typeof v === 'number' ? new Date(v).toISOString() : v;
  if (column.kind === 'text' && typeof v === 'number') return String(v); // a number in a text column (placeholders)
  return v;
}

// ---------------------------------------------------------------------------------------------
// Result rows → outcomes

function byKey(artifact: RulesArtifact, rows: Record<string, unknown>[]): Map<string, Outcome> {
  return new Map(rows.map((r) => [String(r[KEY]), readResultRow(artifact, r)]));
}

// ---------------------------------------------------------------------------------------------
// DuckDB

export class DuckDb {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
  ) {}

  static async open(): Promise<DuckDb> {
    const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
    return new DuckDb(instance, await instance.connect());
  }

  async load(tables: Tables): Promise<void> {
    const dir = mkdtempSync(path.join(tmpdir(), 'mql-sql-'));
    try {
      for (const name of ['leads', 'events'] as const) {
      const table = tables[name];
        const file = path.join(dir, `${name}.jsonl`);
        const columns = table.columns;
        writeFileSync(file, table.rows.map((row) => JSON.stringify(Object.fromEntries(columns.map((c, i) => [c.name, row[i]])))).join('\n'));
        const types = columns.map((c) => `${DIALECT_TABLE.duckdb.string(c.name)}: ${DIALECT_TABLE.duckdb.string(DIALECT_TABLE.duckdb.columnType[c.kind])}`).join(', ');
        const source = table.rows.length === 0 ? `SELECT ${columns.map((c) => `CAST(NULL AS ${DIALECT_TABLE.duckdb.columnType[c.kind]}) AS ${DIALECT_TABLE.duckdb.ident(c.name)}`).join(', ')} LIMIT 0` : `SELECT * FROM read_json(${DIALECT_TABLE.duckdb.string(file)}, format = 'newline_delimited', columns = {${types}})`;
        await this.connection.run(`CREATE OR REPLACE TABLE ${name} AS ${source}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  async run(artifact: RulesArtifact, now: string): Promise<Map<string, Outcome>> {
    const { sql } = compileSql(artifact, { dialect: 'duckdb', key: KEY });
    const reader = await this.connection.runAndReadAll(sql, { now });
    return byKey(artifact, reader.getRowObjectsJS() as Record<string, unknown>[]);
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL: PGlite in-process, or a server through any client with the same two calls.

export interface PgClient {
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  /** Bulk-loads rows into an existing table. */
  load(table: string, columns: Column[], rows: unknown[][]): Promise<void>;
  close(): Promise<void>;
}

export async function pglite(): Promise<PgClient> {
  const db = new PGlite();
  await db.waitReady;
  return {
    query: (sql, params) => db.query(sql, params) as Promise<{ rows: Record<string, unknown>[] }>,
    load: async (table, columns, rows) => {
      const csv = `${rows.map((row) => row.map(csvCell).join(',')).join('\n')}\n`;
      const names = columns.map((c) => DIALECT_TABLE.postgres.ident(c.name)).join(', ');
      await db.query(`COPY ${table} (${names}) FROM '/dev/blob' WITH (FORMAT csv)`, [], { blob: new Blob([csv]) });
    },
    close: () => db.close(),
  };
}

export class Postgres {
  constructor(readonly client: PgClient) {}

  async load(tables: Tables): Promise<void> {
    const d = DIALECT_TABLE.postgres;
    for (const name of ['leads', 'events'] as const) {
      const table = tables[name];
      await this.client.query(`DROP TABLE IF EXISTS ${name}`);
      await this.client.query(`CREATE TABLE ${name} (${table.columns.map((c) => `${d.ident(c.name)} ${d.columnType[c.kind]}`).join(', ')})`);
      if (table.rows.length > 0) await this.client.load(name, table.columns, table.rows);
    }
  }

  async run(artifact: RulesArtifact, now: string, dialect: DialectName = 'postgres'): Promise<Map<string, Outcome>> {
    const { sql } = compileSql(artifact, { dialect, key: KEY });
    const { rows } = await this.client.query(sql, [now]);
    return byKey(artifact, rows);
  }
}

/** A CSV cell for COPY: empty for NULL, arrays as PostgreSQL array literals, text quoted. */
function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return quote(`{${v.map((x) => (typeof x === 'string' ? `"${x.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"` : String(x))).join(',')}}`);
  if (typeof v === 'string') return quote(v);
  return String(v);
}

function quote(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

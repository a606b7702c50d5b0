// The bundled example program on its generated sample leads: runtime, DuckDB and PostgreSQL
// (PGlite) agree on every lead, and on which rules fired and which stage clauses held for it
// (compileSql's `coverage` columns against the runtime's coverage counters).

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { coverageItems, load } from '@mql/runtime';
import { compileSql } from '@mql/sql';
import { describe, expect, it } from 'vitest';
import { KEY, toTables } from './engines.js';
import { compileFixture } from './fixture.js';
import { disagreements, withEngines } from './harness.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const NOW = '2026-11-01T00:00:00Z';

describe('the example funnel in SQL', () => {
  const artifact = compileFixture('../../../../examples/b2b-funnel/funnel.mql');
  const records = readFileSync(`${root}examples/data/leads.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const engines = withEngines();

  it('DuckDB agrees with the runtime on every lead', async () => {
    expect(await disagreements(artifact, records, NOW, { duckdb: engines.duck })).toEqual([]);
  }, 120_000);

  it('PostgreSQL (PGlite) agrees with the runtime on every lead', async () => {
    expect(await disagreements(artifact, records, NOW, { postgres: engines.pg })).toEqual([]);
  }, 120_000);

  it('DuckDB and PostgreSQL count the same rules fired and clauses held as the runtime, lead by lead', async () => {
    const items = coverageItems(artifact);
    const engine = load(artifact);
    // The runtime's counters after each lead alone: 1 where the rule fired or the clause held.
    const expected = new Map<string, number[]>();
    for (const record of records) {
      const counters = new Uint32Array(items.length);
      expect(engine.evaluate(record, { now: NOW, explain: false, coverage: counters }).ok).toBe(true);
      expected.set(String(record[KEY]), [...counters]);
    }
    const tables = toTables(artifact, records);
    const found: Record<string, Map<string, number[]>> = {};
    for (const dialect of ['duckdb', 'postgres'] as const) {
      const query = compileSql(artifact, { dialect, key: KEY, coverage: true });
      expect(query.coverage).toHaveLength(items.length);
      expect(query.outputs.slice(-items.length)).toEqual(query.coverage);
      let rows: Record<string, unknown>[];
      if (dialect === 'duckdb') {
        await engines.duck.load(tables);
        rows = (await engines.duck.connection.runAndReadAll(query.sql, { now: NOW })).getRowObjectsJS() as Record<string, unknown>[];
      } else {
        await engines.pg.load(tables);
        rows = (await engines.pg.client.query(query.sql, [NOW])).rows;
      }
      found[dialect] = new Map(rows.map((row) => [String(row[KEY]), query.coverage.map((column) => Number(row[column]))]));
    }
    for (const dialect of ['duckdb', 'postgres']) {
      const mismatches = [...expected].filter(([key, counts]) => JSON.stringify(found[dialect]!.get(key)) !== JSON.stringify(counts)).map(([key]) => key);
      expect(mismatches, dialect).toEqual([]);
    }
    // Not a trivial agreement: over the batch, items fire for some leads and not for others.
    const totals = items.map((_, i) => [...expected.values()].reduce((n, counts) => n + counts[i]!, 0));
    expect(totals.filter((n) => n > 0 && n < records.length).length).toBeGreaterThan(items.length / 2);
  }, 180_000);
});

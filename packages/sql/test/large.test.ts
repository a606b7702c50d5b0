// The fixed large run: a program using every construct (fixtures/all-constructs.mql, compiled by
// core) on 100,000 generated edge-case leads (a fixed seed, so the run is the same every time).
// The runtime, DuckDB and PostgreSQL (PGlite) must agree on every lead.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { differences, runtimeOutcomes } from './compare.js';
import { compileFixture } from './fixture.js';
import { DuckDb, Postgres, pglite, toTables } from './engines.js';
import { NOW_ISO, seededLeads } from './generate.js';

const LEADS = 100_000;

describe(`a fixed run of ${LEADS} generated leads`, () => {
  const artifact = compileFixture('all-constructs.mql');
  let records: Record<string, unknown>[];
  let duck: DuckDb;
  let pg: Postgres;

  beforeAll(async () => {
    records = seededLeads(LEADS, 20261101);
    duck = await DuckDb.open();
    pg = new Postgres(await pglite());
  }, 120_000);
  afterAll(async () => {
    duck?.close();
    await pg?.client.close();
  });

  it('runtime, DuckDB and PostgreSQL agree on every lead', async () => {
    const started = Date.now();
    const reference = runtimeOutcomes(artifact, records, NOW_ISO);
    const tables = toTables(artifact, records);
    const t1 = Date.now();
    await duck.load(tables);
    const duckRows = await duck.run(artifact, NOW_ISO);
    const t2 = Date.now();
    await pg.load(tables);
    const t3 = Date.now();
    const pgRows = await pg.run(artifact, NOW_ISO);
    const t4 = Date.now();
    console.log(`runtime+tables ${t1 - started} ms, duckdb ${t2 - t1} ms, pglite load ${t3 - t2} ms, query ${t4 - t3} ms; ${tables.events.rows.length} events`);
    expect([...differences(reference, duckRows, 'duckdb'), ...differences(reference, pgRows, 'postgres')]).toEqual([]);
  }, 600_000);
});

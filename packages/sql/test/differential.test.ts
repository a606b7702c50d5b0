// The contract of the SQL back end: for generated programs (every construct it translates) and
// generated edge-case leads, the runtime, DuckDB and PostgreSQL (PGlite) agree on the stage, every
// score (relative 1e-9), grade, segment and stage flag of every lead.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { differences, runtimeOutcomes } from './compare.js';
import { DuckDb, Postgres, pglite, toTables } from './engines.js';
import { leadsArb, NOW_ISO, programArb } from './generate.js';

describe('generated programs: runtime, DuckDB and PostgreSQL agree', () => {
  let duck: DuckDb;
  let pg: Postgres;

  beforeAll(async () => {
    duck = await DuckDb.open();
    pg = new Postgres(await pglite());
  }, 120_000);
  afterAll(async () => {
    duck?.close();
    await pg?.client.close();
  });

  it('on every lead, for every generated program', async () => {
    await fc.assert(
      fc.asyncProperty(programArb, leadsArb(1, 25), async (artifact, records) => {
        const reference = runtimeOutcomes(artifact, records, NOW_ISO);
        const tables = toTables(artifact, records);
        await duck.load(tables);
        await pg.load(tables);
        const found = [...differences(reference, await duck.run(artifact, NOW_ISO), 'duckdb'), ...differences(reference, await pg.run(artifact, NOW_ISO), 'postgres')];
        expect(found).toEqual([]);
      }),
      { numRuns: 60 },
    );
  }, 300_000);
});

// The bundled example program on its generated sample leads: runtime, DuckDB and PostgreSQL
// (PGlite) agree on every lead.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileProgram } from '@mql/core';
import type { RulesArtifact } from '@mql/artifact';
import { differences, runtimeOutcomes } from './compare.js';
import { DuckDb, Postgres, pglite, toTables } from './engines.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const NOW = '2026-11-01T00:00:00Z';

function compileExample(): RulesArtifact {
  const host = { readFile: (f: string) => readFileSync(f, 'utf8') };
  const compiled = compileProgram(`${root}examples/b2b-funnel/funnel.mql`, host);
  if (!compiled.artifact) throw new Error('the example does not compile');
  return compiled.artifact;
}

describe('the example funnel in SQL', () => {
  const artifact = compileExample();
  const records = readFileSync(`${root}examples/data/leads.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const tables = toTables(artifact, records);
  const reference = runtimeOutcomes(artifact, records, NOW);
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

  it('DuckDB agrees with the runtime on every lead', async () => {
    await duck.load(tables);
    expect(differences(reference, await duck.run(artifact, NOW), 'duckdb')).toEqual([]);
  });

  it('PostgreSQL (PGlite) agrees with the runtime on every lead', async () => {
    await pg.load(tables);
    expect(differences(reference, await pg.run(artifact, NOW), 'postgres')).toEqual([]);
  }, 120_000);
});

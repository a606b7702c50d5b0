// The differential tests' shared setup: the engines opened before a `describe`'s tests and closed
// after, and one comparison of an engine's rows with the runtime's outcomes on the same records.

import type { RulesArtifact } from '@mql/artifact';
import { afterAll, beforeAll } from 'vitest';
import { differences, runtimeOutcomes } from './compare.js';
import { DuckDb, pglite, Postgres, toTables, type Outcome, type Tables } from './engines.js';

/** An engine the query runs in: DuckDB, PGlite or a PostgreSQL server. */
export interface Engine {
  load(tables: Tables): Promise<void>;
  run(artifact: RulesArtifact, now: string): Promise<Map<string, Outcome>>;
}

export interface Engines {
  duck: DuckDb;
  pg: Postgres;
}

/** DuckDB (embedded) and PostgreSQL (PGlite, in-process), open for the tests of the enclosing `describe`. */
export function withEngines(): Engines {
  const engines = {} as Engines;
  beforeAll(async () => {
    engines.duck = await DuckDb.open();
    engines.pg = new Postgres(await pglite());
  }, 120_000);
  afterAll(async () => {
    engines.duck?.close();
    await engines.pg?.client.close();
  });
  return engines;
}

/**
 * The records loaded into each engine, the program run there, and every difference from the
 * runtime's outcomes (none when they agree). `log` receives each engine's time, for long runs.
 */
export async function disagreements(artifact: RulesArtifact, records: Record<string, unknown>[], now: string, engines: Record<string, Engine>, log?: (line: string) => void): Promise<string[]> {
  let started = Date.now();
  const reference = runtimeOutcomes(artifact, records, now);
  const tables = toTables(artifact, records);
  log?.(`runtime and tables: ${Date.now() - started} ms, ${tables.events.rows.length} events`);
  const found: string[] = [];
  for (const [name, engine] of Object.entries(engines)) {
    started = Date.now();
    await engine.load(tables);
    found.push(...differences(reference, await engine.run(artifact, now), name));
    log?.(`${name}: load and query ${Date.now() - started} ms`);
  }
  return found;
}

// The bundled example program on its generated sample leads: runtime, DuckDB and PostgreSQL
// (PGlite) agree on every lead.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
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
});

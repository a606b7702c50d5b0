// The contract of the SQL back end: for generated programs (every construct it translates) and
// generated edge-case leads, the runtime, DuckDB and PostgreSQL (PGlite) agree on the stage, every
// score (relative 1e-9), grade, segment and stage flag of every lead.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leadsArb, NOW_ISO, programArb } from '../../runtime/test/artifact-arbitraries.js';
import { disagreements, withEngines } from './harness.js';

describe('generated programs: runtime, DuckDB and PostgreSQL agree', () => {
  const engines = withEngines();

  it('on every lead, for every generated program', async () => {
    await fc.assert(
      fc.asyncProperty(programArb, leadsArb(1, 25), async (artifact, records) => {
        expect(await disagreements(artifact, records, NOW_ISO, { duckdb: engines.duck, postgres: engines.pg })).toEqual([]);
      }),
      { numRuns: 60 },
    );
  }, 300_000);
});

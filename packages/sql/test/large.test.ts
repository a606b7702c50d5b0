// The fixed large run: a program using every construct (fixtures/all-constructs.mql, compiled by
// core) on 100,000 generated edge-case leads (a fixed seed, so the run is the same every time).
// The runtime, DuckDB and PostgreSQL (PGlite) must agree on every lead.

import { describe, expect, it } from 'vitest';
import { compileFixture } from './fixture.js';
import { NOW_ISO, seededLeads } from '../../runtime/test/artifact-arbitraries.js';
import { disagreements, withEngines } from './harness.js';

const LEADS = 100_000;

describe(`a fixed run of ${LEADS} generated leads`, () => {
  const artifact = compileFixture('all-constructs.mql');
  const engines = withEngines();

  it('runtime, DuckDB and PostgreSQL agree on every lead', async () => {
    const records = seededLeads(LEADS, 20261101);
    const log: string[] = [];
    const found = await disagreements(artifact, records, NOW_ISO, { duckdb: engines.duck, postgres: engines.pg }, (line) => log.push(line));
    console.log(log.join('; '));
    expect(found).toEqual([]);
  }, 600_000);
});

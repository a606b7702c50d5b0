// The postgres dialect in a real PostgreSQL server (the Debian package, started on a temporary
// directory by postgres-server.ts), on the example funnel and on generated programs. Skipped, with
// the reason printed, where no server can be started.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Postgres } from './engines.js';
import { leadsArb, NOW_ISO, programArb, seededLeads } from '../../runtime/test/artifact-arbitraries.js';
import { compileFixture } from './fixture.js';
import { disagreements } from './harness.js';
import { startServer, type Server } from './postgres-server.js';

describe('a PostgreSQL server agrees with the runtime', () => {
  let server: Server;
  let pg: Postgres;

  beforeAll(async () => {
    server = await startServer();
    if (server.ok) pg = new Postgres(server.client);
    else console.warn(`PostgreSQL server tests skipped: ${server.reason}`);
  }, 180_000);
  afterAll(async () => {
    if (server?.ok) await server.stop();
  });

  it('on 5,000 generated leads with every construct', async (ctx) => {
    if (!server.ok) return ctx.skip();
    const artifact = compileFixture('all-constructs.mql');
    expect(await disagreements(artifact, seededLeads(5000, 7), NOW_ISO, { 'postgres server': pg })).toEqual([]);
  }, 300_000);

  it('on generated programs', async (ctx) => {
    if (!server.ok) return ctx.skip();
    await fc.assert(
      fc.asyncProperty(programArb, leadsArb(1, 25), async (artifact, records) => {
        expect(await disagreements(artifact, records, NOW_ISO, { 'postgres server': pg })).toEqual([]);
      }),
      { numRuns: 30 },
    );
  }, 300_000);
});

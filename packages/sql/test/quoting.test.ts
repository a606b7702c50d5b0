// Nothing of the rules or the options is ever executed as SQL: names and strings holding quotes,
// semicolons, comment markers and backslashes are quoted identifiers and escaped literals. The
// hostile program runs in DuckDB and PostgreSQL over tables with hostile names and gives the
// runtime's results; the literal spelling of the dialects checked on paper is pinned here.

import { describe, expect, it } from 'vitest';
import { compileSql, DIALECT_TABLE } from '../src/index.js';
import { differences, runtimeOutcomes } from './compare.js';
import { toTables } from './engines.js';
import { compileFixture } from './fixture.js';
import { withEngines } from './harness.js';

const NOW = '2026-11-01T00:00:00Z';
const LEADS = `crm"; DROP TABLE x; --`;
const EVENTS = `act'ivity /* */`;
const KEY = `lead id"; --`;

const records = [
  { [KEY]: 'a', "E'mail; DROP TABLE leads; --": 'dana@acme.io', 'note"; --/*': "'; DROP TABLE leads; --", 'size`]\\': 3, events: [{ type: 'visit', at: '2026-10-30T00:00:00Z', 'pa\'ge"; --': "'; --" }] },
  { [KEY]: 'b', "E'mail; DROP TABLE leads; --": 'x@y', 'note"; --/*': 'a"b', events: [] },
  { [KEY]: 'c', "E'mail; DROP TABLE leads; --": 'x@y', 'note"; --/*': 'x\\y /* z */', events: [{ type: 'VISIT', at: '2026-10-30T00:00:00Z', 'pa\'ge"; --': 'other' }] },
  { [KEY]: 'd', "E'mail; DROP TABLE leads; --": 'x@y', events: [] },
];

describe('hostile names and strings stay data', () => {
  const artifact = compileFixture('hostile.mql');
  const reference = runtimeOutcomes(artifact, records.map((r) => ({ ...r, id: r[KEY] })), NOW);
  // The engine tables: the key column and tables under hostile names.
  const tables = toTables(artifact, records.map((r) => ({ ...r, id: r[KEY] })));
  tables.leads.columns[0] = { name: KEY, kind: 'text', path: [KEY] };
  tables.events.columns[0] = { name: KEY, kind: 'text', path: [KEY] };
  const engines = withEngines();

  it('in DuckDB', async () => {
    const duck = engines.duck;
    const d = DIALECT_TABLE.duckdb;
    await duck.load(tables);
    await duck.connection.run(`ALTER TABLE leads RENAME TO ${d.ident(LEADS)}`);
    await duck.connection.run(`ALTER TABLE events RENAME TO ${d.ident(EVENTS)}`);
    const { sql } = compileSql(artifact, { dialect: 'duckdb', leads: LEADS, events: EVENTS, key: KEY });
    const rows = (await duck.connection.runAndReadAll(sql, { now: NOW })).getRowObjectsJS() as Record<string, unknown>[];
    expect(differences(reference, outcomes(rows), 'duckdb')).toEqual([]);
    expect(rows.map((r) => [r[KEY], r.stage, r.risk]).sort((x, y) => String(x[0]).localeCompare(String(y[0])))).toEqual([['a', 'S', 4], ['b', 'S', 1], ['c', 'S', 1], ['d', null, 0]]);
    // Still there: nothing was dropped.
    expect((await duck.connection.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM ${d.ident(LEADS)}`)).getRowObjectsJS()).toEqual([{ n: 4 }]);
  });

  it('in PostgreSQL (PGlite)', async () => {
    const pg = engines.pg.client;
    const d = DIALECT_TABLE.postgres;
    for (const [name, table] of [[LEADS, tables.leads], [EVENTS, tables.events]] as const) {
      await pg.query(`CREATE TABLE ${d.ident(name)} (${table.columns.map((c) => `${d.ident(c.name)} ${d.columnType[c.kind]}`).join(', ')})`);
      await pg.load(d.ident(name), table.columns, table.rows);
    }
    const { sql } = compileSql(artifact, { dialect: 'postgres', leads: LEADS, events: EVENTS, key: KEY });
    const { rows } = await pg.query(sql, [NOW]);
    expect(differences(reference, outcomes(rows), 'postgres')).toEqual([]);
    expect((await pg.query(`SELECT count(*)::int AS n FROM ${d.ident(LEADS)}`)).rows).toEqual([{ n: 4 }]);
  });

  function outcomes(rows: Record<string, unknown>[]) {
    return new Map(
      rows.map((r) => [
        String(r[KEY]),
        { stage: (r.stage as string | null) ?? null, scores: { risk: Number(r.risk) }, grades: {}, segments: { hostile: r.hostile as boolean }, qualified: { S: r.S_qualified as boolean } },
      ]),
    );
  }

  it('spells literals and identifiers so that nothing ends them early, in every dialect', () => {
    const text = `it's \\ "q" --x /*y*/ ;\n\`b\``;
    expect(Object.fromEntries(Object.values(DIALECT_TABLE).map((d) => [d.name, [d.string(text), d.ident(text)]]))).toEqual({
      duckdb: [`'it''s \\ "q" --x /*y*/ ;\n\`b\`'`, `"it's \\ ""q"" --x /*y*/ ;\n\`b\`"`],
      postgres: [`'it''s \\ "q" --x /*y*/ ;\n\`b\`'`, `"it's \\ ""q"" --x /*y*/ ;\n\`b\`"`],
      bigquery: [`'it\\'s \\\\ "q" --x /*y*/ ;\\n\`b\`'`, `\`it's \\\\ "q" --x /*y*/ ;\n\\\`b\\\`\``],
      snowflake: [`'it\\'s \\\\ "q" --x /*y*/ ;\\n\`b\`'`, `"it's \\ ""q"" --x /*y*/ ;\n\`b\`"`],
      spark: [`'it\\'s \\\\ "q" --x /*y*/ ;\\n\`b\`'`, `\`it's \\ "q" --x /*y*/ ;\n\`\`b\`\`\``],
    });
  });

  it('keeps a label with a line break inside its comment', () => {
    const { sql } = compileSql(artifact, { dialect: 'duckdb' });
    expect(sql).toContain(`-- "it's -- a label\\nDROP TABLE leads;" (hostile.mql:13)`);
    expect(sql.split('\n').filter((line) => line.trimStart().startsWith('DROP'))).toEqual([]);
  });
});

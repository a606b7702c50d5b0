// The dialects not executed in tests (BigQuery, Snowflake, Spark SQL) are pinned by golden files
// and parsed by node-sql-parser with the grammar of that dialect (Hive's for Spark SQL, which has
// none of its own). Set UPDATE_GOLDEN=1 to rewrite the files after an intended change, then read
// the diff. DuckDB and PostgreSQL goldens keep reviews readable; those dialects are executed.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pkg from 'node-sql-parser';
import { describe, expect, it } from 'vitest';
import { compileSql, type DialectName } from '../src/index.js';
import { compileFixture } from './fixture.js';

const { Parser } = pkg;
const GOLDEN = fileURLToPath(new URL('golden/', import.meta.url));
/** node-sql-parser's name for each dialect's grammar. */
const GRAMMAR: Record<DialectName, string> = { bigquery: 'bigquery', snowflake: 'snowflake', spark: 'hive', postgres: 'postgresql', duckdb: 'postgresql' };

/**
 * Which programs each grammar parses: node-sql-parser's Hive grammar has no struct field access
 * (`l.company.industry`, valid Spark SQL), and its Snowflake grammar no `::VARIANT` (in list tests).
 */
const CASES: { program: string; dialects: DialectName[] }[] = [
  { program: 'flat.mql', dialects: ['bigquery', 'snowflake', 'spark', 'duckdb', 'postgres'] },
  { program: '../../../../examples/b2b-funnel/funnel.mql', dialects: ['bigquery', 'snowflake'] },
];

describe('golden SQL for every dialect', () => {
  for (const { program, dialects } of CASES) {
    const artifact = compileFixture(program);
    const name = program.split('/').pop()!.replace('.mql', '');
    for (const dialect of dialects) {
      it(`${name} in ${dialect}: the golden file, and it parses`, () => {
        const { sql } = compileSql(artifact, { dialect });
        const file = `${GOLDEN}${name}.${dialect}.sql`;
        if (process.env.UPDATE_GOLDEN) {
          mkdirSync(GOLDEN, { recursive: true });
          writeFileSync(file, sql);
        }
        expect(existsSync(file), `${file} is missing: run with UPDATE_GOLDEN=1`).toBe(true);
        expect(sql).toBe(readFileSync(file, 'utf8'));
        expect(() => new Parser().astify(sql, { database: GRAMMAR[dialect] })).not.toThrow();
      });
    }
  }

  it('the parser check can fail: a broken query is rejected', () => {
    const { sql } = compileSql(compileFixture('flat.mql'), { dialect: 'bigquery' });
    expect(() => new Parser().astify(sql.replace('GROUP BY', 'GROUP'), { database: 'bigquery' })).toThrow();
  });
});

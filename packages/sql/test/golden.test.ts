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
 * Which programs each grammar parses: node-sql-parser's Snowflake grammar has no `::VARIANT` (in
 * list tests), so the programs with lists are left out.
 */
const CASES: { program: string; dialects: DialectName[] }[] = [
  { program: 'flat.mql', dialects: ['bigquery', 'snowflake', 'spark', 'duckdb', 'postgres'] },
  { program: '../../../../examples/b2b-funnel/funnel.mql', dialects: ['bigquery', 'snowflake', 'spark'] },
];

/**
 * node-sql-parser's Hive grammar (Spark SQL has none of its own) reads `alias.column` but not
 * struct field access, `l.\`company\`.\`industry\``, which is valid Spark SQL (and Hive). Before the
 * Spark text is parsed, each such access (a table alias then two or more quoted names) becomes one
 * quoted column, `l.\`company__industry\``: the parse then checks everything else in the query,
 * and the golden file pins the struct access itself. Only the parsed copy is rewritten.
 */
export function flattenStructAccess(sql: string): string {
  return sql.replace(/\b([A-Za-z_]\w*)\.((?:`(?:[^`]|``)*`\.)+`(?:[^`]|``)*`)/g, (_, alias: string, path: string) => `${alias}.\`${path.slice(1, -1).split('`.`').join('__')}\``);
}
const PARSED: Partial<Record<DialectName, (sql: string) => string>> = { spark: flattenStructAccess };

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
        expect(() => new Parser().astify((PARSED[dialect] ?? String)(sql), { database: GRAMMAR[dialect] })).not.toThrow();
      });
    }
  }

  it('the Spark rewrite touches struct access only, and Hive cannot parse struct access without it', () => {
    expect(flattenStructAccess('SELECT l.`company`.`size` + c.`fit`, l.`a``b`.`c` FROM t AS l')).toBe('SELECT l.`company__size` + c.`fit`, l.`a``b__c` FROM t AS l');
    const { sql } = compileSql(compileFixture('../../../../examples/b2b-funnel/funnel.mql'), { dialect: 'spark' });
    expect(sql).toContain('l.`company`.`industry`');
    expect(() => new Parser().astify(sql, { database: 'hive' })).toThrow();
  });

  it('the parser check can fail: a broken query is rejected', () => {
    const { sql } = compileSql(compileFixture('flat.mql'), { dialect: 'bigquery' });
    expect(() => new Parser().astify(sql.replace('GROUP BY', 'GROUP'), { database: 'bigquery' })).toThrow();
  });
});

// One table per dialect: how identifiers, literals, the `now` parameter, nested columns and each
// engine-specific function of the plan (sql-expr.ts FnName) are spelt. The generator never asks
// which dialect it writes; a function missing from a table is a construct that dialect cannot
// express, reported as a compile error (plan.ts), never replaced by something approximate.

import type { FnName } from './sql-expr.js';

export const DIALECTS = ['duckdb', 'postgres', 'bigquery', 'snowflake', 'spark'] as const;
export type DialectName = (typeof DIALECTS)[number];

type Spell = (args: string[]) => string;

/** What an input column holds: a field type's kind (`list` split by element), or the lead key. */
export type ColumnKind = 'text' | 'number' | 'bool' | 'date' | 'text_list' | 'number_list';

export interface Dialect {
  name: DialectName;
  /** A quoted identifier (always quoted: user names may be reserved words or hold any character). */
  ident(name: string): string;
  /** A string literal, escaped so that no character of `value` can end it. */
  string(value: string): string;
  /** A finite number as a double-precision literal. */
  number(value: number): string;
  /** The `now` bind parameter as written in the query text. */
  nowParam: string;
  /** Nested lead fields: flat columns named by the dotted path (`"company.employees"`) or struct fields. */
  nested: 'flat' | 'struct';
  /** The column type a table needs for a field of this kind (for checking and creating tables). */
  columnType: Record<ColumnKind, string>;
  /** How the result table is created with `--view NAME`. */
  createView(name: string): string;
  fn: Partial<Record<FnName, Spell>>;
}

/**
 * Functions spelt the same way by every engine here. LEAST and GREATEST skip NULLs in some engines
 * (DuckDB, PostgreSQL, Spark) and return NULL in others: the plan only calls them on values that
 * are never NULL (sql-expr.ts whenPresent), so the difference never shows.
 */
const COMMON: Partial<Record<FnName, Spell>> = {
  coalesce: ([a, b]) => `COALESCE(${a}, ${b})`,
  lower: ([a]) => `LOWER(${a})`,
  least: (args) => `LEAST(${args.join(', ')})`,
  greatest: (args) => `GREATEST(${args.join(', ')})`,
  nullif: ([a, b]) => `NULLIF(${a}, ${b})`,
  power: ([a, b]) => `POWER(${a}, ${b})`,
  abs: ([a]) => `ABS(${a})`,
};

/**
 * Halves away from zero, exactly: `x - TRUNC(x)` is the exact fractional part of a double, so
 * this is right even where `FLOOR(ABS(x) + 0.5)` is not (0.49999999999999994, 2^52 + 1). For
 * engines whose ROUND on a double rounds halves to even (PostgreSQL) or is not documented exact.
 */
const exactRound: Spell = ([x]) => `CASE WHEN ABS(${x} - TRUNC(${x})) >= 0.5 THEN TRUNC(${x}) + SIGN(${x}) ELSE TRUNC(${x}) END`;

/**
 * The characters JavaScript's `String.prototype.trim` removes (the runtime folds placeholders with
 * it): tab to carriage return, every Unicode space separator, line and paragraph separators, BOM.
 */
export const TRIMMED_SPACE = '\t\n\u000b\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';

/** The trimmed characters as the body of a literal with `\uXXXX` escapes (for E'…' and backslash strings). */
const ESCAPED_SPACE = [...TRIMMED_SPACE].map((ch) => (ch === ' ' ? ' ' : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)).join('');
/** The same set as a regular-expression class (RE2: `\pZ` is every Unicode separator, U+0020 included). */
const SPACE_CLASS = '[\\t\\n\\v\\f\\r\\pZ\\x{FEFF}]';

/** Where the last `@` is, counted from the end (0 without one), in engines with STRPOS and REVERSE. */
const lastAt = (pos: (hay: string, needle: string) => string, e: string) => pos(`REVERSE(${e})`, `'@'`);
const emailParts = (pos: (hay: string, needle: string) => string): Partial<Record<FnName, Spell>> => ({
  email_domain: ([e]) => `CASE WHEN ${lastAt(pos, e!)} > 0 THEN RIGHT(${e}, ${lastAt(pos, e!)} - 1) END`,
  email_local: ([e]) => `CASE WHEN ${lastAt(pos, e!)} > 0 THEN LEFT(${e}, LENGTH(${e}) - ${lastAt(pos, e!)}) END`,
});
const strpos = (hay: string, needle: string) => `STRPOS(${hay}, ${needle})`;

const doubleQuoted = (name: string) => `"${name.replaceAll('"', '""')}"`;
/** Standard SQL strings: only `'` is special (standard_conforming_strings in PostgreSQL). */
const standardString = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** Strings where a backslash escapes (BigQuery, Snowflake, Spark): escape it, quotes and control characters. */
function backslashString(value: string): string {
  let out = "'";
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}'`;
}

/** JavaScript's shortest round-trip text for a double, as SQL accepts it (`1e+21` → `1e21`). */
export function numberText(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return String(value).replace('e+', 'e');
}
const castDouble = (type: string) => (value: number) => `CAST(${numberText(value)} AS ${type})`;

const duckdb: Dialect = {
  name: 'duckdb',
  columnType: { text: 'VARCHAR', number: 'DOUBLE', bool: 'BOOLEAN', date: 'TIMESTAMPTZ', text_list: 'VARCHAR[]', number_list: 'DOUBLE[]' },
  ident: doubleQuoted,
  string: standardString,
  number: (v) => (v < 0 || Object.is(v, -0) ? `(${numberText(v)})::DOUBLE` : `${numberText(v)}::DOUBLE`),
  nowParam: '$now',
  nested: 'flat',
  createView: (name) => `CREATE OR REPLACE VIEW ${name} AS`,
  fn: {
    ...COMMON,
    text_contains: ([s, v]) => `contains(${s}, ${v})`,
    starts_with: ([s, v]) => `starts_with(${s}, ${v})`,
    ends_with: ([s, v]) => `ends_with(${s}, ${v})`,
    ...emailParts(strpos),
    list_contains: ([l, v]) => `list_contains(${l}, ${v})`,
    list_lower: ([l]) => `CASE WHEN len(${l}) > 0 THEN list_transform(${l}, x -> LOWER(x)) END`,
    list_double: ([l]) => `CASE WHEN len(${l}) > 0 THEN list_transform(${l}, x -> CAST(x AS DOUBLE)) END`,
    // epoch_us reads a TIMESTAMP as UTC and a TIMESTAMPTZ as the instant it is.
    date_ms: ([t]) => `floor(epoch_us(${t}) / 1000)`,
    double: ([x]) => `CAST(${x} AS DOUBLE)`,
    now_param: ([p]) => `COALESCE(CAST(${p} AS TIMESTAMPTZ), current_timestamp)`,
    // DuckDB's ROUND on a double is C's round(): halves away from zero, exact (tested).
    round: ([x]) => `ROUND(${x})`,
    text: ([x]) => `CAST(${x} AS VARCHAR)`,
    // DuckDB strings take no \u escapes; RE2's class names the same characters.
    trim_space: ([x]) => `regexp_replace(${x}, '^${SPACE_CLASS}+|${SPACE_CLASS}+$', '', 'g')`,
  },
};

const postgres: Dialect = {
  name: 'postgres',
  columnType: { text: 'text', number: 'double precision', bool: 'boolean', date: 'timestamptz', text_list: 'text[]', number_list: 'double precision[]' },
  ident: doubleQuoted,
  string: standardString,
  number: (v) => (v < 0 || Object.is(v, -0) ? `(${numberText(v)})::float8` : `${numberText(v)}::float8`),
  nowParam: '$1',
  nested: 'flat',
  createView: (name) => `CREATE OR REPLACE VIEW ${name} AS`,
  fn: {
    ...COMMON,
    text_contains: ([s, v]) => `(STRPOS(${s}, ${v}) > 0)`,
    starts_with: ([s, v]) => `starts_with(${s}, ${v})`,
    ends_with: ([s, v]) => `(RIGHT(${s}, LENGTH(${v})) = ${v})`,
    ...emailParts(strpos),
    list_contains: ([l, v]) => `(${v} = ANY(${l}))`,
    list_lower: ([l]) => `(SELECT array_agg(LOWER(x)) FROM unnest(${l}) AS x)`,
    list_double: ([l]) => `(SELECT array_agg(CAST(x AS float8)) FROM unnest(${l}) AS x)`,
    // extract(epoch) is exact (numeric) and reads a timestamp without time zone as UTC.
    date_ms: ([t]) => `floor(extract(epoch FROM ${t}) * 1000)::float8`,
    double: ([x]) => `CAST(${x} AS float8)`,
    now_param: ([p]) => `COALESCE(CAST(${p} AS timestamptz), CURRENT_TIMESTAMP)`,
    // round(double precision) rounds halves to even in PostgreSQL.
    round: exactRound,
    text: ([x]) => `CAST(${x} AS text)`,
    trim_space: ([x]) => `BTRIM(${x}, E'${ESCAPED_SPACE}')`,
  },
};

const bigquery: Dialect = {
  name: 'bigquery',
  columnType: { text: 'STRING', number: 'FLOAT64', bool: 'BOOL', date: 'TIMESTAMP', text_list: 'ARRAY<STRING>', number_list: 'ARRAY<FLOAT64>' },
  ident: (name) => `\`${name.replaceAll('\\', '\\\\').replaceAll('`', '\\`')}\``,
  string: backslashString,
  number: castDouble('FLOAT64'),
  nowParam: '@now',
  nested: 'struct',
  createView: (name) => `CREATE OR REPLACE VIEW ${name} AS`,
  fn: {
    ...COMMON,
    power: ([a, b]) => `POW(${a}, ${b})`,
    text_contains: ([s, v]) => `(${v} = '' OR STRPOS(${s}, ${v}) > 0)`,
    starts_with: ([s, v]) => `STARTS_WITH(${s}, ${v})`,
    ends_with: ([s, v]) => `ENDS_WITH(${s}, ${v})`,
    ...emailParts(strpos),
    // UNNEST(NULL) is empty, so a missing list must stay NULL explicitly.
    list_contains: ([l, v]) => `CASE WHEN ${l} IS NOT NULL THEN ${v} IN UNNEST(${l}) END`,
    list_lower: ([l]) => `IF(ARRAY_LENGTH(${l}) > 0, ARRAY(SELECT LOWER(x) FROM UNNEST(${l}) AS x), NULL)`,
    list_double: ([l]) => `IF(ARRAY_LENGTH(${l}) > 0, ARRAY(SELECT CAST(x AS FLOAT64) FROM UNNEST(${l}) AS x), NULL)`,
    date_ms: ([t]) => `CAST(UNIX_MILLIS(${t}) AS FLOAT64)`,
    double: ([x]) => `CAST(${x} AS FLOAT64)`,
    now_param: ([p]) => `COALESCE(CAST(${p} AS TIMESTAMP), CURRENT_TIMESTAMP())`,
    // BigQuery's ROUND: "halfway cases are rounded away from zero".
    round: ([x]) => `ROUND(${x})`,
    text: ([x]) => `CAST(${x} AS STRING)`,
    trim_space: ([x]) => `TRIM(${x}, '${ESCAPED_SPACE}')`,
  },
};

const snowflake: Dialect = {
  name: 'snowflake',
  columnType: { text: 'VARCHAR', number: 'DOUBLE', bool: 'BOOLEAN', date: 'TIMESTAMP_TZ', text_list: 'ARRAY', number_list: 'ARRAY' },
  ident: doubleQuoted,
  string: backslashString,
  number: castDouble('DOUBLE'),
  nowParam: ':now',
  nested: 'flat',
  createView: (name) => `CREATE OR REPLACE VIEW ${name} AS`,
  fn: {
    ...COMMON,
    text_contains: ([s, v]) => `CONTAINS(${s}, ${v})`,
    starts_with: ([s, v]) => `STARTSWITH(${s}, ${v})`,
    ends_with: ([s, v]) => `ENDSWITH(${s}, ${v})`,
    ...emailParts((hay, needle) => `CHARINDEX(${needle}, ${hay})`),
    list_contains: ([l, v]) => `ARRAY_CONTAINS(${v}::VARIANT, ${l})`,
    list_lower: ([l]) => `IFF(ARRAY_SIZE(${l}) > 0, TRANSFORM(${l}, x -> LOWER(x::STRING)), NULL)`,
    list_double: ([l]) => `IFF(ARRAY_SIZE(${l}) > 0, TRANSFORM(${l}, x -> x::DOUBLE), NULL)`,
    date_ms: ([t]) => `CAST(DATE_PART(EPOCH_MILLISECOND, ${t}) AS DOUBLE)`,
    double: ([x]) => `CAST(${x} AS DOUBLE)`,
    now_param: ([p]) => `COALESCE(CAST(${p} AS TIMESTAMP_TZ), CURRENT_TIMESTAMP())`,
    // ROUND's half-away mode is documented for fixed-point numbers only; this is exact on FLOAT.
    round: exactRound,
    text: ([x]) => `CAST(${x} AS VARCHAR)`,
    trim_space: ([x]) => `TRIM(${x}, '${ESCAPED_SPACE}')`,
  },
};

const spark: Dialect = {
  name: 'spark',
  columnType: { text: 'STRING', number: 'DOUBLE', bool: 'BOOLEAN', date: 'TIMESTAMP', text_list: 'ARRAY<STRING>', number_list: 'ARRAY<DOUBLE>' },
  ident: (name) => `\`${name.replaceAll('`', '``')}\``,
  string: backslashString,
  number: castDouble('DOUBLE'),
  nowParam: ':now',
  nested: 'struct',
  createView: (name) => `CREATE OR REPLACE VIEW ${name} AS`,
  fn: {
    ...COMMON,
    text_contains: ([s, v]) => `(INSTR(${s}, ${v}) > 0)`,
    starts_with: ([s, v]) => `STARTSWITH(${s}, ${v})`,
    ends_with: ([s, v]) => `ENDSWITH(${s}, ${v})`,
    ...emailParts((hay, needle) => `INSTR(${hay}, ${needle})`),
    list_contains: ([l, v]) => `ARRAY_CONTAINS(${l}, ${v})`,
    list_lower: ([l]) => `CASE WHEN SIZE(${l}) > 0 THEN TRANSFORM(${l}, x -> LOWER(x)) END`,
    list_double: ([l]) => `CASE WHEN SIZE(${l}) > 0 THEN TRANSFORM(${l}, x -> CAST(x AS DOUBLE)) END`,
    date_ms: ([t]) => `CAST(UNIX_MILLIS(${t}) AS DOUBLE)`,
    double: ([x]) => `CAST(${x} AS DOUBLE)`,
    now_param: ([p]) => `COALESCE(CAST(${p} AS TIMESTAMP), CURRENT_TIMESTAMP())`,
    // Spark's ROUND on a double is BigDecimal HALF_UP of the double's shortest decimal: halves away from zero.
    round: ([x]) => `ROUND(${x})`,
    text: ([x]) => `CAST(${x} AS STRING)`,
    // BTRIM (Spark 3.2+) is TRIM(BOTH … FROM …), in a form node-sql-parser's Hive grammar reads too.
    trim_space: ([x]) => `BTRIM(${x}, '${ESCAPED_SPACE}')`,
  },
};

export const DIALECT_TABLE: Record<DialectName, Dialect> = { duckdb, postgres, bigquery, snowflake, spark };

export function isDialect(name: string): name is DialectName {
  return (DIALECTS as readonly string[]).includes(name);
}

/** The column kind of a field type (objects have no column of their own). */
export function columnKind(type: { kind: string; element?: { kind: string } }): ColumnKind | undefined {
  switch (type.kind) {
    case 'string':
    case 'email':
    case 'enum':
    case 'key':
      return 'text';
    case 'number':
      return 'number';
    case 'bool':
      return 'bool';
    case 'date':
      return 'date';
    case 'list':
      return type.element?.kind === 'number' ? 'number_list' : 'text_list';
    default:
      return undefined;
  }
}

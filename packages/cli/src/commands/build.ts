// `mql build ENTRY.mql [-o rules.json]`: compiles a program into the JSON rules artifact.
// `--target sql --dialect D` writes one SQL query (or a view, or a dbt model) instead (@mql/sql).

import { compileProgram, serializeArtifact } from '@mql/core';
import { compileSql, DIALECTS, isDialect, SqlCompileError, type SqlOptions } from '@mql/sql';
import { displayPath, nodeHost, readNamedFile, toCorePath, UsageError, writeOutputFile } from '../host.js';
import { FileIndex, colors, countBySeverity, formatDiagnostics, plural } from '../report.js';

export interface BuildOptions {
  output?: string;
  tests?: boolean;
  target?: string;
  dialect?: string;
  leads?: string;
  events?: string;
  key?: string;
  view?: string;
  dbt?: boolean;
}

export const BUILD_TARGETS = ['artifact', 'sql'] as const;

export function runBuild(entry: string, options: BuildOptions): number {
  const sqlOptions = checkSqlOptions(options);
  readNamedFile(entry); // a missing or unreadable entry is a usage error (exit 2), as for the other commands
  const result = compileProgram(toCorePath(entry), nodeHost, { omitTests: options.tests === false });
  const index = new FileIndex();
  index.add(result.analysis.files);
  if (result.diagnostics.length > 0) process.stderr.write(`${formatDiagnostics(result.diagnostics, index)}\n\n`);
  if (!result.artifact) {
    const { errors } = countBySeverity(result.diagnostics);
    process.stderr.write(`${colors.red(`Build failed: ${plural(errors, 'error')}`)}\n`);
    return 1;
  }
  if (sqlOptions) return writeSql(result.artifact, sqlOptions, options.output);
  const json = serializeArtifact(result.artifact);
  if (!options.output || options.output === '-') {
    process.stdout.write(json);
    return 0;
  }
  writeOutputFile(options.output, json);
  const { scores, stages, tests } = result.artifact;
  process.stderr.write(
    `${colors.green('Built')} ${displayPath(options.output)} from ${plural(result.artifact.source.files.length, 'file')}: ` +
      `${plural(scores.length, 'score')}, ${plural(stages.length, 'stage')}, ${plural(tests.length, 'test')}\n`,
  );
  return 0;
}

/** The SQL options when `--target sql`; SQL-only options without it are a usage error. */
function checkSqlOptions(options: BuildOptions): SqlOptions | undefined {
  const sqlOnly = (['dialect', 'leads', 'events', 'key', 'view', 'dbt'] as const).filter((o) => options[o] !== undefined);
  if (options.target !== 'sql') {
    if (sqlOnly.length > 0) throw new UsageError(`--${sqlOnly[0]} applies to --target sql`);
    return undefined;
  }
  if (options.dialect === undefined) throw new UsageError(`--target sql needs --dialect (${DIALECTS.join(', ')})`);
  if (!isDialect(options.dialect)) throw new UsageError(`unknown SQL dialect "${options.dialect}" (one of ${DIALECTS.join(', ')})`);
  if (options.view !== undefined && options.dbt) throw new UsageError('--view and --dbt do not go together (a dbt model is materialised by dbt)');
  return {
    dialect: options.dialect,
    ...(options.leads !== undefined ? { leads: options.leads } : {}),
    ...(options.events !== undefined ? { events: options.events } : {}),
    ...(options.key !== undefined ? { key: options.key } : {}),
    ...(options.view !== undefined ? { view: options.view } : {}),
    ...(options.dbt ? { dbt: true } : {}),
  };
}

function writeSql(artifact: Parameters<typeof compileSql>[0], options: SqlOptions, output: string | undefined): number {
  let sql: string;
  try {
    sql = compileSql(artifact, options).sql;
  } catch (error) {
    if (!(error instanceof SqlCompileError)) throw error;
    process.stderr.write(`${colors.red('error')}: ${error.message}\n${colors.red(`Build failed: the program cannot be compiled to ${options.dialect} SQL`)}\n`);
    return 1;
  }
  if (!output || output === '-') {
    process.stdout.write(sql);
    return 0;
  }
  writeOutputFile(output, sql);
  process.stderr.write(`${colors.green('Built')} ${displayPath(output)}: ${options.dbt ? 'a dbt model' : options.view ? `view ${options.view}` : 'one query'} in ${options.dialect} SQL\n`);
  return 0;
}

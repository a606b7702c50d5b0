// `mql eval RULES (--lead FILE | --data FILE) [--events FILE --key COLUMN] [--now ISO]
//           [--format table|json|jsonl|csv] [--explain] [--lean] [--only ID] [--fail-on-invalid]`
//
// Evaluates leads with a program (.mql entry, compiled here) or a compiled artifact (.json).
// - Records stream through engine.evaluateMany with one `now` for the whole batch (default: the
//   current time). Results go to stdout and nothing else does, except for the human formats
//   (table, --explain), whose summary follows them on stdout; the machine formats' summary goes to
//   stderr.
// - Invalid records (a wrong value, a line that is not JSON, an unreadable CSV row) never stop the
//   batch: they are listed at the end with their line (JSONL/CSV) or index (JSON array).
// - Exit 0 when the batch ran; 1 when the rules have errors, when every record was invalid, when
//   --only matched nothing, or with --fail-on-invalid when any record was invalid; 2 on usage errors
//   (missing file, unknown format, unusable artifact, bad --now).
// - Default format: `table` when stdout is a terminal, else `jsonl`. json/jsonl results are
//   explained (contributions, clause values) unless --lean; table and csv need only the lean result.
// - --explain prints the readable account of each lead (explain.ts). With --data it explains every
//   lead, so it is usually combined with --only ID.
// - A large JSON-lines or CSV file written as jsonl or csv is evaluated by worker threads
//   (parallel.ts), one per core, with byte-identical output; --workers N chooses (0: this thread only).

import { InvalidArgumentError, Option, type Command } from 'commander';
import { coverageItems, parseIsoDate, type RulesEngine } from '@mql/runtime';
import { DELIMITERS, dataFormatOf, fileSize, idKeyOf, leadLabeller, leadSource, singleLead, type DataOptions, type IdKey, type LeadInput, type LeadSource } from '@mql/data';
import { checkOutputFolder, UsageError } from '../host.js';
import {
  OUTPUT_FORMATS,
  csvHeader,
  evaluatedLead,
  Stdout,
  resultWriter,
  startProgress,
  eventsProgress,
  withEventsProgress,
  type Progress,
  printable,
  type InvalidLead,
  type OutputFormat,
} from '../output.js';
import { addValues, noteValues, watchedLiterals } from '../literals.js';
import { cappedWorkers, defaultWorkers, evaluateCsvInParallel, evaluateJsonLinesInParallel, type ParallelRun } from '../parallel.js';
import { evaluateInDuckDb } from '../duckdb-eval.js';
import { addCoverage, countResult, emptySummary, inputPaths, notePresentKeys, summaryText, writeErrorsFile, type BatchSummary } from '../summary.js';
import { colors } from '../report.js';
import { loadRulesUnlessErrors, type Rules } from '../rules.js';
import { nonNegativeInteger } from './check.js';

export interface EvalOptions {
  lead?: string;
  data?: string;
  events?: string;
  key?: string;
  /** Default: the schema's `key` field, else `id` (idKeyOf). */
  idKey?: string;
  only?: string;
  now?: string;
  format?: OutputFormat;
  explain?: boolean;
  lean?: boolean;
  failOnInvalid?: boolean;
  workers?: number;
  delimiter?: string;
  allowMissingColumn?: string[];
  engine?: 'runtime' | 'duckdb';
  include?: string[];
  errors?: string;
}

export const ENGINES = ['runtime', 'duckdb'] as const;

export function registerEvalCommand(program: Command, finish: (code: number) => void): void {
  program
    .command('eval')
    .description('Evaluate leads with a program (.mql entry) or a compiled artifact (.json); results on stdout.')
    .argument('<rules>', 'the entry .mql file, or a rules artifact from `mql build`')
    .option('--lead <file>', 'one lead: a JSON object')
    .option('--data <file>', 'many leads: a JSON array (.json), JSON lines (.jsonl, .ndjson) or CSV (.csv)')
    .option('--events <file>', 'with a leads CSV: an events CSV (type, at, attributes, and a lead key column)')
    .option('--key <column>', 'the events CSV column holding the lead id (with --events)')
    .option('--id-key <name>', "the lead records' id key or CSV column, shown in results, matched by --only and joined with --key (default: the schema's `key` field, else id)")
    .option('--only <id>', 'evaluate only the lead with this id')
    .option('--now <iso>', 'evaluation time for the whole batch, ISO-8601 (default: now)')
    .addOption(new Option('--format <format>', 'output format (default: table on a terminal, else jsonl)').choices(OUTPUT_FORMATS))
    .option('--explain', 'print a readable explanation of each lead (stages, requirements, values, score rules)')
    .option('--lean', 'json/jsonl: results without explanations (faster, smaller)')
    .option('--fail-on-invalid', 'exit 1 when any record is invalid')
    .option('--errors <file>', 'write every record error to FILE as JSON lines (line, id, path, message, value)')
    .option('--delimiter <char>', "CSV cell delimiter: ',' ';' '|' or tab (default: detected from the header line)", csvDelimiter)
    .option('--include <column...>', 'csv/jsonl/json output: pass these input columns (or JSON keys) through, e.g. an owner or an outcome')
    .option('--allow-missing-column <field...>', 'CSV: a field (schema path, or Event.attr) the data has no column for; otherwise a field without a column is an error')
    .option('--workers <n>', 'worker threads for a JSON-lines or CSV batch (default: one per core for inputs over 32 MB; 0: none)', nonNegativeInteger)
    .addOption(new Option('--engine <engine>', 'runtime (default; explanations) or duckdb (the batch runs in embedded DuckDB: CSV, JSON, JSONL, Parquet; lean results)').choices(ENGINES).default('runtime'))
    .action(async (rules: string, options: EvalOptions) => finish(await runEval(rules, options)));
}

export async function runEval(rulesFile: string, options: EvalOptions): Promise<number> {
  const format = checkOptions(options);
  const now = evaluationTime(options.now);
  const rules = loadRulesUnlessErrors(rulesFile);
  if (!rules) return 1;
  const { engine } = rules;
  const ids = idKeyOf(engine.artifact, options.idKey);
  if (options.engine === 'duckdb') return runInDuckDb(rules, options, format as OutputFormat, now, ids);
  const workers = workersFor(options, format);
  if (workers > 0) return runInWorkers(options.data!, workers, rules, { now, format: format as 'jsonl' | 'csv', options, ids });
  const include = listOption(options.include ?? []);
  const source = options.lead
    ? singleLead(options.lead, { idKey: ids.key, include })
    : await withEventsProgress((onEventsProgress) => leadSource(options.data!, engine, dataOptions(options, ids, onEventsProgress)));

  const out = new Stdout();
  const writer = resultWriter(format, out, engine, { artifact: engine.artifact, where: rules.where }, include);
  const summary = emptySummary(engine.stageNames, now, jsonInput(options), ids);
  countCoverage(summary, engine, options);
  const progress = startProgress(source.progress);
  const labelOf = leadLabeller(engine.artifact.lead.fields);
  const keyPaths = inputPaths(engine.artifact.lead.fields).map((p) => p.path);
  // Not for one lead picked by --only: a literal is expected to match only some leads.
  const watched = options.only === undefined ? watchedLiterals(engine.artifact) : [];

  // evaluateMany pulls the next record only after its result was taken, so the record being
  // evaluated is always the one item in `pending`.
  const pending: LeadInput[] = [];
  const records = async function* () {
    for await (const item of selected(source, options.only)) {
      summary.records++;
      if (item.id !== undefined) summary.withId++;
      if (item.ok) {
        if (summary.seenKeys) notePresentKeys(item.record, keyPaths, summary.seenKeys);
        noteValues(item.record, watched, summary.values);
        pending.push(item);
        yield item.record;
      } else summary.invalid.push(invalidLead(item, item.errors));
    }
  };
  const explain = format === 'explain' || ((format === 'json' || format === 'jsonl') && !options.lean);
  try {
    for await (const { evaluation } of engine.evaluateMany(records(), { now, explain, ...(summary.coverage ? { coverage: summary.coverage } : {}) })) {
      const item = pending.shift()!;
      if (evaluation.ok) {
        countResult(summary, evaluation.result);
        await writer.add(evaluatedLead(item.position, item.id, item.included, labelOf(item), evaluation.result));
      } else summary.invalid.push(invalidLead(item, evaluation.errors));
      progress.update(summary.records);
    }
    await writer.finish();
    await out.flush();
  } finally {
    // Also when the input turns out unusable half-way (a CSV without the id column to join on).
    progress.stop();
  }

  checkCounts(summary);
  summary.notes.push(...source.notes());
  finishSummary(summary, options);
  const human = format === 'table' || format === 'explain';
  // Human formats end with their summary; after a table, a blank line sets it apart.
  if (format === 'table') process.stdout.write('\n');
  const text = summaryText(summary, engine.artifact, printable);
  (human ? process.stdout : process.stderr).write(text);
  return exitCode(summary, options);
}

/** How --data is read: the same for one thread and for workers. */
function dataOptions(options: EvalOptions, ids: IdKey, onEventsProgress: DataOptions['onEventsProgress']): DataOptions {
  return {
    idKey: ids.key,
    onEventsProgress,
    ...(options.events ? { events: { file: options.events, key: options.key! } } : {}),
    ...(options.delimiter !== undefined ? { delimiter: options.delimiter } : {}),
    ...(options.allowMissingColumn ? { allowMissing: listOption(options.allowMissingColumn) } : {}),
    include: listOption(options.include ?? []),
  };
}

/**
 * Counters for the rules that never fired, on either engine; not for one lead picked by --only,
 * for which most rules do not fire.
 */
function countCoverage(summary: BatchSummary, engine: RulesEngine, options: EvalOptions): void {
  if (options.only === undefined) summary.coverage = new Uint32Array(coverageItems(engine.artifact).length);
}

/** `--engine duckdb`: the same writers and summary, the batch scored by the compiled SQL in DuckDB. */
async function runInDuckDb(rules: Rules, options: EvalOptions, format: OutputFormat, now: number, ids: IdKey): Promise<number> {
  const { engine } = rules;
  const out = new Stdout();
  const writer = resultWriter(format, out, engine, { artifact: engine.artifact, where: rules.where });
  const summary = emptySummary(engine.stageNames, now, false, ids);
  // The query then adds a 0/1 column per rule and clause (compileSql's `coverage`), summed into these counters.
  countCoverage(summary, engine, options);
  const notes = await evaluateInDuckDb({
    rules,
    data: options.data!,
    ...(options.events ? { events: { file: options.events, key: options.key! } } : {}),
    idKey: ids.key,
    ...(options.delimiter !== undefined ? { delimiter: options.delimiter } : {}),
    ...(options.allowMissingColumn ? { allowMissing: options.allowMissingColumn.flatMap((f) => f.split(',')).map((f) => f.trim()) } : {}),
    now,
    ...(options.only !== undefined ? { only: options.only } : {}),
    writer,
    summary,
  });
  await writer.finish();
  await out.flush();
  checkCounts(summary);
  summary.notes.push(...notes);
  finishSummary(summary, options);
  if (format === 'table') process.stdout.write('\n');
  (format === 'table' ? process.stdout : process.stderr).write(summaryText(summary, engine.artifact, printable));
  return exitCode(summary, options);
}

/**
 * Worker threads for the batch (parallel.ts), or 0 to evaluate in this thread. By default a large
 * JSON-lines or CSV input (with its events) written as jsonl or csv uses one worker per core; small
 * inputs are not worth the workers' start-up. `--workers N` chooses (0: none).
 */
function workersFor(options: EvalOptions, format: OutputFormat | 'explain'): number {
  const input = options.data === undefined ? undefined : dataFormatOf(options.data);
  const eligible = (input === 'jsonl' || input === 'csv') && (format === 'jsonl' || format === 'csv') && options.only === undefined;
  if (options.workers !== undefined) {
    if (options.workers > 0 && !eligible) throw new UsageError('--workers applies to a JSON-lines or CSV --data file written with --format jsonl or csv (and no --only)');
    return cappedWorkers(options.workers);
  }
  return eligible ? defaultWorkers([options.data!, ...(options.events === undefined ? [] : [options.events])]) : 0;
}

async function runInWorkers(file: string, workers: number, rules: Rules, run: { now: number; format: 'jsonl' | 'csv'; options: EvalOptions; ids: IdKey }): Promise<number> {
  const { engine } = rules;
  const out = new Stdout();
  const summary = emptySummary(engine.stageNames, run.now, jsonInput(run.options), run.ids);
  summary.coverage = new Uint32Array(coverageItems(engine.artifact).length);
  let bytesRead = 0;
  const total = fileSize(file);
  // A CSV's events are read into their index first (with a bar of their own), then the leads.
  const indexing = eventsProgress();
  let leadsProgress: Progress | undefined;
  const progress = () => {
    indexing.stop();
    return (leadsProgress ??= startProgress(() => ({ done: bytesRead, total })));
  };
  const explain = run.format === 'jsonl' && !run.options.lean;
  const include = listOption(run.options.include ?? []);
  if (run.format === 'csv') await out.write(csvHeader(engine, include));
  const parallel: ParallelRun = {
    file,
    workers,
    script: 'eval-worker.js',
    setup: { artifact: engine.artifact, now: run.now, explain, format: run.format, idKey: run.ids.key, include },
    onProgress: (bytes) => (bytesRead = bytes),
    onResult: async (batch) => {
      summary.records += batch.records;
      summary.withId += batch.withId;
      for (const [stage, count] of Object.entries(batch.stages)) summary.stages.set(stage, summary.stages.get(stage)! + count);
      for (const [stage, count] of Object.entries(batch.reached)) summary.reached.set(stage, summary.reached.get(stage)! + count);
      for (const key of batch.seenKeys) summary.seenKeys?.add(key);
      for (const [key, values] of batch.values) addValues(summary.values, key, values);
      summary.invalid.push(...batch.invalid);
      addCoverage(summary, batch.coverage);
      progress().update(summary.records);
      await out.writeBytes(batch.bytes);
    },
  };
  let notes: string[] = [];
  try {
    if (dataFormatOf(file) === 'csv') notes = await evaluateCsvInParallel({ ...parallel, engine, data: dataOptions(run.options, run.ids, indexing.onEventsProgress) });
    else await evaluateJsonLinesInParallel(parallel);
    await out.flush();
  } finally {
    indexing.stop();
    leadsProgress?.stop();
  }
  checkCounts(summary);
  summary.notes.push(`Evaluated in ${workers} worker threads (--workers 0 for none).`, ...notes);
  finishSummary(summary, run.options);
  process.stderr.write(summaryText(summary, engine.artifact, printable));
  return exitCode(summary, run.options);
}

function checkOptions(options: EvalOptions): OutputFormat | 'explain' {
  if (options.engine === 'duckdb') {
    if (options.data === undefined) throw new UsageError('--engine duckdb reads a --data file (CSV, JSON, JSON lines or Parquet)');
    if (options.explain) throw new UsageError('--engine duckdb gives lean results; --explain runs on the runtime (leave out --engine duckdb)');
    if (options.workers !== undefined) throw new UsageError('--workers applies to the runtime engine; DuckDB uses every core by itself');
  }
  if ((options.lead === undefined) === (options.data === undefined)) throw new UsageError('give the leads with either --lead FILE or --data FILE');
  if (options.events !== undefined && options.data === undefined) throw new UsageError('--events needs --data with a leads CSV');
  if ((options.events === undefined) !== (options.key === undefined)) {
    throw new UsageError('--events and --key go together: --events FILE --key COLUMN (the column with the lead id)');
  }
  if (options.explain && options.lean) throw new UsageError('--explain needs the explained result; leave out --lean');
  if (options.explain && options.format !== undefined && options.format !== 'table') {
    throw new UsageError(
      options.format === 'csv'
        ? '--explain prints a readable account for people and CSV has no room for it: use --explain alone (often with --only ID), or --format json/jsonl for explained results a program can read'
        : `--explain prints a readable account for people; --format ${options.format} results already carry the explanation (contributions, clause values) unless --lean: leave out --explain`,
    );
  }
  if (options.errors !== undefined) checkOutputFolder(options.errors);
  if (options.explain) return 'explain';
  return options.format ?? (process.stdout.isTTY ? 'table' : 'jsonl');
}

/** A repeatable option whose values may also be comma-separated. */
function listOption(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

function csvDelimiter(text: string): string {
  const delimiter = Object.hasOwn(DELIMITERS, text) ? DELIMITERS[text] : undefined;
  if (delimiter === undefined) throw new InvalidArgumentError("use ',', ';', '|' or tab");
  return delimiter;
}

/** `--now` of eval, diff and backtest: an ISO-8601 date or date-time, default the current time. */
export function evaluationTime(text: string | undefined): number {
  if (text === undefined) return Date.now();
  const ms = parseIsoDate(text);
  if (ms === undefined) throw new UsageError(`--now: "${text}" is not an ISO-8601 date or date-time (e.g. 2026-11-01 or 2026-11-01T09:30:00Z)`);
  return ms;
}

async function* selected(source: LeadSource, only: string | undefined): AsyncGenerator<LeadInput> {
  for await (const item of source.items) if (only === undefined || item.id === only) yield item;
}

function invalidLead(item: LeadInput, errors: InvalidLead['errors']): InvalidLead {
  return { position: item.position, ...(item.id !== undefined ? { id: item.id } : {}), errors };
}

/** JSON and JSONL records may lack a key on every record, which the summary then says (not for one lead picked by --only). */
function jsonInput(options: EvalOptions): boolean {
  return options.data !== undefined && dataFormatOf(options.data) !== 'csv' && options.only === undefined;
}

/** `--errors FILE`: every record error as JSON lines; the summary says where they went. */
function finishSummary(summary: BatchSummary, options: EvalOptions): void {
  if (options.errors !== undefined) {
    writeErrorsFile(options.errors, summary.invalid);
    if (summary.invalid.length > 0) summary.notes.push(`Every record error is in ${options.errors} (JSON lines).`);
  } else if (summary.invalid.length > 0) summary.notes.push('(--errors FILE writes every record error as JSON lines)');
}

/** Every record read is either a result or an invalid record; anything else is a bug here. */
function checkCounts(summary: BatchSummary): void {
  const results = [...summary.stages.values()].reduce((a, b) => a + b, 0);
  if (results + summary.invalid.length !== summary.records) {
    throw new Error(`lost records: ${summary.records} read, ${results} results, ${summary.invalid.length} invalid`);
  }
}

function exitCode(summary: BatchSummary, options: EvalOptions): number {
  if (options.only !== undefined && summary.records === 0) {
    process.stderr.write(`${colors.red(`No lead with ${summary.ids.key} "${options.only}"`)}\n`);
    return 1;
  }
  const invalid = summary.invalid.length;
  if (invalid > 0 && (invalid === summary.records || options.failOnInvalid)) return 1;
  return 0;
}

// `mql backtest RULES --data FILE --outcome COLUMN [--value COLUMN] [--events FILE --key COLUMN]
//               [--now ISO] [--format pretty|json|markdown] [--html FILE] [--target-rate R] [--workers N]`
//
// How well the rules pick the leads that convert: every lead is evaluated (explained, at one
// `now`) and folded with its known outcome into @mql/backtest's streaming aggregator; the report
// is rendered by that package (pretty, markdown, JSON, HTML).
// - The leads are read as by `mql eval` (@mql/data). The outcome (and value) is a column of the CSV,
//   kept raw beside the record, or a key path of a JSON record; it need not be in the lead schema.
// - A record the rules cannot evaluate, or whose outcome is missing or not true/false, 1/0, yes/no,
//   is left out of the metrics, counted and listed (backtest-fold.ts).
// - A JSON-lines or CSV file over 32 MB is evaluated by worker threads, one per core
//   (backtest-worker.ts): they hand back each lead's digest, added here in input order, so the
//   report is byte for byte one thread's. --workers N chooses (0: this thread only).
// - Exit 0 when the report was made; 1 when the rules have errors, when a rule reads the outcome
//   column (the metrics would measure a leak), when no lead has a usable outcome, or with
//   --fail-on-invalid when any record was left out; 2 on usage errors (missing file or column).

import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { Backtest, backtestShape, LeadDigester, renderHtml, renderJson, renderMarkdown, renderPretty, type BacktestReport, type BacktestShape } from '@mql/backtest';
import { leadSource } from '@mql/data';
import { backtestReader, recordKeys, type BacktestColumns } from '../backtest-fold.js';
import type { BacktestBatchResult, BacktestWorkerSetup } from '../backtest-worker.js';
import { configLookup } from '../config.js';
import { displayPath, toCorePath, UsageError } from '../host.js';
import { startProgress, withEventsProgress } from '../output.js';
import { foldDataOptions, foldInParallel, foldWorkers } from '../parallel.js';
import { colors, plural } from '../report.js';
import { loadRulesUnlessErrors, type Rules } from '../rules.js';
import { nonNegativeInteger } from './check.js';
import { evaluationTime } from './eval.js';

/** The HTML report's bundled chart script, embedded by scripts/build.mjs. */
declare const __MQL_REPORT_CLIENT__: string;

export const BACKTEST_FORMATS = ['pretty', 'json', 'markdown'] as const;
type BacktestFormat = (typeof BACKTEST_FORMATS)[number];

/** The command line's options; `outcome`, `value` and `idKey` may come from mql.config.json. */
export interface BacktestOptions {
  data: string;
  outcome?: string;
  value?: string;
  events?: string;
  key?: string;
  idKey?: string;
  now?: string;
  format: BacktestFormat;
  html?: string;
  targetRate?: number;
  failOnInvalid?: boolean;
  workers?: number;
}

export function registerBacktestCommand(program: Command, finish: (code: number) => void): void {
  program
    .command('backtest')
    .description('Measure how well the rules pick the leads that convert, from leads with a known outcome.')
    .argument('<rules>', 'the entry .mql file, or a rules artifact from `mql build`')
    .requiredOption('--data <file>', 'the leads: a JSON array (.json), JSON lines (.jsonl, .ndjson) or CSV (.csv)')
    .option('--outcome <column>', 'the column (CSV) or key path (JSON) saying whether the lead converted: true/false, 1/0, yes/no (default: backtest.outcome in mql.config.json)')
    .option('--value <column>', 'a numeric column or key path with the deal value of converted leads (default: backtest.value in mql.config.json)')
    .option('--events <file>', 'with a leads CSV: an events CSV (type, at, attributes, and a lead key column)')
    .option('--key <column>', 'the events CSV column holding the lead id (with --events)')
    .option('--id-key <name>', "the lead records' id key or CSV column, used to name left-out records (default: backtest.idKey in mql.config.json, else the schema's `key` field, else id)")
    .option('--now <iso>', 'evaluation time, ISO-8601: the snapshot date, so that later events never count (default: now)')
    .addOption(new Option('--format <format>', 'report format on stdout').choices(BACKTEST_FORMATS).default('pretty'))
    .option('--html <file>', 'also write the report as one self-contained HTML page with charts (works offline)')
    .option('--target-rate <rate>', 'suggest thresholds that put this share of the leads (0–1) in each swept stage', rateOption)
    .option('--fail-on-invalid', 'exit 1 when any record was left out (invalid, or without a usable outcome)')
    .option('--workers <n>', 'worker threads for a JSON-lines or CSV file (default: one per core for inputs over 32 MB; 0: none)', nonNegativeInteger)
    .addHelpText(
      'after',
      `
Exit codes:
  0  the report was made
  1  the rules have errors; a rule reads the outcome column; no lead has a usable outcome;
     with --fail-on-invalid, some record was left out
  2  usage errors (missing file or column, bad --now) and internal failures`,
    )
    .action(async (rules: string, options: BacktestOptions) => finish(await runBacktest(rules, options)));
}

type Settings = BacktestOptions & { outcome: string };

export async function runBacktest(rulesFile: string, given: BacktestOptions): Promise<number> {
  const options = withConfig(rulesFile, given);
  if ((options.events === undefined) !== (options.key === undefined)) {
    throw new UsageError('--events and --key go together: --events FILE --key COLUMN (the column with the lead id)');
  }
  const now = evaluationTime(options.now);
  const rules = loadRulesUnlessErrors(rulesFile);
  if (!rules) return 1;
  const shape = backtestShape(rules.engine.artifact);
  const backtest = new Backtest(shape, { where: rules.where, outcome: options.outcome, ...(options.targetRate !== undefined ? { targetRate: options.targetRate } : {}) });
  const workers = foldWorkers(options);
  const firstKeys = workers > 0 ? await foldInWorkers(rules, shape, backtest, now, options, workers) : await fold(rules, shape, backtest, now, options);
  const report = backtest.report({ rules: displayPath(rulesFile), data: displayPath(options.data), value: options.value ?? null, now: new Date(now).toISOString() });

  process.stdout.write(render(report, options.format));
  if (options.html !== undefined) {
    writeFileSync(options.html, renderHtml(report, __MQL_REPORT_CLIENT__));
    process.stderr.write(`Wrote the HTML report to ${options.html}\n`);
  }
  return exitCode(report, options, firstKeys);
}

/** Options not given on the command line are taken from the `backtest` block of the nearest mql.config.json. */
function withConfig(rulesFile: string, options: BacktestOptions): Settings {
  const config = existsSync(rulesFile) ? configLookup().forFile(toCorePath(path.resolve(rulesFile)))?.backtest : undefined;
  const outcome = options.outcome ?? config?.outcome;
  if (outcome === undefined) throw new UsageError('give the outcome column with --outcome COLUMN (or set "backtest": { "outcome": ... } in mql.config.json)');
  const value = options.value ?? config?.value;
  return { ...options, outcome, ...(options.idKey ?? config?.idKey ? { idKey: options.idKey ?? config?.idKey } : {}), ...(value !== undefined ? { value } : {}) };
}

/** Reads every record once and adds it to the backtest; returns the first valid JSON record's keys (for hints). */
async function fold(rules: Rules, shape: BacktestShape, backtest: Backtest, now: number, options: Settings): Promise<string[] | undefined> {
  const { engine } = rules;
  const reader = backtestReader(engine, shape, columnsOf(options), now);
  const source = await withEventsProgress((onEventsProgress) => leadSource(options.data, engine, { ...foldDataOptions(rules.engine.artifact, options, reader.include), onEventsProgress }));
  const progress = startProgress(source.progress);
  let firstKeys: string[] | undefined;
  let records = 0;
  try {
    for await (const item of source.items) {
      progress.update(++records);
      firstKeys ??= recordKeys(item, reader);
      reader.fold(item, backtest);
    }
  } finally {
    progress.stop();
  }
  for (const note of source.notes()) process.stderr.write(`${colors.dim(note)}\n`);
  return firstKeys;
}

/**
 * The same fold in worker threads (parallel.ts, backtest-worker.ts): each worker digests its batches'
 * leads, and the digests and the records left out are added here batch by batch in input order, so
 * that the report is byte for byte the one thread's.
 */
async function foldInWorkers(rules: Rules, shape: BacktestShape, backtest: Backtest, now: number, options: Settings, workers: number): Promise<string[] | undefined> {
  const { engine } = rules;
  const columns = columnsOf(options);
  const reader = backtestReader(engine, shape, columns, now);
  const data = foldDataOptions(rules.engine.artifact, options, reader.include);
  const width = new LeadDigester(shape).layout.width;
  let firstKeys: string[] | undefined;
  const notes = await foldInParallel<BacktestWorkerSetup, BacktestBatchResult>({
    file: options.data,
    workers,
    script: 'backtest-worker.js',
    setup: { artifact: engine.artifact, now, idKey: data.idKey, include: reader.include ?? [], columns },
    engine,
    data,
    onResult: (batch) => {
      for (const r of batch.invalid) backtest.addInvalid(r.where, r.id, r.errors);
      for (const r of batch.excluded) backtest.addExcluded(r.where, r.id, r.value);
      backtest.addDigests(batch.digests);
      firstKeys ??= batch.firstKeys;
    },
    records: (batch) => batch.invalid.length + batch.excluded.length + batch.digests.length / width,
  });
  for (const note of [`Evaluated in ${workers} worker threads (--workers 0 for none).`, ...notes]) process.stderr.write(`${colors.dim(note)}\n`);
  return firstKeys;
}

function columnsOf(options: Settings): BacktestColumns {
  return { data: options.data, outcome: options.outcome, ...(options.value !== undefined ? { value: options.value } : {}) };
}

function render(report: BacktestReport, format: BacktestFormat): string {
  if (format === 'json') return renderJson(report);
  if (format === 'markdown') return renderMarkdown(report);
  return renderPretty(report, colors);
}

function exitCode(report: BacktestReport, options: Settings, firstKeys: string[] | undefined): number {
  const leak = report.warnings.filter((w) => w.kind === 'reads-outcome');
  if (leak.length > 0) {
    process.stderr.write(`${colors.red(`The rules read the outcome column "${options.outcome}" (${leak.map((w) => w.field).join(', ')}): remove that from the rules before trusting a backtest`)}\n`);
    return 1;
  }
  if (report.leads === 0) {
    process.stderr.write(`${colors.red(noOutcomeMessage(report, options.outcome, firstKeys))}\n`);
    return 1;
  }
  const leftOut = report.invalid.count + report.excluded.count;
  if (leftOut > 0) process.stderr.write(`${colors.yellow(`${plural(leftOut, 'record')} left out of the metrics (listed in the report)`)}\n`);
  return options.failOnInvalid && leftOut > 0 ? 1 : 0;
}

function noOutcomeMessage(report: BacktestReport, outcome: string, firstKeys: string[] | undefined): string {
  if (report.records === 0) return 'The data holds no records';
  if (report.excluded.count === 0) return 'No record could be evaluated: every record was invalid';
  const near = firstKeys?.find((k) => k.toLowerCase() === outcome.toLowerCase() && k !== outcome);
  const missing = report.excluded.listed.every((r) => r.value === 'missing');
  if (missing) return `No record has a value in "${outcome}"${near !== undefined ? ` (did you mean "${near}"?)` : firstKeys ? `; the first record's keys: ${firstKeys.join(', ')}` : ''}`;
  return `No record has a usable outcome in "${outcome}": expected true/false, 1/0 or yes/no, found e.g. ${report.excluded.listed[0]!.value}`;
}

function rateOption(text: string): number {
  const rate = Number(text);
  if (!(rate > 0 && rate <= 1)) throw new InvalidArgumentError('expected a share of the leads above 0 and at most 1, e.g. 0.2');
  return rate;
}

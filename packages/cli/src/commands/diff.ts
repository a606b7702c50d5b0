// `mql diff BASE NEW --data FILE [--base REV] [--now ISO] [--format pretty|markdown|json] [--fail-on-change]
//           [--outcome COLUMN] [--workers N]`
//
// Evaluates two versions of a program on the same leads and reports what changes: the stage
// transition matrix, stage totals before and after, the score rules whose points moved most, grade
// band changes, example leads per transition, and with --outcome the conversion per stage
// (diff/compare.ts; rendered by diff/{pretty,markdown,json}.ts).
// - BASE and NEW are `.mql` entries or `.json` artifacts. With `--base REV` the base version is read
//   from the git revision REV (the entry and every file it imports); BASE may then be left out, and
//   the base is NEW's path in REV.
// - The leads stream once (@mql/data readers, as for `mql eval`); each record is evaluated by both
//   versions before the next is read, with one `now` for all. CSV cells are converted by the new
//   version's lead declaration. A record that is unreadable, or invalid for either version, is left
//   out of the matrix and counted (diff/fold.ts).
// - A JSON-lines or CSV file over 32 MB is compared by worker threads, one per core
//   (diff-worker.ts): they hand back what each lead changes, added here in input order, so the
//   report is byte for byte one thread's. --workers N chooses (0: this thread only).
// - Exit 0 when the comparison ran; 1 with --fail-on-change when any lead changes stage, when a
//   version does not compile, or when no record could be compared; 2 on usage errors.

import { Option, type Command } from 'commander';
import { parseIsoDate, type RulesEngine } from '@mql/runtime';
import { leadSource, type DataOptions } from '@mql/data';
import type { DiffBatchResult, DiffWorkerSetup } from '../diff-worker.js';
import { StageComparison, versionShape, type StageDiff } from '../diff/compare.js';
import { DIFF_DOCUMENT_VERSION, DIFF_FORMATS, type DiffDocument, type DiffFormat } from '../diff/document.js';
import { renderJson } from '../diff/json.js';
import { renderMarkdown } from '../diff/markdown.js';
import { renderPretty } from '../diff/pretty.js';
import { diffReader, type DiffReader } from '../diff/fold.js';
import { loadVersion } from '../diff/versions.js';
import { gitRevision } from '../git-host.js';
import { displayPath, UsageError } from '../host.js';
import { startProgress, withEventsProgress } from '../output.js';
import { foldDataOptions, foldInParallel, foldWorkers } from '../parallel.js';
import { colors } from '../report.js';
import { RulesHaveErrors } from '../rules.js';
import { nonNegativeInteger } from './check.js';

export interface DiffOptions {
  data: string;
  base?: string;
  events?: string;
  key?: string;
  idKey?: string;
  now?: string;
  format: DiffFormat;
  failOnChange?: boolean;
  outcome?: string;
  workers?: number;
}

const RENDERERS: Record<DiffFormat, (doc: DiffDocument) => string> = { pretty: renderPretty, markdown: renderMarkdown, json: renderJson };

export function registerDiffCommand(program: Command, finish: (code: number) => void): void {
  program
    .command('diff')
    .description('Compare two versions of the rules on the same leads: which leads change stage, and why.')
    .argument('<rules...>', 'BASE NEW: .mql entries or .json artifacts; with --base REV, NEW alone compares it with its own path in REV')
    .requiredOption('--data <file>', 'the leads: a JSON array (.json), JSON lines (.jsonl, .ndjson) or CSV (.csv)')
    .option('--base <rev>', 'read the base version from this git revision (e.g. origin/main, HEAD~1)')
    .option('--events <file>', 'with a leads CSV: an events CSV (type, at, attributes, and a lead key column)')
    .option('--key <column>', 'the events CSV column holding the lead id (with --events)')
    .option('--id-key <name>', "the lead records' id key or CSV column, used to name example leads (default: the schema's `key` field, else id)")
    .option('--now <iso>', 'evaluation time for both versions, ISO-8601 (default: now)')
    .addOption(new Option('--format <format>', 'output format').choices(DIFF_FORMATS).default('pretty'))
    .option('--fail-on-change', 'exit 1 when any lead changes stage (for CI gates)')
    .option('--workers <n>', 'worker threads for a JSON-lines or CSV file (default: one per core for inputs over 32 MB; 0: none)', nonNegativeInteger)
    .option('--outcome <column>', 'a column (CSV) or key path (JSON) saying whether each lead converted (true/false, 1/0, yes/no): adds conversion, precision and recall per stage before and after')
    .addHelpText(
      'after',
      `
Exit codes:
  0  the comparison ran (leads may have changed stage, unless --fail-on-change)
  1  with --fail-on-change, some lead changes stage; a version does not compile; no record could be compared
  2  usage errors (missing file, bad revision, bad --now) and internal failures`,
    )
    .action(async (rules: string[], options: DiffOptions) => finish(await runDiff(rules, options)));
}

export async function runDiff(rules: readonly string[], options: DiffOptions): Promise<number> {
  const [baseFile, newFile] = ruleFiles(rules, options.base);
  if ((options.events === undefined) !== (options.key === undefined)) {
    throw new UsageError('--events and --key go together: --events FILE --key COLUMN (the column with the lead id)');
  }
  const now = evaluationTime(options.now);
  let base: RulesEngine;
  let next: RulesEngine;
  try {
    base = loadVersion('base', baseFile, options.base === undefined ? undefined : gitRevision(options.base, baseFile));
    next = loadVersion('new', newFile);
  } catch (error) {
    if (error instanceof RulesHaveErrors) return 1;
    throw error;
  }
  const { records, diff } = await compare(base, next, now, options);
  const doc: DiffDocument = {
    version: DIFF_DOCUMENT_VERSION,
    base: { rules: displayPath(baseFile), ...(options.base !== undefined ? { revision: options.base } : {}) },
    new: { rules: displayPath(newFile) },
    data: displayPath(options.data),
    now: new Date(now).toISOString(),
    records,
    ...diff,
  };
  process.stdout.write(RENDERERS[options.format](doc));
  if (doc.leads === 0) {
    process.stderr.write(`${colors.red('No record could be compared: every record was unreadable or invalid')}\n`);
    return 1;
  }
  return options.failOnChange && doc.changed > 0 ? 1 : 0;
}

/** Both versions evaluate each record in turn: one pass over the data, memory independent of its size. */
async function compare(base: RulesEngine, next: RulesEngine, now: number, options: DiffOptions): Promise<{ records: number; diff: StageDiff }> {
  const reader = diffReader(base, next, options.data, options.outcome, now);
  const data = foldDataOptions(next.artifact, options, reader.include);
  const comparison = new StageComparison(versionShape(base.artifact), versionShape(next.artifact));
  const workers = foldWorkers(options);
  if (workers > 0) return compareInWorkers(base, next, now, options, { workers, reader, data, comparison });
  const source = await withEventsProgress((onEventsProgress) => leadSource(options.data, next, { ...data, onEventsProgress }));
  const progress = startProgress(source.progress);
  let records = 0;
  try {
    for await (const item of source.items) {
      progress.update(++records);
      reader.fold(item, comparison);
    }
  } finally {
    progress.stop();
  }
  for (const note of source.notes()) process.stderr.write(`${note}\n`);
  return { records, diff: comparison.result() };
}

/**
 * The same comparison in worker threads (parallel.ts, diff-worker.ts): each worker reads what each of
 * its batches' leads changes, and the changes and the records left out are added here batch by
 * batch in input order, so that the report is byte for byte the one thread's.
 */
async function compareInWorkers(
  base: RulesEngine,
  next: RulesEngine,
  now: number,
  options: DiffOptions,
  run: { workers: number; reader: DiffReader; data: DataOptions & { idKey: string }; comparison: StageComparison },
): Promise<{ records: number; diff: StageDiff }> {
  const { comparison } = run;
  let records = 0;
  const notes = await foldInParallel<DiffWorkerSetup, DiffBatchResult>({
    file: options.data,
    workers: run.workers,
    script: 'diff-worker.js',
    setup: {
      artifact: next.artifact,
      baseArtifact: base.artifact,
      now,
      idKey: run.data.idKey,
      include: run.reader.include ?? [],
      data: options.data,
      ...(options.outcome !== undefined ? { outcome: options.outcome } : {}),
    },
    engine: next,
    data: run.data,
    onResult: (batch) => {
      for (const change of batch.changes) comparison.add(change);
      for (const side of batch.invalid) comparison.addInvalid(side);
      records += batch.changes.length + batch.invalid.length;
    },
    records: (batch) => batch.changes.length + batch.invalid.length,
  });
  for (const note of [`Evaluated in ${run.workers} worker threads (--workers 0 for none).`, ...notes]) process.stderr.write(`${note}\n`);
  return { records, diff: comparison.result() };
}

function ruleFiles(rules: readonly string[], revision: string | undefined): [string, string] {
  if (rules.length === 2) return [rules[0]!, rules[1]!];
  if (rules.length === 1 && revision !== undefined) return [rules[0]!, rules[0]!];
  throw new UsageError(
    rules.length === 1 ? 'give two rule versions, BASE NEW, or --base REV with one (compared with its own path in REV)' : 'give two rule versions: BASE NEW',
  );
}

function evaluationTime(text: string | undefined): number {
  if (text === undefined) return Date.now();
  const ms = parseIsoDate(text);
  if (ms === undefined) throw new UsageError(`--now: "${text}" is not an ISO-8601 date or date-time (e.g. 2026-11-01 or 2026-11-01T09:30:00Z)`);
  return ms;
}

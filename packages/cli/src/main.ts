// The `mql` command line. Exit codes: 0 success, 1 the rules have errors (or tests fail),
// 2 usage errors and internal failures.

import { Command, CommanderError, Option } from 'commander';
import { BUILD_TARGETS, runBuild, type BuildOptions } from './commands/build.js';
import { DIALECTS } from '@mql/sql';
import { CHECK_EXIT_CODES, nonNegativeInteger, runCheck, type CheckOptions } from './commands/check.js';
import { registerBacktestCommand } from './commands/backtest.js';
import { registerDiffCommand } from './commands/diff.js';
import { registerEvalCommand } from './commands/eval.js';
import { registerFmtCommand } from './commands/fmt.js';
import { registerTestCommand } from './commands/test.js';
import { CHECK_FORMATS } from './formats/index.js';
import { DataError } from '@mql/data';
import { UsageError } from './host.js';

// `mql check | head -1` closes the pipe early: that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const program = new Command()
  .name('mql')
  .description('Lead-qualification rules as code: check, build, test and evaluate .mql programs.')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride();

program
  .command('check')
  .description('Parse and check .mql files; print every error and warning.')
  .argument('[paths...]', 'files or folders (every .mql file below a folder)', [])
  .addOption(new Option('--format <format>', 'output: pretty (terminal), json, sarif (2.1.0, for code scanning) or github (workflow annotations)').choices(CHECK_FORMATS).default('pretty'))
  .option('--max-warnings <n>', 'exit 1 when there are more than N warnings', nonNegativeInteger)
  .addHelpText('after', CHECK_EXIT_CODES)
  .action((paths: string[], options: CheckOptions) => finish(runCheck(paths, options)));

program
  .command('build')
  .description('Compile a program (an entry file and its imports) into a JSON rules artifact.')
  .argument('<entry>', 'the entry .mql file')
  .option('-o, --output <file>', 'where to write the artifact or SQL (default: standard output)')
  .option('--no-tests', 'leave the test blocks out of the artifact')
  .addOption(new Option('--target <target>', 'what to build: the JSON rules artifact, or one SQL query scoring a leads table').choices(BUILD_TARGETS).default('artifact'))
  .option('--dialect <dialect>', `with --target sql: ${DIALECTS.join(', ')}`)
  .option('--leads <table>', 'with --target sql: the leads table (default: leads)')
  .option('--events <table>', 'with --target sql: the events table (default: events)')
  .option('--key <column>', 'with --target sql: the lead key column, in both tables (default: id)')
  .option('--view <name>', 'with --target sql: CREATE OR REPLACE VIEW name AS … (now = the current time)')
  .option('--dbt', 'with --target sql: a dbt model ({{ ref(...) }} tables, {{ var("now") }})')
  .action((entry: string, options: BuildOptions) => finish(runBuild(entry, options)));

registerEvalCommand(program, finish);
registerTestCommand(program, finish);
registerFmtCommand(program, finish);
registerDiffCommand(program, finish);
registerBacktestCommand(program, finish);

let exitCode = 0;
function finish(code: number): void {
  exitCode = code;
}

try {
  await program.parseAsync(process.argv);
  process.exitCode = exitCode;
} catch (error) {
  process.exitCode = exitCodeFor(error);
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help' ? 0 : 2;
  }
  if (error instanceof UsageError || error instanceof DataError) {
    process.stderr.write(`mql: ${error.message}\n`);
    return 2;
  }
  // A bug in mql, not in the user's rules: say so plainly; the stack only when asked for.
  const detail = error instanceof Error ? (process.env.MQL_DEBUG ? (error.stack ?? error.message) : error.message) : String(error);
  process.stderr.write(`mql: internal error: ${detail}\n(set MQL_DEBUG=1 for a stack trace, and please report it)\n`);
  return 2;
}

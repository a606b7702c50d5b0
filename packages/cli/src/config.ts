// mql.config.json for the CLI: core's ConfigLookup finds the nearest one above each program's
// entry file and validates it; here the file is read from disk, and an unreadable or invalid config
// is a usage error (exit 2) naming the file and the path of each problem.

import { ConfigLookup, type ConfigProblem, type MqlConfig } from '@mql/core';
import { readTextFile } from '@mql/node-host';
import { displayPath, UsageError } from './host.js';

export function configLookup(): ConfigLookup {
  return new ConfigLookup({ readFile: readConfigFile, unusable: stop });
}

/** Regular files up to 10 MB: a config symlinked to a device or pipe is a usage error, not a hang. */
function readConfigFile(file: string): string | undefined {
  const text = readTextFile(file);
  if (text === undefined || typeof text === 'string') return text;
  throw new UsageError(`cannot read ${displayPath(file)}: ${text.problem}`);
}

function stop(file: string, problem: ConfigProblem): MqlConfig {
  if (problem.kind === 'json') throw new UsageError(`cannot read ${displayPath(file)}: ${problem.message}`);
  const problems = problem.errors.map((e) => `\n  ${e.path}: ${e.message}`).join('');
  throw new UsageError(`invalid ${displayPath(file)}:${problems}`);
}

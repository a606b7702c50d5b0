// mql.config.json for the CLI: core's ConfigLookup finds the nearest one above each program's
// entry file and validates it; here the file is read from disk, and an unreadable or invalid config
// is a usage error (exit 2) naming the file and the path of each problem.

import { existsSync, readFileSync } from 'node:fs';
import { ConfigLookup, type ConfigProblem, type MqlConfig } from '@mql/core';
import { displayPath, UsageError } from './host.js';

export function configLookup(): ConfigLookup {
  return new ConfigLookup({ readFile: readConfigFile, unusable: stop });
}

function readConfigFile(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${displayPath(file)}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function stop(file: string, problem: ConfigProblem): MqlConfig {
  if (problem.kind === 'json') throw new UsageError(`cannot read ${displayPath(file)}: ${problem.message}`);
  const problems = problem.errors.map((e) => `\n  ${e.path}: ${e.message}`).join('');
  throw new UsageError(`invalid ${displayPath(file)}:${problems}`);
}

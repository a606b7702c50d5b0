// Finding and reading `mql.config.json` (core validates it: parseConfig). A program uses the
// nearest config file in the folder of its entry file or in a parent folder, like .editorconfig or
// ESLint's flat config; without one, every lint has its default severity. An unreadable or invalid
// config is a usage error (exit 2) naming the file and the path of each problem.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseConfig, type MqlConfig } from '@mql/core';
import { displayPath, UsageError } from './host.js';

export const CONFIG_FILE = 'mql.config.json';

/** Config lookups by folder, so many files in one project read the file once. */
export class ConfigFinder {
  private readonly byFolder = new Map<string, MqlConfig | undefined>();

  /** The config that applies to a file (an absolute path), or undefined when there is none. */
  forFile(file: string): MqlConfig | undefined {
    return this.forFolder(path.dirname(file));
  }

  private forFolder(folder: string): MqlConfig | undefined {
    if (this.byFolder.has(folder)) return this.byFolder.get(folder);
    const candidate = path.join(folder, CONFIG_FILE);
    const parent = path.dirname(folder);
    const config = existsSync(candidate) ? readConfig(candidate) : parent === folder ? undefined : this.forFolder(parent);
    this.byFolder.set(folder, config);
    return config;
  }
}

export function readConfig(file: string): MqlConfig {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read ${displayPath(file)}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const result = parseConfig(json);
  if (result.ok) return result.config;
  const problems = result.errors.map((e) => `\n  ${e.path}: ${e.message}`).join('');
  throw new UsageError(`invalid ${displayPath(file)}:${problems}`);
}

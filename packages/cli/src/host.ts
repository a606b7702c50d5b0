// File-system access for the CLI: the SourceHost core reads programs through, discovery of .mql
// files below folders, and paths shown relative to the working directory.

import { readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FOLDERS_NOT_SEARCHED, type SourceHost } from '@mql/core';
import { nodeSourceHost, readTextFile } from '@mql/node-host';

/** Regular files up to 10 MB, imports inside the project root (see @mql/node-host). */
export const nodeHost: SourceHost = nodeSourceHost;

/** A compiled artifact is read up to 256 MB (a rules file up to 10 MB). */
export const MAX_ARTIFACT_BYTES = 256 * 1024 * 1024;

/** A file named on the command line: its text, or a usage error (exit 2) saying why there is none. */
export function readNamedFile(file: string, what = 'file', limit?: number): string {
  const text = readTextFile(file, limit);
  if (text === undefined) throw new UsageError(`no such ${what}: ${file}`);
  if (typeof text !== 'string') throw new UsageError(`cannot read ${file}: ${text.problem}`);
  return text;
}

/** Absolute, `/`-separated path, as core expects. */
export function toCorePath(file: string): string {
  return path.resolve(file).split(path.sep).join('/');
}

export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') ? relative.split(path.sep).join('/') : file;
}


export class UsageError extends Error {}

/** Before a long run: the folder of a file to write must exist (a usage error, not a crash at the end). */
export function checkOutputFolder(file: string): void {
  const folder = path.dirname(path.resolve(file));
  let isFolder = false;
  try {
    isFolder = statSync(folder).isDirectory();
  } catch {
    // reported below
  }
  if (!isFolder) throw new UsageError(`cannot write ${file}: there is no folder ${displayPath(folder)} (create it first)`);
}

/** Writes a file the user named (`-o`, `--errors`); a missing folder or a refused write is a usage error, not a crash. */
export function writeOutputFile(file: string, text: string): void {
  checkOutputFolder(file);
  try {
    writeFileSync(file, text);
  } catch (error) {
    throw new UsageError(`cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** Every .mql file named or below a named folder, sorted, each once. */
export function collectMqlFiles(targets: readonly string[]): string[] {
  const found = new Set<string>();
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory() && !FOLDERS_NOT_SEARCHED.has(entry.name)) walk(full);
      else if (entry.isFile() && entry.name.endsWith('.mql')) found.add(toCorePath(full));
    }
  };
  for (const target of targets.length > 0 ? targets : ['.']) {
    let stats;
    try {
      stats = statSync(target);
    } catch {
      throw new UsageError(`no such file or folder: ${target}`);
    }
    if (stats.isDirectory()) walk(target);
    else {
      readNamedFile(target); // a device, pipe, unreadable or huge file is refused here, by name
      found.add(toCorePath(target));
    }
  }
  return [...found].sort();
}

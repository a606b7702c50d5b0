// Reading rule files from disk, shared by the CLI and the language server (core does no I/O).
//
// - Only regular files are read, and only up to MAX_SOURCE_BYTES, checked before reading: a device
//   (`/dev/zero`), a named pipe or `/dev/stdin` (directly, or through a symlink or an import) is a
//   problem reported as a diagnostic, never a hang or unbounded memory.
// - Imports stay inside the program's project root (projectRoot below), after symlinks are resolved,
//   so `import "/etc/passwd"` or `import "../secret.env"` is refused before anything is read.

import { closeSync, constants, existsSync, fstatSync, openSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE, type SourceHost, type SourceProblem } from '@mql/core';

/** The largest source or config file read: 10 MiB (a rules program is a few hundred KB at most). */
export const MAX_SOURCE_BYTES = 10 * 1024 * 1024;

/** A file's text; undefined when there is no such file; a problem when it exists but cannot be read. */
export function readTextFile(file: string, limit = MAX_SOURCE_BYTES): string | undefined | SourceProblem {
  let fd: number;
  try {
    // O_NONBLOCK: opening a named pipe must not wait for a writer.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return openProblem(error);
  }
  try {
    const stats = fstatSync(fd);
    if (stats.isDirectory()) return { problem: 'it is a folder, not a file' };
    if (!stats.isFile()) return { problem: 'it is not a regular file (a device, pipe or socket)' };
    if (stats.size > limit) return { problem: `it is larger than the ${limit / (1024 * 1024)} MB limit for a rules or config file` };
    return readFileSync(fd, 'utf8');
  } catch (error) {
    return openProblem(error);
  } finally {
    closeSync(fd);
  }
}

function openProblem(error: unknown): undefined | SourceProblem {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
  if (code === 'EACCES' || code === 'EPERM') return { problem: 'permission denied' };
  if (code === 'EISDIR') return { problem: 'it is a folder, not a file' };
  return { problem: error instanceof Error ? error.message : String(error) };
}

/**
 * The project root of a program, which its imports may not leave: the nearest folder at or above
 * the entry file that holds mql.config.json, else the root of the git repository holding the
 * entry, else the entry's own folder. Symlinks are resolved first.
 */
export function projectRoot(entry: string): string {
  const folder = realFolder(path.dirname(entry));
  let gitRoot: string | undefined;
  for (let current = folder; ; current = path.dirname(current)) {
    if (existsSync(path.join(current, CONFIG_FILE))) return current;
    gitRoot ??= existsSync(path.join(current, '.git')) ? current : undefined;
    if (path.dirname(current) === current) break;
  }
  return gitRoot ?? folder;
}

/** Why the program of `entry` may not import `target`, or undefined when it may. */
export function checkImport(target: string, entry: string): string | undefined {
  const root = projectRoot(entry);
  const real = realTarget(target);
  const relative = path.relative(root, real);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    return `it is outside the project folder ${toSlashes(root)} (imports stay below the folder holding ${CONFIG_FILE}, else the git repository, else the entry file's folder)`;
  }
  return undefined;
}

/** A SourceHost over the disk with the rules above, for core's loadProgram and compileProgram. */
export const nodeSourceHost: SourceHost = { readFile: (file) => readTextFile(file), checkImport };

/** The real path of a file that may not exist: its nearest existing ancestor resolved, the rest kept. */
function realTarget(file: string): string {
  const rest: string[] = [];
  for (let current = path.resolve(file); ; current = path.dirname(current)) {
    try {
      return path.join(realpathSync(current), ...rest.reverse());
    } catch {
      if (path.dirname(current) === current) return path.resolve(file);
      rest.push(path.basename(current));
    }
  }
}

function realFolder(folder: string): string {
  try {
    return realpathSync(folder);
  } catch {
    return path.resolve(folder);
  }
}

function toSlashes(file: string): string {
  return file.split(path.sep).join('/');
}

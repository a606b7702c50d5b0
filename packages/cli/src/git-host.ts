// Reading a program as it is in a git revision (`mql diff --base REV`): a SourceHost whose files
// come from `git show REV:path`, with paths relative to the repository's root. A file that is not
// in the revision is "no such file" to core, which reports it as a diagnostic (MQL2005) like a
// missing file on disk. Not being in a repository, or a revision that names no commit, is a usage
// error.

import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { SourceHost } from '@mql/core';
import { toCorePath, UsageError } from './host.js';

export interface GitRevision {
  /** The repository's root, as a core path (absolute, `/`-separated). */
  root: string;
  revision: string;
  host: SourceHost;
  /** A file's path as core sees it (the real path, so it lies below `root`). */
  corePath(file: string): string;
  /** `REV:path/from/root` for messages. */
  label(file: string): string;
}

/** The revision of the repository that holds `near` (a file or folder in the working tree). */
export function gitRevision(revision: string, near: string): GitRevision {
  const folder = existingFolder(path.dirname(path.resolve(near)));
  const root = toCorePath(realpathSync(git(['rev-parse', '--show-toplevel'], folder, `${displayFolder(folder)} is not inside a git repository`).trim()));
  git(['rev-parse', '--verify', '--quiet', `${revision}^{commit}`], folder, `--base ${revision}: no such commit in ${root}`);
  const inRepo = (corePath: string) => path.posix.relative(root, corePath);
  const cache = new Map<string, string | undefined>();
  const host: SourceHost = {
    readFile(file) {
      if (cache.has(file)) return cache.get(file);
      const relative = inRepo(file);
      const text = relative.startsWith('..') || path.posix.isAbsolute(relative) ? undefined : show(revision, relative, root);
      cache.set(file, text);
      return text;
    },
  };
  return {
    root,
    revision,
    host,
    corePath: (file) => realCorePath(file),
    label: (file) => `${revision}:${inRepo(realCorePath(file))}`,
  };
}

function show(revision: string, relative: string, root: string): string | undefined {
  try {
    return execFileSync('git', ['show', `${revision}:${relative}`], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30 });
  } catch {
    return undefined;
  }
}

function git(args: string[], cwd: string, failure: string): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError('--base needs git, and `git` was not found on the PATH');
    throw new UsageError(failure);
  }
}

/**
 * Absolute core path with symbolic links resolved in the folder part, so it compares with the
 * repository root git reports (e.g. /tmp vs /private/tmp on macOS). The file itself need not exist
 * in the working tree.
 */
function realCorePath(file: string): string {
  const absolute = path.resolve(file);
  const folder = existingFolder(path.dirname(absolute));
  return toCorePath(path.join(realpathSync(folder), path.relative(folder, absolute)));
}

/** The folder itself, or its nearest ancestor that exists. */
function existingFolder(folder: string): string {
  let current = folder;
  for (;;) {
    try {
      realpathSync(current);
      return current;
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return current;
      current = parent;
    }
  }
}

function displayFolder(folder: string): string {
  return path.relative(process.cwd(), folder) || '.';
}

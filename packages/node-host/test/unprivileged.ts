// Permission bits do not apply to root, and CI runs the tests as root. A test of an unreadable or
// read-only file therefore runs its child process as the unprivileged user `nobody` (65534) when
// the tests run as root, with the test's folder handed to that user so that it owns it as a normal
// user would; as a normal user nothing changes. So these tests run, and mean the same, either way.

import { lchownSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

/** spawn/execFile options that run the child as `nobody` when the tests run as root. */
export function unprivileged(): { uid?: number; gid?: number } {
  if (!asRoot) return {};
  checkReachable(path.resolve(import.meta.dirname, '../../..'));
  return { uid: NOBODY, gid: NOBODY };
}

/** The child runs this repository's node code, so `nobody` must be able to reach it: say so clearly if not. */
function checkReachable(repo: string): void {
  for (let dir = repo; ; dir = path.dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) {
      throw new Error(`the tests run as root from ${repo}, but the user nobody cannot enter ${dir}: permission tests run the CLI as nobody (chmod o+x ${dir})`);
    }
    if (dir === path.dirname(dir)) return;
  }
}

/** Gives `dir` and everything below it to `nobody` when the tests run as root (see unprivileged). */
export function handOver(dir: string): void {
  if (!asRoot) return;
  lchownSync(dir, NOBODY, NOBODY);
  for (const name of readdirSync(dir, { recursive: true }) as string[]) lchownSync(path.join(dir, name), NOBODY, NOBODY);
}

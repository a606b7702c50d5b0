// Permission bits do not apply to root, and CI runs the tests as root. A test of an unreadable or
// read-only file therefore runs its child process, when the tests run as root, through util-linux's
// `setpriv` with the capabilities that bypass permission bits (CAP_DAC_OVERRIDE,
// CAP_DAC_READ_SEARCH) dropped from its bounding set: the child is still root and reaches the
// repository wherever it is checked out (a home folder of mode 700 included), but a file of mode
// 000 is unreadable to it and a file of mode 444 unwritable, as for anyone else. As a normal user
// nothing changes. So these tests run, and mean the same, either way.

import { existsSync } from 'node:fs';

const SETPRIV = '/usr/bin/setpriv';
const asRoot = process.getuid?.() === 0;

/** The command and arguments that run `file args…` without root's permission bypass (see above). */
export function unprivileged(file: string, args: string[]): { file: string; args: string[] } {
  if (!asRoot) return { file, args };
  if (!existsSync(SETPRIV)) throw new Error(`the tests run as root and need ${SETPRIV} (util-linux) to run a child without permission bypass`);
  return { file: SETPRIV, args: ['--bounding-set', '-dac_override,-dac_read_search', '--', file, ...args] };
}

// Reading sources from disk: only regular files up to the size limit, and imports only inside the
// project root, symlinks resolved. Each case is one that hung or leaked before (issue 15).

import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pathToFileURL } from 'node:url';
import { checkImport, MAX_SOURCE_BYTES, projectRoot, readTextFile } from '../src/index.js';
import { unprivileged } from './unprivileged.js';

/** The bundled package (vitest's globalSetup builds it), for a child process. */
const BUILT = pathToFileURL(path.join(import.meta.dirname, '../dist/index.js')).href;

function folder(files: Record<string, string> = {}): string {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'mql-host-')));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  return root;
}

const NOT_REGULAR = { problem: 'it is not a regular file (a device, pipe or socket)' };

describe('readTextFile', () => {
  it('reads a regular file and says undefined for a missing one', () => {
    const root = folder({ 'a.mql': 'lead { email: email }\n' });
    expect(readTextFile(path.join(root, 'a.mql'))).toBe('lead { email: email }\n');
    expect(readTextFile(path.join(root, 'missing.mql'))).toBeUndefined();
    expect(readTextFile(path.join(root, 'a.mql', 'below.mql'))).toBeUndefined();
  });

  it('refuses /dev/zero, /dev/stdin, a named pipe and a symlink to a device without reading them', () => {
    const root = folder();
    execFileSync('mkfifo', [path.join(root, 'pipe.mql')]);
    symlinkSync('/dev/zero', path.join(root, 'zero.mql'));
    expect(readTextFile('/dev/zero')).toEqual(NOT_REGULAR);
    expect(readTextFile(path.join(root, 'pipe.mql'))).toEqual(NOT_REGULAR);
    expect(readTextFile(path.join(root, 'zero.mql'))).toEqual(NOT_REGULAR);
    expect(readTextFile(root)).toEqual({ problem: 'it is a folder, not a file' });
  });

  it('refuses a file over the size limit before reading it', () => {
    const root = folder({ 'big.mql': '' });
    truncateSync(path.join(root, 'big.mql'), MAX_SOURCE_BYTES + 1); // sparse: no 10 MB written
    expect(readTextFile(path.join(root, 'big.mql'))).toEqual({ problem: 'it is larger than the 10 MB limit for a rules or config file' });
    truncateSync(path.join(root, 'big.mql'), 100);
    expect(typeof readTextFile(path.join(root, 'big.mql'))).toBe('string');
  });

  it('says "permission denied" for an unreadable file rather than "missing" (root drops its permission bypass)', () => {
    const root = folder({ 'secret.mql': 'x', 'open.mql': 'y' });
    chmodSync(path.join(root, 'secret.mql'), 0o000);
    // In a child process (the built package), so that it can run as an unprivileged user.
    const files = ['secret.mql', 'open.mql', 'missing.mql'].map((name) => path.join(root, name));
    const script = `import { readTextFile } from ${JSON.stringify(BUILT)};\nconsole.log(JSON.stringify(${JSON.stringify(files)}.map((f) => readTextFile(f) ?? 'missing')));`;
    const child = unprivileged(process.execPath, ['--input-type=module', '-e', script]);
    const output = execFileSync(child.file, child.args, { encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual([{ problem: 'permission denied' }, 'y', 'missing']);
  });
});

describe('the project root of imports', () => {
  it('is the nearest folder with mql.config.json, else the git root, else the entry folder', () => {
    const root = folder({ 'repo/.git/HEAD': '', 'repo/rules/mql.config.json': '{}', 'repo/rules/sub/main.mql': '', 'repo/other/main.mql': '', 'loose/main.mql': '' });
    expect(projectRoot(path.join(root, 'repo/rules/sub/main.mql'))).toBe(path.join(root, 'repo/rules'));
    expect(projectRoot(path.join(root, 'repo/other/main.mql'))).toBe(path.join(root, 'repo'));
    expect(projectRoot(path.join(root, 'loose/main.mql'))).toBe(path.join(root, 'loose'));
  });

  it('allows imports below the root and refuses ones that leave it, also through a symlink', () => {
    const root = folder({ 'p/mql.config.json': '{}', 'p/main.mql': '', 'p/lib/schema.mql': '', 'secret.mql': 'password=1' });
    const entry = path.join(root, 'p/main.mql');
    symlinkSync(path.join(root, 'secret.mql'), path.join(root, 'p/lib/link.mql'));
    const outside = `it is outside the project folder ${path.join(root, 'p')} (imports stay below the folder holding mql.config.json, else the git repository, else the entry file's folder)`;
    expect(checkImport(path.join(root, 'p/lib/schema.mql'), entry)).toBeUndefined();
    expect(checkImport(path.join(root, 'p/lib/not-yet.mql'), entry)).toBeUndefined();
    expect(checkImport(path.join(root, 'secret.mql'), entry)).toBe(outside);
    expect(checkImport(path.join(root, 'p/lib/link.mql'), entry)).toBe(outside);
    expect(checkImport('/etc/passwd.mql', entry)).toBe(outside);
  });
});

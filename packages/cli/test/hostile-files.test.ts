// Hostile and careless files given to the command line (issue 15): devices, pipes and files
// outside the project are refused with a message and never read or echoed; a closed pipe on
// stdout ends the command quietly; a missing entry is a usage error everywhere.

import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { mql } from './run-cli.js';

const BIN = fileURLToPath(new URL('../bin/mql.js', import.meta.url));
let dir: string;
function project(files: Record<string, string>): string {
  dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'mql-hostile-')));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const SECRET = 'password=hunter2';

describe('imports that must not be read', () => {
  it('devices, pipes, files outside the project and non-.mql files are diagnostics, and nothing of them is shown', () => {
    const entry = ['/dev/zero', '/dev/stdin', './pipe.mql', './zero.mql', '/etc/passwd', '../secret.mql', './link.mql', './notes.txt', './missing.mql']
      .map((target) => `import "${target}"`)
      .join('\n');
    const cwd = project({ 'p/mql.config.json': '{}', 'p/main.mql': `${entry}\nlead { email: email }\n`, 'p/notes.txt': SECRET, 'secret.mql': SECRET });
    execFileSync('mkfifo', [path.join(cwd, 'p/pipe.mql')]);
    symlinkSync('/dev/zero', path.join(cwd, 'p/zero.mql'));
    symlinkSync(path.join(cwd, 'secret.mql'), path.join(cwd, 'p/link.mql'));
    const run = spawnSync(process.execPath, [BIN, 'check', '--format', 'json', 'p/main.mql'], { cwd, encoding: 'utf8', timeout: 20_000 });
    expect(run.status).toBe(1);
    expect(run.stdout).not.toContain('hunter2');
    const diagnostics = (JSON.parse(run.stdout) as { diagnostics: { code: string; message: string; range?: unknown }[] }).diagnostics;
    const outside = `it is outside the project folder ${cwd}/p (imports stay below the folder holding mql.config.json, else the git repository, else the entry file's folder)`;
    expect(diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([
      'MQL2029 cannot read `/dev/zero`: only .mql files can be imported',
      'MQL2029 cannot read `/dev/stdin`: only .mql files can be imported',
      'MQL2029 cannot read `./pipe.mql`: it is not a regular file (a device, pipe or socket)',
      `MQL2029 cannot read \`./zero.mql\`: ${outside}`,
      'MQL2029 cannot read `/etc/passwd`: only .mql files can be imported',
      `MQL2029 cannot read \`../secret.mql\`: ${outside}`,
      `MQL2029 cannot read \`./link.mql\`: ${outside}`,
      'MQL2029 cannot read `./notes.txt`: only .mql files can be imported',
      'MQL2005 cannot find imported file `./missing.mql`',
    ]);
  });

  it('a device or pipe named on the command line, or a config symlinked to one, is a usage error (exit 2)', () => {
    const cwd = project({ 'a/main.mql': 'lead { email: email }\n' });
    execFileSync('mkfifo', [path.join(cwd, 'pipe.mql')]);
    symlinkSync('/dev/zero', path.join(cwd, 'a/mql.config.json'));
    const run = (args: string[]) => {
      const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 20_000 });
      return { status: r.status, stderr: r.stderr };
    };
    const notRegular = 'it is not a regular file (a device, pipe or socket)';
    expect(run(['check', '/dev/zero'])).toEqual({ status: 2, stderr: `mql: cannot read /dev/zero: ${notRegular}\n` });
    expect(run(['build', 'pipe.mql'])).toEqual({ status: 2, stderr: `mql: cannot read pipe.mql: ${notRegular}\n` });
    expect(run(['check', 'a/main.mql'])).toEqual({ status: 2, stderr: `mql: cannot read a/mql.config.json: ${notRegular}\n` });
  });
});

describe('usage errors and closed pipes', () => {
  it('`mql build` of a missing file exits 2 with "no such file", like the other commands', () => {
    const cwd = project({});
    expect(mql(['build', 'nope.mql'], { cwd })).toEqual({ status: 2, stdout: '', stderr: 'mql: no such file: nope.mql\n' });
    expect(mql(['check', 'nope.mql'], { cwd })).toEqual({ status: 2, stdout: '', stderr: 'mql: no such file or folder: nope.mql\n' });
  });

  it('an unreadable file is "permission denied", not missing: exit 2, and an import of it is a diagnostic (root drops its permission bypass)', () => {
    const cwd = project({ 'secret.mql': 'lead { email: email }\n', 'main.mql': 'import "./secret.mql"\nlead { email: email }\n' });
    chmodSync(path.join(cwd, 'secret.mql'), 0o000);
    const denied = { status: 2, stdout: '', stderr: 'mql: cannot read secret.mql: permission denied\n' };
    expect(mql(['build', 'secret.mql', '-o', 'out.json'], { cwd, unprivileged: true })).toEqual(denied);
    expect(mql(['check', 'secret.mql'], { cwd, unprivileged: true })).toEqual(denied);
    expect(mql(['check', 'main.mql'], { cwd, unprivileged: true })).toEqual({
      status: 1,
      stdout:
        'error[MQL2029]: cannot read `./secret.mql`: permission denied\n --> main.mql:1:8\n  |\n1 | import "./secret.mql"\n  |        ^^^^^^^^^^^^^^\n\n' +
        'Checked 1 file: 1 error, 0 warnings\n',
      stderr: '',
    });
  });

  it.each([
    ['check', ['check', 'many.mql']],
    ['check --format json', ['check', '--format', 'json', 'many.mql']],
    ['check --format sarif', ['check', '--format', 'sarif', 'many.mql']],
    ['test', ['test', 'many.mql']],
    ['fmt -', ['fmt', '-']],
  ])('`mql %s | head -1` ends quietly, without an EPIPE stack', (_name, args) => {
    const many = `lead { n?: number }\n${Array.from({ length: 1500 }, (_, i) => `segment s${i} = nope${i} > 1`).join('\n')}\n`;
    const cwd = project({ 'many.mql': many });
    const command = `node ${JSON.stringify(BIN)} ${args.join(' ')} < many.mql | head -c 10 > /dev/null`;
    const run = spawnSync('sh', ['-c', command], { cwd, encoding: 'utf8', timeout: 30_000 });
    expect(run.stderr).not.toMatch(/EPIPE|Error|\n\s+at /);
  });
});

// `mql fmt` and the lints of `mql check`, through the built command on temporary projects.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { mql } from './run-cli.js';

const BIN = fileURLToPath(new URL('../bin/mql.js', import.meta.url));
const CANONICAL = 'list a = [1]\n';
const MESSY = 'list  b=[ 2 ]\nsegment s = (b>1)\n';
const MESSY_FORMATTED = 'list b = [2]\nsegment s = (b > 1)\n';
const BROKEN = 'segment s = (\n';

let dir: string;
function project(files: Record<string, string>): string {
  dir = mkdtempSync(path.join(tmpdir(), 'mql-fmt-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}
const read = (name: string) => readFileSync(path.join(dir, name), 'utf8');

afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('mql fmt', () => {
  it('rewrites only the files that change and says which', () => {
    const cwd = project({ 'a.mql': CANONICAL, 'sub/b.mql': MESSY });
    const run = mql(['fmt'], { cwd });
    expect(run).toEqual({ status: 0, stdout: 'Formatted sub/b.mql\n2 files: formatted 1 file, 1 file already formatted\n', stderr: '' });
    expect(read('sub/b.mql')).toBe(MESSY_FORMATTED);
    expect(read('a.mql')).toBe(CANONICAL);
    expect(mql(['fmt', '.'], { cwd }).stdout).toBe('2 files: formatted 0 files, 2 files already formatted\n');
  });

  it('--check writes nothing, lists the files that would change and exits 1', () => {
    const cwd = project({ 'a.mql': CANONICAL, 'b.mql': MESSY });
    expect(mql(['fmt', '--check'], { cwd })).toEqual({
      status: 1,
      stdout: 'Would reformat b.mql\n2 files: 1 file would be reformatted, 1 file already formatted\n',
      stderr: '',
    });
    expect(read('b.mql')).toBe(MESSY);
    expect(mql(['fmt', '--check', 'a.mql'], { cwd }).status).toBe(0);
  });

  it('reports a file with syntax errors with its diagnostics and never rewrites it', () => {
    const cwd = project({ 'bad.mql': BROKEN, 'b.mql': MESSY });
    const run = mql(['fmt'], { cwd });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      'error[MQL1004]: expected an expression after `(`, but the file ended\n --> bad.mql:1:14\n  |\n1 | segment s = (\n  |              ^\n\n',
    );
    expect(run.stdout).toBe('Formatted b.mql\n2 files: formatted 1 file, 0 files already formatted, 1 file with syntax errors left unchanged\n');
    expect(read('bad.mql')).toBe(BROKEN);
  });

  it('formats standard input to standard output with `-` or --stdin', () => {
    for (const args of [['fmt', '-'], ['fmt', '--stdin']]) {
      const run = spawnSync(process.execPath, [BIN, ...args], { input: MESSY, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      expect([run.status, run.stdout, run.stderr]).toEqual([0, MESSY_FORMATTED, '']);
    }
    const bad = spawnSync(process.execPath, [BIN, 'fmt', '-'], { input: BROKEN, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect([bad.status, bad.stdout]).toEqual([1, '']);
    expect(bad.stderr).toContain('error[MQL1004]');
  });

  it('a missing path is a usage error', () => {
    const cwd = project({});
    expect(mql(['fmt', 'nope.mql'], { cwd })).toEqual({ status: 2, stdout: '', stderr: 'mql: no such file or folder: nope.mql\n' });
  });
});

describe('lints in mql check', () => {
  const lib = 'lead { n?: number }\nlist shared_used = [1]\nlist shared_unused = [2]\n';
  const main = 'import "./lib.mql"\nsegment s = n in shared_used\nstage S { require s }\n';

  it('reports lints as warnings that do not fail the check; imported files are linted with their importer', () => {
    const cwd = project({ 'lib.mql': lib, 'main.mql': main });
    const run = mql(['check'], { cwd });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      'warning[MQL3001]: list `shared_unused` is never used\n --> lib.mql:3:6\n  |\n3 | list shared_unused = [2]\n  |      ^^^^^^^^^^^^^\n  = help: Remove the unused list `shared_unused`\n\nChecked 2 files: 0 errors, 1 warning\n',
    );
  });

  it('takes severities from the nearest mql.config.json', () => {
    const cwd = project({ 'mql.config.json': '{ "lints": { "unused": "error" } }', 'rules/lib.mql': lib, 'rules/main.mql': main });
    const run = mql(['check', 'rules'], { cwd });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('error[MQL3001]: list `shared_unused` is never used');
    writeFileSync(path.join(cwd, 'rules', 'mql.config.json'), '{ "lints": { "MQL3001": "off" } }');
    expect(mql(['check', 'rules'], { cwd }).stdout).toBe('Checked 2 files: 0 errors, 0 warnings\n');
  });

  it('an invalid config is a usage error naming the file and the path of each problem', () => {
    const cwd = project({ 'mql.config.json': '{ "lints": { "MQL3999": "off", "unused": "loud" } }', 'main.mql': CANONICAL });
    expect(mql(['check'], { cwd })).toEqual({
      status: 2,
      stdout: '',
      stderr:
        'mql: invalid mql.config.json:\n  lints.unused: must be "off", "info", "warning" or "error"\n' +
        '  lints.MQL3999: unknown lint: use a code (MQL3001, MQL3002, MQL3003, MQL3004, MQL3005, MQL3006, MQL3007, MQL3008) or a name (unused, unreachable-grade-band, never-holds, always-holds, stage-without-require, unbounded-score, unreachable-threshold, reads-outcome)\n',
    });
    writeFileSync(path.join(cwd, 'mql.config.json'), '{ not json');
    const run = mql(['check'], { cwd });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^mql: cannot read mql.config.json: /);
  });
});

describe('mql fmt writes safely', () => {
  it('replaces a file atomically, keeping its mode, and a symlink stays a symlink to the formatted target', async () => {
    const { chmodSync, lstatSync, readdirSync, statSync, symlinkSync } = await import('node:fs');
    const cwd = project({ 'a.mql': MESSY, 'real/b.mql': MESSY });
    chmodSync(path.join(cwd, 'a.mql'), 0o640);
    symlinkSync(path.join(cwd, 'real/b.mql'), path.join(cwd, 'b.mql'));
    const run = mql(['fmt', 'a.mql', 'b.mql'], { cwd });
    expect(run).toEqual({ status: 0, stdout: 'Formatted a.mql\nFormatted b.mql\n2 files: formatted 2 files, 0 files already formatted\n', stderr: '' });
    expect(statSync(path.join(cwd, 'a.mql')).mode & 0o777).toBe(0o640);
    expect(lstatSync(path.join(cwd, 'b.mql')).isSymbolicLink()).toBe(true);
    expect([read('a.mql'), read('real/b.mql')]).toEqual([MESSY_FORMATTED, MESSY_FORMATTED]);
    expect(readdirSync(cwd).sort()).toEqual(['a.mql', 'b.mql', 'real']); // no temporary file left behind
  });

  it('a read-only file is reported and the other files are still formatted (exit 2; root drops its permission bypass)', async () => {
    const { chmodSync, readdirSync } = await import('node:fs');
    const cwd = project({ 'a.mql': MESSY, 'b.mql': MESSY });
    chmodSync(path.join(cwd, 'a.mql'), 0o444);
    const run = mql(['fmt'], { cwd, unprivileged: true });
    expect(run).toEqual({
      status: 2,
      stdout: 'Formatted b.mql\n1 file: formatted 1 file, 0 files already formatted\n',
      stderr: 'mql: cannot write a.mql: permission denied\n',
    });
    expect([read('a.mql'), read('b.mql')]).toEqual([MESSY, MESSY_FORMATTED]);
    expect(readdirSync(cwd).sort()).toEqual(['a.mql', 'b.mql']); // no temporary file left behind
  });
});

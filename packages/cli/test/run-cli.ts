// Spawns the built `mql` command (vitest's globalSetup builds it first) with colours off.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { compileProgram } from '@mql/core';
import { unprivileged } from '../../node-host/test/unprivileged.js';
import { nodeHost, toCorePath } from '../src/host.js';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = fileURLToPath(new URL('../bin/mql.js', import.meta.url));

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `unprivileged`: without root's permission bypass when the tests run as root, so permission bits apply (node-host/test/unprivileged.ts). */
export function mql(args: string[], options: { cwd?: string; unprivileged?: boolean } = {}): CliRun {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  const child = options.unprivileged ? unprivileged(process.execPath, [BIN, ...args]) : { file: process.execPath, args: [BIN, ...args] };
  const run = spawnSync(child.file, child.args, { cwd: options.cwd ?? ROOT, encoding: 'utf8', env, maxBuffer: 256 * 1024 * 1024 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The evaluation time the example data is made for. */
export const EXAMPLE_NOW = '2026-11-01T00:00:00Z';
export const FUNNEL = 'examples/b2b-funnel/funnel.mql';

/**
 * Source lines of a program's tests, rules, stage clauses and grade bands, from the compiler, so
 * expected outputs follow edits of the example (it is reformatted now and then).
 */
export function sourceLines(entry: string) {
  const { artifact } = compileProgram(toCorePath(entry), nodeHost);
  if (!artifact) throw new Error(`${entry} does not compile`);
  const find = <T extends { loc: { line: number } }>(items: T[], match: (item: T) => boolean, what: string): number => {
    const found = items.find(match);
    if (!found) throw new Error(`no ${what} in ${entry}`);
    return found.loc.line;
  };
  return {
    test: (description: string) => find(artifact.tests, (t) => t.description === description, `test "${description}"`),
    expectation: (description: string, text: string) =>
      find(artifact.tests.find((t) => t.description === description)?.expectations ?? [], (e) => (e.kind === 'stage' ? `stage ${e.stage ?? 'none'}` : e.text) === text, `expect ${text}`),
    rule: (label: string) => find(artifact.scores.flatMap((s) => (s.kind === 'rules' ? s.rules : [])), (r) => r.label === label, `rule "${label}"`),
    clause: (label: string) => find(artifact.stages.flatMap((s) => [...s.requirements, ...s.rejections]), (c) => c.label === label, `clause "${label}"`),
    band: (grade: string, label: string) => find(artifact.grades.find((g) => g.name === grade)?.bands ?? [], (b) => b.label === label, `band ${grade} ${label}`),
  };
}

// `mql test`: the built command on the example program, on a copy with a broken expectation, and
// the same tests run in-process through core + runtime (the results must agree).

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileProgram } from '@mql/core';
import { load, type TestOutcome } from '@mql/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeHost, toCorePath } from '../src/host.js';
import { mql, ROOT, sourceLines } from './run-cli.js';

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A copy of examples/b2b-funnel with `edit` applied to funnel.mql (and lead.mql). */
function exampleCopy(edit: { funnel?: (text: string) => string; lead?: (text: string) => string } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'mql-test-'));
  temps.push(dir);
  cpSync(join(ROOT, 'examples/b2b-funnel'), dir, { recursive: true });
  for (const [file, change] of [['funnel.mql', edit.funnel], ['lead.mql', edit.lead]] as const) {
    if (change) writeFileSync(join(dir, file), change(readFileSync(join(dir, file), 'utf8')));
  }
  return dir;
}

const replaceOnce = (text: string, from: string, to: string): string => {
  expect(text.split(from)).toHaveLength(2);
  return text.replace(from, to);
};

const EXAMPLE_TESTS = [
  'A director at a software company who binged pricing is an MQL',
  'A free-mail address never becomes an MQL, whatever the activity',
  'A qualified, reachable buyer with budget and timing is an SQO',
  'Procurement titles are disqualified by points',
  'Engagement is capped per rule and clamped to its range',
  'Activity older than every window counts for nothing',
];
const example = sourceLines(join(ROOT, 'examples/b2b-funnel/funnel.mql'));
/** examples/crm-export: the lead key, placeholders, `contains any` and numeric functions. */
const CRM_TESTS = [
  'A working professional who spent half an hour on the site is an MQL',
  '"Select" and "N/A" are not given: no points for them, and `is missing` holds',
  'Time on site counts at most 20 points, visits at most 10',
  'A procurement title buys for others, whatever its other words',
  'A lead that asked not to be emailed is never an MQL',
];
const crm = sourceLines(join(ROOT, 'examples/crm-export/crm.mql'));

describe('mql test', () => {
  it('runs the examples’ eleven tests, all passing, and ends with the CI summary line', () => {
    const run = mql(['test', 'examples']);
    expect(run).toEqual({
      status: 0,
      stderr: '',
      stdout: [
        ...EXAMPLE_TESTS.map((description) => `✓ ${description}  examples/b2b-funnel/funnel.mql:${example.test(description)}`),
        ...CRM_TESTS.map((description) => `✓ ${description}  examples/crm-export/crm.mql:${crm.test(description)}`),
        '11 passed, 0 failed',
        '',
      ].join('\n'),
    });
  });

  it('fails on a wrong expectation, showing expected and actual values and the explanation', () => {
    const dir = exampleCopy({ funnel: (text) => replaceOnce(text, '  expect fit == -15\n', '  expect fit == -10\n') });
    const at = sourceLines(join(dir, 'funnel.mql'));
    const procurement = 'Procurement titles are disqualified by points';
    const run = mql(['test', '.'], { cwd: dir });
    expect(run.status).toBe(1);
    const lines = run.stdout.split('\n');
    expect(lines.slice(3, 6)).toEqual([
      `✗ ${procurement}  funnel.mql:${at.test(procurement)}`,
      `    ✗ expected fit == -10, got fit = -15   funnel.mql:${at.expectation(procurement, 'fit == -10')}`,
      '    Explanation',
    ]);
    // The explanation shows the rules behind the actual value.
    const last = EXAMPLE_TESTS[5]!;
    const explanation = lines.slice(6, lines.indexOf(`✓ ${EXAMPLE_TESTS[4]}  funnel.mql:${at.test(EXAMPLE_TESTS[4]!)}`));
    expect(explanation).toContain(
      `            ✗ require Fits our ideal customer profile: fit >= 30               fit = -15   funnel.mql:${at.clause('Fits our ideal customer profile')}`,
    );
    const fit = explanation.indexOf('        fit -15');
    expect(explanation.slice(fit, fit + 4)).toEqual([
      '        fit -15',
      `            +15  Target industry     funnel.mql:${at.rule('Target industry')}`,
      `            +20  Decision maker      funnel.mql:${at.rule('Decision maker')}`,
      `            -50  Procurement title   funnel.mql:${at.rule('Procurement title')}`,
    ]);
    expect(lines.slice(-3)).toEqual([`✓ ${last}  funnel.mql:${at.test(last)}`, '5 passed, 1 failed', '']);
  });

  it('shows the actual stage of a failed stage expectation', () => {
    const dir = exampleCopy({ funnel: (text) => replaceOnce(text, '  expect stage SQO\n', '  expect stage SAL\n') });
    const run = mql(['test', 'funnel.mql'], { cwd: dir });
    expect(run.status).toBe(1);
    const at = sourceLines(join(dir, 'funnel.mql'));
    const sqo = EXAMPLE_TESTS[2]!;
    expect(run.stdout).toContain(`✗ ${sqo}  funnel.mql:${at.test(sqo)}\n    ✗ expected stage SAL, got stage SQO   funnel.mql:${at.expectation(sqo, 'stage SAL')}\n`);
    expect(run.stdout.endsWith('\n5 passed, 1 failed\n')).toBe(true);
  });

  it('runs an imported file’s tests once, as part of the program that imports it', () => {
    // Compiled alone, lead.mql would not know `fit`: it must not be compiled as an entry of its own.
    const leadTest = '\ntest "Tests may live in an imported file" {\n  lead { email: "a@b.c", consent: true, company: {} }\n  expect fit == 0\n}\n';
    const dir = exampleCopy({ lead: (text) => text + leadTest });
    const run = mql(['test', '.'], { cwd: dir });
    expect(run.status).toBe(0);
    const lines = run.stdout.split('\n');
    // Program order: the imported file's declarations (and tests) come first.
    expect(lines[0]).toBe(`✓ Tests may live in an imported file  lead.mql:${readFileSync(join(dir, 'lead.mql'), 'utf8').split('\n').indexOf('test "Tests may live in an imported file" {') + 1}`);
    expect(lines.filter((line) => line.startsWith('✓ Tests may live'))).toHaveLength(1);
    expect(lines.slice(-2)).toEqual(['7 passed, 0 failed', '']);
  });

  it('prints compile errors and exits 1 without running that program’s tests', () => {
    const dir = exampleCopy({ funnel: (text) => replaceOnce(text, '  expect fit == 45\n', '  expect fitt == 45\n') });
    const run = mql(['test', '.'], { cwd: dir });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('error[');
    expect(run.stdout).toContain('fitt');
    expect(run.stdout.split('\n').slice(-3)).toEqual(['A program did not compile; its tests did not run', '0 passed, 0 failed', '']);
  });

  it('reports a folder without tests as 0 passed, 0 failed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mql-test-'));
    temps.push(dir);
    cpSync(join(ROOT, 'examples/b2b-funnel/lead.mql'), join(dir, 'lead.mql'));
    expect(mql(['test', dir])).toEqual({ status: 0, stderr: '', stdout: '0 passed, 0 failed\n' });
    expect(mql(['test', join(dir, 'missing')])).toEqual({ status: 2, stdout: '', stderr: `mql: no such file or folder: ${join(dir, 'missing')}\n` });
  });
});

describe('mql test agrees with the runtime', () => {
  /** The test outcomes of a program, compiled and run in-process. */
  function outcomes(entry: string): TestOutcome[] {
    const compiled = compileProgram(toCorePath(entry), nodeHost);
    expect(compiled.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    return load(compiled.artifact!).runTests();
  }

  it('on the example, test by test', () => {
    const inProcess = outcomes(join(ROOT, 'examples/b2b-funnel/funnel.mql'));
    const expected = inProcess.map((o) => `${o.passed ? '✓' : '✗'} ${o.description}  examples/b2b-funnel/funnel.mql:${o.loc.line}`);
    expect(mql(['test', 'examples/b2b-funnel']).stdout).toBe([...expected, '6 passed, 0 failed', ''].join('\n'));
    expect(inProcess.map((o) => [o.description, o.passed])).toEqual(EXAMPLE_TESTS.map((d) => [d, true]));
  });

  it('on a failing copy, with the same actual values', () => {
    const dir = exampleCopy({ funnel: (text) => replaceOnce(text, '  expect engagement == 40\n', '  expect engagement == 41 and fit > 0\n') });
    const [, freemail] = outcomes(join(dir, 'funnel.mql'));
    expect(freemail!.passed).toBe(false);
    const failed = freemail!.valid ? freemail!.expectations.filter((e) => !e.passed) : [];
    expect(failed.map((e) => [e.text, e.actual])).toEqual([['engagement == 41 and fit > 0', { engagement: 40, fit: 25 }]]);
    const run = mql(['test', '.'], { cwd: dir });
    expect(run.stdout).toContain(`    ✗ expected engagement == 41 and fit > 0, got engagement = 40, fit = 25   funnel.mql:${failed[0]!.loc.line}\n`);
  });
});

// examples/ci/mql.yml, the GitHub Actions workflow: it parses, has what code scanning and the
// pull-request comment need, and every `mql` command it runs exists with the options it passes.
// Its steps are run here on the rules the workflow names (the diff against this repository's HEAD).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { mql, ROOT } from './run-cli.js';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Workflow {
  on: { pull_request: { paths: string[] } };
  permissions: Record<string, string>;
  env: Record<string, string>;
  jobs: Record<string, { steps: Step[] }>;
}

const document = parseDocument(readFileSync(join(ROOT, 'examples/ci/mql.yml'), 'utf8'));
const workflow = document.toJS() as Workflow;
const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
const uses = (action: string) => steps.find((s) => s.uses?.startsWith(`${action}@`));

/** Each `mql …` invocation in the run scripts, as words, with the workflow's env variables filled in. */
const invocations = steps.flatMap((step) =>
  (step.run ?? '')
    .split('\n')
    .map((line) => line.trim().match(/(?:^|\s)npx mql (.*?)(?:\s*(?:>|\|\|).*)?$/)?.[1])
    .filter((command): command is string => command !== undefined)
    .map((command) => command.replace(/"\$(\w+)"/g, (_, name: string) => workflow.env[name] ?? `$${name}`).split(/\s+/)),
);

describe('examples/ci/mql.yml', () => {
  it('is valid YAML', () => {
    expect(document.errors).toEqual([]);
    expect(document.warnings).toEqual([]);
  });

  it('runs on pull requests touching .mql files, with the permissions and history the steps need', () => {
    expect(workflow.on.pull_request.paths).toEqual(['**/*.mql', '**/mql.config.json']);
    expect(workflow.permissions).toMatchObject({ 'security-events': 'write', 'pull-requests': 'write' });
    expect(uses('actions/checkout')?.with).toEqual({ 'fetch-depth': 0 });
    expect(uses('actions/setup-node')?.with).toMatchObject({ 'node-version': 20 });
    expect(steps.some((s) => s.run === 'npm ci')).toBe(true);
    expect(uses('github/codeql-action/upload-sarif')?.with).toMatchObject({ sarif_file: 'mql.sarif' });
    expect(steps.some((s) => s.run?.includes('--format sarif') && s.run.includes('> mql.sarif'))).toBe(true);
    expect(uses('marocchino/sticky-pull-request-comment')?.with).toMatchObject({ path: 'mql-diff.md' });
  });

  it('runs fmt --check, check (github and sarif), test and diff (markdown, against the base branch)', () => {
    expect(invocations.map((words) => words.slice(0, 3).join(' '))).toEqual([
      'fmt --check examples/b2b-funnel',
      'check --format github',
      'check --format sarif',
      'test examples/b2b-funnel',
      'diff --base $BASE_REF',
    ]);
    expect(invocations[4]).toEqual(['diff', '--base', '$BASE_REF', 'examples/b2b-funnel/funnel.mql', '--data', 'examples/data/leads.jsonl', '--now', '2026-11-01T00:00:00Z', '--format', 'markdown']);
  });

  it('only uses commands and options the CLI has', () => {
    for (const [command, ...args] of invocations) {
      const help = mql([command!, '--help']);
      expect(help.status, `mql ${command} --help`).toBe(0);
      for (const option of args.filter((a) => a.startsWith('--'))) expect(help.stdout, `mql ${command} ${option}`).toContain(option);
    }
  });

  it('passes its steps on the rules it names (the diff against the HEAD of this repository)', () => {
    for (const words of invocations) {
      const run = mql(words.map((word) => (word === '$BASE_REF' ? 'HEAD' : word)));
      expect(run.status, `mql ${words.join(' ')}\n${run.stdout}${run.stderr}`).toBe(0);
      if (words[0] === 'diff') expect(run.stdout).toMatch(/^### MQL rules: stage changes\n/);
    }
  });
});

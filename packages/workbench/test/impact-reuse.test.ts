// Counts reused across edits that change no rule: `countingKey` ignores locations, documentation
// and tests, and `reuse` places the previous counts at the new locations, giving what a full run
// of the edited program gives.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileProgram } from '@mql/core';
import { load } from '@mql/runtime';
import { countingKey, ImpactRun, readSample } from '../src/index.js';

const repo = path.resolve(import.meta.dirname, '..', '..', '..');
const LEAD = readFileSync(path.join(repo, 'examples', 'b2b-funnel', 'lead.mql'), 'utf8');
const FUNNEL = readFileSync(path.join(repo, 'examples', 'b2b-funnel', 'funnel.mql'), 'utf8');
const SAMPLE = readFileSync(path.join(repo, 'examples', 'data', 'sample-leads.jsonl'), 'utf8');
const NOW = Date.parse('2026-11-01T00:00:00Z');

function engineOf(funnel: string) {
  const files: Record<string, string> = { '/w/lead.mql': LEAD, '/w/funnel.mql': funnel };
  return load(compileProgram('/w/funnel.mql', { readFile: (p) => files[p] }).artifact!);
}

describe('reusing counts', () => {
  it('an edit of comments, documentation and tests keeps the key; reused counts equal a full run at the new locations', async () => {
    const edited = FUNNEL.replace('stage MQL', '// A comment that moves every line below.\n\n/// The first stage.\nstage MQL').replace('expect fit == 45', 'expect fit == 46');
    const [before, after] = [engineOf(FUNNEL), engineOf(edited)];
    expect(countingKey(after.artifact)).toBe(countingKey(before.artifact));
    const sample = await readSample({ file: 'sample.jsonl', idKey: 'id' }, SAMPLE, before);
    const first = new ImpactRun(before, sample, '/w/funnel.mql', NOW);
    first.step(Infinity);
    const full = new ImpactRun(after, sample, '/w/funnel.mql', NOW);
    full.step(Infinity);
    const reused = new ImpactRun(after, sample, '/w/funnel.mql', NOW);
    expect(reused.reuse(first.result())).toEqual(full.result());
    expect(reused.done).toBe(true);
    // The locations did move (so the reuse placed them anew).
    expect(full.result().stages[0]!.at).not.toEqual(first.result().stages[0]!.at);
  });

  it('a changed threshold changes the key', () => {
    const edited = FUNNEL.replace('fit >= 30', 'fit >= 31');
    expect(edited).not.toBe(FUNNEL);
    expect(countingKey(engineOf(edited).artifact)).not.toBe(countingKey(engineOf(FUNNEL).artifact));
  });
});

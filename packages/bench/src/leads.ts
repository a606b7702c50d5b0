// The benchmark's leads: examples/generate-data.mjs output (deterministic for given arguments),
// written once under dist/ and read back whole, because the evaluation benchmark times engines on
// leads held in memory (the batch benchmark is the one that streams).

import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { RawLead } from './lead.js';

export interface LeadSet {
  leads: number;
  eventsPerLead: number;
  seed: number;
}

export function leadsFile(dataDir: string, set: LeadSet, generator = ''): string {
  return path.join(dataDir, `leads-${set.leads}x${set.eventsPerLead}-seed${set.seed}${generator}`, 'leads.jsonl');
}

/**
 * Generates the lead set unless an earlier run already did; returns the JSONL file. With `csv`,
 * the same leads as `leads.csv` and `events.csv` next to it.
 */
export function ensureLeads(repoRoot: string, dataDir: string, set: LeadSet, csv = false): string {
  const script = path.join(repoRoot, 'examples/generate-data.mjs');
  // Files from an older generator (without outcomes, say) are not reused.
  const file = leadsFile(dataDir, set, `-${createHash('sha256').update(readFileSync(script)).digest('hex').slice(0, 8)}`);
  const csvFiles = csv ? ['leads.csv', 'events.csv'].map((name) => path.join(path.dirname(file), name)) : [];
  if ([file, ...csvFiles].every((f) => existsSync(f))) return file;
  const args = ['--leads', String(set.leads), '--events-per-lead', String(set.eventsPerLead), '--seed', String(set.seed)];
  const run = spawnSync(process.execPath, [script, ...args, '--format', csv ? 'jsonl,csv' : 'jsonl', '--out', path.dirname(file)], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`generate-data failed:\n${run.stderr}`);
  return file;
}

export function readLeads(file: string): RawLead[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as RawLead);
}

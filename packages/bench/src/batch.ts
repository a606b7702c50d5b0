// The batch benchmark: `mql eval` (and `mql backtest`) streaming a large JSONL file of generated leads, run as a user
// runs it (the built CLI in its own process, results written to /dev/null). It reports wall time,
// leads/s, and the process's resident memory sampled over the run from /proc, so a flat line shows
// that the input is streamed rather than loaded whole.

import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ensureLeads } from './leads.js';
import { table, thousands } from './table.js';

export interface BatchOptions {
  repoRoot: string;
  dataDir: string;
  leads: number;
  eventsPerLead: number;
  log: (line?: string) => void;
}

interface Sample {
  seconds: number;
  rssMiB: number;
}

interface BatchRun {
  wallSeconds: number;
  peakMiB: number;
  samples: Sample[];
  summary: string;
}

const NOW = '2026-11-01T00:00:00Z';

export async function runBatch(options: BatchOptions): Promise<void> {
  const { repoRoot, log } = options;
  const started = Date.now();
  const file = ensureLeads(repoRoot, options.dataDir, { leads: options.leads, eventsPerLead: options.eventsPerLead, seed: 42 }, true);
  const generated = Date.now() - started;
  const csv = { leads: path.join(path.dirname(file), 'leads.csv'), events: path.join(path.dirname(file), 'events.csv') };
  const gib = (f: string) => (statSync(f).size / 2 ** 30).toFixed(2);
  log(`  input: ${path.relative(repoRoot, file)} (${gib(file)} GiB, ${options.leads.toLocaleString('en-US')} leads; generated in ${(generated / 1000).toFixed(0)} s or reused)`);
  log(`  and the same leads as CSV: leads.csv ${gib(csv.leads)} GiB, events.csv ${gib(csv.events)} GiB`);
  const cli = path.join(repoRoot, 'packages/cli/bin/mql.js');
  const rules = path.join(repoRoot, 'examples/b2b-funnel/funnel.mql');
  let explained = 0;
  // The runtime engine (lean and explained), then the same lean batch scored in DuckDB; then both
  // engines on the same leads as CSV (leads and an events file joined by key), which DuckDB reads
  // natively, while from JSON lines it takes every record and event apart field by field.
  const csvData = ['--data', csv.leads, '--events', csv.events, '--key', 'lead_id'];
  const modes: Record<string, { args: string[]; title: string }> = {
    lean: { args: ['--data', file, '--lean'], title: '--data leads.jsonl --lean' },
    explained: { args: ['--data', file], title: '--data leads.jsonl (explained results)' },
    duckdb: { args: ['--data', file, '--engine', 'duckdb'], title: '--data leads.jsonl --engine duckdb' },
    'csv lean': { args: [...csvData, '--lean'], title: '--data leads.csv --events events.csv --lean' },
    'csv duckdb': { args: [...csvData, '--engine', 'duckdb'], title: '--data leads.csv --events events.csv --engine duckdb' },
  };
  for (const [mode, { args: extra, title }] of Object.entries(modes)) {
    const args = [cli, 'eval', rules, '--now', NOW, '--format', 'jsonl', ...extra];
    const run = await measure(args);
    if (mode === 'explained') explained = run.wallSeconds;
    const rate = options.leads / run.wallSeconds;
    log('');
    log(`  mql eval ${title} --format jsonl > /dev/null`);
    log(
      table(
        ['wall time', 'leads/s', 'peak RSS', 'RSS at 25% / 50% / 75% / 100% of the run'],
        [[`${run.wallSeconds.toFixed(1)} s`, thousands(rate), `${run.peakMiB.toFixed(0)} MiB`, rssProfile(run.samples)]],
        new Set([0, 1, 2]),
      ),
    );
    log(`  summary printed by mql: ${run.summary}`);
  }
  // The backtest evaluates every lead explained (it needs clause outcomes and rule contributions)
  // and folds it into counters instead of writing it; its target is at most 1.5× explained eval.
  // It runs in worker threads by default (a file this size), and in one thread for comparison.
  for (const workers of ['default', '0']) {
    const threads = workers === 'default' ? [] : ['--workers', workers];
    const run = await measure([cli, 'backtest', rules, '--data', file, '--now', NOW, '--outcome', 'converted', '--value', 'amount', '--format', 'json', ...threads]);
    log('');
    log(`  mql backtest --outcome converted --value amount --format json${threads.length > 0 ? ` ${threads.join(' ')} (one thread)` : ' (worker threads)'} > /dev/null`);
    log(
      table(
        ['wall time', 'leads/s', 'vs explained eval', 'peak RSS', 'RSS at 25% / 50% / 75% / 100% of the run'],
        [[`${run.wallSeconds.toFixed(1)} s`, thousands(options.leads / run.wallSeconds), `${(run.wallSeconds / explained).toFixed(2)}×`, `${run.peakMiB.toFixed(0)} MiB`, rssProfile(run.samples)]],
        new Set([0, 1, 2, 3]),
      ),
    );
  }
}

/** Runs the command with stdout to /dev/null, sampling its RSS every 250 ms from /proc. */
function measure(args: string[]): Promise<BatchRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const samples: Sample[] = [];
    let peakKiB = 0;
    const statusFile = `/proc/${child.pid}/status`;
    const timer = setInterval(() => {
      if (!existsSync(statusFile)) return;
      const status = readFileSync(statusFile, 'utf8');
      const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      peakKiB = Math.max(peakKiB, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
      samples.push({ seconds: (performance.now() - started) / 1000, rssMiB: rss / 1024 });
    }, 250);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      if (code !== 0) return reject(new Error(`${args.slice(1, 3).map((a) => path.basename(a)).join(' ')} exited with ${code}:\n${stderr}`));
      // The count line and the stage counts, so that runs of different engines and inputs can be seen to agree.
      const lines = stderr.split('\n');
      const summary = [lines.find((line) => line.startsWith('Evaluated')) ?? '(no summary line)', lines.find((line) => line.trimStart().startsWith('furthest stage'))?.trim()].filter(Boolean).join('; ');
      resolve({ wallSeconds: (performance.now() - started) / 1000, peakMiB: peakKiB / 1024, samples, summary });
    });
  });
}

function rssProfile(samples: readonly Sample[]): string {
  if (samples.length === 0) return 'no samples (not Linux?)';
  const at = (fraction: number) => samples[Math.min(samples.length - 1, Math.floor(fraction * (samples.length - 1)))]!.rssMiB.toFixed(0);
  return `${at(0.25)} / ${at(0.5)} / ${at(0.75)} / ${at(1)} MiB`;
}

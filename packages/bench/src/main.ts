// `npm run bench`: the benchmark suites, one after the other, with the machine printed first.
//
//   npm run bench [-- --suite throughput,compiler] [--leads 20000] [--runs 5] [--passes 3]
//
// Suites:
//   throughput  evaluation throughput of the shared rule set, this runtime against other engines
//   compiler    check + build of generated 1k / 10k / 50k-line programs
//   batch       `mql eval` streaming 1,000,000 generated leads (JSONL) through the built CLI

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runBatch } from './batch.js';
import { runCompilerScaling } from './compiler.js';
import { ensureLeads } from './leads.js';
import { describeMachine } from './machine.js';
import { runThroughput } from './throughput.js';

const DIST = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(DIST, '../../..');
const SUITES = ['throughput', 'compiler', 'batch'] as const;
type Suite = (typeof SUITES)[number];

const log = (line = '') => process.stdout.write(`${line}\n`);

function options() {
  const { values } = parseArgs({
    options: {
      suite: { type: 'string', default: SUITES.join(',') },
      leads: { type: 'string', default: '20000' },
      'batch-leads': { type: 'string', default: '1000000' },
      'events-per-lead': { type: 'string', default: '20' },
      runs: { type: 'string', default: '5' },
      passes: { type: 'string', default: '3' },
      sizes: { type: 'string', default: '1000,10000,50000' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const positive = (name: string, text: string) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got "${text}"`);
    return n;
  };
  const suites = values.suite.split(',').map((s) => s.trim());
  for (const s of suites) if (!(SUITES as readonly string[]).includes(s)) throw new Error(`unknown suite "${s}" (${SUITES.join(', ')})`);
  return {
    help: values.help,
    suites: new Set(suites as Suite[]),
    leads: positive('leads', values.leads),
    batchLeads: positive('batch-leads', values['batch-leads']),
    eventsPerLead: positive('events-per-lead', values['events-per-lead']),
    runs: positive('runs', values.runs),
    passes: positive('passes', values.passes),
    sizes: values.sizes.split(',').map((s) => positive('sizes', s.trim())),
  };
}

async function main(): Promise<void> {
  const opts = options();
  if (opts.help) {
    log(readUsage());
    return;
  }
  log('MQL benchmarks');
  for (const line of describeMachine()) log(`  ${line}`);

  if (opts.suites.has('throughput')) {
    log('');
    log(`== Evaluation throughput: rules/scoring.mql and its equivalents`);
    const set = { leads: opts.leads, eventsPerLead: opts.eventsPerLead, seed: 42 };
    const leadsFile = ensureLeads(REPO_ROOT, path.join(DIST, 'data'), set);
    runThroughput({ workerScript: path.join(DIST, 'eval-worker.js'), leadsFile, runs: opts.runs, passes: opts.passes, log });
  }
  if (opts.suites.has('compiler')) {
    log('');
    log('== Compiler: check + build of generated programs');
    runCompilerScaling({ workerScript: path.join(DIST, 'compile-worker.js'), sizes: opts.sizes, runs: Math.min(opts.runs, 3), log });
  }
  if (opts.suites.has('batch')) {
    log('');
    log(`== Batch: mql eval on ${opts.batchLeads.toLocaleString('en-US')} generated leads`);
    await runBatch({ repoRoot: REPO_ROOT, dataDir: path.join(DIST, 'data'), leads: opts.batchLeads, eventsPerLead: opts.eventsPerLead, log });
  }
}

function readUsage(): string {
  return `usage: npm run bench [-- options]
  --suite LIST          throughput, compiler, batch (default: all)
  --leads N             leads for the throughput suite (default 20000)
  --batch-leads N       leads for the batch suite (default 1000000)
  --events-per-lead N   average events per lead (default 20)
  --runs N              processes per engine / program size (default 5; compiler at most 3)
  --passes N            timed passes per throughput process (default 3)
  --sizes LIST          compiler program sizes in lines (default 1000,10000,50000)`;
}

try {
  await main();
} catch (error) {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}

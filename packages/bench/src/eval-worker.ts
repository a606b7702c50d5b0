// One engine in its own process (spawned by throughput.ts): load the rules (timed), check the
// engine's outcome on every lead against the hand-written function (any difference fails the run
// before anything is timed), then time whole passes over the leads. For an engine with a record
// check of its own (MQL's `validate`), the check alone, the hand-written ceiling and CEL are timed
// over the same leads too, interleaved with the engine's evaluation in chunks of 1,000 leads so
// that every ratio compares like moments on the machine. Prints one JSON line.
//
//   node dist/eval-worker.js ENGINE_ID LEADS_JSONL PASSES iso|epoch
//
// With `epoch`, every event's `at` is turned into epoch ms after reading (not timed).

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Evaluator, Validator } from './engines/engine.js';
import { engineById, SAME_PROCESS_RIVAL } from './engines/index.js';
import { handWrittenFor, type LeadScorer } from './engines/hand-written.js';
import { prepareFacts } from './facts.js';
import { NOW, parseDateForm, sameOutcome, withEpochDates, type DateForm, type Outcome, type RawLead } from './lead.js';
import { readLeads } from './leads.js';

export interface WorkerReport {
  engine: string;
  dates: DateForm;
  loadMs: number;
  phases?: Record<string, number>;
  /** Leads per second of each timed pass (wall-clock time). */
  passes: number[];
  /**
   * The same passes in leads per second of this process's CPU time (user + system): on a shared
   * machine the time the pass actually ran, which waiting for a core does not inflate.
   */
  cpuPasses: number[];
  /**
   * For an engine with its own record check: leads per second of each pass of the check alone
   * (`validate`) and of the hand-written ceiling (`hand-written`), timed in this process.
   */
  companions?: Record<string, number[]>;
  /** The companions' passes in leads per second of CPU time. */
  cpuCompanions?: Record<string, number[]>;
  leads: number;
  events: number;
  /** Leads per stage (`none` for no stage), from the check pass. */
  stages: Record<string, number>;
}

/** The bundle lives in dist/; rules/ is beside it. */
const RULES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'rules');

/** Not an engine: the fact preparation that the general-purpose engines' timings include. */
const FACTS_ONLY = 'facts';

async function main([id, file, passesArg, datesArg]: string[]): Promise<void> {
  if (id === undefined || file === undefined) throw new Error('usage: eval-worker ENGINE_ID LEADS_JSONL [PASSES] [iso|epoch]');
  const dates = parseDateForm(datesArg ?? 'iso');
  const leads = dates === 'epoch' ? withEpochDates(readLeads(file)) : readLeads(file);
  const passes = Number(passesArg ?? 3);
  const report: WorkerReport = { engine: id, dates, loadMs: 0, passes: [], cpuPasses: [], leads: leads.length, events: 0, stages: {} };
  for (const lead of leads) report.events += lead.events?.length ?? 0;

  let evaluator: Evaluator;
  let validate: Validator | undefined;
  if (id === FACTS_ONLY) {
    evaluator = { kind: 'sync', run: (lead) => (prepareFacts(lead, NOW), NO_OUTCOME) };
  } else {
    const started = performance.now();
    const loaded = await engineById(id).load(RULES_DIR, dates);
    report.loadMs = performance.now() - started;
    if (loaded.phases) report.phases = loaded.phases;
    evaluator = loaded.evaluator;
    validate = loaded.validate;
    report.stages = await check(evaluator, leads, handWrittenFor(dates));
  }
  // An engine with its own record check also times, in this process and interleaved with its own
  // evaluation chunk by chunk, the check alone, the hand-written ceiling and the fastest other
  // engine (CEL, whose outcomes were checked in its own process): ratios that machine load cannot skew.
  const ceiling = handWrittenFor(dates);
  const companions: Record<string, (lead: RawLead) => number> | undefined =
    validate === undefined
      ? undefined
      : {
          'hand-written': (lead) => ceiling(lead, NOW).fit,
          validate: (lead) => (validate(lead) ? 0 : NaN),
          [SAME_PROCESS_RIVAL]: await rivalScorer(dates),
        };
  if (companions !== undefined) {
    report.companions = Object.fromEntries(Object.keys(companions).map((name) => [name, []]));
    report.cpuCompanions = Object.fromEntries(Object.keys(companions).map((name) => [name, []]));
  }
  // One untimed pass of each companion first, as the check pass is for the engine itself, so that
  // no JIT is still warming up in a timed pass (CEL's first pass runs at about half speed).
  for (const fn of Object.values(companions ?? {})) timeLoop(fn, leads);
  for (let pass = 0; pass < passes; pass++) {
    if (companions === undefined) {
      const timed = await timePass(evaluator, leads);
      report.passes.push(timed.wall);
      report.cpuPasses.push(timed.cpu);
      continue;
    }
    if (evaluator.kind !== 'sync') throw new Error(`engine "${id}" has a record check but is not synchronous`);
    const run = evaluator.run;
    const timed = timeInterleaved({ engine: (lead) => run(lead).fit, ...companions }, leads);
    report.passes.push(timed.engine!.wall);
    report.cpuPasses.push(timed.engine!.cpu);
    for (const name of Object.keys(companions)) {
      report.companions![name]!.push(timed[name]!.wall);
      report.cpuCompanions![name]!.push(timed[name]!.cpu);
    }
  }
  process.stdout.write(JSON.stringify(report) + '\n');
}

const NO_OUTCOME: Outcome = { stage: null, fit: 0, engagement: 0 };

async function rivalScorer(dates: DateForm): Promise<(lead: RawLead) => number> {
  const { evaluator } = await engineById(SAME_PROCESS_RIVAL).load(RULES_DIR, dates);
  if (evaluator.kind !== 'sync') throw new Error(`${SAME_PROCESS_RIVAL} is expected to be synchronous`);
  return (lead) => evaluator.run(lead).fit;
}

/** Every lead's outcome must equal the hand-written function's. Also warms the engine up. */
async function check(evaluator: Evaluator, leads: RawLead[], reference: LeadScorer): Promise<Record<string, number>> {
  const stages: Record<string, number> = {};
  const mismatches: string[] = [];
  for (const lead of leads) {
    const expected = reference(lead, NOW);
    const actual = evaluator.kind === 'sync' ? evaluator.run(lead) : await evaluator.run(lead);
    if (!sameOutcome(actual, expected)) {
      mismatches.push(`${lead.id}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
    }
    const stage = expected.stage ?? 'none';
    stages[stage] = (stages[stage] ?? 0) + 1;
  }
  if (mismatches.length > 0) {
    const shown = mismatches.slice(0, 10).join('\n  ');
    throw new Error(`outcomes differ from the hand-written function on ${mismatches.length} of ${leads.length} leads:\n  ${shown}`);
  }
  return stages;
}

/** Leads per second, by wall-clock and by CPU time, over one pass. */
interface Rates {
  wall: number;
  cpu: number;
}

function clock(): () => Rates {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return { wall: (performance.now() - wall) / 1000, cpu: (used.user + used.system) / 1e6 };
  };
}

function rates(leads: number, seconds: Rates): Rates {
  return { wall: leads / seconds.wall, cpu: leads / seconds.cpu };
}

/** One pass over the leads. Sync engines run in a plain loop (no await per lead). */
async function timePass(evaluator: Evaluator, leads: RawLead[]): Promise<Rates> {
  let sink = 0; // keeps the results observable so no work is optimised away
  const stop = clock();
  if (evaluator.kind === 'sync') {
    for (const lead of leads) sink += evaluator.run(lead).fit;
  } else {
    for (const lead of leads) sink += (await evaluator.run(lead)).fit;
  }
  const seconds = stop();
  if (Number.isNaN(sink)) throw new Error('unreachable: a score was NaN');
  return rates(leads.length, seconds);
}

/**
 * Leads per interleaved chunk. The machine's speed drifts by up to half within a second or two
 * (every engine's passes move together), while an MQL pass over 10,000 leads lasts about 60 ms and
 * a CEL pass about 700 ms: timed whole pass against whole pass, the two saw different machines and
 * their ratio swung from 10 to 18 within one process. Chunks of 1,000 leads (about 6 ms of MQL,
 * 70 ms of CEL, under 0.1 s for a round of all four) are short against the drift and long against
 * refilling the caches after a switch.
 */
const CHUNK = 1000;

/**
 * One pass of each function over the same leads, interleaved chunk by chunk, so that all of them
 * are timed on the same machine from moment to moment. The order rotates from chunk to chunk so
 * that no function always follows the same other one (and finds its caches filled by it).
 */
function timeInterleaved(fns: Record<string, (lead: RawLead) => number>, leads: RawLead[]): Record<string, Rates> {
  const names = Object.keys(fns);
  const spent = names.map(() => ({ wall: 0, cpu: 0 }));
  for (let start = 0, chunk = 0; start < leads.length; start += CHUNK, chunk++) {
    const part = leads.slice(start, start + CHUNK);
    for (let k = 0; k < names.length; k++) {
      const i = (chunk + k) % names.length;
      const seconds = timeLoop(fns[names[i]!]!, part);
      spent[i]!.wall += seconds.wall;
      spent[i]!.cpu += seconds.cpu;
    }
  }
  return Object.fromEntries(names.map((name, i) => [name, rates(leads.length, spent[i]!)]));
}

/** Seconds for one loop of `fn` over `leads`, whose results are summed so no work is optimised away. */
function timeLoop(fn: (lead: RawLead) => number, leads: RawLead[]): Rates {
  let sink = 0;
  const stop = clock();
  for (const lead of leads) sink += fn(lead);
  const seconds = stop();
  if (Number.isNaN(sink)) throw new Error('a lead failed the record check');
  return seconds;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});

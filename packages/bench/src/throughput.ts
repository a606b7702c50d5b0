// Evaluation throughput: every engine on the same leads, each run in a fresh child process
// (eval-worker.ts), runs interleaved across engines so drift on the machine hits all of them alike.
// A run's figure is the median of its timed passes; an engine's figure is the median of its runs.

import { spawnSync } from 'node:child_process';
import { ENGINES, OTHER_ENGINE_IDS } from './engines/index.js';
import type { WorkerReport } from './eval-worker.js';
import { median, ms, table, thousands } from './table.js';

export interface ThroughputOptions {
  workerScript: string;
  leadsFile: string;
  runs: number;
  passes: number;
  log: (line: string) => void;
}

interface EngineResult {
  id: string;
  label: string;
  runs: WorkerReport[];
  /** Median over runs of each run's median pass. */
  leadsPerSecond: number;
  /** The best run: on a shared machine the least disturbed one, so the steadiest comparison. */
  best: number;
}

const FACTS_ROW = { id: 'facts', label: 'fact preparation alone (src/facts.ts)' };

export function runThroughput(options: ThroughputOptions): void {
  const { log } = options;
  const measured = [...ENGINES.map(({ id, label }) => ({ id, label })), FACTS_ROW];
  const reports = new Map<string, WorkerReport[]>(measured.map((e) => [e.id, []]));
  for (let run = 1; run <= options.runs; run++) {
    log(`  run ${run}/${options.runs}: ${measured.map((e) => e.id).join(', ')}`);
    for (const engine of measured) reports.get(engine.id)!.push(runWorker(options, engine.id));
  }
  const results: EngineResult[] = measured.map((e) => {
    const runs = reports.get(e.id)!;
    const perRun = runs.map((r) => median(r.passes));
    return { ...e, runs, leadsPerSecond: median(perRun), best: Math.max(...perRun) };
  });
  printResults(results, options);
}

function runWorker(options: ThroughputOptions, engineId: string): WorkerReport {
  const args = [options.workerScript, engineId, options.leadsFile, String(options.passes)];
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (child.status !== 0) {
    throw new Error(`engine "${engineId}" failed (exit ${child.status ?? child.signal}):\n${child.stderr.trim()}`);
  }
  return JSON.parse(child.stdout) as WorkerReport;
}

function printResults(results: EngineResult[], options: ThroughputOptions): void {
  const { log } = options;
  const byId = new Map(results.map((r) => [r.id, r]));
  const hand = byId.get('hand-written')!;
  const first = hand.runs[0]!;
  log('');
  log(`${thousands(first.leads)} leads, ${thousands(first.events)} events (${(first.events / first.leads).toFixed(1)}/lead); ` +
    `stages (hand-written): ${Object.entries(first.stages).map(([s, n]) => `${s} ${thousands(n)}`).join(', ')}`);
  log(`Every engine's stage, fit and engagement equal the hand-written function's on every lead (checked before timing).`);
  log(`${options.runs} runs per engine, each in a fresh process; a run = median of ${options.passes} timed passes after the check pass.`);
  log('');
  const rows = results.map((r) => {
    const load = r.id === 'facts' || r.id === 'hand-written' ? '-' : loadText(r.runs);
    return [
      r.label,
      thousands(r.leadsPerSecond),
      `${(1e6 / r.leadsPerSecond).toFixed(2)}`,
      `${(hand.leadsPerSecond / r.leadsPerSecond).toFixed(2)}×`,
      thousands(Math.min(...r.runs.map((run) => median(run.passes)))),
      thousands(r.best),
      `${(hand.best / r.best).toFixed(2)}×`,
      load,
    ];
  });
  const headers = ['engine', 'leads/s', 'µs/lead', 'vs hand-written', 'worst run', 'best run', 'vs hand (best)', 'load rules (ms)'];
  log(table(headers, rows, new Set([1, 2, 3, 4, 5, 6])));
  log('');
  log('JSON Logic, json-rules-engine, CEL and ZEN include the fact preparation (lower-casing, date parsing,');
  log('email domain) that their rule languages cannot express; its cost alone is the last row.');
  log('');

  const lean = byId.get('mql-lean')!;
  const explained = byId.get('mql-explained')!;
  const others = results.filter((r) => OTHER_ENGINE_IDS.has(r.id));
  const fastest = others.reduce((a, b) => (a.leadsPerSecond >= b.leadsPerSecond ? a : b));
  // Each target from the medians, and from the best runs (steadier when the machine is shared).
  const target = (label: string, ratio: (pick: (r: EngineResult) => number) => number, met: (x: number) => boolean, digits: number) => {
    const byMedian = ratio((r) => r.leadsPerSecond);
    const byBest = ratio((r) => r.best);
    return [label, `${byMedian.toFixed(digits)}×`, `${byBest.toFixed(digits)}×`, met(byMedian) ? 'yes' : 'NO'];
  };
  log(table(['target', 'medians', 'best runs', 'met (medians)'], [
    target('runtime (lean) within 1.5× of hand-written', (v) => v(hand) / v(lean), (x) => x <= 1.5, 2),
    target(`runtime (lean) ≥ 5× the fastest other engine (${fastest.label})`, (v) => v(lean) / v(fastest), (x) => x >= 5, 1),
    target('explained result ≤ 2× the cost of a lean one', (v) => v(lean) / v(explained), (x) => x <= 2, 2),
  ], new Set([1, 2])));
}

function loadText(runs: WorkerReport[]): string {
  const total = ms(median(runs.map((r) => r.loadMs)));
  const phases = runs[0]?.phases;
  if (phases === undefined) return total;
  const parts = Object.keys(phases).map((name) => `${name} ${ms(median(runs.map((r) => r.phases?.[name] ?? NaN)))}`);
  return `${total} (${parts.join(' + ')})`;
}

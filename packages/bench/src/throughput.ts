// Evaluation throughput: every engine on the same leads, each run in a fresh child process
// (eval-worker.ts), runs interleaved across engines so drift on the machine hits all of them alike.
// A run's figure is the median of its timed passes; an engine's figure is the median of its runs.
//
// The suite runs twice over the same leads: with event times as ISO-8601 strings (as generated)
// and as epoch-ms numbers, each against its own hand-written ceiling. Ratios that decide a target
// are taken inside one process where they can be: the MQL workers also time the hand-written
// ceiling and `validate()` alone, alternating pass by pass with their own evaluation.

import { spawnSync } from 'node:child_process';
import { ENGINES, OTHER_ENGINE_IDS } from './engines/index.js';
import type { WorkerReport } from './eval-worker.js';
import { DATE_FORMS, type DateForm } from './lead.js';
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

const DATE_TITLES: Record<DateForm, string> = {
  iso: 'event times as ISO-8601 strings ("2026-10-01T12:34:56Z"); the hand-written ceiling calls Date.parse',
  epoch: 'event times as epoch-ms numbers; the hand-written ceiling uses them as they are (no parsing)',
};

export function runThroughput(options: ThroughputOptions): void {
  const { log } = options;
  const measured = [...ENGINES.map(({ id, label }) => ({ id, label })), FACTS_ROW];
  const reports = new Map<string, WorkerReport[]>();
  const key = (id: string, dates: DateForm) => `${dates}:${id}`;
  for (let run = 1; run <= options.runs; run++) {
    log(`  run ${run}/${options.runs}: ${measured.map((e) => e.id).join(', ')} × ${DATE_FORMS.join(', ')}`);
    for (const dates of DATE_FORMS) {
      for (const engine of measured) {
        const list = reports.get(key(engine.id, dates)) ?? [];
        list.push(runWorker(options, engine.id, dates));
        reports.set(key(engine.id, dates), list);
      }
    }
  }
  for (const dates of DATE_FORMS) {
    const results: EngineResult[] = measured.map((e) => {
      const runs = reports.get(key(e.id, dates))!;
      const perRun = runs.map((r) => median(r.passes));
      return { ...e, runs, leadsPerSecond: median(perRun), best: Math.max(...perRun) };
    });
    log('');
    log(`-- ${dates}: ${DATE_TITLES[dates]}`);
    printResults(results, options);
  }
}

function runWorker(options: ThroughputOptions, engineId: string, dates: DateForm): WorkerReport {
  const args = [options.workerScript, engineId, options.leadsFile, String(options.passes), dates];
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (child.status !== 0) {
    throw new Error(`engine "${engineId}" (${dates} dates) failed (exit ${child.status ?? child.signal}):\n${child.stderr.trim()}`);
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

  const lean = byId.get('mql-lean')!;
  const explained = byId.get('mql-explained')!;
  log('');
  log('Measured inside each MQL process, alternating pass by pass (medians over runs of each run\'s ratio of medians):');
  const inProcess = [lean, explained].map((r) => {
    const handRatio = sameProcessRatio(r, 'hand-written');
    // evaluate() leads/s over validate() leads/s = validate() time over evaluate() time.
    const validateShare = sameProcessRatio(r, 'validate');
    return [r.label, `${handRatio.toFixed(2)}×`, `${validateShare.toFixed(2)}`];
  });
  log(table(['engine', 'speed vs hand-written, same process', 'validate() time / evaluate() time'], inProcess, new Set([1, 2])));
  log('');

  const others = results.filter((r) => OTHER_ENGINE_IDS.has(r.id));
  const fastest = others.reduce((a, b) => (a.leadsPerSecond >= b.leadsPerSecond ? a : b));
  const leanVsHand = sameProcessRatio(lean, 'hand-written');
  const leanVsHandBest = Math.max(...lean.runs.map((run) => runRatio(run, 'hand-written')));
  const vsFastest = lean.leadsPerSecond / fastest.leadsPerSecond;
  const explainedCost = lean.leadsPerSecond / explained.leadsPerSecond;
  log(table(['target', 'measured', 'best run', 'met'], [
    ['runtime (lean) at least 0.5× hand-written (same process)', `${leanVsHand.toFixed(2)}×`, `${leanVsHandBest.toFixed(2)}×`, leanVsHand >= 0.5 ? 'yes' : 'NO'],
    [`runtime (lean) at least 10× the fastest other engine (${fastest.label})`, `${vsFastest.toFixed(1)}×`, `${(lean.best / fastest.best).toFixed(1)}×`, vsFastest >= 10 ? 'yes' : 'NO'],
    ['explained result at most 2× the cost of a lean one', `${explainedCost.toFixed(2)}×`, `${(lean.best / explained.best).toFixed(2)}×`, explainedCost <= 2 ? 'yes' : 'NO'],
  ], new Set([1, 2])));
}

/** One run's engine speed over a companion's, from the medians of their passes in that process. */
function runRatio(run: WorkerReport, companion: string): number {
  const passes = run.companions?.[companion];
  if (passes === undefined) throw new Error(`engine "${run.engine}" did not time "${companion}"`);
  return median(run.passes) / median(passes);
}

function sameProcessRatio(result: EngineResult, companion: string): number {
  return median(result.runs.map((run) => runRatio(run, companion)));
}

function loadText(runs: WorkerReport[]): string {
  const total = ms(median(runs.map((r) => r.loadMs)));
  const phases = runs[0]?.phases;
  if (phases === undefined) return total;
  const parts = Object.keys(phases).map((name) => `${name} ${ms(median(runs.map((r) => r.phases?.[name] ?? NaN)))}`);
  return `${total} (${parts.join(' + ')})`;
}

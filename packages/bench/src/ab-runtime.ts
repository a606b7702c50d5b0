// A/B of two runtime builds in one process: the runtime of a git revision (bundled from that
// revision's packages/runtime/src as `@mql/runtime-base`, see scripts/ab-runtime.mjs) against the
// working tree's, with the hand-written ceiling, on the same leads, timed alternately pass by pass
// by CPU time. Machine speed drifts between processes; inside one process it slows all sides alike,
// so ratios of a few percent mean something (a build against itself: within ±2% in most runs, up to
// 5–10% in an occasional one; repeat a run before trusting it). Results are checked
// equal lead by lead first (explained results byte for byte). Prints one table.
//
//   node dist/ab/ab-runtime.js LEADS_JSONL iso|epoch ROUNDS [LEADS]   (bundled and run by scripts/ab-runtime.mjs)

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileProgram, serializeArtifact } from '@mql/core';
import { load as loadAfter, type RulesEngine } from '@mql/runtime';
// @ts-expect-error resolved by the bundler (scripts/ab-runtime.mjs), not by tsc
import { load as loadBefore } from '@mql/runtime-base';
import { handWrittenFor } from './engines/hand-written.js';
import { NOW, parseDateForm, withEpochDates, type RawLead } from './lead.js';
import { readLeads } from './leads.js';
import { median, table } from './table.js';

const RULES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'rules', 'scoring.mql');

function main([file, datesArg, roundsArg, countArg]: string[]): void {
  if (file === undefined) throw new Error('usage: ab-runtime LEADS_JSONL iso|epoch ROUNDS [LEADS]');
  const dates = parseDateForm(datesArg ?? 'epoch');
  const all = readLeads(file).slice(0, countArg === undefined ? undefined : Number(countArg));
  const leads = dates === 'epoch' ? withEpochDates(all) : all;
  const ceiling = handWrittenFor(dates);
  const { artifact, diagnostics } = compileProgram(RULES.split(path.sep).join('/'), { readFile: (p: string) => readFileSync(p, 'utf8') });
  if (artifact === undefined) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  const json = serializeArtifact(artifact);
  const after: RulesEngine = loadAfter(JSON.parse(json));
  const before: RulesEngine = loadBefore(JSON.parse(json));
  check(leads, before, after);

  const lean = { now: NOW, explain: false };
  const explained = { now: NOW, explain: true };
  const fit = (engine: RulesEngine, options: typeof lean) => (lead: RawLead) => {
    const evaluation = engine.evaluate(lead, options);
    return evaluation.ok ? evaluation.result.scores.fit! : NaN;
  };
  const sides: Record<string, (lead: RawLead) => number> = {
    'hand-written': (lead) => ceiling(lead, NOW).fit,
    'validate (before)': (lead) => (before.validate(lead).ok ? 0 : NaN),
    'validate (after)': (lead) => (after.validate(lead).ok ? 0 : NaN),
    'lean (before)': fit(before, lean),
    'lean (after)': fit(after, lean),
    'explained (before)': fit(before, explained),
    'explained (after)': fit(after, explained),
  };
  const times = new Map(Object.keys(sides).map((name) => [name, [] as number[]]));
  const rounds = Number(roundsArg ?? 12);
  for (let round = 0; round < rounds + 2; round++) {
    for (const [name, fn] of Object.entries(sides)) {
      let sink = 0;
      const started = process.cpuUsage();
      for (const lead of leads) sink += fn(lead);
      const used = process.cpuUsage(started);
      if (Number.isNaN(sink)) throw new Error(`${name}: a lead failed`);
      if (round >= 2) times.get(name)!.push(((used.user + used.system) * 1000) / leads.length); // the first two warm up
    }
  }
  const ns = (name: string) => median(times.get(name)!);
  // The fastest pass too: other processes on a shared machine only ever slow a pass down, so the
  // minimum is the steadier estimate of what the code costs when it has a core to itself.
  const fastest = (name: string) => Math.min(...times.get(name)!);
  const rows = ['validate', 'lean', 'explained'].map((kind) => [
    kind,
    ns(`${kind} (before)`).toFixed(0),
    ns(`${kind} (after)`).toFixed(0),
    `${(ns(`${kind} (after)`) / ns(`${kind} (before)`)).toFixed(3)}×`,
    `${(fastest(`${kind} (after)`) / fastest(`${kind} (before)`)).toFixed(3)}×`,
  ]);
  rows.push(['hand-written', ns('hand-written').toFixed(0), ns('hand-written').toFixed(0), '', '']);
  console.log(`${leads.length} leads, ${dates} times, median of ${rounds} passes each (CPU ns per lead)`);
  console.log(table(['', 'before', 'after', 'after ÷ before', 'fastest ÷ fastest'], rows, new Set([1, 2, 3, 4])));
  const speed = (name: string) => (ns('hand-written') / ns(name)).toFixed(3);
  console.log(`lean speed ÷ hand-written: before ${speed('lean (before)')}, after ${speed('lean (after)')}`);
}

/** Both builds must give the same lean outcome and the same explained result on every lead. */
function check(leads: RawLead[], before: RulesEngine, after: RulesEngine): void {
  for (const lead of leads) {
    const a = JSON.stringify(before.evaluate(lead, { now: NOW }));
    const b = JSON.stringify(after.evaluate(lead, { now: NOW }));
    if (a !== b) throw new Error(`the two builds differ on lead ${lead.id}:\n  before ${a}\n  after  ${b}`);
  }
}

main(process.argv.slice(2));

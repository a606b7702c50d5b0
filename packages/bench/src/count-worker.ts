// One runtime build under valgrind (scripts/ab-runtime.mjs --count): load the benchmark's rules,
// warm up, then run PASSES passes of one kind of evaluation over the leads. The script runs this
// twice with different PASSES and takes the difference of the instruction counts, so that start-up,
// compilation and warm-up cancel out and what is left is the instructions per evaluated lead.
//
// Why count instructions: on a shared machine the time of a pass varies by ±10–25% from process to
// process, which hides changes of a few percent; valgrind's count under `node --predictable` (no
// concurrent compilation or GC, no time-based heuristics) repeats within about 0.1%. It does not see
// memory stalls, so a change is judged on both: fewer instructions here, and no slower in time.
//
//   node dist/ab/count-worker-{before,after}.js LEADS_JSONL iso|epoch validate|lean|explained PASSES [LEADS]

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileProgram, serializeArtifact } from '@mql/core';
import { load } from '@mql/runtime';
import { NOW, parseDateForm, withEpochDates, type RawLead } from './lead.js';
import { readLeads } from './leads.js';

const RULES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'rules', 'scoring.mql');
const WARM_UP_PASSES = 6;

function main([file, datesArg, mode, passesArg, countArg]: string[]): void {
  if (file === undefined || mode === undefined) throw new Error('usage: count-worker LEADS_JSONL iso|epoch validate|lean|explained PASSES [LEADS]');
  const dates = parseDateForm(datesArg ?? 'epoch');
  const all = readLeads(file).slice(0, countArg === undefined ? undefined : Number(countArg));
  const leads = dates === 'epoch' ? withEpochDates(all) : all;
  const { artifact, diagnostics } = compileProgram(RULES.split(path.sep).join('/'), { readFile: (p: string) => readFileSync(p, 'utf8') });
  if (artifact === undefined) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  const engine = load(JSON.parse(serializeArtifact(artifact)));
  const options = { now: NOW, explain: mode === 'explained' };
  const run: (lead: RawLead) => number =
    mode === 'validate'
      ? (lead) => (engine.validate(lead).ok ? 0 : NaN)
      : (lead) => {
          const evaluation = engine.evaluate(lead, options);
          return evaluation.ok ? evaluation.result.scores.fit! : NaN;
        };
  let sink = 0; // keeps the results observable so no work is optimised away
  const passes = WARM_UP_PASSES + Number(passesArg ?? 0);
  for (let pass = 0; pass < passes; pass++) for (const lead of leads) sink += run(lead);
  if (Number.isNaN(sink)) throw new Error('a lead failed');
}

main(process.argv.slice(2));

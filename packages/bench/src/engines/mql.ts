// This project: rules/scoring.mql compiled by @mql/core, the artifact loaded by @mql/runtime, each
// raw lead validated, normalised and evaluated by `engine.evaluate` (lean, or with explanations).

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compileProgram, serializeArtifact } from '@mql/core';
import { load, type Evaluation } from '@mql/runtime';
import { NOW, type Outcome } from '../lead.js';
import type { EngineUnderTest, Loaded } from './engine.js';

function mqlEngine(explain: boolean): EngineUnderTest {
  return {
    id: explain ? 'mql-explained' : 'mql-lean',
    label: explain ? 'MQL runtime (explained)' : 'MQL runtime (lean)',
    load(rulesDir): Loaded {
      const started = performance.now();
      const json = compileToJson(path.join(rulesDir, 'scoring.mql'));
      const compiled = performance.now();
      const engine = load(JSON.parse(json));
      const loaded = performance.now();
      const options = { now: NOW, explain };
      return {
        evaluator: { kind: 'sync', run: (lead) => outcome(engine.evaluate(lead, options)) },
        validate: (lead) => engine.validate(lead).ok,
        phases: { 'compile .mql': compiled - started, 'load artifact': loaded - compiled },
      };
    },
  };
}

export const mqlLean = mqlEngine(false);
export const mqlExplained = mqlEngine(true);

/** What `mql build` does, in memory: the artifact's JSON text. */
function compileToJson(file: string): string {
  const entry = file.split(path.sep).join('/');
  const host = { readFile: (p: string) => readFileSync(p, 'utf8') };
  const { artifact, diagnostics } = compileProgram(entry, host);
  if (artifact === undefined) throw new Error(`${file} does not compile:\n${diagnostics.map((d) => d.message).join('\n')}`);
  return serializeArtifact(artifact);
}

function outcome(evaluation: Evaluation): Outcome {
  if (!evaluation.ok) throw new Error(`invalid lead: ${JSON.stringify(evaluation.errors)}`);
  const { stage, scores } = evaluation.result;
  return { stage, fit: scores.fit!, engagement: scores.engagement! };
}

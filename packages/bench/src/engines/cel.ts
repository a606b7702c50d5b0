// @marcbachmann/cel-js over rules/scoring.cel: three expressions parsed once; `fit` and
// `engagement` read the prepared facts as `f`, `stage` also reads the two scores.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Environment } from '@marcbachmann/cel-js';
import { prepareFacts } from '../facts.js';
import { NOW } from '../lead.js';
import type { EngineUnderTest } from './engine.js';

export const celEngine: EngineUnderTest = {
  id: 'cel',
  label: '@marcbachmann/cel-js',
  load(rulesDir) {
    const sections = readSections(readFileSync(path.join(rulesDir, 'scoring.cel'), 'utf8'));
    const env = new Environment()
      .registerVariable('f', 'map')
      .registerVariable('fit', 'double')
      .registerVariable('engagement', 'double');
    const fitOf = env.parse(section(sections, 'fit'));
    const engagementOf = env.parse(section(sections, 'engagement'));
    const stageOf = env.parse(section(sections, 'stage'));
    return {
      evaluator: {
        kind: 'sync',
        run(lead) {
          const f = prepareFacts(lead, NOW);
          const fit = fitOf({ f }) as number;
          const engagement = engagementOf({ f }) as number;
          const stage = stageOf({ f, fit, engagement }) as string;
          return { stage: stage === '' ? null : stage, fit, engagement };
        },
      },
    };
  },
};

/** `@name` lines start an expression; `//` comments stay (CEL allows them). */
function readSections(text: string): Map<string, string> {
  const lines = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    const header = /^@(\w+)\s*$/.exec(line);
    if (header === null) current?.push(line);
    else lines.set(header[1]!, (current = []));
  }
  return new Map([...lines].map(([name, body]) => [name, body.join('\n')]));
}

function section(sections: Map<string, string>, name: string): string {
  const text = sections.get(name);
  if (text === undefined) throw new Error(`rules/scoring.cel has no @${name} expression`);
  return text;
}

// @gorules/zen-engine (Rust, through N-API) over rules/scoring.zen.json: one expression node whose
// rows build on each other (`$.fit`), evaluated on the prepared facts.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ZenEngine } from '@gorules/zen-engine';
import { prepareFacts } from '../facts.js';
import { NOW } from '../lead.js';
import type { EngineUnderTest } from './engine.js';

interface ZenOutcome {
  stage?: string | null;
  fit: number;
  engagement: number;
}

export const zenEngine: EngineUnderTest = {
  id: 'zen',
  label: '@gorules/zen-engine',
  load(rulesDir) {
    const graph: unknown = JSON.parse(readFileSync(path.join(rulesDir, 'scoring.zen.json'), 'utf8'));
    const decision = new ZenEngine().createDecision(graph as object);
    return {
      evaluator: {
        kind: 'async',
        async run(lead) {
          const { result } = await decision.evaluate(prepareFacts(lead, NOW));
          const { stage, fit, engagement } = result as ZenOutcome;
          return { stage: stage ?? null, fit, engagement }; // ZEN leaves out null outputs
        },
      },
    };
  },
};

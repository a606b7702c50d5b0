// json-logic-js over rules/scoring.jsonlogic.json: three rules (fit, engagement, stage), applied to
// the prepared facts; stage reads the two scores back as facts.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import jsonLogic from 'json-logic-js';
import { prepareFacts } from '../facts.js';
import { NOW } from '../lead.js';
import type { EngineUnderTest } from './engine.js';

interface Rules {
  fit: unknown;
  engagement: unknown;
  stage: unknown;
}

export const jsonLogicEngine: EngineUnderTest = {
  id: 'json-logic',
  label: 'json-logic-js',
  load(rulesDir) {
    const rules = JSON.parse(readFileSync(path.join(rulesDir, 'scoring.jsonlogic.json'), 'utf8')) as Rules;
    return {
      evaluator: {
        kind: 'sync',
        run(lead) {
          const facts = { ...prepareFacts(lead, NOW), fit: 0, engagement: 0 };
          facts.fit = jsonLogic.apply(rules.fit, facts) as number;
          facts.engagement = jsonLogic.apply(rules.engagement, facts) as number;
          const stage = jsonLogic.apply(rules.stage, facts) as string | null;
          return { stage, fit: facts.fit, engagement: facts.engagement };
        },
      },
    };
  },
};

// The hand-written function as an engine: the ceiling for the run's form of event dates.

import { NOW } from '../lead.js';
import type { EngineUnderTest } from './engine.js';
import { handWrittenFor } from './hand-written.js';

export const handWritten: EngineUnderTest = {
  id: 'hand-written',
  label: 'hand-written TypeScript',
  load: (_rulesDir, dates) => {
    const score = handWrittenFor(dates);
    return { evaluator: { kind: 'sync', run: (lead) => score(lead, NOW) } };
  },
};

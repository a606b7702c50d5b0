import { NOW } from '../lead.js';
import type { EngineUnderTest } from './engine.js';
import { scoreLead } from './hand-written.js';

export const handWritten: EngineUnderTest = {
  id: 'hand-written',
  label: 'hand-written TypeScript',
  load: () => ({ evaluator: { kind: 'sync', run: (lead) => scoreLead(lead, NOW) } }),
};

// The engines of the evaluation benchmark, in table order. The hand-written function comes first:
// it is the reference every other engine's outcomes are checked against, and the ratios' base.

import { celEngine } from './cel.js';
import type { EngineUnderTest } from './engine.js';
import { handWritten } from './hand-written-engine.js';
import { jsonLogicEngine } from './json-logic.js';
import { jsonRulesEngine } from './json-rules-engine.js';
import { mqlExplained, mqlLean } from './mql.js';
import { zenEngine } from './zen.js';

export const ENGINES: readonly EngineUnderTest[] = [
  handWritten,
  mqlLean,
  mqlExplained,
  jsonLogicEngine,
  jsonRulesEngine,
  celEngine,
  zenEngine,
];

/** Engines other than this project's, for the "fastest other engine" comparison. */
export const OTHER_ENGINE_IDS = new Set(['json-logic', 'json-rules-engine', 'cel', 'zen']);

/**
 * The other engine that the MQL processes also time, alternating with their own passes (see
 * eval-worker.ts): the fastest of the others in every run so far.
 */
export const SAME_PROCESS_RIVAL = 'cel';

export function engineById(id: string): EngineUnderTest {
  const engine = ENGINES.find((e) => e.id === id);
  if (engine === undefined) throw new Error(`unknown engine "${id}" (${ENGINES.map((e) => e.id).join(', ')})`);
  return engine;
}

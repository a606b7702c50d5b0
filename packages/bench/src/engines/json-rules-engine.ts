// json-rules-engine over rules/scoring.rules-engine.json. Two engines: one whose rules emit
// `points` events (summed here, per-event rules multiplied by their event count and capped), and
// one for the stage chain, which reads the two scores as facts. Event counts are the parameterised
// fact `eventCount`, the library's way of computing values from the facts.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Engine, type Almanac, type RuleProperties, type TopLevelCondition } from 'json-rules-engine';
import { prepareFacts, type FactEvent } from '../facts.js';
import { NOW, DAY_MS, type Outcome } from '../lead.js';
import type { EngineUnderTest } from './engine.js';

interface EventFilter {
  type: string;
  withinDays: number;
  urlContains?: string;
  attended?: boolean;
}

interface PointsParams {
  score: 'fit' | 'engagement';
  points: number;
  /** A per-event rule: `points` for each event matching this filter, capped at `max`. */
  per?: EventFilter;
  max?: number;
}

interface RulesFile {
  conditions: Record<string, TopLevelCondition>;
  ranges: Partial<Record<PointsParams['score'], { min: number; max: number }>>;
  scoring: RuleProperties[];
  stages: RuleProperties[];
}

export const jsonRulesEngine: EngineUnderTest = {
  id: 'json-rules-engine',
  label: 'json-rules-engine',
  load(rulesDir) {
    const file = JSON.parse(readFileSync(path.join(rulesDir, 'scoring.rules-engine.json'), 'utf8')) as RulesFile;
    const scoring = makeEngine(file, file.scoring);
    const stages = makeEngine(file, file.stages);
    const stageOrder = file.stages.map((rule) => (rule.event.params as { stage: string }).stage);
    return {
      evaluator: {
        kind: 'async',
        async run(lead): Promise<Outcome> {
          const facts = prepareFacts(lead, NOW);
          const { events, almanac } = await scoring.run(facts);
          const totals = { fit: 0, engagement: 0 };
          for (const event of events) {
            const params = event.params as PointsParams;
            totals[params.score] += await rulePoints(params, almanac);
          }
          const range = file.ranges.engagement;
          const engagement = range ? Math.min(Math.max(totals.engagement, range.min), range.max) : totals.engagement;
          const staged = await stages.run({ ...facts, fit: totals.fit, engagement });
          const reached = new Set(staged.events.map((e) => (e.params as { stage: string }).stage));
          const stage = stageOrder.filter((s) => reached.has(s)).pop() ?? null;
          return { stage, fit: totals.fit, engagement };
        },
      },
    };
  },
};

function makeEngine(file: RulesFile, rules: RuleProperties[]): Engine {
  const engine = new Engine([], { allowUndefinedFacts: false });
  engine.addOperator<unknown, string>('textContains', (value, text) => typeof value === 'string' && value.includes(text));
  engine.addOperator<unknown, string>('textEndsWith', (value, text) => typeof value === 'string' && value.endsWith(text));
  engine.addOperator<unknown, boolean>('isSet', (value, expected) => (value !== null && value !== undefined) === expected);
  engine.addFact<Promise<number>>('eventCount', async (params, almanac) =>
    countEvents(await almanac.factValue<FactEvent[]>('events'), params as EventFilter),
  );
  for (const [name, condition] of Object.entries(file.conditions)) engine.setCondition(name, condition);
  for (const rule of rules) engine.addRule(rule);
  return engine;
}

function countEvents(events: FactEvent[], filter: EventFilter): number {
  const window = filter.withinDays * DAY_MS;
  let n = 0;
  for (const e of events) {
    if (e.type !== filter.type || e.age < 0 || e.age > window) continue;
    if (filter.urlContains !== undefined && !(e.url ?? '').includes(filter.urlContains)) continue;
    if (filter.attended !== undefined && e.attended !== filter.attended) continue;
    n++;
  }
  return n;
}

async function rulePoints(params: PointsParams, almanac: Almanac): Promise<number> {
  if (params.per === undefined) return params.points;
  const total = params.points * (await almanac.factValue<number>('eventCount', params.per));
  return params.max === undefined ? total : Math.sign(total) * Math.min(Math.abs(total), params.max);
}

// Coverage of a batch: how many leads each score rule fired for and each stage clause held for, so a
// tool can list the rules that never fired and the requirements that never held (a dead rule, a
// misspelt value, a stage no lead can reach). Counters are a Uint32Array indexed by the items
// below, filled by the engine when `evaluate` gets `coverage`; the lean path only pays one
// `ctx.coverage !== undefined` test per fired rule. Arrays from several workers add up.

import type { RulesArtifact, SourceLocation } from '@mql/artifact';

export interface CoverageItem {
  /** A score rule (counts leads it gave points to), a stage requirement or rejection (counts leads it held for). */
  kind: 'rule' | 'requirement' | 'rejection';
  /** The score or stage it belongs to. */
  owner: string;
  /** Its position in the score or among the stage's requirements or rejections, from 1. */
  position: number;
  /** The author's label, or the source text when unlabelled. */
  label: string;
  labelled: boolean;
  /** The condition's source text (a clause's condition; a rule's label doubles as its text when unlabelled). */
  text?: string;
  loc: SourceLocation;
}

/** The counters' layout: every rule of every rules score in order, then each stage's requirements and rejections. */
export function coverageItems(artifact: RulesArtifact): CoverageItem[] {
  const items: CoverageItem[] = [];
  for (const score of artifact.scores) {
    if (score.kind !== 'rules') continue;
    score.rules.forEach((rule, i) => items.push({ kind: 'rule', owner: score.name, position: i + 1, label: rule.label, labelled: rule.labelled, loc: rule.loc }));
  }
  for (const stage of artifact.stages) {
    for (const kind of ['requirement', 'rejection'] as const) {
      const clauses = kind === 'requirement' ? stage.requirements : stage.rejections;
      clauses.forEach((c, i) => items.push({ kind, owner: stage.name, position: i + 1, label: c.label, labelled: c.labelled, text: c.text, loc: c.loc }));
    }
  }
  return items;
}

/** The first counter of each score's rules (by score index; formula scores get the next rules score's). */
export function ruleCounterStarts(artifact: RulesArtifact): number[] {
  let next = 0;
  return artifact.scores.map((score) => {
    const start = next;
    if (score.kind === 'rules') next += score.rules.length;
    return start;
  });
}

/** The first counter of the stage clauses: after every score rule. */
export function clauseCounterStart(artifact: RulesArtifact): number {
  return artifact.scores.reduce((n, s) => n + (s.kind === 'rules' ? s.rules.length : 0), 0);
}

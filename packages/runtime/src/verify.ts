// Checks of a hand-made or damaged artifact that the zod schema cannot express, so `load` refuses
// it with an ArtifactError naming the place instead of failing later (or silently) at evaluation:
// nesting too deep for the recursive validators and compilers, names that would set an object's
// prototype when used as keys, and score ranges that are empty.

import type { FieldSpec, RulesArtifact } from '@mql/artifact';
import { ArtifactError } from './errors.js';

/**
 * JSON nesting accepted by `load`. The compiler refuses expressions deeper than 500 levels (MQL2027)
 * and one level takes at most two JSON levels (`{"op":"and","args":[…]}`), so every compiled
 * artifact fits; deeper input would overflow the stack of the recursive schema check.
 */
export const MAX_ARTIFACT_DEPTH = 1100;

/** Refuses input nested deeper than MAX_ARTIFACT_DEPTH, naming the path where it goes too deep. Iterative. */
export function checkDepth(input: unknown): void {
  const stack: { value: unknown; path: PropertyKey[] }[] = [{ value: input, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (path.length >= MAX_ARTIFACT_DEPTH) {
      const shown = `${formatPath(path.slice(0, 8))}${path.length > 8 ? '…' : ''}`;
      throw new ArtifactError(`malformed artifact at ${shown}: nested deeper than ${MAX_ARTIFACT_DEPTH} levels`);
    }
    const entries: [PropertyKey, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    for (const [key, child] of entries) if (typeof child === 'object' && child !== null) stack.push({ value: child, path: [...path, key] });
  }
}

/** `scores[0].rules[1].points` */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

/** `__proto__` as a declaration name, field name or input key would set a prototype where results and records are built. */
const RESERVED = '__proto__';

export function checkArtifact(artifact: RulesArtifact): void {
  checkFields(artifact.lead.fields, 'lead');
  checkKey(artifact.lead);
  artifact.events.forEach((event, i) => {
    checkName(event.name, `events[${i}].name`);
    checkFields(event.fields, `events[${i}]`);
  });
  const named = { lists: artifact.lists, segments: artifact.segments, scores: artifact.scores, grades: artifact.grades, stages: artifact.stages };
  for (const [group, items] of Object.entries(named)) items.forEach((item, i) => checkName(item.name, `${group}[${i}].name`));
  artifact.scores.forEach((score, i) => {
    if (score.kind === 'rules' && score.range && score.range.min > score.range.max) {
      throw new ArtifactError(`malformed artifact at scores[${i}].range: min ${score.range.min} is greater than max ${score.range.max}`);
    }
  });
}

/** `lead.key` names a top-level text or number field (the compiler's MQL2051 rule), or is absent. */
function checkKey(lead: RulesArtifact['lead']): void {
  if (lead.key === undefined) return;
  const field = lead.fields.find((f) => f.name === lead.key);
  if (!field || !['string', 'email', 'number'].includes(field.type.kind)) {
    throw new ArtifactError(`malformed artifact at lead.key: "${lead.key}" is not a top-level string, email or number field of the lead`);
  }
}

function checkFields(fields: FieldSpec[], at: string): void {
  fields.forEach((field, i) => {
    const path = `${at}.fields[${i}]`;
    checkName(field.name, `${path}.name`);
    if (field.from !== undefined) checkName(field.from, `${path}.from`);
    if (field.type.kind === 'object') checkFields(field.type.fields, `${path}.type`);
  });
}

function checkName(name: string, path: string): void {
  if (name === RESERVED) throw new ArtifactError(`malformed artifact at ${path}: "${RESERVED}" cannot be a name or key`);
}

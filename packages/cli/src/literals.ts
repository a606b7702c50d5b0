// String literals that never match: `tags in ["Interested in full time MBA"]` or
// `occupation == "Working professional"` compared with a field whose values in the batch never
// equal it (comparisons ignore letter case, not spaces). A CRM export's "Interested  in full time
// MBA" (two spaces) then silently never scores; the summary names the literal, where it is and the
// closest value the field had.

import type { FieldSpec, RulesArtifact } from '@mql/artifact';
import { suggest } from '@mql/core';

/** At most this many distinct values are kept per field (enough for drop-downs and tags). */
export const MAX_VALUES = 10_000;

interface Watched {
  /** Input key path of the field (`Tags`, `company.industry`). */
  path: string[];
  /** Schema path, as the rules spell it. */
  field: string;
  literals: { value: string; where: string }[];
}

/** The string literals compared with each field in the rules, by the field's input path. */
export function watchedLiterals(artifact: RulesArtifact): Watched[] {
  const byField = new Map<string, Watched>();
  const add = (fieldPath: string[], values: unknown[], where: string) => {
    const path = inputPath(artifact.lead.fields, fieldPath);
    if (!path) return;
    const key = path.join('.');
    let watched = byField.get(key);
    if (!watched) byField.set(key, (watched = { path, field: fieldPath.join('.'), literals: [] }));
    for (const value of values) if (typeof value === 'string' && !watched.literals.some((l) => l.value === value)) watched.literals.push({ value, where });
  };
  const visit = (node: unknown, where: string): void => {
    if (Array.isArray(node)) return node.forEach((n) => visit(n, where));
    if (typeof node !== 'object' || node === null) return;
    const n = node as Record<string, unknown> & { loc?: { file: string; line: number } };
    const here = n.loc ? `${n.loc.file}:${n.loc.line}` : where;
    const field = (e: unknown) => (isOp(e, 'field') ? (e as { path: string[] }).path : undefined);
    if (isOp(n, 'compare') && (n.cmp === '==' || n.cmp === '!=')) {
      const [f, lit] = field(n.left) ? [field(n.left), n.right] : [field(n.right), n.left];
      if (f && isOp(lit, 'literal')) add(f, [(lit as { value: unknown }).value], here);
    }
    if (isOp(n, 'in') && field(n.subject) && isOp(n.list, 'list')) add(field(n.subject)!, (n.list as { values: unknown[] }).values, here);
    if (isOp(n, 'contains') && n.on === 'list' && field(n.subject) && isOp(n.value, 'literal')) add(field(n.subject)!, [(n.value as { value: unknown }).value], here);
    for (const [key, value] of Object.entries(n)) if (key !== 'loc') visit(value, here);
  };
  visit({ segments: artifact.segments, scores: artifact.scores, grades: artifact.grades, stages: artifact.stages }, '');
  return [...byField.values()];
}

function isOp(node: unknown, op: string): boolean {
  return typeof node === 'object' && node !== null && (node as { op?: unknown }).op === op;
}

/**
 * A schema path's input keys (`from` names), or undefined when it is not a free-text field: an enum's
 * literals are members the checker already verified, so only strings and lists of strings count.
 */
function inputPath(fields: readonly FieldSpec[], path: readonly string[]): string[] | undefined {
  const keys: string[] = [];
  let level = fields;
  for (let i = 0; i < path.length; i++) {
    const spec = level.find((f) => f.name === path[i]);
    if (!spec) return undefined;
    keys.push(spec.from ?? spec.name);
    if (i === path.length - 1) {
      const type = spec.type.kind === 'list' ? spec.type.element : spec.type;
      if (type.kind !== 'string' && type.kind !== 'email') return undefined;
    } else {
      if (spec.type.kind !== 'object') return undefined;
      level = spec.type.fields;
    }
  }
  return keys;
}

/** Distinct values seen per watched field (input path joined by dots): lower-cased → as first seen. */
export type SeenValues = Map<string, Map<string, string>>;

export function noteValues(record: unknown, watched: readonly Watched[], seen: SeenValues): void {
  for (const w of watched) {
    let value: unknown = record;
    for (const key of w.path) value = typeof value === 'object' && value !== null && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
    addValues(seen, w.path.join('.'), (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string'));
  }
}

/** Adds values of one field (also a worker's, merged in the main thread). */
export function addValues(seen: SeenValues, key: string, values: readonly string[]): void {
  let map = seen.get(key);
  if (!map) seen.set(key, (map = new Map()));
  for (const v of values) {
    const lower = v.toLowerCase();
    if (map.size < MAX_VALUES && !map.has(lower)) map.set(lower, v);
  }
}

/** One line per literal that no value of its field equals (fields with no value at all are left out). */
export function unmatchedLiterals(watched: readonly Watched[], seen: SeenValues): string[] {
  const lines: string[] = [];
  for (const w of watched) {
    const values = seen.get(w.path.join('.'));
    if (!values || values.size === 0) continue;
    for (const literal of w.literals) {
      if (values.has(literal.value.toLowerCase())) continue;
      // A short code (`CA`) is one letter from many others: a guess would mislead.
      const close = literal.value.length >= 5 ? suggest(literal.value.toLowerCase(), values.keys()) : undefined;
      lines.push(`"${literal.value}" (${w.field}, ${literal.where}) matches no value in the batch${close !== undefined ? `; closest: "${values.get(close)}"` : ''}`);
    }
  }
  return lines;
}

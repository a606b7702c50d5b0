// Reading outcomes and values from records: which cells count as converted, which as not, and
// which leave a record out. Kept strict on purpose: a column of "Won"/"Lost" or of dates must not
// be silently read as all-false.

import type { FieldRef } from './shape.js';

const TRUE = new Set(['true', 'yes', '1']);
const FALSE = new Set(['false', 'no', '0']);

/** true/false, 1/0 and yes/no (any case, as JSON values or text); anything else is undefined. */
export function parseOutcome(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1 ? true : value === 0 ? false : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toLowerCase();
  return TRUE.has(text) ? true : FALSE.has(text) ? false : undefined;
}

/** A number, or text that is one (`48000`, ` 48000.50 `); missing is undefined, anything else unreadable. */
export function parseValue(value: unknown): number | undefined | 'unreadable' {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : Number.NaN;
  return Number.isFinite(n) ? n : 'unreadable';
}

/**
 * The value of `path` in a JSON record: the key itself when the record has it (CRM keys such as
 * `Deal.Amount` may hold dots), else the dotted path through nested objects.
 */
export function valueAtPath(record: unknown, path: string): unknown {
  if (typeof record !== 'object' || record === null) return undefined;
  const own = record as Record<string, unknown>;
  if (Object.hasOwn(own, path)) return own[path];
  let current: unknown = record;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Whether each field is set in a (valid) record keyed by input names; a bool counts when true. */
export function fieldPresence(record: unknown, fields: readonly FieldRef[]): boolean[] {
  return fields.map((field) => {
    const value = valueAtPath(record, field.key);
    if (field.bool) return value === true;
    return value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0);
  });
}

/** How an outcome cell is shown when it is left out: its text, or `missing`. */
export function outcomeText(value: unknown): string {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return 'missing';
  return typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
}

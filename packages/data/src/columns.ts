// Columns read beside the rules, such as the outcome of `mql backtest` and `mql diff --outcome`:
// a CSV keeps them as raw cells (leads.ts `include`, checked against the header), a JSON record is
// read by key path (its own key first, then dotted through nested objects).

import { valueAtPath } from '@mql/backtest';
import { dataFormatOf, type LeadInput } from './leads.js';

export interface RecordColumns {
  /** For leadSource's `include` option (CSV only). */
  include?: string[];
  /** The column's value in a readable record: a string (CSV), any JSON value, or undefined. */
  cell(item: LeadInput & { ok: true }, column: string): unknown;
}

export function recordColumns(dataFile: string, columns: readonly string[]): RecordColumns {
  if (dataFormatOf(dataFile) === 'csv') return { include: [...columns], cell: (item, column) => item.included?.[column] };
  return { cell: (item, column) => valueAtPath(item.record, column) };
}

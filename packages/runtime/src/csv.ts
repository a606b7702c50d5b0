// Tabular input (LANGUAGE.md §10): one CSV row → one lead record in the JSON form that `evaluate`
// reads, and one events-table row → one event. Only the cell conversions are checked here
// (numbers, booleans, dates, enum members); required fields are checked when the record is
// evaluated or validated.
//
// Conventions:
// - A header names a field by its input key (`from` name) or dotted path (`Company.Employees`), by
//   its schema path (`company.employees`), or, for a nested field with a `from` name, by that name
//   alone. Exact spelling wins; otherwise headers match case-insensitively. Unknown columns are ignored.
// - An empty or blank cell is missing.
// - bool: true/false/yes/no/1/0, any letter case. date: ISO-8601 or integer epoch ms.
// - enum: members match in any letter case; the record gets the member as declared.
// - list: the cell holds the elements separated by `;` (`webinars; pricing`); blank elements are
//   dropped, each element is converted by the element type.

import type { FieldType } from '@mql/artifact';
import { parseIsoDate } from './dates.js';
import { DATE_EXPECTED, MISSING_MESSAGE, describe } from './records.js';
import type { RecordError } from './result.js';
import type { FieldNode, FieldTable, RecordModel } from './schema.js';

export type RowResult<K extends string> =
  | ({ ok: true } & { [key in K]: Record<string, unknown> })
  | { ok: false; errors: RecordError[] };

interface Column {
  node: FieldNode;
  /** Input keys from the root, where the converted value goes. */
  keys: string[];
}

/** Header → column, with a lower-cased fallback. */
class ColumnIndex {
  private readonly exact = new Map<string, Column>();
  private readonly folded = new Map<string, Column>();

  constructor(table: FieldTable) {
    const visit = (node: FieldNode, keys: string[]) => {
      const path = [...keys, node.key];
      if (node.type.kind === 'object') {
        for (const child of node.children) visit(child, path);
        return;
      }
      const column = { node, keys: path };
      for (const header of [node.path, node.schemaPath, node.key]) {
        if (!this.exact.has(header)) this.exact.set(header, column);
        if (!this.folded.has(header.toLowerCase())) this.folded.set(header.toLowerCase(), column);
      }
    };
    for (const field of table.fields) visit(field, []);
  }

  get(header: string): Column | undefined {
    return this.exact.get(header) ?? this.folded.get(header.toLowerCase());
  }
}

export class RowReader {
  private readonly lead: ColumnIndex;
  private readonly events = new Map<string, ColumnIndex>();

  constructor(private readonly model: RecordModel) {
    this.lead = new ColumnIndex(model.lead);
    for (const event of model.events) this.events.set(event.name, new ColumnIndex(event));
  }

  fromRow(row: Record<string, string>): RowResult<'record'> {
    const record = dataObject();
    const errors = this.convertCells(row, this.lead, record, new Set());
    addRequiredObjects(this.model.lead.fields, record);
    return errors.length === 0 ? { ok: true, record } : { ok: false, errors };
  }

  /** An events-table row: `type`, `at` and attribute columns; other columns (a lead key) are ignored. */
  eventFromRow(row: Record<string, string>): RowResult<'event'> {
    const errors: RecordError[] = [];
    const typeHeader = findHeader(row, 'type');
    const atHeader = findHeader(row, 'at');
    const type = typeHeader === undefined ? '' : row[typeHeader]!.trim();
    const atCell = atHeader === undefined ? '' : row[atHeader]!.trim();
    if (type === '') errors.push({ path: typeHeader ?? 'type', message: MISSING_MESSAGE });
    if (atCell === '') errors.push({ path: atHeader ?? 'at', message: MISSING_MESSAGE });
    const event: Record<string, unknown> = Object.assign(dataObject(), { type, at: atCell });
    if (atCell !== '') {
      const at = convertCell({ kind: 'date' }, atCell);
      if (at.ok) event.at = at.value;
      else errors.push({ path: atHeader!, message: at.message });
    }
    // An unknown event type is kept as is: evaluation ignores it, like in JSON records.
    const columns = this.events.get(type) ?? this.events.get(this.eventName(type));
    if (columns !== undefined) errors.push(...this.convertCells(row, columns, event, new Set([typeHeader, atHeader])));
    return errors.length === 0 ? { ok: true, event } : { ok: false, errors };
  }

  private eventName(type: string): string {
    const lower = type.toLowerCase();
    return this.model.events.find((e) => e.name.toLowerCase() === lower)?.name ?? type;
  }

  private convertCells(
    row: Record<string, string>,
    columns: ColumnIndex,
    into: Record<string, unknown>,
    skip: Set<string | undefined>,
  ): RecordError[] {
    const errors: RecordError[] = [];
    for (const [header, cell] of Object.entries(row)) {
      if (skip.has(header) || typeof cell !== 'string' || cell.trim() === '') continue;
      const column = columns.get(header);
      if (column === undefined) continue;
      const converted = convertCell(column.node.type, cell, header);
      if (converted.ok) setPath(into, column.keys, converted.value);
      else errors.push({ path: converted.path ?? header, message: converted.message });
    }
    return errors;
  }
}

/**
 * A table cannot spell an empty object: a required object field whose cells are all empty is
 * present and empty (JSON `"company": {}`), not missing, so the same lead reads the same from CSV
 * and JSON. Its own required fields are still checked at evaluation.
 */
function addRequiredObjects(fields: FieldNode[], into: Record<string, unknown>): void {
  for (const node of fields) {
    if (node.type.kind !== 'object') continue;
    if (!node.optional && !Object.hasOwn(into, node.key)) into[node.key] = dataObject();
    const value = Object.hasOwn(into, node.key) ? into[node.key] : undefined;
    if (value !== undefined) addRequiredObjects(node.children, value as Record<string, unknown>);
  }
}

function findHeader(row: Record<string, string>, name: string): string | undefined {
  if (Object.hasOwn(row, name)) return name;
  return Object.keys(row).find((h) => h.trim().toLowerCase() === name);
}

function setPath(into: Record<string, unknown>, keys: string[], value: unknown): void {
  let target = into;
  for (const key of keys.slice(0, -1)) {
    if (!Object.hasOwn(target, key)) target[key] = dataObject();
    target = target[key] as Record<string, unknown>;
  }
  target[keys[keys.length - 1]!] = value;
}

/**
 * Records are built from objects without a prototype and only own keys are followed, so no key
 * (`__proto__`, `constructor.prototype`) can reach Object.prototype even in a hand-made artifact.
 */
function dataObject(): Record<string, unknown> {
  return Object.create(null) as Record<string, unknown>;
}

type Converted = { ok: true; value: unknown } | { ok: false; message: string; path?: string };

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const BOOLS: Record<string, boolean> = { true: true, yes: true, '1': true, false: false, no: false, '0': false };

function convertCell(type: FieldType, cell: string, header = ''): Converted {
  const text = cell.trim();
  const bad = (expected: string): Converted => ({ ok: false, message: `expected ${expected}, got ${describe(cell)}` });
  switch (type.kind) {
    case 'string':
    case 'email':
      return { ok: true, value: cell };
    case 'number':
      return NUMBER.test(text) ? { ok: true, value: Number(text) } : bad('a number');
    case 'bool': {
      const value = BOOLS[text.toLowerCase()];
      return value === undefined ? bad('true/false/yes/no/1/0') : { ok: true, value };
    }
    case 'date':
      if (/^-?\d+$/.test(text)) return { ok: true, value: Number(text) };
      return parseIsoDate(text) === undefined ? bad(DATE_EXPECTED) : { ok: true, value: text };
    case 'enum': {
      const member = type.members.find((m) => m.toLowerCase() === text.toLowerCase());
      return member === undefined ? bad(`one of ${type.members.map((m) => JSON.stringify(m)).join(', ')}`) : { ok: true, value: member };
    }
    case 'list':
      return convertList(type.element, text, header);
    case 'object':
      return bad('a nested object, which a cell cannot hold');
  }
}

function convertList(element: FieldType, text: string, header: string): Converted {
  const values: unknown[] = [];
  const parts = text.split(';').map((p) => p.trim()).filter((p) => p !== '');
  for (let i = 0; i < parts.length; i++) {
    const converted = convertCell(element, parts[i]!);
    if (!converted.ok) return { ok: false, message: converted.message, path: `${header}[${i}]` };
    values.push(converted.value);
  }
  return { ok: true, value: values };
}

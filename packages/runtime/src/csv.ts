// Tabular input (LANGUAGE.md §10): a table's header is bound to fields once, before any row is
// read; then one row's cells → one lead record in the JSON form that `evaluate` reads, and one
// events-table row → one event. Only the cell conversions are checked here (numbers, booleans,
// dates, enum members); required fields are checked when the record is evaluated or validated.
//
// Header binding (grammar/README.md, "Tabular input"):
// - A header names a leaf field by its input path (`from` names: `Company.Employees`), its schema
//   path (`company.employees`), or, for a nested field with a `from` name, by that name alone.
//   The bare name of a nested field without `from` names nothing: `country` is the top-level
//   `country`, never `company.country`.
// - Exact spelling wins; otherwise headers match with letter case and runs of spaces ignored.
//   A header that names two fields at the same step is ambiguous, and two columns for one field
//   are a conflict: both are errors of the header, before any row. Unknown columns are ignored.
// - Fields no column names are listed (`missing`): what that means is the caller's choice (the
//   CLI makes it an error unless allowed), since a row cannot say "absent column" by itself.
//
// Cells:
// - An empty or blank cell is missing.
// - bool: true/false/yes/no/1/0, any letter case. date: ISO-8601 or integer epoch ms.
// - enum: members match in any letter case; the record gets the member as declared.
// - list: the cell holds the elements separated by `;` (`webinars; pricing`); blank elements are
//   dropped, each element is converted by the element type.
// - Every conversion is linear in the cell's length (no backtracking regular expression).

import type { FieldType } from '@mql/artifact';
import { parseIsoDate } from './dates.js';
import { DATE_EXPECTED, MISSING_MESSAGE, describe } from './records.js';
import type { RecordError } from './result.js';
import { isPlaceholder, type FieldNode, type FieldTable, type RecordModel } from './schema.js';

export type RowResult<K extends string> =
  | ({ ok: true } & { [key in K]: Record<string, unknown> })
  | { ok: false; errors: RecordError[] };

/** A field that no column of the header names. */
export interface MissingColumn {
  /** The field's schema path (`company.employees`), after `Event.` for an event attribute. */
  field: string;
  /** The header that would name it: its input path (the `from` name when it has one). */
  header: string;
  optional: boolean;
}

/** How a table's header binds to fields, computed once per file. */
export interface HeaderBinding {
  /** Per column: the schema path of the field it fills (`Event.attr` for events), or undefined (ignored). */
  fields: (string | undefined)[];
  /** Fields no column names, in schema order. */
  missing: MissingColumn[];
  /** Ambiguous headers and fields named by two columns: the table cannot be read as is. */
  errors: string[];
}

export interface LeadTable extends HeaderBinding {
  /** One row's cells, in header order, as a lead record. */
  read(cells: readonly string[]): RowResult<'record'>;
}

export interface EventTable extends HeaderBinding {
  /** The columns holding each event's type and time, or undefined when the header has none. */
  typeColumn: number | undefined;
  atColumn: number | undefined;
  /** One row's cells as an event (`type`, `at` and the attributes of its type). */
  read(cells: readonly string[]): RowResult<'event'>;
}

interface Column {
  node: FieldNode;
  /** Input keys from the root, where the converted value goes. */
  keys: string[];
}

/** A header as matched when its exact spelling names nothing: letter case and space runs ignored. */
export function foldHeader(header: string): string {
  return header.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** A table's leaf fields by the headers that name them, exact and folded. */
class ColumnIndex {
  readonly leaves: Column[] = [];
  private readonly exact = new Map<string, Column[]>();
  private readonly folded = new Map<string, Column[]>();

  constructor(table: FieldTable) {
    const visit = (node: FieldNode, keys: string[], nested: boolean) => {
      const path = [...keys, node.key];
      if (node.type.kind === 'object') {
        for (const child of node.children) visit(child, path, true);
        return;
      }
      const column = { node, keys: path };
      this.leaves.push(column);
      const names = new Set([node.path, node.schemaPath]);
      if (nested && node.key !== node.name) names.add(node.key); // a nested `from` name alone
      for (const name of names) {
        add(this.exact, name, column);
        add(this.folded, foldHeader(name), column);
      }
    };
    for (const field of table.fields) visit(field, [], false);
  }

  /** The fields a header could name: the exact matches, else the folded ones (distinct fields). */
  candidates(header: string): Column[] {
    return this.exact.get(header.trim()) ?? this.folded.get(foldHeader(header)) ?? [];
  }
}

function add(map: Map<string, Column[]>, name: string, column: Column): void {
  const list = map.get(name);
  if (!list) map.set(name, [column]);
  else if (!list.includes(column)) list.push(column);
}

/** Binds each header to at most one field of `index`; `prefix` spells event attributes (`Event.`). */
function bindColumns(header: readonly string[], index: ColumnIndex, prefix: string, skip: ReadonlySet<number>, optional: ReadonlySet<FieldNode>) {
  const columns: (Column | undefined)[] = header.map(() => undefined);
  const errors: string[] = [];
  const byField = new Map<Column, number>();
  header.forEach((name, i) => {
    if (skip.has(i)) return;
    const found = index.candidates(name);
    if (found.length > 1) {
      const names = found.map((c) => `${prefix}${c.node.schemaPath}`).join(' and ');
      errors.push(`column ${i + 1} "${name}" could name ${names}: rename the column to one field's path (${found.map((c) => c.node.path).join(', ')})`);
      return;
    }
    const column = found[0];
    if (!column) return;
    const other = byField.get(column);
    if (other !== undefined) {
      errors.push(`columns ${other + 1} "${header[other]}" and ${i + 1} "${name}" both name the field ${prefix}${column.node.schemaPath}: keep one`);
      return;
    }
    byField.set(column, i);
    columns[i] = column;
  });
  const missing: MissingColumn[] = index.leaves
    .filter((c) => !byField.has(c))
    .map((c) => ({ field: `${prefix}${c.node.schemaPath}`, header: c.node.path, optional: optional.has(c.node) }));
  return { columns, errors, missing };
}

export class RowReader {
  private readonly lead: ColumnIndex;
  private readonly events: { name: string; index: ColumnIndex }[];
  private readonly optionalLeaves: Set<FieldNode>;
  private cached: { key: string; table: LeadTable } | undefined;
  private cachedEvents: { key: string; table: EventTable } | undefined;

  /**
   * `check` gives a converted record's own errors (required fields missing): a row with a bad
   * cell reports them too, as the same record in JSON would (the bad cell's field excepted).
   */
  constructor(
    private readonly model: RecordModel,
    private readonly check: (record: Record<string, unknown>) => RecordError[] = () => [],
  ) {
    this.lead = new ColumnIndex(model.lead);
    this.events = model.events.map((event) => ({ name: event.name, index: new ColumnIndex(event) }));
    // A leaf is optional in a table when it or an object above it is optional.
    this.optionalLeaves = new Set();
    const mark = (node: FieldNode, above: boolean) => {
      const optional = above || node.optional;
      if (optional) this.optionalLeaves.add(node);
      for (const child of node.children) mark(child, optional);
    };
    for (const table of [model.lead, ...model.events]) for (const field of table.fields) mark(field, false);
  }

  /** Binds a leads table's header to the lead schema. */
  leadTable(header: readonly string[]): LeadTable {
    const { columns, errors, missing } = bindColumns(header, this.lead, '', new Set(), this.optionalLeaves);
    const fields = this.model.lead.fields;
    return {
      fields: columns.map((c) => c?.node.schemaPath),
      missing,
      errors,
      read: (cells) => {
        const record = dataObject();
        const failed = new Set<string>();
        const rowErrors = convertCells(cells, columns, header, record, failed);
        addRequiredObjects(fields, record);
        if (rowErrors.length === 0) return { ok: true, record };
        for (const error of this.check(record)) if (!failed.has(error.path)) rowErrors.push(error);
        return { ok: false, errors: rowErrors };
      },
    };
  }

  /** Binds an events table's header: `type` and `at` columns, and each event type's attributes. */
  eventTable(header: readonly string[]): EventTable {
    const typeColumn = findColumn(header, 'type');
    const atColumn = findColumn(header, 'at');
    const skip = new Set([typeColumn, atColumn].filter((c) => c !== undefined));
    const byType = new Map<string, (Column | undefined)[]>();
    const errors: string[] = [];
    const missing: MissingColumn[] = [];
    const fields: (string | undefined)[] = header.map(() => undefined);
    for (const { name, index } of this.events) {
      const bound = bindColumns(header, index, `${name}.`, skip, this.optionalLeaves);
      byType.set(name, bound.columns);
      errors.push(...bound.errors);
      missing.push(...bound.missing);
      bound.columns.forEach((c, i) => (fields[i] ??= c ? `${name}.${c.node.schemaPath}` : undefined));
    }
    const lowerNames = new Map(this.events.map((e) => [e.name.toLowerCase(), e.name]));
    return {
      fields,
      missing,
      errors,
      typeColumn,
      atColumn,
      read: (cells) => {
        const rowErrors: RecordError[] = [];
        const type = typeColumn === undefined ? '' : (cells[typeColumn] ?? '').trim();
        const atCell = atColumn === undefined ? '' : (cells[atColumn] ?? '').trim();
        if (type === '') rowErrors.push({ path: typeColumn === undefined ? 'type' : header[typeColumn]!, message: MISSING_MESSAGE });
        if (atCell === '') rowErrors.push({ path: atColumn === undefined ? 'at' : header[atColumn]!, message: MISSING_MESSAGE });
        const event: Record<string, unknown> = Object.assign(dataObject(), { type, at: atCell });
        if (atCell !== '') {
          const at = convertCell({ kind: 'date' }, atCell);
          if (at.ok) event.at = at.value;
          else rowErrors.push({ path: header[atColumn!]!, message: at.message });
        }
        // An unknown event type is kept as is: evaluation ignores it, like in JSON records.
        const columns = byType.get(type) ?? byType.get(lowerNames.get(type.toLowerCase()) ?? '');
        if (columns !== undefined) rowErrors.push(...convertCells(cells, columns, header, event, new Set()));
        return rowErrors.length === 0 ? { ok: true, event } : { ok: false, errors: rowErrors };
      },
    };
  }

  /** One row as an object (header → cell); the header is bound once per set of keys. */
  fromRow(row: Record<string, string>): RowResult<'record'> {
    const [header, cells] = split(row);
    const key = header.join('\u0000');
    if (this.cached?.key !== key) this.cached = { key, table: this.leadTable(header) };
    return readBound(this.cached.table, cells);
  }

  eventFromRow(row: Record<string, string>): RowResult<'event'> {
    const [header, cells] = split(row);
    const key = header.join('\u0000');
    if (this.cachedEvents?.key !== key) this.cachedEvents = { key, table: this.eventTable(header) };
    return readBound(this.cachedEvents.table, cells);
  }
}

function readBound<K extends string>(table: HeaderBinding & { read(cells: readonly string[]): RowResult<K> }, cells: string[]): RowResult<K> {
  if (table.errors.length > 0) return { ok: false, errors: table.errors.map((message) => ({ path: '', message })) };
  return table.read(cells);
}

function split(row: Record<string, string>): [string[], string[]] {
  const header = Object.keys(row);
  return [header, header.map((h) => row[h]!)];
}

/** Converts the bound cells into `into`; the input paths of cells that do not convert go to `failed`. */
function convertCells(
  cells: readonly string[],
  columns: readonly (Column | undefined)[],
  header: readonly string[],
  into: Record<string, unknown>,
  failed: Set<string>,
): RecordError[] {
  const errors: RecordError[] = [];
  columns.forEach((column, i) => {
    const cell = cells[i];
    if (column === undefined || typeof cell !== 'string' || cell.trim() === '') return;
    // A placeholder (`missing when`) stays text, so the record reader treats it exactly as in JSON:
    // missing, and on a required field `required field is missing ("Select" means not given)`.
    if (isPlaceholder(column.node, cell)) {
      setPath(into, column.keys, cell);
      return;
    }
    // Errors name the column as the file spells it.
    const converted = convertCell(column.node.type, cell, header[i]!);
    if (converted.ok) setPath(into, column.keys, converted.value);
    else {
      errors.push({ path: converted.path ?? header[i]!, message: converted.message });
      failed.add(column.node.path);
    }
  });
  return errors;
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

function findColumn(header: readonly string[], name: string): number | undefined {
  const exact = header.indexOf(name);
  if (exact >= 0) return exact;
  const folded = header.findIndex((h) => foldHeader(h) === name);
  return folded < 0 ? undefined : folded;
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

// Each part matches in one way only (no `\d+\.?\d*`, whose backtracking is quadratic on a long
// run of digits that ends badly), so a failing match is linear in the cell's length.
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^-?\d+$/;
const BOOLS = new Map<string, boolean>([
  ['true', true],
  ['yes', true],
  ['1', true],
  ['false', false],
  ['no', false],
  ['0', false],
]);

function convertCell(type: FieldType, cell: string, header = ''): Converted {
  const text = cell.trim();
  const bad = (expected: string): Converted => ({ ok: false, message: `expected ${expected}, got ${describe(cell)}` });
  switch (type.kind) {
    case 'string':
    case 'email':
      return { ok: true, value: cell };
    case 'number': {
      const value = NUMBER.test(text) ? Number(text) : NaN;
      return Number.isFinite(value) ? { ok: true, value } : bad('a number');
    }
    case 'bool': {
      const value = BOOLS.get(text.toLowerCase());
      return value === undefined ? bad('true/false/yes/no/1/0') : { ok: true, value };
    }
    case 'date':
      if (INTEGER.test(text)) return Number.isSafeInteger(Number(text)) ? { ok: true, value: Number(text) } : bad(DATE_EXPECTED);
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

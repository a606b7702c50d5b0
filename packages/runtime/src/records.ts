// Lead records at run time (LANGUAGE.md §10): validate a JSON record against the lead schema and
// normalise it once into slot arrays (dates → epoch ms, strings lower-cased for comparison), so
// evaluation never re-checks or re-converts a value. All errors of a record are collected.

import type { FieldType } from '@mql/artifact';
import type { NormEvent, NormRecord } from './context.js';
import { parseInputDate } from './dates.js';
import type { RecordError } from './result.js';
import type { FieldNode, FieldTable, RecordModel } from './schema.js';

export type ReadResult = { ok: true; record: NormRecord } | { ok: false; errors: RecordError[] };

export const MISSING_MESSAGE = 'required field is missing';

/**
 * Reads one field's input value into its slots (and, for objects, its children's): `low` gets the
 * comparison form, `raw` (lead fields only) the value as given. `eventIndex` is -1 for lead fields,
 * else the event's index, used only to spell an error path.
 */
type FieldReader = (value: unknown, raw: unknown[] | undefined, low: unknown[], errors: RecordError[], eventIndex: number) => void;

interface TableReader {
  fields: { node: FieldNode; read: FieldReader }[];
  size: number;
}

interface EventReader extends TableReader {
  index: number;
}

/** Validates and normalises lead records; the per-field readers are built once, at load. */
export class RecordReader {
  private readonly lead: TableReader;
  private readonly events: Map<string, EventReader>;
  private readonly eventTypeCount: number;

  constructor(model: RecordModel) {
    this.lead = tableReader(model.lead);
    this.eventTypeCount = model.events.length;
    this.events = new Map();
    for (const event of model.events) this.events.set(event.name, { ...tableReader(event), index: event.index });
    // Event types also match in another letter case, since CRM data varies (exact names win).
    for (const event of model.events) {
      const lower = event.name.toLowerCase();
      if (!this.events.has(lower)) this.events.set(lower, this.events.get(event.name)!);
    }
  }

  read(input: unknown): ReadResult {
    if (!isPlainObject(input)) {
      return { ok: false, errors: [{ path: '', message: `expected a lead record (an object), got ${describe(input)}` }] };
    }
    const errors: RecordError[] = [];
    const record: NormRecord = { lead: new Array(this.lead.size), raw: new Array(this.lead.size), events: [] };
    for (const { node, read } of this.lead.fields) read(fieldValue(input, node), record.raw, record.lead, errors, -1);
    record.events = this.readEvents(input.events, errors);
    return errors.length === 0 ? { ok: true, record } : { ok: false, errors };
  }

  /** Events by type index; unknown types are skipped, an invalid event only adds errors. */
  private readEvents(list: unknown, errors: RecordError[]): NormEvent[][] {
    const byType: NormEvent[][] = [];
    for (let t = 0; t < this.eventTypeCount; t++) byType.push([]);
    if (list === undefined || list === null) return byType;
    if (!Array.isArray(list)) {
      errors.push({ path: 'events', message: `expected a list of events, got ${describe(list)}` });
      return byType;
    }
    for (let i = 0; i < list.length; i++) {
      const input: unknown = list[i];
      if (!isPlainObject(input)) {
        errors.push({ path: `events[${i}]`, message: `expected an event (an object), got ${describe(input)}` });
        continue;
      }
      const type = input.type;
      if (typeof type !== 'string') {
        const message = type == null ? MISSING_MESSAGE : `expected an event type name, got ${describe(type)}`;
        errors.push({ path: errorPath('type', i), message });
        continue;
      }
      const reader = this.events.get(type) ?? this.events.get(type.toLowerCase());
      if (reader === undefined) continue; // unknown event types are ignored (§10)

      const before = errors.length;
      const at = parseInputDate(input.at);
      if (at === undefined) {
        const message = input.at == null ? MISSING_MESSAGE : `expected ${DATE_EXPECTED}, got ${describe(input.at)}`;
        errors.push({ path: errorPath('at', i), message });
      }
      // Explanations never show single event attributes, so events keep no as-given copy.
      const event: NormEvent = { at: at ?? NaN, attrs: new Array(reader.size) };
      for (const { node, read } of reader.fields) read(fieldValue(input, node), undefined, event.attrs, errors, i);
      if (errors.length === before) byType[reader.index]!.push(event);
    }
    return byType;
  }
}

function tableReader(table: FieldTable): TableReader {
  return { fields: table.fields.map((node) => ({ node, read: fieldReader(node) })), size: table.slots.length };
}

function fieldReader(node: FieldNode): FieldReader {
  const read = node.type.kind === 'object' ? objectReader(node) : node.type.kind === 'list' ? listReader(node, node.type.element) : leafReader(node);
  const { optional, path } = node;
  return (value, raw, low, errors, eventIndex) => {
    if (value !== undefined && value !== null) read(value, raw, low, errors, eventIndex);
    else if (!optional) errors.push({ path: errorPath(path, eventIndex), message: MISSING_MESSAGE });
  };
}

function leafReader(node: FieldNode): FieldReader {
  const { convert, lowers, expected } = makeLeaf(node.type);
  const { slot, path } = node;
  return (value, raw, low, errors, eventIndex) => {
    const converted = convert(value);
    if (converted === INVALID) {
      errors.push({ path: errorPath(path, eventIndex), message: `expected ${expected}, got ${describe(value)}` });
      return;
    }
    if (raw) raw[slot] = converted;
    low[slot] = lowers ? (converted as string).toLowerCase() : converted;
  };
}

function objectReader(node: FieldNode): FieldReader {
  const children = node.children.map((child) => ({ node: child, read: fieldReader(child) }));
  const { slot, path } = node;
  return (value, raw, low, errors, eventIndex) => {
    if (!isPlainObject(value)) {
      errors.push({ path: errorPath(path, eventIndex), message: `expected an object, got ${describe(value)}` });
      return;
    }
    low[slot] = true; // present; explanations show a set object as `true`
    if (raw) raw[slot] = true;
    for (const child of children) child.read(fieldValue(value, child.node), raw, low, errors, eventIndex);
  };
}

/** A list value; an empty list is kept as missing, so `is set` is false and `contains` fails. */
function listReader(node: FieldNode, elementType: FieldType): FieldReader {
  const { convert, lowers, expected } = makeLeaf(elementType);
  const { slot, path } = node;
  return (value, raw, low, errors, eventIndex) => {
    if (!Array.isArray(value)) {
      errors.push({ path: errorPath(path, eventIndex), message: `expected a list, got ${describe(value)}` });
      return;
    }
    const converted: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      const element = convert(value[i]);
      if (element === INVALID) {
        errors.push({ path: errorPath(`${path}[${i}]`, eventIndex), message: `expected ${expected}, got ${describe(value[i])}` });
      } else converted.push(element);
    }
    if (converted.length !== value.length || converted.length === 0) return;
    if (raw) raw[slot] = converted;
    low[slot] = lowers ? converted.map((s) => (s as string).toLowerCase()) : converted;
  };
}

function errorPath(path: string, eventIndex: number): string {
  return eventIndex < 0 ? path : `events[${eventIndex}].${path}`;
}

// ---------------------------------------------------------------------------------------------
// Scalar conversions by field type.

const INVALID: unique symbol = Symbol('invalid');

interface Leaf {
  /** The normalised value (dates → epoch ms), or INVALID. */
  convert(value: unknown): unknown;
  /** Whether the comparison form is the lower-cased string. */
  lowers: boolean;
  /** What the field expects, for messages: "a number". */
  expected: string;
}

export const DATE_EXPECTED = 'a date (ISO-8601 or epoch milliseconds)';

function makeLeaf(type: FieldType): Leaf {
  switch (type.kind) {
    case 'string':
    case 'email':
      return { convert: (v) => (typeof v === 'string' ? v : INVALID), lowers: true, expected: 'a string' };
    case 'number':
      return {
        convert: (v) => (typeof v === 'number' && Number.isFinite(v) ? v : INVALID),
        lowers: false,
        expected: 'a number',
      };
    case 'bool':
      return { convert: (v) => (typeof v === 'boolean' ? v : INVALID), lowers: false, expected: 'true or false' };
    case 'date':
      return { convert: (v) => parseInputDate(v) ?? INVALID, lowers: false, expected: DATE_EXPECTED };
    case 'enum': {
      const members = new Set(type.members.map((m) => m.toLowerCase()));
      return {
        convert: (v) => (typeof v === 'string' && members.has(v.toLowerCase()) ? v : INVALID),
        lowers: true,
        expected: `one of ${type.members.map((m) => JSON.stringify(m)).join(', ')}`,
      };
    }
    case 'object':
    case 'list':
      // Lists of objects or of lists are not in the language (§4); accept nothing silently wrong.
      return { convert: () => INVALID, lowers: false, expected: 'a string or a number' };
  }
}

// ---------------------------------------------------------------------------------------------

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A field's value: an own property only, so a key like `constructor` never reads the prototype. */
function fieldValue(object: Record<string, unknown>, field: FieldNode): unknown {
  return field.inherited && !Object.hasOwn(object, field.key) ? undefined : object[field.key];
}

/** A short description of an input value for error messages: `"abc"`, `12`, `a list`. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return typeof value;
}

// Lead records at run time (LANGUAGE.md §10): validate a JSON record against the lead schema and
// normalise what the rules read (dates → epoch ms, strings lower-cased for comparison), so
// evaluation never re-checks or re-converts a value. All errors of a record are collected.
//
// Every declared field and event attribute is checked in place, on the input object; only the
// values that some expression reads (FieldNode.read) or an explanation shows (FieldNode.shown) are
// copied out. Events get no object each: a record's events of one type are a list of times and a
// flat array of attribute values (see EventList), held in buffers that the reader reuses from one
// record to the next, so reading a record allocates almost nothing. The loop over a record's events
// is generated for the schema where the platform allows it (records-codegen.ts, LoadOptions.codegen);
// its uncommon cases and all errors come back here.

import type { FieldType } from '@mql/artifact';
import type { EventList, NormRecord } from './context.js';
import type { Codegen } from './codegen.js';
import { commonIsoTime, parseInputDate } from './dates.js';
import {
  generateEventReader,
  generateFieldReader,
  type EventListReader,
  type FieldReader,
  type GeneratedField,
  type GeneratedLeadField,
  type PlainTest,
} from './records-codegen.js';
import type { RecordError } from './result.js';
import { comparedLowerCase, isPlaceholder, type EventModel, type FieldNode, type FieldTable, type RecordModel } from './schema.js';

/** A record read successfully is valid until the reader reads the next one (its buffers are reused). */
export type ReadResult = { readonly ok: true; readonly record: NormRecord } | { ok: false; errors: RecordError[] };

export const MISSING_MESSAGE = 'required field is missing';

/**
 * How one declared field is checked, built once at load. A leaf (string, number, bool, date, enum)
 * is checked inline by `readFields`; an object's children and a list's elements have their own.
 */
interface FieldCheck {
  node: FieldNode;
  /** The leaf conversion of a scalar field or of a list's elements; undefined for an object. */
  leaf: Leaf | undefined;
  isList: boolean;
  /** An object's fields. */
  children: FieldCheck[];
  /**
   * PLAIN_STRING, PLAIN_BOOL or PLAIN_NUMBER when any value of that JS type is valid and needs no
   * conversion (a string, email, bool or number field without placeholders), else NOT_PLAIN.
   */
  plain: number;
}

const NOT_PLAIN = 0;
const PLAIN_STRING = 1;
const PLAIN_BOOL = 2;
const PLAIN_NUMBER = 3;

/** Whether `value` is valid as it is for a field of plain kind `kind` (never for NOT_PLAIN). */
function isPlainValue(kind: number, value: unknown): boolean {
  return kind === PLAIN_STRING
    ? typeof value === 'string'
    : kind === PLAIN_BOOL
      ? typeof value === 'boolean'
      : kind === PLAIN_NUMBER && typeof value === 'number' && value - value === 0; // finite
}

/** isPlainValue as the source that generated readers inline (records-codegen.ts); undefined for NOT_PLAIN. */
function plainTestOf(kind: number): PlainTest | undefined {
  switch (kind) {
    case PLAIN_STRING:
      return (value) => `typeof ${value} === 'string'`;
    case PLAIN_BOOL:
      return (value) => `typeof ${value} === 'boolean'`;
    case PLAIN_NUMBER:
      return (value) => `typeof ${value} === 'number' && ${value} - ${value} === 0`;
    default:
      return undefined;
  }
}

/** A field as a generated reader checks it. */
function generatedField(check: FieldCheck): GeneratedField {
  const { node } = check;
  return { key: node.key, inherited: node.inherited, plainTest: plainTestOf(check.plain), slot: node.slot, optional: node.optional };
}

/** The lead's fields as generated code reads them (records-codegen.ts), numbered depth-first. */
function generatedFieldReader(fields: FieldCheck[], codegen: Codegen): FieldReader | undefined {
  const checks: FieldCheck[] = [];
  const tree = (check: FieldCheck): GeneratedLeadField => {
    const index = checks.push(check) - 1;
    const isObject = check.leaf === undefined;
    return {
      ...generatedField(check),
      index,
      lowers: check.leaf?.lowers ?? false,
      children: isObject ? check.children.map(tree) : undefined,
      members: check.leaf?.kind === 'enum' && check.node.placeholders === undefined ? check.leaf.members : undefined,
    };
  };
  const generated = fields.map(tree);
  return generateFieldReader(generated, checks.map((check) => check.node), {
    field: (index, value, raw, low, errors) => readField(checks[index]!, value, raw, low, 0, errors, -1),
  }, codegen);
}

interface TableReader {
  fields: FieldCheck[];
  size: number;
}

interface EventReader extends TableReader {
  index: number;
  /**
   * The attributes laid out flat for the per-event loop (readAttributes): input key, plain kind
   * (NOT_PLAIN also for a key that Object.prototype has, which needs an own-property read) and slot.
   */
  keys: string[];
  kinds: Uint8Array;
  slots: Int32Array;
}

function eventReader(event: EventModel): EventReader {
  const table = tableReader(event);
  return {
    ...table,
    index: event.index,
    keys: table.fields.map((c) => c.node.key),
    kinds: Uint8Array.from(table.fields, (c) => (c.node.inherited ? NOT_PLAIN : c.plain)),
    slots: Int32Array.from(table.fields, (c) => c.node.slot),
  };
}

/** Validates and normalises lead records; the per-field readers are built once, at load. */
export class RecordReader {
  private readonly lead: TableReader;
  private readonly events: Map<string, EventReader>;
  /** The declared event type names and their readers, in the same order (see readerOf). */
  private readonly typeNames: string[];
  private readonly typeReaders: EventReader[];
  /** The record every read fills in, reused (evaluation is synchronous and keeps no reference). */
  private readonly record: NormRecord;
  /** The successful result, reused like the record it holds. */
  private readonly okResult: ReadResult;
  /** Errors of the record being read, reused too: most records have none (a failed read returns a copy). */
  private readonly errors: RecordError[] = [];
  /** A record's event list: read by code generated for the schema where allowed, else by the generic loop. */
  private readonly readEventList: EventListReader;
  /** A record's own fields, the same way. */
  private readonly readLeadFields: FieldReader;

  /** `codegen`: read through code generated for this schema (records-codegen.ts) where allowed. */
  constructor(model: RecordModel, codegen: Codegen) {
    this.lead = tableReader(model.lead);
    this.events = new Map();
    for (const event of model.events) this.events.set(event.name, eventReader(event));
    this.typeNames = model.events.map((e) => e.name);
    this.typeReaders = this.typeNames.map((name) => this.events.get(name)!);
    // Event types also match in another letter case, since CRM data varies (exact names win).
    for (const event of model.events) {
      const lower = event.name.toLowerCase();
      if (!this.events.has(lower)) this.events.set(lower, this.events.get(event.name)!);
    }
    this.record = {
      lead: new Array<unknown>(this.lead.size).fill(undefined),
      raw: new Array<unknown>(this.lead.size).fill(undefined),
      events: model.events.map((e) => emptyList(e.slots.length)),
    };
    this.okResult = { ok: true, record: this.record };
    this.readEventList = this.generatedEventReader(codegen) ?? ((list, byType, errors) => this.readEventsGeneric(list, errors));
    const leadFields = this.lead.fields;
    this.readLeadFields = generatedFieldReader(leadFields, codegen) ?? ((input, raw, low, errors) => readFields(leadFields, input, raw, low, 0, errors, -1));
  }

  private generatedEventReader(codegen: Codegen): EventListReader | undefined {
    const readers = this.typeReaders;
    const types = readers.map((reader, t) => ({ name: this.typeNames[t]!, width: reader.size, attributes: reader.fields.map(generatedField) }));
    return generateEventReader(types, {
      notEvent: (input, i, errors) => errors.push(notAnEvent(input, i)),
      typeIndex: (type, i, errors) => {
        // The generated `if` chain has already compared the declared names.
        if (typeof type === 'string') return this.readerInOtherCase(type)?.index ?? -1;
        errors.push(typeError(type, i));
        return -1;
      },
      isoTime: commonIsoTime,
      timeOf: eventTime,
      append: (events, at) => append(events as EventList, at),
      attribute: (t, f, input, values, base, errors, i) => {
        const check = readers[t]!.fields[f]!;
        readField(check, ownValue(check.node, input), undefined, values, base, errors, i);
      },
    }, codegen);
  }

  /**
   * `keepShown`: also keep the as-given values that explanations show (NormRecord.raw); a lean
   * evaluation or a record check does not need them.
   */
  read(input: unknown, keepShown = true): ReadResult {
    if (!isPlainObject(input)) {
      return { ok: false, errors: [{ path: '', message: `expected a lead record (an object), got ${describe(input)}` }] };
    }
    const errors = this.errors;
    // Plain loops and a guarded length reset: Array.prototype.fill and the array length setter are
    // builtin calls, a visible share of a record with few fields (see packages/bench/README.md).
    if (errors.length !== 0) errors.length = 0;
    const record = this.record;
    clearSlots(record.lead, record.lead.length);
    if (keepShown) clearSlots(record.raw, record.raw.length);
    this.readLeadFields(input, keepShown ? record.raw : undefined, record.lead, errors);
    this.readEvents(input.events, errors);
    return errors.length === 0 ? this.okResult : { ok: false, errors: errors.slice() };
  }

  /**
   * The reader of an event type. A scan of the declared names by `===` (a length test, then a short
   * compare) beats hashing the type for the handful of types a program declares.
   */
  private readerOf(type: string): EventReader | undefined {
    const names = this.typeNames;
    for (let t = 0; t < names.length; t++) if (names[t] === type) return this.typeReaders[t];
    return this.readerInOtherCase(type);
  }

  /** The reader of a type name that is not exactly a declared one: a letter-case variant, or none. */
  private readerInOtherCase(type: string): EventReader | undefined {
    return this.events.get(type) ?? this.events.get(type.toLowerCase());
  }

  /** Events into their type's list; unknown types are skipped, an invalid event only adds errors. */
  private readEvents(list: unknown, errors: RecordError[]): void {
    const byType = this.record.events;
    for (const events of byType) {
      events.length = 0;
      events.sorted = true;
    }
    if (list === undefined || list === null) return;
    if (!Array.isArray(list)) {
      errors.push({ path: 'events', message: `expected a list of events, got ${describe(list)}` });
      return;
    }
    this.readEventList(list, byType, errors);
  }

  /** The event list without generated code (readEvents has cleared the lists). */
  private readEventsGeneric(list: unknown[], errors: RecordError[]): void {
    const byType = this.record.events;
    let lastType: string | undefined;
    let lastReader: EventReader | undefined;
    for (let i = 0; i < list.length; i++) {
      const input: unknown = list[i];
      if (!isPlainObject(input)) {
        errors.push(notAnEvent(input, i));
        continue;
      }
      const type = input.type;
      if (typeof type !== 'string') {
        errors.push(typeError(type, i));
        continue;
      }
      // Events of one type often come in runs, so the last type's reader is tried first.
      let reader = type === lastType ? lastReader : this.readerOf(type);
      if (reader === undefined) continue; // unknown event types are ignored (§10)
      lastType = type;
      lastReader = reader;

      // A finite epoch-ms number is the time as it is, without the call (parseInputDate agrees).
      const given = input.at;
      const at = typeof given === 'number' && given - given === 0 ? given : eventTime(given, i, errors);
      // An invalid record is never evaluated, so an invalid event may be kept like a valid one.
      const events = byType[reader.index]!;
      const n = append(events, at);
      readAttributes(reader, input, events.values, n * events.width, errors, i);
    }
  }
}

function notAnEvent(input: unknown, i: number): RecordError {
  return { path: `events[${i}]`, message: `expected an event (an object), got ${describe(input)}` };
}

/** The error of an event type that is not a string. */
function typeError(type: unknown, i: number): RecordError {
  return { path: errorPath('type', i), message: type == null ? MISSING_MESSAGE : `expected an event type name, got ${describe(type)}` };
}

/** Event `i`'s time from a given `at` that is not a finite number: epoch ms, or NaN with its error added. */
function eventTime(given: unknown, i: number, errors: RecordError[]): number {
  const at = parseInputDate(given);
  if (at !== undefined) return at;
  errors.push({ path: errorPath('at', i), message: given == null ? MISSING_MESSAGE : `expected ${DATE_EXPECTED}, got ${describe(given)}` });
  return NaN;
}

/** A field's value in its input object, an own property only, so a key like `constructor` never reads the prototype. */
function ownValue(node: FieldNode, input: Record<string, unknown>): unknown {
  return node.inherited && !Object.hasOwn(input, node.key) ? undefined : input[node.key];
}

/** Sets the first `n` slots to undefined (a loop, which V8 inlines, rather than the `fill` builtin). */
export function clearSlots(slots: unknown[], n: number): void {
  for (let i = 0; i < n; i++) slots[i] = undefined;
}

function emptyList(width: number): EventList {
  return { length: 0, at: new Float64Array(16), sorted: true, values: [], width };
}

/**
 * Adds an event to the list (growing the time buffer when full) with all its attribute slots
 * missing, since the buffers hold an earlier record's values; returns the event's index.
 */
function append(events: EventList, at: number): number {
  const n = events.length;
  if (n === events.at.length) {
    const grown = new Float64Array(n * 2);
    grown.set(events.at);
    events.at = grown;
  }
  events.at[n] = at;
  if (n > 0 && !(at >= events.at[n - 1]!)) events.sorted = false;
  events.length = n + 1;
  const { values, width } = events;
  for (let k = n * width; k < (n + 1) * width; k++) values[k] = undefined;
  return n;
}

function tableReader(table: FieldTable): TableReader {
  return { fields: table.fields.map(fieldCheck), size: table.slots.length };
}

function fieldCheck(node: FieldNode): FieldCheck {
  const { type } = node;
  if (type.kind === 'object') return { node, leaf: undefined, isList: false, children: node.children.map(fieldCheck), plain: NOT_PLAIN };
  if (type.kind === 'list') return { node, leaf: makeLeaf(type.element), isList: true, children: [], plain: NOT_PLAIN };
  return { node, leaf: makeLeaf(type), isList: false, children: [], plain: plainKind(node) };
}

function plainKind(node: FieldNode): number {
  if (node.placeholders !== undefined) return NOT_PLAIN;
  switch (node.type.kind) {
    case 'string':
    case 'email':
      return PLAIN_STRING;
    case 'bool':
      return PLAIN_BOOL;
    case 'number':
      return PLAIN_NUMBER;
    default:
      return NOT_PLAIN;
  }
}

/**
 * Checks the fields of one input object (a record, or an object nested in a record or an event;
 * an event's own attributes take readAttributes) in place and
 * writes what is kept: `low[base + slot]` gets the comparison form of a field that expressions
 * read, `raw[slot]` (lead fields only) the value as given of a field that explanations show.
 * Event attributes are kept as given: most events of a record fall outside every query's window,
 * so their text is lower-cased only when a `where` reads it (compile-expr.ts, compileAttr).
 * `base` is 0 for lead fields, else the event's offset in its EventList's values. `eventIndex` is
 * -1 for lead fields, else the event's position in `events`, used only to spell an error path.
 */
function readFields(
  checks: FieldCheck[],
  input: Record<string, unknown>,
  raw: unknown[] | undefined,
  low: unknown[],
  base: number,
  errors: RecordError[],
  eventIndex: number,
): void {
  for (let f = 0; f < checks.length; f++) {
    const check = checks[f]!;
    const node = check.node;
    const value = ownValue(node, input);
    // The usual field, a scalar of the right type without placeholders, is checked and kept here;
    // anything else (missing, a placeholder, a wrong type, an enum, a date, an object or a list)
    // takes readField.
    if (isPlainValue(check.plain, value)) {
      if (raw !== undefined && node.shown) raw[node.slot] = value;
      if (node.read) low[base + node.slot] = check.leaf!.lowers && eventIndex < 0 ? (value as string).toLowerCase() : value;
    } else readField(check, value, raw, low, base, errors, eventIndex);
  }
}

/**
 * An event's attributes: readFields over the flat layout of EventReader, since this runs for every
 * event. Plain values are kept whether or not an expression reads them (a store costs less than
 * asking); event text stays as given (see readFields).
 */
function readAttributes(reader: EventReader, input: Record<string, unknown>, values: unknown[], base: number, errors: RecordError[], eventIndex: number): void {
  const { keys, kinds, slots } = reader;
  for (let f = 0; f < keys.length; f++) {
    const kind = kinds[f]!;
    if (kind !== NOT_PLAIN) {
      const value = input[keys[f]!];
      if (isPlainValue(kind, value)) {
        values[base + slots[f]!] = value;
        continue;
      }
    }
    const check = reader.fields[f]!;
    readField(check, ownValue(check.node, input), undefined, values, base, errors, eventIndex);
  }
}

/** One field's value, read from its input object by the caller. */
function readField(check: FieldCheck, value: unknown, raw: unknown[] | undefined, low: unknown[], base: number, errors: RecordError[], eventIndex: number): void {
  const node = check.node;
  if (value === undefined || value === null || (node.placeholders !== undefined && isPlaceholder(node, value))) {
    if (!node.optional) errors.push({ path: errorPath(node.path, eventIndex), message: placeholderNote(MISSING_MESSAGE, value) });
    return;
  }
  const leaf = check.leaf;
  if (leaf === undefined) readObject(check, value, raw, low, base, errors, eventIndex);
  else if (check.isList) readList(check, leaf, value, raw, low, base, errors, eventIndex);
  else {
    const converted = convertLeaf(leaf, value);
    if (converted === INVALID) {
      errors.push({ path: errorPath(node.path, eventIndex), message: `expected ${leaf.expected}, got ${describe(value)}` });
      return;
    }
    if (raw !== undefined && node.shown) raw[node.slot] = converted;
    if (node.read) low[base + node.slot] = leaf.lowers && eventIndex < 0 ? (converted as string).toLowerCase() : converted;
  }
}

function readObject(check: FieldCheck, value: unknown, raw: unknown[] | undefined, low: unknown[], base: number, errors: RecordError[], eventIndex: number): void {
  const node = check.node;
  if (!isPlainObject(value)) {
    errors.push({ path: errorPath(node.path, eventIndex), message: `expected an object, got ${describe(value)}` });
    return;
  }
  // Present; explanations show a set object as `true`.
  if (node.read) low[base + node.slot] = true;
  if (raw !== undefined && node.shown) raw[node.slot] = true;
  readFields(check.children, value, raw, low, base, errors, eventIndex);
}

/** A list value; an empty list is kept as missing, so `is set` is false and `contains` fails. */
function readList(check: FieldCheck, leaf: Leaf, value: unknown, raw: unknown[] | undefined, low: unknown[], base: number, errors: RecordError[], eventIndex: number): void {
  const node = check.node;
  if (!Array.isArray(value)) {
    errors.push({ path: errorPath(node.path, eventIndex), message: `expected a list, got ${describe(value)}` });
    return;
  }
  const converted: unknown[] = [];
  for (let i = 0; i < value.length; i++) {
    const element = convertLeaf(leaf, value[i]);
    if (element === INVALID) {
      errors.push({ path: errorPath(`${node.path}[${i}]`, eventIndex), message: `expected ${leaf.expected}, got ${describe(value[i])}` });
    } else converted.push(element);
  }
  if (converted.length !== value.length || converted.length === 0) return;
  if (raw !== undefined && node.shown) raw[node.slot] = converted;
  if (node.read) low[base + node.slot] = leaf.lowers && eventIndex < 0 ? converted.map((s) => (s as string).toLowerCase()) : converted;
}

function errorPath(path: string, eventIndex: number): string {
  return eventIndex < 0 ? path : `events[${eventIndex}].${path}`;
}

// ---------------------------------------------------------------------------------------------
// Scalar conversions by field type.

const INVALID: unique symbol = Symbol('invalid');

interface Leaf {
  kind: 'string' | 'number' | 'bool' | 'date' | 'enum' | 'none';
  /** An enum's members, lower-cased. */
  members: ReadonlySet<string> | undefined;
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
      return { kind: 'string', members: undefined, lowers: comparedLowerCase(type), expected: 'a string' };
    case 'number':
      return { kind: 'number', members: undefined, lowers: false, expected: 'a number' };
    case 'bool':
      return { kind: 'bool', members: undefined, lowers: false, expected: 'true or false' };
    case 'date':
      return { kind: 'date', members: undefined, lowers: false, expected: DATE_EXPECTED };
    case 'enum':
      return {
        kind: 'enum',
        members: new Set(type.members.map((m) => m.toLowerCase())),
        lowers: comparedLowerCase(type),
        expected: `one of ${type.members.map((m) => JSON.stringify(m)).join(', ')}`,
      };
    case 'object':
    case 'list':
      // Lists of objects or of lists are not in the language (§4); accept nothing silently wrong.
      return { kind: 'none', members: undefined, lowers: false, expected: 'a string or a number' };
  }
}

/** The normalised value (dates → epoch ms), or INVALID. */
function convertLeaf(leaf: Leaf, v: unknown): unknown {
  switch (leaf.kind) {
    case 'string':
      return typeof v === 'string' ? v : INVALID;
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) ? v : INVALID;
    case 'bool':
      return typeof v === 'boolean' ? v : INVALID;
    case 'date':
      return parseInputDate(v) ?? INVALID;
    case 'enum':
      return typeof v === 'string' && (leaf.members!.has(v) || leaf.members!.has(v.toLowerCase())) ? v : INVALID;
    case 'none':
      return INVALID;
  }
}

// ---------------------------------------------------------------------------------------------

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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

/** A required field given as a placeholder says so: `required field is missing ("Select" means not given)`. */
function placeholderNote(message: string, value: unknown): string {
  return typeof value === 'string' ? `${message} (${JSON.stringify(value)} means not given)` : message;
}

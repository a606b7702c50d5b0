// The record reader's hottest loop, over a record's events, as code generated for one schema at
// load (records.ts decides what is checked and keeps the generic loop; this file only spells it).
//
// Why: the generic loop reads every event attribute through one keyed load (`input[keys[f]]`) that
// sees every key and every event shape, so V8 answers it from a global cache. Generated code has a
// named load per attribute of each event type, each seeing that type's one shape, and picks the
// type by an `if` chain of literal names. On the throughput benchmark the record check takes 0.84×
// the time on epoch-ms event times and 0.92× on ISO-8601 ones (packages/bench/README.md).
// The lead's own fields are generated the same way (generateFieldReader). CRM records come in
// hundreds of shapes, so those named loads stay megamorphic, but they skip the generic loop's
// per-field bookkeeping: about 2,000 fewer instructions per record on the benchmark's leads.
// Only the common case is generated: an attribute whose value is valid as it is (records.ts,
// FieldCheck.plain). Every other value (missing, a placeholder, a wrong type, a date, an enum, an
// object, a list), and every error, goes to the same functions the generic loop calls, so the
// rules of LANGUAGE.md §10 are written once.
//
// Safety and the fallback where `new Function` is forbidden: codegen.ts. (zod, which checks the
// artifact at load, compiles its validators the same way.)

import { int, literal, type Codegen } from './codegen.js';
import type { RecordError } from './result.js';

/** How a generated reader tests a value of a field's plain kind: JavaScript source over `value`. */
export type PlainTest = (value: string) => string;

/** One event attribute as generated code checks it: records.ts fills these in from its FieldChecks. */
export interface GeneratedField {
  /** The input key. */
  key: string;
  /** The key also names an Object.prototype member, so the read checks own-ness (schema.ts, FieldNode.inherited). */
  inherited: boolean;
  /** The source of the test that a value is valid as it is, or undefined when no value is (the general path only). */
  plainTest: PlainTest | undefined;
  /** The field's slot in the event's values. */
  slot: number;
  /** An optional field: a missing value (undefined or null) is valid and leaves the slot unset. */
  optional: boolean;
}

/**
 * The general path for a value that is not the common case, except for a missing optional value,
 * which is valid and needs nothing. (Optional fields are often missing; sending them down the
 * general path made it hot enough for V8 to inline it into the generated reader.)
 */
function unlessMissing(field: GeneratedField, value: string, slow: string): string {
  return field.optional ? `if (${value} != null) ${slow}` : slow;
}

/** An own-property read: a key that Object.prototype also has must not read the prototype. */
function readOf(object: string, field: GeneratedField): string {
  const { key } = field;
  return field.inherited ? `(Object.hasOwn(${object}, ${literal(key)}) ? ${object}[${literal(key)}] : undefined)` : `${object}[${literal(key)}]`;
}

/** One declared event type as generated code reads it. */
export interface GeneratedEventType {
  name: string;
  /** Slots per event. */
  width: number;
  attributes: GeneratedField[];
}

/** Reads a record's event list into its per-type EventLists (records.ts, readEvents). */
export type EventListReader = (list: unknown[], byType: unknown[], errors: RecordError[]) => void;

/** What generated event code calls: everything but the common case lives in records.ts. */
export interface EventHelpers {
  /** Element `i` of the list is not an object: adds its error. */
  notEvent(input: unknown, i: number, errors: RecordError[]): void;
  /** The type index of a name that is not exactly a declared one (another letter case), or -1 (unknown, or not a name: the error is added). */
  typeIndex(type: unknown, i: number, errors: RecordError[]): number;
  /** The time of an ISO-8601 `at` in the common forms (dates.ts, commonIsoTime), or NaN. */
  isoTime(text: string): number;
  /** The time of any other `at` (or NaN, its error added). */
  timeOf(given: unknown, i: number, errors: RecordError[]): number;
  /** Appends an event at `at` to a list; returns its index. */
  append(events: unknown, at: number): number;
  /** Attribute `f` of type `t`, whose value is not valid as it is (or may not be): the general path. */
  attribute(t: number, f: number, input: Record<string, unknown>, values: unknown[], base: number, errors: RecordError[], i: number): void;
}

export function generateEventReader(types: GeneratedEventType[], helpers: EventHelpers, codegen: Codegen): EventListReader | undefined {
  const lines = [
    'for (let i = 0; i < list.length; i++) {',
    '  const e = list[i];',
    "  if (typeof e !== 'object' || e === null || Array.isArray(e)) { H.notEvent(e, i, errors); continue; }",
    '  const type = e.type;',
    '  let t;',
    ...types.map((type, t) => `  ${t === 0 ? '' : 'else '}if (type === ${literal(type.name)}) t = ${int(t)};`),
    `  ${types.length === 0 ? '' : 'else '}{ t = H.typeIndex(type, i, errors); if (t < 0) continue; }`,
    '  switch (t) {',
    ...types.map((type, t) => eventCase(type, t)),
    '  }',
    '}',
  ];
  const body = `return function readEventList(list, byType, errors) {\n${lines.join('\n')}\n};`;
  return codegen.compile(['H'], body)?.(helpers) as EventListReader | undefined;
}

/** One `case` of the event loop: append the event, check its attributes with literal keys. */
function eventCase(type: GeneratedEventType, t: number): string {
  const attributes = type.attributes.map((field, f) => {
    const value = `a${int(f)}`;
    const slow = `H.attribute(${int(t)}, ${int(f)}, e, values, base, errors, i);`;
    if (field.plainTest === undefined) return `    ${slow}`;
    return `    { const ${value} = ${readOf('e', field)}; if (${field.plainTest(value)}) values[base + ${int(field.slot)}] = ${value}; else ${unlessMissing(field, value, slow)} }`;
  });
  return [
    `  case ${int(t)}: {`,
    // `at` is read here rather than once before the switch: each case's read sees the events of
    // one type, usually of one shape, where one read for all types sees as many shapes as there
    // are types and V8 makes it a megamorphic lookup (as `e.type` has to stay).
    '    const given = e.at;',
    // The common forms directly (a finite number, the usual ISO-8601 text); anything else, and
    // every error, takes H.timeOf's full path.
    "    let at = typeof given === 'number' ? given : typeof given === 'string' ? H.isoTime(given) : NaN;",
    '    if (at - at !== 0) at = H.timeOf(given, i, errors);',
    `    const events = byType[${int(t)}]; const base = H.append(events, at) * ${int(type.width)}; const values = events.values;`,
    ...attributes,
    '    break;',
    '  }',
  ].join('\n');
}

/** One lead field as generated code checks it (a tree: an object field's children are checked inside it). */
export interface GeneratedLeadField extends GeneratedField {
  /** The field's index in the reader's flat list (FieldHelpers.field, and the `read`/`shown` flags). */
  index: number;
  /** The comparison form is the lower-cased string (a plain string field compared case-insensitively). */
  lowers: boolean;
  /** An object field's fields, or undefined for any other field. */
  children: GeneratedLeadField[] | undefined;
  /**
   * An enum field without placeholders: its members, lower-cased. A value that is exactly one is
   * valid as it is and already its comparison form; any other value takes the general path.
   */
  members: ReadonlySet<string> | undefined;
}

/** Whether the reader keeps a field's value: read at each record, since test conditions compiled later mark more (schema.ts, FieldNode). */
export interface FieldFlags {
  read: boolean;
  shown: boolean;
}

/** Reads a record's own fields into its slots: `raw` gets the values explanations show (or is undefined), `low` their comparison form. */
export type FieldReader = (input: Record<string, unknown>, raw: unknown[] | undefined, low: unknown[], errors: RecordError[]) => void;

/** What generated field code calls: every value but a plain one, and every error, goes back to records.ts. */
export interface FieldHelpers {
  /** Field `index`, whose value is not valid as it is (or may not be): the general path (records.ts, readField). */
  field(index: number, value: unknown, raw: unknown[] | undefined, low: unknown[], errors: RecordError[]): void;
}

export function generateFieldReader(fields: GeneratedLeadField[], flags: FieldFlags[], helpers: FieldHelpers, codegen: Codegen): FieldReader | undefined {
  const members: (ReadonlySet<string> | undefined)[] = [];
  const collect = (field: GeneratedLeadField): void => {
    members[field.index] = field.members;
    field.children?.forEach(collect);
  };
  fields.forEach(collect);
  const body = `return function readLeadFields(input, raw, low, errors) {\n${fields.map((field) => fieldCode(field, 'input', '  ')).join('\n')}\n};`;
  return codegen.compile(['F', 'M', 'H'], body)?.(flags, members, helpers) as FieldReader | undefined;
}

/**
 * One field read from `object`: a plain value is kept here; an object's fields are read inside it
 * when it is an object; anything else takes H.field, which also adds every error.
 */
function fieldCode(field: GeneratedLeadField, object: string, indent: string): string {
  const k = int(field.index);
  const value = `v${k}`;
  const slot = int(field.slot);
  const slow = `H.field(${k}, ${value}, raw, low, errors);`;
  const read = `const ${value} = ${readOf(object, field)};`;
  if (field.children !== undefined) {
    const children = field.children.map((child) => fieldCode(child, value, `${indent}  `)).join('\n');
    return [
      `${indent}{ ${read} if (typeof ${value} === 'object' && ${value} !== null && !Array.isArray(${value})) {`,
      // Present: explanations show a set object as `true` (records.ts, readObject).
      `${indent}  if (F[${k}].read) low[${slot}] = true; if (raw !== undefined && F[${k}].shown) raw[${slot}] = true;`,
      children,
      `${indent}} else ${unlessMissing(field, value, slow)} }`,
    ].join('\n');
  }
  const test = field.members !== undefined ? `typeof ${value} === 'string' && M[${k}].has(${value})` : field.plainTest?.(value);
  if (test === undefined) return `${indent}{ ${read} ${unlessMissing(field, value, slow)} }`;
  const kept = field.lowers && field.members === undefined ? `${value}.toLowerCase()` : value;
  return `${indent}{ ${read} if (${test}) { if (raw !== undefined && F[${k}].shown) raw[${slot}] = ${value}; if (F[${k}].read) low[${slot}] = ${kept}; } else ${unlessMissing(field, value, slow)} }`;
}

// The record model: the artifact's lead and event schemas laid out as numbered slots, so a
// validated record is an array and a compiled `field`/`attr` expression is one indexed read.

import type { FieldSpec, FieldType, RulesArtifact } from '@mql/artifact';

export interface FieldNode {
  /** Schema name (what expressions use). */
  name: string;
  /** Input key (the `from` name when there is one). */
  key: string;
  /** The key also names an Object.prototype member (`constructor`), so reads must check own-ness. */
  inherited: boolean;
  /** `missing when [...]`: lower-cased, trimmed input values that mean "not given" (artifact FieldSpec). */
  placeholders?: ReadonlySet<string>;
  optional: boolean;
  type: FieldType;
  slot: number;
  /** Input path from the record (or event) root, as error paths and CSV headers spell it: `company.employees`. */
  path: string;
  /** The same path with schema names. */
  schemaPath: string;
  /** Nested fields of an object field. */
  children: FieldNode[];
  /**
   * An expression reads the value (set while rules compile, also by test conditions compiled
   * later), so the record reader keeps its comparison form; other fields are only checked.
   */
  read: boolean;
  /** An explanation shows the value as given, so the record reader keeps that copy too. */
  shown: boolean;
}

export interface FieldTable {
  /** Top-level fields, in declaration order. */
  fields: FieldNode[];
  /** Every field (nested ones too), by slot. */
  slots: FieldNode[];
  bySchemaPath: Map<string, FieldNode>;
}

export interface EventModel extends FieldTable {
  name: string;
  index: number;
}

export interface RecordModel {
  lead: FieldTable;
  events: EventModel[];
  eventByName: Map<string, EventModel>;
}

export function buildRecordModel(artifact: RulesArtifact): RecordModel {
  const events = artifact.events.map((e, index) => ({ name: e.name, index, ...buildTable(e.fields) }));
  return {
    lead: buildTable(artifact.lead.fields),
    events,
    eventByName: new Map(events.map((e) => [e.name, e])),
  };
}

function buildTable(specs: FieldSpec[]): FieldTable {
  const table: FieldTable = { fields: [], slots: [], bySchemaPath: new Map() };
  const add = (spec: FieldSpec, parent: FieldNode | undefined): FieldNode => {
    const node: FieldNode = {
      name: spec.name,
      key: spec.from ?? spec.name,
      inherited: (spec.from ?? spec.name) in Object.prototype,
      ...(spec.placeholders?.length ? { placeholders: new Set(spec.placeholders.map(foldPlaceholder)) } : {}),
      optional: spec.optional,
      type: spec.type,
      slot: table.slots.length,
      path: parent ? `${parent.path}.${spec.from ?? spec.name}` : (spec.from ?? spec.name),
      schemaPath: parent ? `${parent.schemaPath}.${spec.name}` : spec.name,
      children: [],
      read: false,
      shown: false,
    };
    table.slots.push(node);
    table.bySchemaPath.set(node.schemaPath, node);
    if (spec.type.kind === 'object') node.children = spec.type.fields.map((child) => add(child, node));
    return node;
  };
  table.fields = specs.map((spec) => add(spec, undefined));
  return table;
}

/** How placeholders and input values are compared: letter case and surrounding white space ignored. */
export function foldPlaceholder(value: string): string {
  return value.trim().toLowerCase();
}

/** Whether an input value is one of the field's placeholders, so it reads as missing. */
export function isPlaceholder(node: FieldNode, value: unknown): boolean {
  return node.placeholders !== undefined && typeof value === 'string' && node.placeholders.has(foldPlaceholder(value));
}

/**
 * Whether a field's comparison form is lower-cased text: strings, emails and enums, and lists of
 * them (the record reader lowers lead fields, compileAttr event attributes on first read).
 */
export function comparedLowerCase(type: FieldType): boolean {
  const leaf = type.kind === 'list' ? type.element : type;
  return leaf.kind === 'string' || leaf.kind === 'email' || leaf.kind === 'enum';
}

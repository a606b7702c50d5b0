// The program's names: one namespace of top-level declarations, the lead schema and the event
// types with their fields. Also the index of definitions and references that go to definition,
// find references, rename and hover are answered from.

import type { Declaration, EventDecl, FieldDecl, GradeDecl, LeadDecl, Span, TypeNode } from '../syntax/ast.js';
import { makeDiagnostic, type Diagnostic } from '../diagnostics.js';
import type { ProgramFile } from './program.js';
import { suggest } from './suggest.js';
import { PRIMITIVE_TYPE_NAMES, primitiveType, type FieldInfo, type Type } from './types.js';

export type DeclKind = 'event' | 'list' | 'segment' | 'score' | 'grade' | 'stage';

export interface DeclInfo {
  kind: DeclKind;
  name: string;
  file: string;
  nameSpan: Span;
  decl: Declaration;
}

export interface EventInfo {
  name: string;
  fields: Map<string, FieldInfo>;
  decl: EventDecl;
  file: string;
}

/**
 * Keys of things that can be defined and referenced: `decl:NAME` (any top-level name, events and
 * stages included), `field:PATH` (a lead field by dotted path), `attr:EVENT.PATH` (an event attribute).
 */
export type SymbolKey = string;

export interface SymbolDefinition {
  key: SymbolKey;
  /**
   * `member`: a member of a field's enum type (`"software"` in `industry?: "software" | "retail"`),
   * or a grade's label (`A` in `grade profile { A when … }`), which comparisons also spell as a string.
   */
  kind: DeclKind | 'field' | 'attribute' | 'member';
  name: string;
  /** A grade label written as an identifier (`A`), not a string: a rename keeps it bare where it can. */
  bare?: boolean;
  file: string;
  nameSpan: Span;
  span: Span;
  doc?: string;
  type?: Type;
}

export interface SymbolReference {
  key: SymbolKey;
  file: string;
  span: Span;
}

export interface SymbolIndex {
  definitions: Map<SymbolKey, SymbolDefinition>;
  references: SymbolReference[];
}

export const declKey = (name: string): SymbolKey => `decl:${name}`;
export const fieldKey = (path: string): SymbolKey => `field:${path}`;
export const attrKey = (event: string, path: string): SymbolKey => `attr:${event}.${path}`;
/** An enum member of a field or attribute (`owner` its key); members match case-insensitively. */
export const memberKey = (owner: SymbolKey, member: string): SymbolKey => `member:${owner}\0${member.toLowerCase()}`;

/** The owner of a grade's labels, as members of the enum that the grade's value is. */
export const gradeOwner = (grade: string): SymbolKey => `grade:${grade}`;

/** The grade whose labels `owner` holds (gradeOwner), or undefined for a field's enum. */
export const gradeOfOwner = (owner: SymbolKey): string | undefined => (owner.startsWith('grade:') ? owner.slice('grade:'.length) : undefined);

export interface ProgramSymbols {
  declarations: Map<string, DeclInfo>;
  lead?: { fields: Map<string, FieldInfo>; decl: LeadDecl; file: string };
  events: Map<string, EventInfo>;
  index: SymbolIndex;
  diagnostics: Diagnostic[];
}

const DECL_KIND: Partial<Record<Declaration['kind'], DeclKind>> = {
  Event: 'event',
  List: 'list',
  Segment: 'segment',
  Score: 'score',
  Grade: 'grade',
  Stage: 'stage',
};

export function collectSymbols(files: readonly ProgramFile[]): ProgramSymbols {
  const symbols: ProgramSymbols = {
    declarations: new Map(),
    events: new Map(),
    index: { definitions: new Map(), references: [] },
    diagnostics: [],
  };
  const leads: { decl: LeadDecl; file: string }[] = [];
  for (const file of files) {
    for (const decl of file.ast.decls) {
      if (decl.kind === 'Lead') leads.push({ decl, file: file.path });
      else addDeclaration(symbols, decl, file.path);
    }
  }
  collectLead(symbols, leads);
  for (const info of symbols.declarations.values()) {
    if (info.kind === 'event') collectEvent(symbols, info.decl as EventDecl, info.file);
  }
  return symbols;
}

function addDeclaration(symbols: ProgramSymbols, decl: Declaration, file: string): void {
  const kind = DECL_KIND[decl.kind];
  if (!kind || !('name' in decl) || !decl.name) return;
  const name = decl.name.name;
  if (reservedName(symbols, name, kind === 'event' ? 'an event' : `a ${kind}`, decl.name.span, file)) return;
  const existing = symbols.declarations.get(name);
  if (existing) {
    symbols.diagnostics.push(
      makeDiagnostic({
        code: 'MQL2003',
        file,
        span: decl.name.span,
        args: { name },
        related: [{ file: existing.file, span: existing.nameSpan, message: `\`${name}\` is first declared here` }],
      }),
    );
    return;
  }
  symbols.declarations.set(name, { kind, name, file, nameSpan: decl.name.span, decl });
  symbols.index.definitions.set(declKey(name), {
    key: declKey(name),
    kind,
    name,
    file,
    nameSpan: decl.name.span,
    span: decl.span,
    doc: decl.doc,
  });
  if (decl.kind === 'Grade') addGradeLabels(symbols, decl, name, file);
}

/** A grade's labels, defined where its bands name them (the first band of a label, if repeated). */
function addGradeLabels(symbols: ProgramSymbols, decl: GradeDecl, name: string, file: string): void {
  const labels = [...decl.bands.map((band) => band.label), ...(decl.else?.label ? [decl.else.label] : [])];
  for (const label of labels) {
    const key = memberKey(gradeOwner(name), label.value);
    if (symbols.index.definitions.has(key)) continue;
    symbols.index.definitions.set(key, { key, kind: 'member', name: label.value, file, nameSpan: label.span, span: label.span, ...(label.quoted ? {} : { bare: true }) });
  }
}

/**
 * `__proto__` as a result key or record key would set an object's prototype instead of a property
 * (CSV rows, scores by name), so no declaration, field or `from` name may be it (LANGUAGE.md is
 * silent; see grammar/README.md). `constructor` and the like are fine: the runtime reads own keys.
 */
function reservedName(symbols: ProgramSymbols, name: string, what: string, span: Span, file: string): boolean {
  if (name !== '__proto__') return false;
  symbols.diagnostics.push(makeDiagnostic({ code: 'MQL2028', file, span, args: { what } }));
  return true;
}

function collectLead(symbols: ProgramSymbols, leads: { decl: LeadDecl; file: string }[]): void {
  const [first, ...others] = leads;
  if (!first) return;
  for (const other of others) {
    symbols.diagnostics.push(
      makeDiagnostic({
        code: 'MQL2007',
        file: other.file,
        span: other.decl.keyword,
        args: { message: 'a program has exactly one `lead` schema, and this is a second one' },
        related: [{ file: first.file, span: first.decl.keyword, message: 'the first `lead` schema is here' }],
      }),
    );
  }
  const fields = collectFields(symbols, first.decl.fields, first.file, 'the lead', '', (path) => fieldKey(path));
  symbols.lead = { fields, decl: first.decl, file: first.file };
}

function collectEvent(symbols: ProgramSymbols, decl: EventDecl, file: string): void {
  const name = decl.name!.name;
  const fields = collectFields(symbols, decl.fields, file, `event \`${name}\``, '', (path) => attrKey(name, path), true);
  symbols.events.set(name, { name, fields, decl, file });
}

function collectFields(
  symbols: ProgramSymbols,
  decls: readonly FieldDecl[],
  file: string,
  owner: string,
  prefix: string,
  keyOf: (path: string) => SymbolKey,
  isEvent = false,
): Map<string, FieldInfo> {
  const fields = new Map<string, FieldInfo>();
  for (const decl of decls) {
    const name = decl.name.name;
    const path = prefix ? `${prefix}.${name}` : name;
    if (reservedName(symbols, name, 'a field', decl.name.span, file)) continue;
    // A reserved `from` key is reported but the field kept, so its uses do not cascade into errors.
    if (decl.from) reservedName(symbols, decl.from.value, 'an input key (`from`)', decl.from.span, file);
    const first = fields.get(name);
    if (first) {
      symbols.diagnostics.push(
        makeDiagnostic({
          code: 'MQL2004',
          file,
          span: decl.name.span,
          args: { name, owner },
          related: [{ file, span: first.nameSpan, message: `\`${name}\` is first declared here` }],
        }),
      );
      continue;
    }
    const type = decl.type ? resolveTypeNode(symbols, decl.type, file, path, keyOf, isEvent) : ({ kind: 'error' } as Type);
    const info: FieldInfo = {
      name,
      // A field still being typed (`reven` without `: type`, a syntax error already) is not yet
      // required: every test lead would otherwise report it missing on its own, correct line.
      optional: decl.optional || decl.type === undefined,
      type,
      from: decl.from?.value,
      ...(decl.placeholders ? { placeholderDecl: decl.placeholders } : {}),
      ...(decl.key ? { keySpan: decl.key } : {}),
      doc: decl.doc,
      file,
      span: decl.span,
      nameSpan: decl.name.span,
      path,
    };
    fields.set(name, info);
    symbols.index.definitions.set(keyOf(path), {
      key: keyOf(path),
      kind: isEvent ? 'attribute' : 'field',
      name,
      file,
      nameSpan: decl.name.span,
      span: decl.span,
      doc: decl.doc,
      type,
    });
  }
  return fields;
}

function resolveTypeNode(
  symbols: ProgramSymbols,
  node: TypeNode,
  file: string,
  path: string,
  keyOf: (path: string) => SymbolKey,
  isEvent: boolean,
): Type {
  const invalid = (message: string, span: Span): Type => {
    symbols.diagnostics.push(makeDiagnostic({ code: 'MQL2025', file, span, args: { message } }));
    return { kind: 'error' };
  };
  switch (node.kind) {
    case 'NamedType': {
      const type = primitiveType(node.name.name);
      if (type) return type;
      const guess = suggest(node.name.name, PRIMITIVE_TYPE_NAMES);
      symbols.diagnostics.push(
        makeDiagnostic({
          code: 'MQL2008',
          file,
          span: node.name.span,
          args: { name: node.name.name, hint: guess ? `; did you mean \`${guess}\`?` : '' },
          fixes: guess ? [{ title: `Change to \`${guess}\``, edits: [{ file, span: node.name.span, newText: guess }] }] : [],
        }),
      );
      return { kind: 'error' };
    }
    case 'EnumType': {
      const seen = new Set<string>();
      for (const member of node.members) {
        const lower = member.value.toLowerCase();
        if (seen.has(lower)) invalid(`"${member.value}" is listed twice in this enum (members compare case-insensitively)`, member.span);
        seen.add(lower);
      }
      if (node.members.length === 0) return invalid('an enum needs at least one member', node.span);
      const owner = keyOf(path);
      for (const member of node.members) {
        const key = memberKey(owner, member.value);
        if (!symbols.index.definitions.has(key)) symbols.index.definitions.set(key, { key, kind: 'member', name: member.value, file, nameSpan: member.span, span: member.span });
      }
      return { kind: 'enum', members: node.members.map((m) => m.value), owner };
    }
    case 'ObjectType': {
      if (isEvent) return invalid('event attributes cannot be nested objects; declare them as separate attributes', node.span);
      const fields = collectFields(symbols, node.fields, file, `\`${path}\``, path, keyOf, isEvent);
      return { kind: 'object', fields, name: path };
    }
    case 'ListType': {
      if (!node.element) return { kind: 'error' };
      const element = resolveTypeNode(symbols, node.element, file, path, keyOf, isEvent);
      if (element.kind === 'error') return element;
      if (element.kind !== 'string' && element.kind !== 'number' && element.kind !== 'enum') {
        return invalid('a list holds strings, numbers or enum members', node.element.span);
      }
      return { kind: 'list', element };
    }
  }
}

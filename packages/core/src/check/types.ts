// The checker's types: what an expression or a field can hold, and how to name it in a message.

import type { Placeholders, Span } from '../syntax/ast.js';

export interface FieldInfo {
  name: string;
  optional: boolean;
  type: Type;
  from?: string;
  /** `missing when [...]` as written; placeholders.ts resolves it into `placeholders`. */
  placeholderDecl?: Placeholders;
  /** Input values that mean "not given" (LANGUAGE terms: grammar/README.md, placeholders). */
  placeholders?: string[];
  /** The `key` marker's span: the field is the lead's id (lead-key.ts checks where it may be). */
  keySpan?: Span;
  doc?: string;
  /** Where the field is declared (for go to definition and related locations). */
  file: string;
  span: Span;
  nameSpan: Span;
  /** Dotted path from the lead root (or from the event, for attributes), e.g. `company.industry`. */
  path: string;
}

export type Type =
  | { kind: 'number' }
  | { kind: 'string' }
  | { kind: 'email' }
  | { kind: 'bool' }
  | { kind: 'date' }
  | { kind: 'duration' }
  /**
   * An enum; also the type of a grade (its labels). `name` says whose labels they are, for
   * messages; `owner` is the symbol key of the field or attribute whose type declares the members
   * (their definitions and references are indexed under `memberKey(owner, member)`).
   */
  | { kind: 'enum'; members: string[]; name?: string; owner?: string }
  | { kind: 'object'; fields: Map<string, FieldInfo>; name: string }
  | { kind: 'list'; element: Type }
  /** A `list` declaration or literal, usable only after `in`. */
  | { kind: 'literalList'; element: Type }
  /** Something already reported; suppresses follow-on errors. */
  | { kind: 'error' };

export const NUMBER: Type = { kind: 'number' };
export const STRING: Type = { kind: 'string' };
export const EMAIL: Type = { kind: 'email' };
export const BOOL: Type = { kind: 'bool' };
export const DATE: Type = { kind: 'date' };
export const DURATION: Type = { kind: 'duration' };
export const ERROR: Type = { kind: 'error' };

export const PRIMITIVE_TYPE_NAMES = ['string', 'email', 'number', 'bool', 'date'] as const;

export function primitiveType(name: string): Type | undefined {
  switch (name) {
    case 'string':
      return STRING;
    case 'email':
      return EMAIL;
    case 'number':
      return NUMBER;
    case 'bool':
      return BOOL;
    case 'date':
      return DATE;
    default:
      return undefined;
  }
}

/** Text-like types compare with each other (case-insensitively at run time). */
export function isText(type: Type): boolean {
  return type.kind === 'string' || type.kind === 'email' || type.kind === 'enum';
}

export function isError(type: Type): boolean {
  return type.kind === 'error';
}

/** A readable name for messages: "a number", "text", "one of \"a\" | \"b\"". */
export function describeType(type: Type): string {
  switch (type.kind) {
    case 'number':
      return 'a number';
    case 'string':
      return 'text';
    case 'email':
      return 'an email';
    case 'bool':
      return 'a boolean';
    case 'date':
      return 'a date';
    case 'duration':
      return 'a duration';
    case 'enum':
      return type.name ? `a ${type.name} label` : `one of ${formatMembers(type.members)}`;
    case 'object':
      return `an object (${type.name})`;
    case 'list':
      return `a list of ${describeType(type.element).replace(/^an? /, '')}`;
    case 'literalList':
      return 'a list';
    case 'error':
      return 'an invalid value';
  }
}

export function formatMembers(members: readonly string[]): string {
  const shown = members.slice(0, 6).map((m) => `"${m}"`);
  if (members.length > 6) shown.push('…');
  return shown.join(' | ');
}

/** Whether a value of `type` can stand where `expected` is required (test literals, list elements). */
export function sameValueKind(a: Type, b: Type): boolean {
  if (isText(a) && isText(b)) return true;
  return a.kind === b.kind;
}

export function enumHasMember(type: Type & { kind: 'enum' }, value: string): boolean {
  const lower = value.toLowerCase();
  return type.members.some((m) => m.toLowerCase() === lower);
}

// Renaming a declaration, a lead field or an event attribute everywhere it is used, in every
// program of the workspace. A new name must be a plain identifier, not a keyword, and must not
// collide with a name that would then mean something else. An enum member (`"software"` in a
// field's type) is renamed in the type and in every string literal that means it (comparisons,
// `in` lists, `list` declarations used with the field, test leads); its new name is any text
// on one line that is not already a member (members compare case-insensitively). A grade's label
// is renamed the same way, in its band and in the strings compared with the grade; a label
// written as an identifier (`A when …`) stays one when the new name is an identifier.

import type { Span } from '../syntax/ast.js';
import type { Analysis } from '../check/checker.js';
import type { TextEdit } from '../diagnostics.js';
import * as T from '../syntax/lexer.js';
import { withArticle } from '../check/check-expr.js';
import type { FieldInfo } from '../check/types.js';
import { gradeOfOwner, memberKey } from '../check/symbols.js';
import { referencesOf, targetAt, type Target } from './navigation.js';

export type RenameCheck = { ok: true; span: Span; placeholder: string } | { ok: false; message: string };
export type RenameResult = { ok: true; edits: TextEdit[] } | { ok: false; message: string };

type SymbolTarget = Extract<Target, { kind: 'symbol' }>;

export function prepareRename(analysis: Analysis, file: string, offset: number): RenameCheck {
  const target = targetAt(analysis, file, offset);
  if (!target) return { ok: false, message: 'Only declarations, lead fields and event attributes can be renamed.' };
  if (target.kind === 'import') return { ok: false, message: 'An import path names a file: rename the file instead.' };
  if (!target.definition) return { ok: false, message: 'This name is not declared anywhere, so there is nothing to rename.' };
  return { ok: true, span: target.span, placeholder: target.definition.name };
}

/** The edits that rename the symbol at `offset` to `newName` in every analysis given. */
export function renameAt(analysis: Analysis, file: string, offset: number, newName: string, analyses: readonly Analysis[]): RenameResult {
  const check = prepareRename(analysis, file, offset);
  if (!check.ok) return check;
  const target = targetAt(analysis, file, offset) as SymbolTarget;
  const member = target.definition!.kind === 'member';
  const problem = member ? memberProblem(analysis, target, newName) : (nameProblem(newName) ?? collision(target, newName, analyses.length > 0 ? analyses : [analysis]));
  if (problem) return { ok: false, message: problem };
  const locations = referencesOf(target, analyses.length > 0 ? analyses : [analysis], true);
  const definition = target.definition!;
  const bare = (location: { file: string; span: Span }) =>
    definition.bare === true && location.file === definition.file && location.span.start === definition.nameSpan.start && nameProblem(newName) === undefined;
  const newText = (location: { file: string; span: Span }) => (member && !bare(location) ? JSON.stringify(newName) : newName);
  return { ok: true, edits: locations.map((location) => ({ file: location.file, span: location.span, newText: newText(location) })) };
}

/** Why an enum member cannot be renamed to `name`: empty, more than a line, or already a member of that enum. */
function memberProblem(analysis: Analysis, target: SymbolTarget, name: string): string | undefined {
  if (name.trim() === '' || /[\r\n]/.test(name)) return 'An enum member is text on one line, not empty.';
  const renamed = analysis.index.definitions.get(target.key)!;
  if (name.toLowerCase() === renamed.name.toLowerCase()) return undefined;
  const owner = target.key.slice('member:'.length, target.key.lastIndexOf('\0'));
  const other = analysis.index.definitions.get(memberKey(owner, name));
  if (!other) return undefined;
  const grade = gradeOfOwner(owner);
  return grade === undefined
    ? `"${other.name}" is already a member of this enum (members compare case-insensitively).`
    : `"${other.name}" is already a label of grade \`${grade}\` (labels compare case-insensitively).`;
}

/** Why `name` cannot be a name, judged by the lexer itself. */
function nameProblem(name: string): string | undefined {
  const { tokens, diagnostics } = T.tokenize(name, '');
  const only = tokens.length === 1 && diagnostics.length === 0 ? tokens[0]! : undefined;
  if (only?.tokenType === T.Identifier && only.image === name) return undefined;
  if (only && (T.KEYWORDS as readonly string[]).includes(only.image) && only.image === name) {
    return `\`${name}\` is a keyword and cannot be used as a name.`;
  }
  return `\`${name}\` is not a valid name: use letters, digits and \`_\`, starting with a letter or \`_\`.`;
}

function collision(target: SymbolTarget, newName: string, analyses: readonly Analysis[]): string | undefined {
  const definition = target.definition!;
  if (newName === definition.name) return undefined;
  for (const analysis of analyses) {
    if (analysis.index.definitions.get(target.key)?.nameSpan.start !== definition.nameSpan.start) continue;
    const problem = target.key.startsWith('decl:')
      ? declarationCollision(analysis, newName)
      : target.key.startsWith('field:')
        ? fieldCollision(analysis, target.key.slice('field:'.length), newName)
        : attributeCollision(analysis, target.key.slice('attr:'.length), newName);
    if (problem) return problem;
  }
  return undefined;
}

function declarationCollision(analysis: Analysis, newName: string): string | undefined {
  const existing = analysis.declarations.get(newName);
  if (existing) return `\`${newName}\` is already declared (${withArticle(existing.kind)} in ${existing.file}).`;
  // A declaration would hide a lead field of the same name in every expression.
  if (analysis.lead?.fields.has(newName)) return `\`${newName}\` is a field of the lead; a declaration of that name would hide it.`;
  return undefined;
}

function fieldCollision(analysis: Analysis, path: string, newName: string): string | undefined {
  const segments = path.split('.');
  const siblings = siblingFields(analysis.lead?.fields, segments.slice(0, -1));
  if (siblings?.has(newName)) return `\`${[...segments.slice(0, -1), newName].join('.')}\` already exists in the lead schema.`;
  if (segments.length === 1 && analysis.declarations.has(newName)) {
    return `\`${newName}\` is already declared; a field of that name would be hidden by the declaration.`;
  }
  return undefined;
}

function attributeCollision(analysis: Analysis, eventAndPath: string, newName: string): string | undefined {
  const [event] = eventAndPath.split('.');
  const fields = analysis.events.get(event!)?.fields;
  if (fields?.has(newName)) return `Event \`${event}\` already has an attribute \`${newName}\`.`;
  return undefined;
}

function siblingFields(root: Map<string, FieldInfo> | undefined, parents: string[]): Map<string, FieldInfo> | undefined {
  let fields = root;
  for (const name of parents) {
    const type = fields?.get(name)?.type;
    fields = type?.kind === 'object' ? type.fields : undefined;
  }
  return fields;
}

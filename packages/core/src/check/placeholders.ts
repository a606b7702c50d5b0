// Placeholders: `industry?: string missing when ["Select", "N/A", "-"]` (or `missing when LIST`)
// declares input values that mean "not given" — what CRM drop-downs export for an empty choice.
// Such a value is read as missing, in JSON and CSV alike, so `is missing` and the missing-value
// rules of LANGUAGE.md §5 apply. This stage resolves each field's placeholders to their strings
// (FieldInfo.placeholders) and reports what cannot work:
//   - a placeholder on an object or a list field (it applies to one value);
//   - a placeholder that is not a string (values are matched as the text in the data);
//   - a placeholder that is a member of the field's enum (a member cannot also mean missing);
//   - a name that is not a `list` of strings.

import type { Placeholders } from '../syntax/ast.js';
import { makeDiagnostic, type Diagnostic } from '../diagnostics.js';
import { unknownNameDiagnostic, withArticle } from './check-expr.js';
import { declKey, type ProgramSymbols } from './symbols.js';
import { enumHasMember, type FieldInfo } from './types.js';

export function resolvePlaceholders(symbols: ProgramSymbols, diagnostics: Diagnostic[]): void {
  const visit = (fields: Map<string, FieldInfo>) => {
    for (const field of fields.values()) {
      if (field.type.kind === 'object') visit(field.type.fields);
      if (field.placeholderDecl) resolveField(symbols, field, field.placeholderDecl, diagnostics);
    }
  };
  if (symbols.lead) visit(symbols.lead.fields);
  for (const event of symbols.events.values()) visit(event.fields);
}

function resolveField(symbols: ProgramSymbols, field: FieldInfo, decl: Placeholders, diagnostics: Diagnostic[]): void {
  const report = (message: string, span = decl.span) =>
    diagnostics.push(makeDiagnostic({ code: 'MQL2025', file: field.file, span, args: { message } }));
  if (field.type.kind === 'object' || field.type.kind === 'list') {
    report(`placeholders stand for one value, but \`${field.path}\` is ${field.type.kind === 'list' ? 'a list' : 'an object'}`);
    return;
  }
  const values = decl.list ? listValues(symbols, field, decl, diagnostics) : (decl.values ?? []).map((v) => ({ value: v, span: v.span }));
  if (!values) return;
  const strings: string[] = [];
  for (const { value, span } of values) {
    if (value.kind !== 'String') {
      report('a placeholder is text as it appears in the data, such as "N/A" or "0"', span);
      continue;
    }
    if (field.type.kind === 'enum' && enumHasMember(field.type, value.value)) {
      report(`"${value.value}" is a member of \`${field.path}\`'s enum, so it cannot also mean missing`, span);
      continue;
    }
    strings.push(value.value);
  }
  field.placeholders = strings;
}

/** The elements of `missing when LISTNAME`, recording the reference (for unused lists, rename, …). */
function listValues(symbols: ProgramSymbols, field: FieldInfo, decl: Placeholders, diagnostics: Diagnostic[]) {
  const name = decl.list!;
  const info = symbols.declarations.get(name.name);
  if (info) symbols.index.references.push({ key: declKey(name.name), file: field.file, span: name.span });
  if (info?.decl.kind === 'List') {
    // The list's own elements carry their spans, in the list's file: report at the name instead.
    return info.decl.elements.map((value) => ({ value, span: name.span }));
  }
  if (info) {
    const args = { name: name.name, what: withArticle(info.kind), where: 'as placeholders: name a `list` of strings' };
    diagnostics.push(makeDiagnostic({ code: 'MQL2024', file: field.file, span: name.span, args }));
    return undefined;
  }
  const lists = [...symbols.declarations.values()].filter((d) => d.kind === 'list').map((d) => d.name);
  diagnostics.push(makeDiagnostic(unknownNameDiagnostic(field.file, name, lists)));
  return undefined;
}

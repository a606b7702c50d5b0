// The lead key: `id: string from "Lead Number" key` marks the field whose value names each lead
// (output ids, `mql eval --only`, the events join). Reported here:
//   - a second key field (MQL2050, related to the first): a lead has one id;
//   - a key that is not a top-level `string`, `email` or `number` field of the lead (MQL2051): an
//     id is one scalar value read from one column or JSON key, so not a nested field, an event
//     attribute, a list, an object, a bool, a date or an enum.
// The key itself (`keyField`) is what lower.ts writes into the artifact as `lead.key`.

import { makeDiagnostic, type Diagnostic } from '../diagnostics.js';
import type { ProgramSymbols } from './symbols.js';
import { describeType, type FieldInfo } from './types.js';

const KEY_TYPES = new Set(['string', 'email', 'number']);
const EXPECTED = 'a top-level `string`, `email` or `number` field of the lead';

export function checkLeadKey(symbols: ProgramSymbols, diagnostics: Diagnostic[]): void {
  let first: FieldInfo | undefined;
  const visit = (fields: Map<string, FieldInfo>, where: 'lead' | 'nested' | 'event', owner = '') => {
    for (const field of fields.values()) {
      if (field.keySpan) {
        const wrong = where === 'event' ? `an attribute of event \`${owner}\`` : where === 'nested' ? 'a field inside an object' : KEY_TYPES.has(field.type.kind) || field.type.kind === 'error' ? undefined : describeType(field.type);
        if (wrong !== undefined) {
          diagnostics.push(makeDiagnostic({ code: 'MQL2051', file: field.file, span: field.keySpan, args: { expected: EXPECTED, path: field.path, actual: wrong } }));
        } else if (first) {
          const related = [{ file: first.file, span: first.keySpan!, message: `\`${first.path}\` is the key` }];
          diagnostics.push(makeDiagnostic({ code: 'MQL2050', file: field.file, span: field.keySpan, args: { name: field.path, first: first.path }, related }));
        } else first = field;
      }
      if (field.type.kind === 'object') visit(field.type.fields, where === 'event' ? 'event' : 'nested', owner);
    }
  };
  if (symbols.lead) visit(symbols.lead.fields, 'lead');
  for (const [name, event] of symbols.events) visit(event.fields, 'event', name);
}

/** The lead's key field, when one top-level field is marked `key` (the first, if several are). */
export function keyField(leadFields: ReadonlyMap<string, FieldInfo> | undefined): FieldInfo | undefined {
  for (const field of leadFields?.values() ?? []) if (field.keySpan && KEY_TYPES.has(field.type.kind)) return field;
  return undefined;
}

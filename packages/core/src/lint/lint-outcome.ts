// MQL3008 `reads-outcome`: a rule reads a lead field fed by the outcome column that
// `mql backtest` measures (mql.config.json `backtest.outcome`). Such a rule sees the answer: a
// sales-entered status or "converted" flag makes every backtest look perfect. The column names a
// field as a CSV header would: its key path (`from` names), its schema path, or a nested field's
// own `from` name, ignoring case. Test blocks may set the field; only rules are reported.

import type { Analysis } from '../check/checker.js';
import { fieldKey } from '../check/symbols.js';
import type { FieldInfo } from '../check/types.js';
import { makeDiagnostic, type Diagnostic } from '../diagnostics.js';

export function outcomeReads(analysis: Analysis, column: string): Diagnostic[] {
  const wanted = column.trim().toLowerCase();
  const fed = new Set<string>();
  const visit = (fields: Map<string, FieldInfo>, keys: string[]) => {
    for (const field of fields.values()) {
      const key = field.from ?? field.name;
      if (field.type.kind === 'object') visit(field.type.fields, [...keys, key]);
      else if ([[...keys, key].join('.'), field.path, key].some((name) => name.toLowerCase() === wanted)) fed.add(field.path);
    }
  };
  if (analysis.lead) visit(analysis.lead.fields, []);
  if (fed.size === 0) return [];
  const tests = analysis.files.flatMap((file) => file.ast.decls.filter((d) => d.kind === 'Test').map((d) => ({ file: file.path, span: d.span })));
  const inTest = (file: string, start: number) => tests.some((t) => t.file === file && t.span.start <= start && start < t.span.end);
  const keys = new Map([...fed].map((path) => [fieldKey(path), path]));
  return analysis.index.references.flatMap((ref) => {
    const path = keys.get(ref.key);
    if (path === undefined || inTest(ref.file, ref.span.start)) return [];
    return [makeDiagnostic({ code: 'MQL3008', file: ref.file, span: ref.span, args: { path, column } })];
  });
}

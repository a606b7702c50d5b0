// The outline of a file (document symbols: declarations with their fields, rules, bands, clauses
// and tests) and the declarations of a whole workspace (workspace symbols).

import type { Declaration, FieldDecl, Span } from '../syntax/ast.js';
import type { Analysis } from '../check/checker.js';
import type { ProgramFile } from '../check/program.js';

export type OutlineKind =
  | 'import'
  | 'lead'
  | 'event'
  | 'field'
  | 'list'
  | 'segment'
  | 'score'
  | 'rule'
  | 'grade'
  | 'band'
  | 'stage'
  | 'clause'
  | 'test';

export interface OutlineSymbol {
  name: string;
  kind: OutlineKind;
  detail?: string;
  /** The whole construct. */
  span: Span;
  /** Its name (what an editor selects and reveals). */
  selection: Span;
  children: OutlineSymbol[];
}

export function documentSymbols(file: ProgramFile): OutlineSymbol[] {
  return file.ast.decls.flatMap((decl) => declarationSymbol(file, decl) ?? []);
}

function declarationSymbol(file: ProgramFile, decl: Declaration): OutlineSymbol | undefined {
  const text = (span: Span) => file.text.slice(span.start, span.end).replace(/\s+/g, ' ');
  const symbol = (name: string, kind: OutlineKind, selection: Span, children: OutlineSymbol[] = [], detail?: string): OutlineSymbol => ({
    name,
    kind,
    detail,
    span: decl.span,
    selection,
    children,
  });
  switch (decl.kind) {
    case 'Import':
      return decl.path && symbol(decl.path.value, 'import', decl.path.span);
    case 'Lead':
      return symbol('lead', 'lead', decl.keyword, fieldSymbols(decl.fields), 'lead schema');
    case 'Event':
      return decl.name && symbol(decl.name.name, 'event', decl.name.span, fieldSymbols(decl.fields), 'event');
    case 'List':
      return decl.name && symbol(decl.name.name, 'list', decl.name.span, [], `list of ${decl.elements.length}`);
    case 'Segment':
      return decl.name && symbol(decl.name.name, 'segment', decl.name.span, [], 'segment');
    case 'Score': {
      if (!decl.name) return undefined;
      const rules = decl.body?.kind === 'Rules' ? decl.body.rules : [];
      const children = rules.map((rule): OutlineSymbol => {
        const name = rule.label?.value ?? text({ start: (rule.points ?? rule).span.start, end: rule.span.end });
        const points = rule.points ? `${rule.points.value >= 0 ? '+' : ''}${rule.points.value}` : undefined;
        return { name, kind: 'rule', detail: points, span: rule.span, selection: rule.label?.span ?? rule.span, children: [] };
      });
      return symbol(decl.name.name, 'score', decl.name.span, children, decl.body?.kind === 'Formula' ? 'score (formula)' : 'score');
    }
    case 'Grade': {
      if (!decl.name) return undefined;
      const bands = decl.bands.map((band): OutlineSymbol => ({ name: band.label.value, kind: 'band', span: band.span, selection: band.label.span, children: [] }));
      const elseBand = decl.else?.label;
      if (elseBand && decl.else) bands.push({ name: elseBand.value, kind: 'band', detail: 'else', span: decl.else.span, selection: elseBand.span, children: [] });
      return symbol(decl.name.name, 'grade', decl.name.span, bands, 'grade');
    }
    case 'Stage': {
      if (!decl.name) return undefined;
      const clauses = decl.clauses.map((clause): OutlineSymbol => ({
        name: clause.label?.value ?? (clause.condition ? text(clause.condition.span) : clause.kind),
        kind: 'clause',
        detail: clause.kind,
        span: clause.span,
        selection: clause.label?.span ?? clause.span,
        children: [],
      }));
      const after = decl.after ? ` after ${decl.after.name}` : '';
      return symbol(decl.name.name, 'stage', decl.name.span, clauses, `${decl.title?.value ?? 'stage'}${after}`);
    }
    case 'Test':
      return decl.description && symbol(decl.description.value, 'test', decl.description.span, [], 'test');
  }
}

function fieldSymbols(fields: readonly FieldDecl[]): OutlineSymbol[] {
  return fields.map((field) => ({
    name: field.name.name,
    kind: 'field',
    detail: field.optional ? 'optional' : undefined,
    span: field.span,
    selection: field.name.span,
    children: field.type?.kind === 'ObjectType' ? fieldSymbols(field.type.fields) : [],
  }));
}

export interface WorkspaceSymbol {
  name: string;
  kind: OutlineKind;
  file: string;
  span: Span;
  /** The declaration holding it (for fields and attributes). */
  container?: string;
}

/** Declarations, lead fields and event attributes of every program whose name matches `query`. */
export function workspaceSymbols(analyses: Iterable<Analysis>, query: string): WorkspaceSymbol[] {
  const found = new Map<string, WorkspaceSymbol>();
  for (const analysis of analyses) {
    for (const definition of analysis.index.definitions.values()) {
      if (definition.kind === 'member' || !matchesQuery(definition.name, query)) continue;
      const key = `${definition.file}:${definition.nameSpan.start}`;
      if (found.has(key)) continue;
      const kind: OutlineKind = definition.kind === 'attribute' ? 'field' : definition.kind;
      const dot = definition.key.lastIndexOf('.');
      const container =
        definition.kind === 'attribute'
          ? definition.key.slice('attr:'.length, dot)
          : definition.kind === 'field'
            ? dot > 0 ? `lead.${definition.key.slice('field:'.length, dot)}` : 'lead'
            : undefined;
      found.set(key, { name: definition.name, kind, file: definition.file, span: definition.nameSpan, container });
    }
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name) || (a.file < b.file ? -1 : 1));
}

/** Editors' usual fuzzy rule: the query's characters appear in order, ignoring case. */
function matchesQuery(name: string, query: string): boolean {
  const lower = name.toLowerCase();
  let at = 0;
  for (const ch of query.toLowerCase()) {
    at = lower.indexOf(ch, at);
    if (at < 0) return false;
    at++;
  }
  return true;
}

// What is under the cursor, where it is defined and where it is used, across every program that
// includes it. Answered from the checker's symbol index (definitions and references by key) and
// the files' imports.

import type { Span } from '../syntax/ast.js';
import type { Analysis } from '../check/checker.js';
import type { SymbolDefinition, SymbolKey } from '../check/symbols.js';
import { programFile, touches } from './source.js';

export interface Location {
  file: string;
  span: Span;
}

/** A declaration, field or attribute under the cursor, or the path of an import. */
export type Target =
  | { kind: 'symbol'; key: SymbolKey; span: Span; definition?: SymbolDefinition }
  | { kind: 'import'; target: string; span: Span };

export function targetAt(analysis: Analysis, file: string, offset: number): Target | undefined {
  const importHit = programFile(analysis, file)?.imports.find(({ decl }) => decl.path && touches(decl.path.span, offset));
  if (importHit) return { kind: 'import', target: importHit.target, span: importHit.decl.path!.span };
  // A name the cursor is inside beats one it merely touches at its end (`a.|b` is on `b`).
  let best: { key: SymbolKey; span: Span } | undefined;
  const consider = (key: SymbolKey, span: Span) => {
    if (!touches(span, offset)) return;
    const inside = offset < span.end;
    if (!best || (inside && best.span.end === offset)) best = { key, span };
  };
  for (const definition of analysis.index.definitions.values()) {
    if (definition.file === file) consider(definition.key, definition.nameSpan);
  }
  for (const reference of analysis.index.references) {
    if (reference.file === file) consider(reference.key, reference.span);
  }
  if (!best) return undefined;
  return { kind: 'symbol', ...best, definition: analysis.index.definitions.get(best.key) };
}

export function definitionAt(analysis: Analysis, file: string, offset: number): Location[] {
  const target = targetAt(analysis, file, offset);
  if (!target) return [];
  if (target.kind === 'import') return [{ file: target.target, span: { start: 0, end: 0 } }];
  return target.definition ? [{ file: target.definition.file, span: target.definition.nameSpan }] : [];
}

/** Whether `analysis` holds the same definition (a program that includes the file declaring it). */
function sameDefinition(analysis: Analysis, definition: SymbolDefinition): boolean {
  const own = analysis.index.definitions.get(definition.key);
  return own !== undefined && own.file === definition.file && own.nameSpan.start === definition.nameSpan.start;
}

/**
 * Every place that refers to the target, in every analysis given (one per program of the
 * workspace), without duplicates; with the definition itself when `includeDeclaration`.
 */
export function referencesOf(target: Target, analyses: Iterable<Analysis>, includeDeclaration: boolean): Location[] {
  const found = new Map<string, Location>();
  const add = (location: Location) => found.set(`${location.file}:${location.span.start}:${location.span.end}`, location);
  for (const analysis of analyses) {
    if (target.kind === 'import') {
      for (const file of analysis.files) {
        for (const { decl, target: imported } of file.imports) if (imported === target.target) add({ file: file.path, span: decl.path!.span });
      }
      continue;
    }
    const definition = target.definition;
    if (!definition || !sameDefinition(analysis, definition)) continue;
    for (const reference of analysis.index.references) {
      if (reference.key === target.key) add({ file: reference.file, span: reference.span });
    }
  }
  if (includeDeclaration && target.kind === 'symbol' && target.definition) {
    add({ file: target.definition.file, span: target.definition.nameSpan });
  }
  return [...found.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.span.start - b.span.start));
}

/** Occurrences of the symbol under the cursor in its own file (for highlighting). */
export function highlightsAt(analysis: Analysis, file: string, offset: number): Location[] {
  const target = targetAt(analysis, file, offset);
  if (!target || target.kind !== 'symbol') return [];
  return referencesOf(target, [analysis], true).filter((location) => location.file === file);
}

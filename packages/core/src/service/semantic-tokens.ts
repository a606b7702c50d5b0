// Semantic tokens: what each name in a file refers to, from the checker's symbol index, so an
// editor can colour a score, a segment, a field and an event attribute differently (the TextMate
// grammar cannot know). Keywords, strings, numbers and comments stay with the grammar.

import type { Span } from '../syntax/ast.js';
import type { Analysis } from '../check/checker.js';
import type { SymbolDefinition } from '../check/symbols.js';

/** Token types, in the order of the legend an LSP server announces (standard LSP names). */
export const SEMANTIC_TOKEN_TYPES = ['event', 'variable', 'function', 'enum', 'class', 'property'] as const;
export const SEMANTIC_TOKEN_MODIFIERS = ['declaration', 'readonly', 'documentation'] as const;

export type SemanticTokenType = (typeof SEMANTIC_TOKEN_TYPES)[number];
export type SemanticTokenModifier = (typeof SEMANTIC_TOKEN_MODIFIERS)[number];

export interface SemanticToken {
  span: Span;
  type: SemanticTokenType;
  modifiers: SemanticTokenModifier[];
}

const TYPE_OF_KIND: Record<Exclude<SymbolDefinition['kind'], 'member'>, SemanticTokenType> = {
  event: 'event',
  list: 'variable',
  segment: 'function',
  score: 'variable',
  grade: 'enum',
  stage: 'class',
  field: 'property',
  attribute: 'property',
};

/** The semantic tokens of one file, in order, without overlaps. */
export function semanticTokens(analysis: Analysis, file: string): SemanticToken[] {
  const tokens = new Map<number, SemanticToken>();
  const add = (definition: SymbolDefinition, span: Span, declaration: boolean) => {
    const modifiers: SemanticTokenModifier[] = [];
    if (declaration) modifiers.push('declaration');
    if (definition.kind === 'list') modifiers.push('readonly');
    if (declaration && definition.doc) modifiers.push('documentation');
    tokens.set(span.start, { span, type: TYPE_OF_KIND[definition.kind as keyof typeof TYPE_OF_KIND], modifiers });
  };
  // Enum members are string literals: their colour stays the grammar's.
  for (const definition of analysis.index.definitions.values()) {
    if (definition.file === file && definition.kind !== 'member') add(definition, definition.nameSpan, true);
  }
  for (const reference of analysis.index.references) {
    if (reference.file !== file || tokens.has(reference.span.start)) continue;
    const definition = analysis.index.definitions.get(reference.key);
    if (definition && definition.kind !== 'member') add(definition, reference.span, false);
  }
  const sorted = [...tokens.values()].sort((a, b) => a.span.start - b.span.start);
  return sorted.filter((token, i) => i === 0 || token.span.start >= sorted[i - 1]!.span.end);
}

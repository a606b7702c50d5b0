// The language service: editor features as pure functions over core's types (files, spans,
// offsets, Analysis). The language server turns them into LSP messages; the CLI can reuse them.
export { changedRange, reparseProgramFile, type TextChange } from './incremental.js';
export { programFile, typeText } from './source.js';
export { definitionAt, highlightsAt, referencesOf, targetAt, type Location, type Target } from './navigation.js';
export { prepareRename, renameAt, type RenameCheck, type RenameResult } from './rename.js';
export { describeDefinition, hoverAt, type HoverInfo } from './hover.js';
export { durationDoc, KEYWORD_DOCS, OPERATOR_DOCS, type WordDoc } from './word-docs.js';
export { completionsAt, type CompletionHost, type CompletionItem, type CompletionKind, type CompletionList } from './completion.js';
export { documentSymbols, workspaceSymbols, type OutlineKind, type OutlineSymbol, type WorkspaceSymbol } from './outline.js';
export { foldingRanges, type FoldingRange } from './folding.js';
export {
  SEMANTIC_TOKEN_MODIFIERS,
  SEMANTIC_TOKEN_TYPES,
  semanticTokens,
  type SemanticToken,
  type SemanticTokenModifier,
  type SemanticTokenType,
} from './semantic-tokens.js';
export { EVENT_FUNCTIONS, signatureHelpAt, type SignatureHelpInfo, type SignatureInfo, type SignatureParameter } from './signature.js';
export { codeActionsFor, fixAll, ignoreActions, type CodeAction } from './code-actions.js';
export { testBlocks, type TestBlock } from './tests.js';
export { documentLinks, formatRange, selectionRanges } from './selection.js';
export { completionWanted } from './triggers.js';

// @mql/core: .mql text → checked program → rules artifact. No I/O: hosts supply file texts.
export * from './ast.js';
export * from './diagnostics.js';
export * from './source-map.js';
export * from './paths.js';
export * from './suggest.js';
export * from './types.js';
export * from './program.js';
export * from './symbols.js';
export * from './check-expr.js';
export * from './checker.js';
export * from './lower.js';
export * from './compile.js';
export * from './render.js';
export * from './walk.js';
export * from './parse.js';
export { KEYWORDS, allTokens, keywordTokens, mqlLexer, tokenize, tokenVocabulary, type Keyword, type TokenizeResult } from './lexer.js';

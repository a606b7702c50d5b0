// @mql/workbench: what the editor (and the CLI) do with the runtime around a program — reading
// sample leads, rendering explanations, running tests with located failures, and counting what the
// rules do to sample leads. Depends on core, runtime and backtest; no editor or LSP types.
export * from './explain.js';
export * from './locations.js';
export * from './tests.js';
export * from './impact.js';

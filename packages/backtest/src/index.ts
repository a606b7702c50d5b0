// @mql/backtest: how well rules pick the leads that convert. Evaluation results and known outcomes
// go into a streaming aggregator (metrics.ts); its report (report.ts, with a JSON Schema) is
// rendered for a terminal, a pull-request comment, or as a self-contained HTML page. No I/O.

export { Backtest, type BacktestLead, type BacktestOptions, type ReportHeader } from './metrics.js';
export { LeadDigester } from './digest.js';
export { backtestShape, fieldsNamedBy, readersOf, type BacktestShape, type FieldRef, type Reader, type SweepTarget } from './shape.js';
export { parseOutcome, parseValue, valueAtPath, fieldPresence, outcomeText } from './outcome.js';
export { auc, rocCurve, deciles, calibration, type Split } from './ranking.js';
export * from './report.js';
export { textTable, type Cell, type Align } from './render/table.js';
export { renderPretty, type Palette } from './render/pretty.js';
export { renderMarkdown } from './render/markdown.js';
export { renderJson } from './render/json.js';
export { renderHtml } from './render/html.js';

// `mql backtest --format json`: the report (report.ts, JSON Schema in report.schema.json) as one
// pretty-printed JSON document.

import type { BacktestReport } from '../report.js';

export function renderJson(report: BacktestReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

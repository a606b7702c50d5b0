// `mql check --format json`: the check report (check-report.ts) as one pretty-printed JSON document.

import type { CheckReport } from './check-report.js';

export function formatJson(report: CheckReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

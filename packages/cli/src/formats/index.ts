// Output formats of `mql check`. `pretty` is the terminal rendering (report.ts, printed by
// commands/check.ts); the others are made from one check report (check-report.ts) and print nothing
// but their document on stdout.

import { checkReport, type CheckReportInput } from './check-report.js';
import { formatGithub } from './github.js';
import { formatJson } from './json.js';
import { formatSarif } from './sarif.js';

export const CHECK_FORMATS = ['pretty', 'json', 'sarif', 'github'] as const;
export type CheckFormat = (typeof CHECK_FORMATS)[number];
export type MachineFormat = Exclude<CheckFormat, 'pretty'>;

const FORMATTERS = { json: formatJson, sarif: formatSarif, github: formatGithub } satisfies Record<MachineFormat, unknown>;

export function formatCheckOutput(format: MachineFormat, input: CheckReportInput): string {
  return FORMATTERS[format](checkReport(input));
}

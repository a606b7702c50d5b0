// The example leads as a CRM export would have them, for the worker-thread tests of mql backtest
// and mql diff: a line that is not JSON, a lead without an email, outcomes missing or unreadable, a
// deal value that is not a number, blank lines, CRLF line ends. Over 4 MiB: several batches.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function messyLeads(dir: string): string {
  const lines = readFileSync('examples/data/leads.jsonl', 'utf8').trimEnd().split('\n');
  const edit = (i: number, change: (lead: Record<string, unknown>) => void) => {
    const lead = JSON.parse(lines[i]!) as Record<string, unknown>;
    change(lead);
    lines[i] = JSON.stringify(lead);
  };
  lines[10] = '{ "id": "broken", ';
  edit(1200, (l) => (l.converted = 'maybe'));
  edit(2500, (l) => delete l.converted);
  edit(3000, (l) => Object.assign(l, { converted: true, amount: 'n/a' }));
  edit(4000, (l) => delete l.Email);
  edit(4999, (l) => (l.converted = 'Yes'));
  const file = path.join(dir, 'messy.jsonl');
  writeFileSync(file, [...lines.slice(0, 2000), '', '   ', ...lines.slice(2000)].join('\r\n'));
  return file;
}

// `mql check --format github`: one GitHub Actions workflow command per diagnostic, which the runner
// turns into an annotation on the pull request's diff:
//   ::error file=rules/funnel.mql,line=3,endLine=3,col=5,endColumn=9,title=MQL2001::unknown name…
// Errors are `::error`, warnings `::warning`, infos `::notice`. Related locations and fix titles
// follow the message on lines of their own, as in the terminal output.
//
// Escaping follows the runner's rules (toolkit's command.ts): in the message `%`, CR and LF are
// percent-encoded; in property values `:` and `,` are too. Columns are given only for a range on
// one line, because GitHub drops columns of annotations that span several lines.

import type { CheckReport, ReportedDiagnostic } from './check-report.js';

const COMMAND = { error: 'error', warning: 'warning', info: 'notice' } as const;

export function formatGithub(report: CheckReport): string {
  return report.diagnostics.map((d) => `${annotation(d)}\n`).join('');
}

function annotation(d: ReportedDiagnostic): string {
  const { start, end } = d.range;
  const properties: [string, string | number][] = [
    ['file', d.file],
    ['line', start.line],
    ['endLine', end.line],
    ...(start.line === end.line
      ? ([
          ['col', start.column],
          ['endColumn', end.column],
        ] as [string, number][])
      : []),
    ['title', d.code],
  ];
  const props = properties.map(([key, value]) => `${key}=${escapeProperty(String(value))}`).join(',');
  return `::${COMMAND[d.severity]} ${props}::${escapeData(messageOf(d))}`;
}

function messageOf(d: ReportedDiagnostic): string {
  const notes = d.related.map((r) => `note: ${r.message} (${r.file}:${r.range.start.line}:${r.range.start.column})`);
  const helps = d.fixes.map((fix) => `help: ${fix.title}`);
  return [d.message, ...notes, ...helps].join('\n');
}

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

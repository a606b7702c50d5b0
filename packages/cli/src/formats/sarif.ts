// `mql check --format sarif`: a SARIF 2.1.0 log for code-scanning upload (GitHub's
// codeql-action/upload-sarif and other SARIF viewers).
//
// - One run; `tool.driver.rules` lists every code the results use, with a description made from the
//   code's message template and its default severity (results carry their actual level, which
//   mql.config.json may have changed for lints).
// - File URIs are relative to `%SRCROOT%`, the working directory `mql check` ran in (run it from the
//   repository root in CI: that is what code scanning resolves them against). A file outside the
//   working directory gets an absolute `file:` URI.
// - Columns count UTF-16 code units (`columnKind`), the end column is exclusive, as in SARIF.
// - Related locations and fixes (as artifact changes with replacements) are included.

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import cliPackage from '../../package.json' with { type: 'json' };
import { describeCode, defaultSeverityOf, type CheckReport, type Range, type ReportedDiagnostic } from './check-report.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const SRCROOT = '%SRCROOT%';
const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

export interface SarifOptions {
  /** The folder relative paths are relative to (default: the working directory). */
  sourceRoot?: string;
}

export function formatSarif(report: CheckReport, options: SarifOptions = {}): string {
  return `${JSON.stringify(sarifLog(report, options), null, 2)}\n`;
}

export function sarifLog(report: CheckReport, options: SarifOptions = {}): Sarif.Log {
  const codes = [...new Set(report.diagnostics.map((d) => d.code))].sort();
  const rules = codes.map((code): Sarif.ReportingDescriptor => {
    const severity = defaultSeverityOf(code) ?? 'warning';
    return { id: code, shortDescription: { text: describeCode(code) }, defaultConfiguration: { level: LEVEL[severity] } };
  });
  const driver: Sarif.ToolComponent = { name: 'mql', version: cliPackage.version, rules };
  const homepage = (cliPackage as { homepage?: string }).homepage;
  if (homepage) driver.informationUri = homepage;
  const root = options.sourceRoot ?? process.cwd();
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver },
        originalUriBaseIds: { [SRCROOT]: { uri: folderUri(root) } },
        columnKind: 'utf16CodeUnits',
        results: report.diagnostics.map((d) => result(d, codes.indexOf(d.code))),
      },
    ],
  };
}

function result(d: ReportedDiagnostic, ruleIndex: number): Sarif.Result {
  const out: Sarif.Result = {
    ruleId: d.code,
    ruleIndex,
    level: LEVEL[d.severity],
    message: { text: d.message },
    locations: [location(d.file, d.range)],
  };
  if (d.related.length > 0) {
    out.relatedLocations = d.related.map((r, i) => ({ id: i + 1, ...location(r.file, r.range), message: { text: r.message } }));
  }
  if (d.fixes.length > 0) out.fixes = d.fixes.map(fix);
  return out;
}

function location(file: string, range: Range): Sarif.Location {
  return { physicalLocation: { artifactLocation: artifactLocation(file), region: region(range) } };
}

function fix(f: ReportedDiagnostic['fixes'][number]): Sarif.Fix {
  const byFile = new Map<string, Sarif.Replacement[]>();
  for (const edit of f.edits) {
    const replacement: Sarif.Replacement = { deletedRegion: region(edit.range), insertedContent: { text: edit.newText } };
    byFile.set(edit.file, [...(byFile.get(edit.file) ?? []), replacement]);
  }
  return {
    description: { text: f.title },
    artifactChanges: [...byFile].map(([file, replacements]) => ({ artifactLocation: artifactLocation(file), replacements })),
  };
}

function region(range: Range): Sarif.Region {
  return { startLine: range.start.line, startColumn: range.start.column, endLine: range.end.line, endColumn: range.end.column };
}

/** A path relative to the source root as a relative URI reference; an absolute path as a file: URI. */
function artifactLocation(file: string): Sarif.ArtifactLocation {
  if (path.isAbsolute(file)) return { uri: pathToFileURL(file).href };
  return { uri: file.split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

function folderUri(folder: string): string {
  const href = pathToFileURL(folder).href;
  return href.endsWith('/') ? href : `${href}/`;
}

// Terminal rendering of diagnostics, in the style of rustc and tsc: severity and code, message,
// file:line:col, the source line with a caret underline, related locations and suggested fixes.
// Colours are the caller's choice (the CLI passes its colour functions; plain text by default).

import type { Diagnostic } from './diagnostics.js';
import type { LineMap } from './syntax/source-map.js';

export interface RenderStyle {
  error(text: string): string;
  warning(text: string): string;
  info(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

const plain = (text: string) => text;
export const PLAIN_STYLE: RenderStyle = { error: plain, warning: plain, info: plain, bold: plain, dim: plain };

export interface RenderOptions {
  /** Line maps of the files diagnostics point into. */
  lineMapOf(file: string): LineMap | undefined;
  /** How to show a file's path (e.g. relative to the working directory). */
  displayPath?(file: string): string;
  style?: RenderStyle;
}

export function renderDiagnostic(diagnostic: Diagnostic, options: RenderOptions): string {
  const style = options.style ?? PLAIN_STYLE;
  const show = options.displayPath ?? ((f: string) => f);
  const paint = style[diagnostic.severity];
  const lines = options.lineMapOf(diagnostic.file);
  const out: string[] = [`${paint(style.bold(`${diagnostic.severity}[${diagnostic.code}]`))}${style.bold(`: ${diagnostic.message}`)}`];
  if (!lines) {
    out.push(`  --> ${show(diagnostic.file)}`);
    return out.join('\n');
  }
  const start = lines.position(diagnostic.span.start);
  const end = lines.position(diagnostic.span.end);
  const gutter = String(start.line + 1).length;
  const pad = ' '.repeat(gutter);
  out.push(`${pad}${style.dim('-->')} ${show(diagnostic.file)}:${start.line + 1}:${start.column + 1}`);
  out.push(`${pad} ${style.dim('|')}`);
  const sourceLine = lines.lineText(start.line);
  out.push(`${style.dim(`${start.line + 1} |`)} ${expandTabs(sourceLine)}`);
  const underlineEnd = end.line === start.line ? end.column : sourceLine.length;
  const width = Math.max(1, underlineEnd - start.column);
  const lead = expandTabs(sourceLine.slice(0, start.column)).length;
  out.push(`${pad} ${style.dim('|')} ${' '.repeat(lead)}${paint('^'.repeat(width))}`);
  for (const related of diagnostic.related) {
    const relatedLines = options.lineMapOf(related.file);
    const at = relatedLines ? relatedLines.position(related.span.start) : undefined;
    const where = at ? `${show(related.file)}:${at.line + 1}:${at.column + 1}` : show(related.file);
    out.push(`${pad} ${style.dim('=')} note: ${related.message} (${where})`);
  }
  for (const fix of diagnostic.fixes) out.push(`${pad} ${style.dim('=')} help: ${fix.title}`);
  return out.join('\n');
}

function expandTabs(text: string): string {
  return text.replace(/\t/g, '  ');
}

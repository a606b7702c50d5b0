// The backtest report for a terminal: a headline, then one table per section (stages, furthest
// stage with value, scores, grades, score rules by lift, stage clauses, threshold sweeps), the
// warnings, and the records left out. Colours come from the caller (the CLI knows the terminal).

import type { BacktestReport, Bucket } from '../report.js';
import { condition, count, errorsText, headline, lift, marks, money, pct, ratio, rulesByLift, sampledPoints, suggestions, threshold } from './format.js';
import { textTable, type Align, type Cell } from './table.js';

export interface Palette {
  bold: (s: string) => string;
  dim: (s: string) => string;
  red: (s: string) => string;
  green: (s: string) => string;
  yellow: (s: string) => string;
  cyan: (s: string) => string;
}

const plain: Palette = { bold: (s) => s, dim: (s) => s, red: (s) => s, green: (s) => s, yellow: (s) => s, cyan: (s) => s };

/** Records listed in the terminal before "… and N more" (the JSON report lists up to 1,000). */
const LISTED = 10;

export function renderPretty(report: BacktestReport, paint: Palette = plain): string {
  const table = (header: string[], rows: (Cell | string)[][], align: Align[]) => textTable([header.map((text) => ({ text, paint: paint.dim })), ...rows], align);
  const title = (text: string, note?: string) => `${paint.bold(text)}${note ? ` ${paint.dim(note)}` : ''}`;
  const liftCell = (value: number | null | undefined): Cell => ({ text: lift(value), paint: value == null ? paint.dim : value >= 1.2 ? paint.green : value <= 0.8 ? paint.red : undefined });
  const sections: string[] = [];

  sections.push(
    [
      `${paint.dim('Rules  ')} ${report.rules}`,
      `${paint.dim('Data   ')} ${report.data}, evaluated at ${report.now}`,
      `${paint.dim('Outcome')} ${report.outcome}${report.value !== null ? `, value ${report.value}` : ''}`,
    ].join('\n'),
  );
  sections.push(paint.bold(headline(report)) + (report.totalValue ? paint.dim(`; value of ${count(report.totalValue.leads)} converted leads: ${money(report.totalValue.total)} (mean ${money(report.totalValue.mean)})`) : ''));
  for (const w of report.warnings) sections.push(paint.yellow(`warning: ${w.message}`) + w.readBy.map((r) => `\n  ${paint.dim('read by')} ${r.name}  ${paint.dim(r.source)}`).join(''));

  sections.push(
    `${title('Stages', '(leads that reached each stage; precision = conversion rate among them)')}\n${table(
      ['stage', 'reached', 'converted', 'precision', 'recall', 'lift'],
      report.stages.map((s) => [{ text: s.stage, paint: paint.bold }, count(s.reached), count(s.conversions), pct(s.precision), pct(s.recall), liftCell(s.lift)]),
      ['left', 'right', 'right', 'right', 'right', 'right'],
    )}`,
  );

  const valued = report.value !== null;
  sections.push(
    `${title('Furthest stage', valued ? '(value per lead = mean value × conversion rate)' : '')}\n${table(
      ['stage', 'leads', 'converted', 'rate', 'lift', ...(valued ? ['value/lead', 'total value'] : [])],
      report.furthest.map((s) => [{ text: s.stage, paint: paint.bold }, count(s.leads), count(s.conversions), pct(s.rate), liftCell(s.lift), ...(valued ? [money(s.valuePerLead), money(s.totalValue)] : [])]),
      ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
    )}`,
  );

  for (const s of report.scores) {
    const bucketRows = (buckets: Bucket[]) => buckets.map((b) => [b.label, b.from === null ? '' : `${threshold(b.from)} – ${threshold(b.to!)}`, count(b.leads), count(b.conversions), pct(b.rate)]);
    const parts = [`${title(`Score ${s.score}`)}  AUC ${paint.bold(ratio(s.auc))}`];
    parts.push(table(['decile', 'scores', 'leads', 'converted', 'rate'], bucketRows(s.deciles), ['left', 'right', 'right', 'right', 'right']));
    if (s.calibration.length > 0) {
      parts.push(`  ${paint.dim('By the thresholds in the rules:')}\n${table(['band', 'scores', 'leads', 'converted', 'rate'], bucketRows(s.calibration), ['left', 'right', 'right', 'right', 'right'])}`);
    }
    sections.push(parts.join('\n'));
  }

  for (const g of report.grades) {
    sections.push(
      `${title(`Grade ${g.grade}`)}\n${table(
        ['band', 'leads', 'converted', 'rate', 'lift'],
        g.bands.map((b) => [{ text: b.label, paint: paint.bold }, count(b.leads), count(b.conversions), pct(b.rate), liftCell(b.lift)]),
        ['left', 'right', 'right', 'right', 'right'],
      )}`,
    );
  }

  if (report.scoreRules.length > 0) {
    sections.push(
      `${title('Score rules', '(by lift: conversion when the rule gave points, over the base rate)')}\n${table(
        ['score', 'rule', 'fired', 'rate', 'rate when not', 'lift', 'source'],
        rulesByLift(report).map((r) => [r.score, r.rule, count(r.fired), pct(r.rate), pct(r.rateWhenNot), liftCell(r.lift), { text: r.source, paint: paint.dim }]),
        ['left', 'left', 'right', 'right', 'right', 'right', 'left'],
      )}`,
    );
  }

  if (report.clauses.length > 0) {
    sections.push(
      `${title('Stage clauses', '(held: a require holds, a reject fires; kept out: converting leads it stopped after the previous stage)')}\n${table(
        ['stage', 'clause', 'held', 'rate', 'rate when not', 'lift', 'kept out', 'source'],
        report.clauses.map((c) => [c.stage, `${c.kind} ${c.label}`, count(c.held), pct(c.rate), pct(c.rateWhenNot), liftCell(c.lift), { text: count(c.keptOut), paint: c.keptOut > 0 ? paint.yellow : paint.dim }, { text: c.source, paint: paint.dim }]),
        ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'left'],
      )}`,
    );
  }

  for (const sweep of report.sweeps) {
    const rows = sampledPoints(sweep, 14).map((p) => {
      const mark = marks(sweep, p);
      const strong = mark.length > 0 ? paint.bold : undefined;
      return [{ text: condition(sweep, p), paint: strong }, count(p.volume), count(p.conversions), pct(p.precision), pct(p.recall), ratio(p.f1), { text: mark.join(', '), paint: paint.cyan }];
    });
    const header = title(`Threshold sweep: ${sweep.stage} require "${sweep.clause}"`, `(${sweep.text}; ${count(sweep.eligible)} leads meet every other condition of ${sweep.stage})`);
    const advice = suggestions(sweep, report.leads).map((line) => `  ${line}`);
    sections.push([header, table(['condition', 'volume', 'converted', 'precision', 'recall', 'F1', ''], rows, ['left', 'right', 'right', 'right', 'right', 'right', 'left']), ...advice, paint.dim('  Suggestions only: the rules are never edited.')].join('\n'));
  }

  const left = leftOut(report, paint);
  if (left) sections.push(left);
  return `${sections.join('\n\n')}\n`;
}

function leftOut(report: BacktestReport, paint: Palette): string | undefined {
  const parts: string[] = [];
  const { excluded, invalid } = report;
  if (excluded.count > 0) {
    parts.push(paint.yellow(`${count(excluded.count)} ${excluded.count === 1 ? 'record has' : 'records have'} no usable outcome in "${report.outcome}" (true/false, 1/0, yes/no) and ${excluded.count === 1 ? 'is' : 'are'} left out:`));
    for (const r of excluded.listed.slice(0, LISTED)) parts.push(`  ${r.where}${r.id !== undefined ? ` (${r.id})` : ''}: ${r.value}`);
    if (excluded.count > LISTED) parts.push(paint.dim(`  … and ${count(excluded.count - LISTED)} more (--format json lists up to 1,000)`));
  }
  if (invalid.count > 0) {
    parts.push(paint.yellow(`${count(invalid.count)} invalid ${invalid.count === 1 ? 'record' : 'records'} left out:`));
    for (const r of invalid.listed.slice(0, LISTED)) parts.push(`  ${r.where}${r.id !== undefined ? ` (${r.id})` : ''}: ${errorsText(r.errors)}`);
    if (invalid.count > LISTED) parts.push(paint.dim(`  … and ${count(invalid.count - LISTED)} more (--format json lists up to 1,000)`));
  }
  return parts.length > 0 ? parts.join('\n') : undefined;
}

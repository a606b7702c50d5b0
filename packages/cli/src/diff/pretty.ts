// `mql diff --format pretty` (the default): the diff for a terminal — the headline, the transition
// matrix (changed cells highlighted), stage totals, the rules whose points moved most, and example
// leads per transition.

import { colors } from '../report.js';
import type { StageDiff } from './compare.js';
import { conditionText, conversionCells, count, headline, leftOutNote, percent, points, signed, versionLabel, type DiffDocument } from './document.js';
import { textTable, type Cell } from '@mql/backtest';

export function renderPretty(doc: DiffDocument): string {
  const sections = [
    [
      `${colors.dim('Base')}  ${versionLabel(doc.base)}`,
      `${colors.dim('New ')}  ${versionLabel(doc.new)}`,
      `${colors.dim('Data')}  ${doc.data}, evaluated at ${doc.now}`,
    ].join('\n'),
    colors.bold(doc.changed === 0 ? colors.green(headline(doc)) : colors.yellow(headline(doc))),
    `${colors.bold('Stage transitions')} ${colors.dim('(rows: base stage, columns: new stage)')}\n${matrix(doc)}`,
    `${colors.bold('Stage totals')}\n${totals(doc)}`,
    `${colors.bold('Stage clauses whose outcome changed')} ${colors.dim('(leads for which a require holds or a reject fires)')}\n${clauses(doc)}`,
    `${colors.bold('Score rules whose points changed most')} ${colors.dim('(total points over all leads)')}\n${rules(doc)}`,
  ];
  const gradeChanges = doc.grades.filter((g) => g.changed > 0);
  if (gradeChanges.length > 0) sections.push(`${colors.bold('Grade changes')} ${colors.dim('(leads whose band changed)')}\n${grades(gradeChanges)}`);
  if (doc.outcome) sections.push(`${colors.bold('Conversion per stage')} ${colors.dim(`(${count(doc.outcome.leads)} leads with an outcome, ${count(doc.outcome.conversions)} converted${doc.outcome.excluded > 0 ? `; ${count(doc.outcome.excluded)} without one left out` : ''})`)}\n${conversion(doc.outcome)}`);
  if (doc.transitions.length > 0) sections.push(`${colors.bold('Example leads')}\n${examples(doc)}`);
  const note = leftOutNote(doc);
  if (note) sections.push(colors.yellow(note));
  return `${sections.join('\n\n')}\n`;
}

function grades(changes: StageDiff['grades']): string {
  const header: Cell[] = ['grade', 'from', 'to', 'leads', 'share', 'examples'].map((text) => ({ text, paint: colors.dim }));
  const body = changes.flatMap((g) => g.transitions.map((t): Cell[] => [{ text: g.grade, paint: colors.bold }, { text: t.from }, { text: t.to }, { text: count(t.count), paint: colors.yellow }, { text: percent(t.percent) }, { text: t.examples.join(', '), paint: colors.dim }]));
  return textTable([header, ...body], ['left', 'left', 'left', 'right', 'right', 'left']);
}

function conversion(outcome: NonNullable<StageDiff['outcome']>): string {
  const header: Cell[] = ['stage', 'reached before', 'after', 'precision before', 'after', 'recall before', 'after'].map((text) => ({ text, paint: colors.dim }));
  const body = outcome.stages.map((s): Cell[] => [{ text: s.stage, paint: colors.bold }, ...conversionCells(s).map((text) => ({ text }))]);
  return textTable([header, ...body], ['left', 'right', 'right', 'right', 'right', 'right', 'right']);
}

function matrix(doc: StageDiff): string {
  const { rows, columns, counts } = doc.matrix;
  const header: Cell[] = [{ text: 'base \\ new', paint: colors.dim }, ...columns.map((c) => ({ text: c, paint: colors.bold }))];
  const body = rows.map((from, i): Cell[] => [
    { text: from, paint: colors.bold },
    ...columns.map((to, j): Cell => {
      const n = counts[i]![j]!;
      if (n === 0) return { text: '·', paint: colors.dim };
      return from === to ? { text: count(n) } : { text: count(n), paint: colors.yellow };
    }),
  ]);
  return textTable([header, ...body], ['left', ...columns.map(() => 'right' as const)]);
}

function totals(doc: StageDiff): string {
  const header: Cell[] = ['stage', 'before', 'after', 'change'].map((text) => ({ text, paint: colors.dim }));
  const body = doc.totals.map((t): Cell[] => [
    { text: t.stage, paint: colors.bold },
    { text: count(t.before) },
    { text: count(t.after) },
    { text: signed(t.delta, count), paint: t.delta > 0 ? colors.green : t.delta < 0 ? colors.red : colors.dim },
  ]);
  return textTable([header, ...body], ['left', 'right', 'right', 'right']);
}

function rules(doc: StageDiff): string {
  if (doc.rules.length === 0) return colors.dim("  No score rule's points changed.");
  const header: Cell[] = ['score', 'rule', 'before', 'after', 'change', ''].map((text) => ({ text, paint: colors.dim }));
  const body = doc.rules.map((r): Cell[] => [
    { text: r.score },
    { text: r.rule },
    { text: r.status === 'added' ? '—' : points(r.before.points) },
    { text: r.status === 'removed' ? '—' : points(r.after.points) },
    { text: signed(r.change), paint: r.change > 0 ? colors.green : r.change < 0 ? colors.red : colors.dim },
    { text: r.status === 'changed' ? '' : r.status, paint: colors.cyan },
  ]);
  return textTable([header, ...body], ['left', 'left', 'right', 'right', 'right', 'left']);
}

function clauses(doc: StageDiff): string {
  if (doc.clauses.length === 0) return colors.dim('  No stage clause changed its outcome for any lead.');
  const header: Cell[] = ['stage', 'clause', 'condition', 'before', 'after', 'change', ''].map((text) => ({ text, paint: colors.dim }));
  const body = doc.clauses.map((c): Cell[] => [
    { text: c.stage },
    { text: `${c.kind} ${c.label}` },
    { text: conditionText(c.text), paint: colors.dim },
    { text: c.status === 'added' ? '—' : count(c.before) },
    { text: c.status === 'removed' ? '—' : count(c.after) },
    { text: signed(c.change, count), paint: c.change === 0 ? colors.dim : undefined },
    { text: c.status === 'changed' ? '' : c.status, paint: colors.cyan },
  ]);
  return textTable([header, ...body], ['left', 'left', 'left', 'right', 'right', 'right', 'left']);
}

function examples(doc: StageDiff): string {
  const body = doc.transitions.map((t): Cell[] => [
    { text: `${t.from} → ${t.to}`, paint: colors.bold },
    { text: `${count(t.count)} (${percent(t.percent)})` },
    { text: t.examples.join(', '), paint: colors.dim },
  ]);
  return textTable(body, ['left', 'right', 'left']);
}

// `mql diff --format markdown`: the diff as a pull-request comment — a headline sentence, the
// transition matrix (changed cells in bold), stage totals, the rules whose points moved most, and
// example leads in a collapsed <details> block. GitHub-flavoured markdown tables.

import type { StageDiff } from './compare.js';
import { conditionText, conversionCells, count, headline, leftOutNote, percent, points, signed, versionLabel, type DiffDocument } from './document.js';

export function renderMarkdown(doc: DiffDocument): string {
  const out = [
    '### MQL rules: stage changes',
    '',
    `**${headline(doc)}** between ${code(versionLabel(doc.base))} (base) and ${code(versionLabel(doc.new))} (new), on ${code(doc.data)} evaluated at ${doc.now}.`,
    '',
  ];
  if (doc.changed > 0) out.push(...matrix(doc), '');
  out.push('#### Stage totals', '', ...totals(doc), '');
  out.push('#### Stage clauses whose outcome changed', '');
  out.push(...(doc.clauses.length > 0 ? clauses(doc) : ['_No stage clause changed its outcome for any lead._']), '');
  out.push('#### Score rules whose points changed most', '');
  out.push(...(doc.rules.length > 0 ? rules(doc) : ["_No score rule's points changed._"]), '');
  const gradeChanges = doc.grades.filter((g) => g.changed > 0);
  if (gradeChanges.length > 0) {
    out.push('#### Grade changes', '');
    out.push(...table(['grade', 'from', 'to', 'leads', 'share'], ['left', 'left', 'left', 'right', 'right'], gradeChanges.flatMap((g) => g.transitions.map((t) => [escapeMarkdown(g.grade), escapeMarkdown(t.from), escapeMarkdown(t.to), count(t.count), percent(t.percent)]))), '');
  }
  if (doc.outcome) {
    const o = doc.outcome;
    out.push('#### Conversion per stage', '', `${count(o.leads)} leads with an outcome, ${count(o.conversions)} converted${o.excluded > 0 ? `; ${count(o.excluded)} without one left out` : ''}.`, '');
    out.push(...table(['stage', 'reached before', 'after', 'precision before', 'after', 'recall before', 'after'], ['left', 'right', 'right', 'right', 'right', 'right', 'right'], o.stages.map((s) => [`**${escapeMarkdown(s.stage)}**`, ...conversionCells(s)])), '');
  }
  if (doc.transitions.length > 0) out.push(...examples(doc), '');
  const note = leftOutNote(doc);
  if (note) out.push(`_${escapeMarkdown(note)}_`, '');
  return out.join('\n');
}

function matrix(doc: StageDiff): string[] {
  const { rows, columns, counts } = doc.matrix;
  const cell = (from: string, to: string, n: number) => {
    if (n === 0) return '·';
    const text = `${count(n)} (${percent((100 * n) / doc.leads)})`;
    return from === to ? text : `**${text}**`;
  };
  return table(
    ['base ↓ · new →', ...columns],
    ['left', ...columns.map(() => 'right' as const)],
    rows.map((from, i) => [`**${from}**`, ...columns.map((to, j) => cell(from, to, counts[i]![j]!))]),
  );
}

function totals(doc: StageDiff): string[] {
  return table(
    ['stage', 'before', 'after', 'change'],
    ['left', 'right', 'right', 'right'],
    doc.totals.map((t) => [t.stage, count(t.before), count(t.after), t.delta === 0 ? '0' : `**${signed(t.delta, count)}**`]),
  );
}

function rules(doc: StageDiff): string[] {
  return table(
    ['score', 'rule', 'before', 'after', 'change'],
    ['left', 'left', 'right', 'right', 'right'],
    doc.rules.map((r) => [
      escapeMarkdown(r.score),
      escapeMarkdown(r.rule) + (r.status === 'changed' ? '' : ` _(${r.status})_`),
      r.status === 'added' ? '—' : points(r.before.points),
      r.status === 'removed' ? '—' : points(r.after.points),
      signed(r.change),
    ]),
  );
}

function clauses(doc: StageDiff): string[] {
  return table(
    ['stage', 'clause', 'condition', 'holds before', 'holds after', 'change'],
    ['left', 'left', 'left', 'right', 'right', 'right'],
    doc.clauses.map((c) => [
      c.stage,
      `${c.kind} ${escapeMarkdown(c.label)}` + (c.status === 'changed' ? '' : ` _(${c.status})_`),
      code(conditionText(c.text)),
      c.status === 'added' ? '—' : count(c.before),
      c.status === 'removed' ? '—' : count(c.after),
      signed(c.change, count),
    ]),
  );
}

function examples(doc: StageDiff): string[] {
  return [
    '<details>',
    '<summary>Example leads per transition</summary>',
    '',
    ...table(
      ['transition', 'leads', 'examples'],
      ['left', 'right', 'left'],
      doc.transitions.map((t) => [`${t.from} → ${t.to}`, count(t.count), t.examples.map(code).join(', ')]),
    ),
    '',
    '</details>',
  ];
}

function table(header: string[], align: ('left' | 'right')[], rows: string[][]): string[] {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(align.map((a) => (a === 'right' ? '--:' : ':--'))), ...rows.map(line)];
}

/** Inline code that survives any text: a fence longer than any backtick run inside it. */
function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text.replace(/\|/g, '\\|')}${pad}${fence}`;
}

/** Text in a table cell: markdown punctuation and `|` escaped, `<` so no HTML gets through. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|#~]/g, (ch) => `\\${ch}`);
}

// The backtest report as one self-contained HTML page: this template holds the layout, the styles
// and every table (so the numbers read without JavaScript); the charts are drawn by the bundled
// client script (html/client.ts with Chart.js), inlined with the report's JSON. No external URL
// anywhere: the page opens offline and makes no request.

import type { BacktestReport, Bucket } from '../report.js';
import { condition, count, errorLines, headline, lift, marks, money, pct, ratio, rulesByLift, sampledPoints, suggestions, threshold } from './format.js';

/** `script`: the bundled client (scripts/build.mjs builds it; the CLI embeds it). */
export function renderHtml(report: BacktestReport, script: string): string {
  const valued = report.value !== null;
  const body = [
    header(report),
    cards(report),
    ...report.warnings.map((w) => `<div class="warning"><strong>Warning.</strong> ${esc(w.message)}${w.readBy.length > 0 ? `<ul>${w.readBy.map((r) => `<li>read by ${esc(r.name)} <code>${esc(r.source)}</code></li>`).join('')}</ul>` : ''}</div>`),
    section(
      'Funnel',
      'Leads that reached each stage, and how many of them converted. Precision is the conversion rate of the leads at a stage; recall, their share of all conversions.',
      chart('funnel', 'Stage funnel', { height: 60 + 48 * (report.stages.length + 1) }),
      table(['Stage', 'Reached', 'Converted', 'Precision', 'Recall', 'Lift'], report.stages.map((s) => [`<strong>${esc(s.stage)}</strong>${s.title ? ` <span class="muted">${esc(s.title)}</span>` : ''}`, count(s.reached), count(s.conversions), pct(s.precision), pct(s.recall), liftCell(s.lift)])),
      `<h3>By furthest stage</h3>`,
      table(
        ['Stage', 'Leads', 'Converted', 'Rate', 'Lift', ...(valued ? ['Value per lead', 'Total value'] : [])],
        report.furthest.map((s) => [`<strong>${esc(s.stage)}</strong>`, count(s.leads), count(s.conversions), pct(s.rate), liftCell(s.lift), ...(valued ? [money(s.valuePerLead), money(s.totalValue)] : [])]),
      ),
      valued ? `<p class="note">Value per lead = mean value of the converted leads at the stage × its conversion rate.</p>` : '',
    ),
    section('Scores', 'How well each score ranks the leads that convert: conversion by decile against the base rate, and the ROC curve.', ...report.scores.map(scoreBlock)),
    report.sweeps.length > 0 ? section('Threshold sweeps', 'For each <code>require SCORE &gt;= N</code>: what the stage would look like at other thresholds, over the leads that meet every other condition of the stage. Suggestions only: the rules are never edited.', ...report.sweeps.map((s, i) => sweepBlock(report, s, i))) : '',
    report.scoreRules.length > 0
      ? section(
          'Score rules',
          'Lift: conversion rate of the leads a rule gave points to, over the base rate. Green rules pick buyers; red ones pick leads that buy less than average.',
          chart('lift', 'Lift per score rule', { height: 60 + 26 * report.scoreRules.length }),
          table(['Score', 'Rule', 'Fired', 'Rate', 'Rate when not', 'Lift', 'Source'], rulesByLift(report).map((r) => [esc(r.score), esc(r.rule), count(r.fired), pct(r.rate), pct(r.rateWhenNot), liftCell(r.lift), source(r.source)])),
        )
      : '',
    report.clauses.length > 0
      ? section(
          'Stage clauses',
          'Held: a <code>require</code> holds or a <code>reject</code> fires. Kept out: converting leads the clause stopped although the previous stage qualified.',
          table(
            ['Stage', 'Clause', 'Condition', 'Held', 'Rate', 'Rate when not', 'Lift', 'Kept out', 'Source'],
            report.clauses.map((c) => [esc(c.stage), `${c.kind} ${esc(c.label)}`, `<code>${esc(c.text)}</code>`, count(c.held), pct(c.rate), pct(c.rateWhenNot), liftCell(c.lift, c.kind === 'reject'), c.keptOut > 0 ? `<span class="bad">${count(c.keptOut)}</span>` : '0', source(c.source)]),
          ),
        )
      : '',
    report.grades.length > 0
      ? section('Grades', 'Conversion per grade band.', `<div class="grid">${report.grades.map((g) => `<div><h3>${esc(g.grade)}</h3>${table(['Band', 'Leads', 'Converted', 'Rate', 'Lift'], g.bands.map((b) => [`<strong>${esc(b.label)}</strong>`, count(b.leads), count(b.conversions), pct(b.rate), liftCell(b.lift)]))}</div>`).join('')}</div>`)
      : '',
    leftOut(report),
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Backtest: ${esc(report.rules)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body.filter(Boolean).join('\n')}
<footer>Made by <code>mql backtest</code> · evaluated at ${esc(report.now)}</footer>
</main>
<script type="application/json" id="report-data">${JSON.stringify(report).replace(/</g, '\\u003c')}</script>
<script>${script.replace(/<\/script/gi, '<\\/script')}</script>
</body>
</html>
`;
}

function header(report: BacktestReport): string {
  return `<header><h1>Backtest report</h1><p class="sub"><code>${esc(report.rules)}</code> on <code>${esc(report.data)}</code> · outcome <code>${esc(report.outcome)}</code>${report.value !== null ? ` · value <code>${esc(report.value)}</code>` : ''}</p><p class="headline">${esc(headline(report))}</p></header>`;
}

function cards(report: BacktestReport): string {
  const items: [string, string, string?][] = [
    ['Leads', count(report.leads), report.records !== report.leads ? `${count(report.records - report.leads)} left out` : undefined],
    ['Converted', count(report.conversions)],
    ['Base rate', pct(report.baseRate)],
  ];
  const first = report.stages[0];
  if (first) items.push([`${first.stage} precision`, pct(first.precision), `lift ${lift(first.lift)}`]);
  for (const s of report.scores) items.push([`AUC ${s.score}`, ratio(s.auc)]);
  if (report.totalValue) items.push(['Total value', compact(report.totalValue.total), `mean ${money(report.totalValue.mean)}`]);
  return `<div class="cards">${items.map(([label, value, note]) => `<div class="card"><div class="label">${esc(label)}</div><div class="value">${esc(value)}</div>${note ? `<div class="note">${esc(note)}</div>` : ''}</div>`).join('')}</div>`;
}

function scoreBlock(s: BacktestReport['scores'][number]): string {
  const rows = (buckets: Bucket[]) => buckets.map((b) => [b.label, b.from === null ? '' : `${threshold(b.from)} – ${threshold(b.to!)}`, count(b.leads), count(b.conversions), pct(b.rate)]);
  const calibration = s.calibration.length > 0 ? `<h4>By the thresholds in the rules</h4>${table(['Band', 'Scores', 'Leads', 'Converted', 'Rate'], rows(s.calibration))}` : '';
  return `<div class="block"><h3>${esc(s.score)} <span class="pill">AUC ${ratio(s.auc)}</span></h3>
<div class="grid">${chart('calibration', `Conversion by decile of ${s.score}`, { score: s.score })}${chart('roc', `ROC curve of ${s.score}`, { score: s.score })}</div>
<details><summary>Deciles and calibration table</summary>${table(['Decile', 'Scores', 'Leads', 'Converted', 'Rate'], rows(s.deciles))}${calibration}</details></div>`;
}

function sweepBlock(report: BacktestReport, s: BacktestReport['sweeps'][number], index: number): string {
  const rows = sampledPoints(s, 14).map((p) => {
    const mark = marks(s, p);
    return [`<code>${esc(condition(s, p))}</code>`, count(p.volume), count(p.conversions), pct(p.precision), pct(p.recall), ratio(p.f1), mark.map((m) => `<span class="pill">${m}</span>`).join(' ')];
  });
  return `<div class="block"><h3>${esc(s.stage)} · require “${esc(s.clause)}” <code>${esc(s.text)}</code></h3>
<p class="muted">${count(s.eligible)} leads meet every other condition of ${esc(s.stage)}; source <code>${esc(s.source)}</code></p>
<ul class="advice">${suggestions(s, report.leads).map((line) => `<li>${esc(line)}</li>`).join('')}</ul>
${chart('sweep', `Precision, recall and F1 by ${s.score} threshold`, { index: String(index) })}
<details><summary>Sweep table</summary>${table(['Condition', 'Volume', 'Converted', 'Precision', 'Recall', 'F1', ''], rows)}</details></div>`;
}

function leftOut(report: BacktestReport): string {
  const { excluded, invalid } = report;
  if (excluded.count + invalid.count === 0) return '';
  const parts: string[] = [];
  if (excluded.count > 0) {
    parts.push(`<h3>${count(excluded.count)} without a usable outcome</h3>`, table(['Where', 'Id', 'Outcome value'], excluded.listed.map((r) => [esc(r.where), esc(r.id ?? ''), `<code>${esc(r.value)}</code>`]), PROSE_LAST));
  }
  if (invalid.count > 0) {
    parts.push(`<h3>${count(invalid.count)} invalid</h3>`, table(['Where', 'Id', 'Errors'], invalid.listed.map((r) => [esc(r.where), esc(r.id ?? ''), errorLines(r.errors).map(esc).join('<br>')]), PROSE_LAST));
  }
  const more = excluded.count > excluded.listed.length || invalid.count > invalid.listed.length ? '<p class="note">Only the first 1,000 of each are listed.</p>' : '';
  return section('Records left out', 'Left out of every metric above.', `<details><summary>Show the records</summary>${parts.join('')}${more}</details>`);
}

/** 72.9M: a card is narrow. */
function compact(value: number): string {
  return value.toLocaleString('en-US', { notation: 'compact', maximumFractionDigits: 1 });
}

function section(title: string, intro: string, ...content: string[]): string {
  return `<section><h2>${esc(title)}</h2><p class="intro">${intro}</p>${content.join('\n')}</section>`;
}

function chart(kind: string, label: string, data: Record<string, string | number> = {}): string {
  const { height = 300, ...attributes } = data;
  const attrs = Object.entries(attributes).map(([k, v]) => ` data-${k}="${esc(String(v))}"`).join('');
  return `<figure class="chart" style="height:${Number(height)}px"><canvas data-chart="${kind}"${attrs} role="img" aria-label="${esc(label)}"></canvas><figcaption>${esc(label)}</figcaption></figure>`;
}

/**
 * `prose`: the columns of free text (an error message, a value as given), which wrap rather than
 * widen the table past the page; every other cell stays on one line.
 */
function table(header: string[], rows: string[][], prose: (column: number, columns: number) => boolean = () => false): string {
  const numeric = rows.length > 0 ? header.map((_, i) => rows.every((r) => NUMBER.test((r[i] ?? '').replace(/<[^>]+>/g, '')))) : header.map(() => false);
  const cls = (i: number) => (numeric[i] ? ' class="num"' : prose(i, header.length) ? ' class="prose"' : '');
  return `<div class="table"><table><thead><tr>${header.map((h, i) => `<th${cls(i)}>${h}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${c}</td>`).join('')}</tr>`).join('')}</tbody></table></div>`;
}

/** The last column is free text (see table). */
const PROSE_LAST = (column: number, columns: number): boolean => column === columns - 1;

/** A cell that is a number, rate, lift or range (right-aligned): `1,234`, `61.7%`, `2.52×`, `30 – 45`, `–`. */
const NUMBER = /^(–|[-<≥]?\s?[\d.,]+(%|×)?( – [-\d.,]+)?|)$/;

/** Green when the leads it marks buy more (for a `reject`: less), red the other way. */
function liftCell(value: number | null | undefined, reject = false): string {
  const text = lift(value);
  if (value == null) return `<span class="muted">${text}</span>`;
  const [high, low] = reject ? ['bad', 'good'] : ['good', 'bad'];
  return value >= 1.2 ? `<span class="${high}">${text}</span>` : value <= 0.8 ? `<span class="${low}">${text}</span>` : text;
}

/** `funnel.mql:64`, with the whole path on hover: tables stay narrow. */
function source(where: string): string {
  return `<code title="${esc(where)}">${esc(where.slice(where.lastIndexOf('/') + 1))}</code>`;
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

const STYLE = `
:root { --ink: #0f172a; --muted: #64748b; --line: #e2e8f0; --bg: #f8fafc; --card: #fff; --primary: #4f46e5; --good: #15803d; --bad: #be123c; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 32px 24px 48px; }
header h1 { margin: 0 0 4px; font-size: 26px; letter-spacing: -0.01em; }
.sub { margin: 0; color: var(--muted); }
.headline { margin: 8px 0 0; font-size: 16px; font-weight: 600; }
code { font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #f1f5f9; border-radius: 4px; padding: 1px 5px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(128px, 1fr)); gap: 12px; margin: 24px 0; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; box-shadow: 0 1px 2px rgba(15, 23, 42, 0.04); }
.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; }
.card .value { font-size: 22px; font-weight: 650; margin-top: 2px; font-variant-numeric: tabular-nums; }
.card .note { color: var(--muted); font-size: 12px; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 20px 24px; margin: 20px 0; box-shadow: 0 1px 2px rgba(15, 23, 42, 0.04); }
section h2 { margin: 0 0 4px; font-size: 19px; }
section h3 { margin: 20px 0 8px; font-size: 15px; }
section h4 { margin: 16px 0 6px; font-size: 13px; color: var(--muted); }
.intro { margin: 0 0 16px; color: var(--muted); max-width: 860px; }
.block + .block { border-top: 1px solid var(--line); margin-top: 20px; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(380px, 1fr)); gap: 16px 28px; }
.chart { position: relative; margin: 8px 0 28px; }
.chart canvas { width: 100% !important; }
.chart figcaption { position: absolute; bottom: -22px; left: 0; color: var(--muted); font-size: 12px; }
.chart.empty { height: auto !important; }
.chart.empty canvas { display: none; }
.chart.empty figcaption { position: static; }
.chart.empty figcaption::after { content: " — nothing to draw (both outcomes are needed)"; }
.table { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
th { color: var(--muted); font-weight: 600; font-size: 12px; text-transform: uppercase; letter-spacing: 0.03em; background: #f8fafc; }
td.num, th.num { text-align: right; }
td.prose { white-space: normal; overflow-wrap: anywhere; width: 100%; }
tbody tr:hover { background: #f8fafc; }
.good { color: var(--good); font-weight: 600; }
.bad { color: var(--bad); font-weight: 600; }
.muted { color: var(--muted); }
.note { color: var(--muted); font-size: 12.5px; }
.pill { display: inline-block; background: #eef2ff; color: var(--primary); border-radius: 999px; padding: 1px 9px; font-size: 12px; font-weight: 600; }
.warning { background: #fffbeb; border: 1px solid #fcd34d; border-left: 4px solid #d97706; border-radius: 8px; padding: 12px 16px; margin: 12px 0; }
.warning ul { margin: 6px 0 0; }
.advice { margin: 8px 0 12px; padding-left: 20px; }
details { margin: 8px 0; }
summary { cursor: pointer; color: var(--primary); font-weight: 600; }
footer { color: var(--muted); font-size: 12px; text-align: center; margin-top: 24px; }
`;

// The backtest report as GitHub-flavoured markdown, for a pull-request comment: the headline and
// warnings first, then the tables; the long ones (deciles, sweeps) folded in <details>.

import type { BacktestReport, Bucket } from '../report.js';
import { condition, count, headline, lift, marks, money, pct, ratio, rulesByLift, sampledPoints, suggestions, threshold } from './format.js';

export function renderMarkdown(report: BacktestReport): string {
  const out: string[] = [];
  out.push(`### Backtest: ${headline(report)}`);
  out.push(`Rules \`${report.rules}\` on \`${report.data}\` at ${report.now}; outcome \`${report.outcome}\`${report.value !== null ? `, value \`${report.value}\`` : ''}.`);
  for (const w of report.warnings) out.push(`> [!WARNING]\n> ${escape(w.message)}${w.readBy.map((r) => `\n> - read by ${escape(r.name)} (\`${r.source}\`)`).join('')}`);

  out.push(
    table(
      ['Stage', 'Reached', 'Converted', 'Precision', 'Recall', 'Lift'],
      report.stages.map((s) => [`**${s.stage}**`, count(s.reached), count(s.conversions), pct(s.precision), pct(s.recall), lift(s.lift)]),
      'lrrrrr',
    ),
  );
  const valued = report.value !== null;
  out.push(
    table(
      ['Furthest stage', 'Leads', 'Converted', 'Rate', 'Lift', ...(valued ? ['Value/lead', 'Total value'] : [])],
      report.furthest.map((s) => [`**${s.stage}**`, count(s.leads), count(s.conversions), pct(s.rate), lift(s.lift), ...(valued ? [money(s.valuePerLead), money(s.totalValue)] : [])]),
      'lrrrrrr',
    ),
  );
  if (report.scores.length > 0) {
    out.push(table(['Score', 'AUC', 'Top decile rate', 'Bottom decile rate'], report.scores.map((s) => [s.score, ratio(s.auc), pct(s.deciles[0]?.rate), pct(s.deciles[9]?.rate)]), 'lrrr'));
  }
  for (const g of report.grades) {
    out.push(table([`Grade ${g.grade}`, 'Leads', 'Converted', 'Rate', 'Lift'], g.bands.map((b) => [b.label, count(b.leads), count(b.conversions), pct(b.rate), lift(b.lift)]), 'lrrrr'));
  }
  if (report.scoreRules.length > 0) {
    out.push(
      details(
        'Score rules by lift',
        table(['Score', 'Rule', 'Fired', 'Rate', 'Rate when not', 'Lift', 'Source'], rulesByLift(report).map((r) => [r.score, escape(r.rule), count(r.fired), pct(r.rate), pct(r.rateWhenNot), lift(r.lift), `\`${r.source}\``]), 'llrrrrl'),
      ),
    );
  }
  if (report.clauses.length > 0) {
    out.push(
      details(
        'Stage clauses',
        table(
          ['Stage', 'Clause', 'Held', 'Rate', 'Rate when not', 'Lift', 'Kept out', 'Source'],
          report.clauses.map((c) => [c.stage, `${c.kind} ${escape(c.label)}`, count(c.held), pct(c.rate), pct(c.rateWhenNot), lift(c.lift), count(c.keptOut), `\`${c.source}\``]),
          'llrrrrrl',
        ),
      ),
    );
  }
  for (const sweep of report.sweeps) {
    const advice = suggestions(sweep, report.leads).map((line) => `- ${line}`);
    const rows = sampledPoints(sweep, 14).map((p) => [`\`${condition(sweep, p)}\``, count(p.volume), count(p.conversions), pct(p.precision), pct(p.recall), ratio(p.f1), marks(sweep, p).join(', ')]);
    out.push(`**Threshold sweep: ${sweep.stage} require "${escape(sweep.clause)}"** (\`${sweep.text}\`)\n\n${advice.join('\n')}`);
    out.push(details('Sweep table', table(['Condition', 'Volume', 'Converted', 'Precision', 'Recall', 'F1', ''], rows, 'lrrrrrl')));
  }
  for (const s of report.scores) {
    const rows = (buckets: Bucket[]) => buckets.map((b) => [b.label, b.from === null ? '' : `${threshold(b.from)} – ${threshold(b.to!)}`, count(b.leads), count(b.conversions), pct(b.rate)]);
    const calibration = s.calibration.length > 0 ? `\n\n${table(['Band', 'Scores', 'Leads', 'Converted', 'Rate'], rows(s.calibration), 'lrrrr')}` : '';
    out.push(details(`Score ${s.score}: deciles and calibration`, `${table(['Decile', 'Scores', 'Leads', 'Converted', 'Rate'], rows(s.deciles), 'lrrrr')}${calibration}`));
  }
  const left = [report.excluded.count > 0 ? `${count(report.excluded.count)} without a usable outcome` : '', report.invalid.count > 0 ? `${count(report.invalid.count)} invalid` : ''].filter(Boolean);
  if (left.length > 0) out.push(`_Records left out: ${left.join(', ')} (of ${count(report.records)} read)._`);
  out.push('_Suggestions only: the rules are never edited._');
  return `${out.join('\n\n')}\n`;
}

function table(header: string[], rows: string[][], align: string): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const rule = header.map((_, i) => (align[i] === 'r' ? '---:' : '---'));
  return [line(header), line(rule), ...rows.map(line)].join('\n');
}

function details(summary: string, body: string): string {
  return `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

/** Keeps labels from breaking a table or starting markup. */
function escape(text: string): string {
  return text.replace(/[|\\`*_<>[\]]/g, (ch) => `\\${ch}`);
}

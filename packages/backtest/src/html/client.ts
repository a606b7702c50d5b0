/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The HTML report's script, bundled with Chart.js into one IIFE by scripts/build.mjs and inlined
// into the page (render/html.ts), so the report opens offline and makes no request. It reads the
// report from the page's JSON block and draws every `<canvas data-chart=…>`: the stage funnel, a
// calibration chart and an ROC curve per score, each threshold sweep, and per-rule lift.

import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  ScatterController,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import type { BacktestReport } from '../report.js';

Chart.register(BarController, BarElement, CategoryScale, Filler, Legend, LineController, LineElement, LinearScale, PointElement, ScatterController, Tooltip);
Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
Chart.defaults.color = '#475569';
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;

const COLORS = { primary: '#4f46e5', primarySoft: 'rgba(79, 70, 229, 0.18)', teal: '#0d9488', amber: '#d97706', rose: '#e11d48', slate: '#94a3b8', green: '#16a34a' };
const percent = (v: number) => `${(v * 100).toFixed(0)}%`;
const percentAxis = { min: 0, max: 1, ticks: { callback: (v: string | number) => percent(Number(v)) } };

const report = JSON.parse(document.getElementById('report-data')!.textContent!) as BacktestReport;

type Builder = (canvas: HTMLCanvasElement) => ChartConfiguration | undefined;

const builders: Record<string, Builder> = {
  funnel: () => {
    const all = { stage: 'All leads', reached: report.leads, conversions: report.conversions };
    const rows = [all, ...report.stages];
    return {
      type: 'bar',
      data: {
        labels: rows.map((s) => s.stage),
        datasets: [
          { label: 'Leads', data: rows.map((s) => s.reached), backgroundColor: COLORS.primarySoft, borderColor: COLORS.primary, borderWidth: 1 },
          { label: 'Converted', data: rows.map((s) => s.conversions), backgroundColor: COLORS.teal },
        ],
      },
      options: {
        indexAxis: 'y',
        scales: { y: { stacked: false } },
        plugins: {
          tooltip: {
            callbacks: { afterBody: (items) => { const s = rows[items[0]!.dataIndex]!; return s.reached ? `Conversion rate ${percent(s.conversions / s.reached)}` : ''; } },
          },
        },
      },
    };
  },

  calibration: (canvas) => {
    const score = report.scores.find((s) => s.score === canvas.dataset.score);
    if (!score) return undefined;
    const deciles = [...score.deciles].reverse();
    return {
      type: 'bar',
      data: {
        labels: deciles.map((d) => d.label),
        datasets: [
          { type: 'bar', label: 'Conversion rate', data: deciles.map((d) => d.rate ?? 0), backgroundColor: COLORS.primary },
          { type: 'line', label: `Base rate ${percent(report.baseRate ?? 0)}`, data: deciles.map(() => report.baseRate ?? 0), borderColor: COLORS.amber, borderDash: [6, 4], pointRadius: 0, borderWidth: 2 },
        ],
      },
      options: {
        scales: { y: { ...percentAxis, max: undefined, grace: '8%', beginAtZero: true, title: { display: true, text: 'converted' } }, x: { title: { display: true, text: 'score decile (D10 = highest scores)' } } },
        plugins: { tooltip: { callbacks: { afterLabel: (item) => (item.datasetIndex === 0 ? `${deciles[item.dataIndex]!.leads} leads` : '') } } },
      },
    };
  },

  roc: (canvas) => {
    const score = report.scores.find((s) => s.score === canvas.dataset.score);
    if (!score || score.roc.length === 0) return undefined;
    return {
      type: 'scatter',
      data: {
        datasets: [
          { label: `${score.score} (AUC ${score.auc?.toFixed(3)})`, data: score.roc.map((p) => ({ x: p.fpr, y: p.tpr })), showLine: true, borderColor: COLORS.primary, backgroundColor: COLORS.primarySoft, fill: 'origin', pointRadius: 0, borderWidth: 2 },
          { label: 'Chance', data: [{ x: 0, y: 0 }, { x: 1, y: 1 }], showLine: true, borderColor: COLORS.slate, borderDash: [6, 4], pointRadius: 0, borderWidth: 1 },
        ],
      },
      options: {
        scales: { x: { ...percentAxis, title: { display: true, text: 'false positive rate' } }, y: { ...percentAxis, title: { display: true, text: 'true positive rate' } } },
      },
    };
  },

  sweep: (canvas) => {
    const sweep = report.sweeps[Number(canvas.dataset.index)];
    if (!sweep) return undefined;
    const series = (key: 'precision' | 'recall' | 'f1') => sweep.points.filter((p) => p[key] !== null).map((p) => ({ x: p.threshold, y: p[key]! }));
    const line = (label: string, data: { x: number; y: number }[], color: string, extra = {}) => ({ label, data, showLine: true, borderColor: color, backgroundColor: color, pointRadius: 0, borderWidth: 2, ...extra });
    const datasets = [
      line('Precision', series('precision'), COLORS.primary),
      line('Recall', series('recall'), COLORS.teal),
      line('F1', series('f1'), COLORS.amber),
      line(`Current: ${sweep.score} ${sweep.op} ${sweep.threshold}`, [{ x: sweep.threshold, y: 0 }, { x: sweep.threshold, y: 1 }], COLORS.rose, { borderDash: [6, 4] }),
    ];
    if (sweep.bestF1 && sweep.bestF1.f1 !== null) datasets.push(line(`Best F1 at ${sweep.bestF1.threshold}`, [{ x: sweep.bestF1.threshold, y: sweep.bestF1.f1 }], COLORS.amber, { showLine: false, pointRadius: 6, pointStyle: 'rectRot' }));
    if (sweep.target) datasets.push(line(`${percent(sweep.target.rate)} of leads at ${sweep.target.point.threshold}`, [{ x: sweep.target.point.threshold, y: sweep.target.point.precision ?? 0 }], COLORS.teal, { showLine: false, pointRadius: 6, pointStyle: 'rect' }));
    return {
      type: 'scatter',
      data: { datasets },
      options: { scales: { x: { title: { display: true, text: `${sweep.score} threshold` } }, y: { ...percentAxis } } },
    };
  },

  lift: () => {
    const rules = [...report.scoreRules].filter((r) => r.lift !== null).sort((a, b) => b.lift! - a.lift!);
    if (rules.length === 0) return undefined;
    return {
      type: 'bar',
      data: {
        labels: rules.map((r) => `${r.score}: ${r.rule}`),
        datasets: [{ label: 'Lift (conversion when the rule fired ÷ base rate)', data: rules.map((r) => r.lift!), backgroundColor: rules.map((r) => (r.lift! >= 1 ? COLORS.green : COLORS.rose)) }],
      },
      options: {
        indexAxis: 'y',
        scales: { x: { beginAtZero: true, ticks: { callback: (v: string | number) => `${Number(v).toFixed(1)}×` } } },
        plugins: { legend: { display: false }, tooltip: { callbacks: { afterLabel: (item) => `${rules[item.dataIndex]!.fired} leads, ${percent(rules[item.dataIndex]!.rate ?? 0)} converted` } } },
      },
    };
  },
};

let drawn = 0;
for (const canvas of document.querySelectorAll<HTMLCanvasElement>('canvas[data-chart]')) {
  const config = builders[canvas.dataset.chart!]?.(canvas);
  if (!config) {
    canvas.closest('.chart')?.classList.add('empty');
    continue;
  }
  new Chart(canvas, config);
  drawn++;
}
// For the end-to-end test: how many charts the page drew.
document.body.dataset.charts = String(drawn);

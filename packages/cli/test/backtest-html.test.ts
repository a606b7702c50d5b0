// The HTML report of `mql backtest --html`, opened in a real headless Chromium (Debian package
// `chromium`, driven by puppeteer-core): no console error, no network request (the page is one
// self-contained file), every chart drawn and non-empty, the tables there; a full-page screenshot
// is written to packages/cli/test-output/backtest-report.png for a person to look at.
//
// Skipped, with a message, where Chromium is not installed; `.ci/run` installs it for CI.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_NOW, FUNNEL, ROOT, mql } from './run-cli.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const SKIP_REASON = `HTML report test skipped: ${CHROMIUM} is not installed (Debian: apt-get install chromium; .ci/run installs it)`;
if (!hasChromium) console.warn(SKIP_REASON);

const OUT = path.join(ROOT, 'packages/cli/test-output');

describe('mql backtest --html', () => {
  it('writes one self-contained file with the report data and the chart script inlined', () => {
    mkdirSync(OUT, { recursive: true });
    const html = path.join(OUT, 'backtest-report.html');
    const run = mql(['backtest', FUNNEL, '--data', 'examples/data/leads.jsonl', '--outcome', 'converted', '--value', 'amount', '--now', EXAMPLE_NOW, '--target-rate', '0.2', '--html', html, '--format', 'json']);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe(`Wrote the HTML report to ${html}\n`);
    const page = readFileSync(html, 'utf8');
    // Nothing loaded from elsewhere: no src/href attribute, no stylesheet link.
    expect(page.match(/<(script|link|img|iframe)[^>]*\s(src|href)=/gi)).toBeNull();
    const embedded = page.match(/<script type="application\/json" id="report-data">(.*?)<\/script>/s)![1]!;
    expect(JSON.parse(embedded)).toEqual(JSON.parse(run.stdout));
  });

  it.skipIf(!hasChromium)(hasChromium ? 'opens in headless Chromium with every chart drawn, no error and no request' : SKIP_REASON, { timeout: 120_000 }, async () => {
    const html = path.join(OUT, 'backtest-report.html');
    if (!existsSync(html)) throw new Error('the previous test writes the report');
    const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      const requests: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warn') problems.push(`${message.type()}: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`page error: ${String(error)}`));
      await page.setRequestInterception(true);
      page.on('request', (request) => {
        requests.push(request.url());
        void request.continue();
      });
      await page.setViewport({ width: 1280, height: 900 });
      await page.goto(`file://${html}`, { waitUntil: 'load' });

      expect(problems).toEqual([]);
      expect(requests).toEqual([`file://${html}`]);

      const charts = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLCanvasElement>('canvas[data-chart]')].map((canvas) => {
          // Pixels something was drawn on (Chart.js leaves the background transparent).
          const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
          let painted = 0;
          for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted++;
          return { kind: `${canvas.dataset.chart}${canvas.dataset.score ? ` ${canvas.dataset.score}` : ''}${canvas.dataset.index ? ` ${canvas.dataset.index}` : ''}`, width: canvas.width, height: canvas.height, share: painted / (canvas.width * canvas.height) };
        }),
      );
      // The funnel, a calibration chart and an ROC curve per score, one sweep per swept clause, rule lift.
      expect(charts.map((c) => c.kind)).toEqual(['funnel', 'calibration fit', 'roc fit', 'calibration engagement', 'roc engagement', 'calibration priority', 'roc priority', 'sweep 0', 'sweep 1', 'lift']);
      expect(await page.evaluate(() => document.body.dataset.charts)).toBe('10');
      for (const chart of charts) {
        expect(chart.width, chart.kind).toBeGreaterThan(300);
        expect(chart.height, chart.kind).toBeGreaterThan(150);
        expect(chart.share, `${chart.kind} is drawn`).toBeGreaterThan(0.03);
      }
      const headings = await page.evaluate(() => [...document.querySelectorAll('h2')].map((h) => h.textContent));
      expect(headings).toEqual(['Funnel', 'Scores', 'Threshold sweeps', 'Score rules', 'Stage clauses', 'Grades']);
      const firstStageRow = await page.evaluate(() => document.querySelector('section table tbody tr')!.textContent);
      expect(firstStageRow).toMatch(/^MQL Marketing qualified lead882544/);

      const shot = path.join(OUT, 'backtest-report.png');
      await page.screenshot({ path: shot, fullPage: true });
      expect(readFileSync(shot).subarray(1, 4).toString()).toBe('PNG');
    } finally {
      await browser.close();
    }
  });

  it.skipIf(!hasChromium)(hasChromium ? 'lists the records left out with their whole errors, wrapped rather than scrolled sideways' : SKIP_REASON, { timeout: 120_000 }, async () => {
    // The sample leads and the invalid ones (a missing email, "about 200" employees, a bad date, an unknown seniority).
    mkdirSync(OUT, { recursive: true });
    const data = path.join(OUT, 'leads-with-invalid.jsonl');
    const sample = readFileSync(path.join(ROOT, 'examples/data/leads.jsonl'), 'utf8').split('\n').slice(0, 300).join('\n');
    writeFileSync(data, `${sample}\n${readFileSync(path.join(ROOT, 'examples/data/invalid-leads.jsonl'), 'utf8')}`);
    const html = path.join(OUT, 'backtest-invalid.html');
    const run = mql(['backtest', FUNNEL, '--data', data, '--outcome', 'converted', '--value', 'amount', '--now', EXAMPLE_NOW, '--html', html, '--format', 'json']);
    expect(run.status).toBe(0);
    const invalid = (JSON.parse(run.stdout) as { invalid: { count: number } }).invalid;
    expect(invalid.count).toBeGreaterThan(0);

    const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    try {
      const page = await browser.newPage();
      // A laptop window beside the editor: narrower than the longest error message on one line.
      await page.setViewport({ width: 700, height: 900 });
      await page.goto(`file://${html}`, { waitUntil: 'load' });
      const leftOut = await page.evaluate(() => {
        const details = [...document.querySelectorAll('details')].at(-1)!;
        details.open = true;
        const box = details.querySelector<HTMLElement>('.table')!;
        const rows = [...details.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => (td as HTMLElement).innerText));
        return { summary: details.querySelector('summary')!.textContent, scrollWidth: box.scrollWidth, clientWidth: box.clientWidth, pageWidth: document.documentElement.scrollWidth, rows };
      });
      expect(leftOut.summary).toBe('Show the records');
      expect(leftOut.rows).toHaveLength(invalid.count);
      expect(leftOut.rows.find((r) => r[0] === 'line 310')).toEqual(['line 310', 'L0000010', 'events[0].at: expected a date (ISO-8601 or epoch milliseconds), got "not-a-date"']);
      // The table fits: the Errors column wraps instead of scrolling sideways.
      expect(leftOut.scrollWidth).toBeLessThanOrEqual(leftOut.clientWidth);
      expect(leftOut.pageWidth).toBeLessThanOrEqual(700);
      const details = (await page.$$('details')).at(-1)!;
      await details.screenshot({ path: path.join(OUT, 'backtest-left-out.png') });
    } finally {
      await browser.close();
    }
  });
});

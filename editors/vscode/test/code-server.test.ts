// The extension in a real VS Code: code-server (VS Code 1.100 served to a browser) with the
// packaged .vsix installed, driven in headless Chromium (Debian `chromium`, puppeteer-core). On the
// example it opens funnel.mql, runs every test from the Test Explorer, sees the live sample counts,
// types a field-name typo and sees the diagnostic, and accepts a completion. Screenshots of each
// step go to editors/vscode/test-output/ for a person to look at.
//
// The first run installs code-server into node_modules/.cache (a few minutes, see code-server.ts).
// Skipped, with the reason printed, where a prerequisite is missing (.ci/run installs them) or
// with MQL_E2E_CODE_SERVER=0; the protocol-level tests stay the contract for the server.

import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, ensureCodeServer, missingPrerequisite, startCodeServer, type RunningCodeServer } from './code-server.js';

const EXTENSION = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = path.resolve(EXTENSION, '../..');
const SHOTS = path.join(EXTENSION, 'test-output');
const missing = missingPrerequisite();
const SKIP_REASON = `code-server end-to-end test skipped: ${missing}`;
if (missing) console.warn(SKIP_REASON);

let home: string;
let server: RunningCodeServer | undefined;
let browser: Browser | undefined;
let page: Page;
const consoleErrors: string[] = [];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The text editor of the editor area (the panel below has editors of its own). */
const EDITOR_ROOT = '.editor-instance .monaco-editor';
const EDITOR = `${EDITOR_ROOT} .view-lines`;

describe.skipIf(missing !== undefined)('the extension in code-server', () => {
  beforeAll(async () => {
    const entry = ensureCodeServer(path.join(ROOT, 'node_modules/.cache'), (line) => console.log(line));
    home = mkdtempSync(path.join(os.tmpdir(), 'mql-code-server-'));
    const vsix = path.join(home, 'mql.vsix');
    const pack = spawnSync(path.join(ROOT, 'node_modules/.bin/vsce'), ['package', '--no-dependencies', '--allow-missing-repository', '-o', vsix], { cwd: EXTENSION, encoding: 'utf8' });
    if (pack.status !== 0) throw new Error(`vsce package failed:\n${pack.stdout}\n${pack.stderr}`);
    // The example with the sample its mql.config.json names (../data/leads.jsonl).
    cpSync(path.join(ROOT, 'examples/b2b-funnel'), path.join(home, 'ws/b2b-funnel'), { recursive: true });
    mkdirSync(path.join(home, 'ws/data'));
    cpSync(path.join(ROOT, 'examples/data/leads.jsonl'), path.join(home, 'ws/data/leads.jsonl'));
    server = await startCodeServer(entry, home, vsix, {
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'security.workspace.trust.enabled': false,
      'extensions.autoCheckUpdates': false,
    });
    mkdirSync(SHOTS, { recursive: true });
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
      defaultViewport: { width: 1400, height: 900 },
    });
    page = await browser.newPage();
    page.on('pageerror', (error) => consoleErrors.push(String(error)));
    await page.goto(`${server.url}/?folder=${encodeURIComponent(path.join(home, 'ws/b2b-funnel'))}`, { waitUntil: 'domcontentloaded' });
    const file = await page.waitForSelector('.explorer-folders-view ::-p-text(funnel.mql)', { timeout: 90_000 });
    await file!.click();
    await page.waitForSelector(EDITOR, { timeout: 30_000 });
  }, 20 * 60_000);

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail' && browser) {
      await page.screenshot({ path: path.join(SHOTS, `code-server-failed-${context.task.name.replace(/\W+/g, '-')}.png`) });
    }
  });

  afterAll(async () => {
    await browser?.close();
    server?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('shows the live sample counts as code lenses on the stages', { timeout: 90_000 }, async () => {
    const lenses = await waitFor(async () => {
      const texts = await textsOf('.codelens-decoration');
      return texts.some((t) => /sample leads/.test(t)) ? texts : undefined;
    }, 60_000);
    expect(lenses.filter((t) => /of 5,000 sample leads reach/.test(t)).length).toBeGreaterThanOrEqual(3); // MQL, SAL, SQO
    await page.screenshot({ path: path.join(SHOTS, 'code-server-1-editor.png') });
  });

  it('runs every test of the example from the Test Explorer, all passing', { timeout: 120_000 }, async () => {
    const declared = ['funnel.mql', 'lead.mql']
      .map((f) => readFileSync(path.join(home, 'ws/b2b-funnel', f), 'utf8').match(/^test "/gm)?.length ?? 0)
      .reduce((a, b) => a + b, 0);
    expect(declared).toBeGreaterThan(0);
    await command('Test: Run All Tests');
    await command('Testing: Focus on Test Explorer View');
    const summary = await waitFor(async () => {
      const text = await textOf('.test-explorer');
      return text.includes(`${declared}/${declared}`) ? text : undefined;
    }, 90_000);
    expect(summary).toContain(`${declared}/${declared}`);
    expect(await page.$$('.test-explorer .codicon-testing-failed-icon')).toHaveLength(0);
    await page.screenshot({ path: path.join(SHOTS, 'code-server-2-tests.png') });
  });

  it('puts a diagnostic with a "did you mean" on a mistyped field', { timeout: 90_000 }, async () => {
    await typeOnNewLastLine('segment typo = titel contains "x"');
    await page.keyboard.press('Escape');
    await page.waitForSelector(`${EDITOR_ROOT} .squiggly-error`, { timeout: 30_000 });
    await command('View: Focus Problems (Errors, Warnings, Infos)');
    const problems = await waitFor(async () => {
      const text = await textOf('.markers-panel');
      return text.includes('titel') ? text : undefined;
    }, 30_000);
    expect(problems).toMatch(/titel/);
    expect(problems).toMatch(/did you mean .?title/i);
    await page.screenshot({ path: path.join(SHOTS, 'code-server-3-diagnostic.png') });
  });

  it('completes a field name and accepts it with Enter', { timeout: 90_000 }, async () => {
    await typeOnNewLastLine('segment typed = senio');
    await page.keyboard.down('Control');
    await page.keyboard.press('Space');
    await page.keyboard.up('Control');
    await waitFor(async () => {
      const text = await textOf('.suggest-widget.visible');
      return text.includes('seniority') ? text : undefined;
    }, 30_000);
    await page.screenshot({ path: path.join(SHOTS, 'code-server-4-completion.png') });
    await page.keyboard.press('Enter');
    const line = await waitFor(async () => {
      const lines = await textsOf(`${EDITOR_ROOT} .view-line`);
      return lines.find((l) => l.replace(/\u00a0/g, ' ').startsWith('segment typed = seniority'));
    }, 10_000);
    expect(line.replace(/\u00a0/g, ' ')).toBe('segment typed = seniority');
    expect(consoleErrors).toEqual([]);
  });
});

/** The text of the first element `selector` finds, or '' while there is none. */
async function textOf(selector: string): Promise<string> {
  return page.$eval(selector, (n) => (n as { textContent: string | null }).textContent ?? '').catch(() => '');
}

/** The texts of every element `selector` finds. */
async function textsOf(selector: string): Promise<string[]> {
  return page.$$eval(selector, (nodes) => nodes.map((n) => (n as { textContent: string | null }).textContent ?? ''));
}

/** Closes the panel, goes to the end of the editor's text and types `text` on a new line. */
async function typeOnNewLastLine(text: string): Promise<void> {
  await command('View: Close Panel');
  await page.click(EDITOR);
  await page.keyboard.down('Control');
  await page.keyboard.press('End');
  await page.keyboard.up('Control');
  await page.keyboard.press('Enter');
  await page.keyboard.type(text);
}

/** Runs a command from the command palette. */
async function command(name: string): Promise<void> {
  await page.keyboard.press('F1');
  await page.waitForSelector('.quick-input-widget input', { visible: true, timeout: 10_000 });
  await page.keyboard.type(name);
  await sleep(800);
  await page.keyboard.press('Enter');
  await sleep(500);
}

/** Polls until `probe` returns a value, or fails with the time it waited. */
async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`waited ${timeoutMs} ms in vain`);
    await sleep(500);
  }
}


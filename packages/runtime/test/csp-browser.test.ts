// The runtime in a real browser page, bundled for the browser as an application would bundle it,
// opened in headless Chromium (Debian package `chromium`, driven by puppeteer-core): on a page whose
// Content-Security-Policy forbids `eval` (no 'unsafe-eval'), where `new Function` throws and both
// the runtime's generated event reader and zod's compiled validators must fall back, and on a page
// without one. The page's explained results must equal Node's on the example leads, broken ones
// included, every number to 12 significant digits: decayed points come from `0.5 ** x`, and
// Chromium's V8 and Node 20's round some of those powers differently in the last bit.
//
// Skipped, with a message, where Chromium is not installed; `.ci/run` installs it for CI.

import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { load } from '../src/index.js';
import { b2bFunnel } from './fixtures/b2b-funnel.js';
import { NOW } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const SKIP_REASON = `browser test skipped: ${CHROMIUM} is not installed (Debian: apt-get install chromium; .ci/run installs it)`;
if (!hasChromium) console.warn(SKIP_REASON);

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The example's leads, and records that fail the check in several ways. */
const RECORDS: unknown[] = [
  ...readFileSync(path.join(ROOT, 'examples/data/leads.jsonl'), 'utf8').split('\n').filter(Boolean).slice(0, 150).map((line) => JSON.parse(line) as unknown),
  { Email: 'a@b.co', consent: 'yes', company: {}, events: [{ type: 'page_view', at: 'soon', url: 7 }, null, { type: 5 }] },
  { Email: 'c@d.co', consent: true, company: { employees: '12' }, events: [{ type: 'WEBINAR', at: NOW - 86_400_000, attended: 'no' }] },
  'not a record',
];

/** What the page runs: load the artifact, evaluate every record, note CSP violations. */
const APP = `
const violations = [];
document.addEventListener('securitypolicyviolation', (e) => violations.push(e.blockedURI + ' ' + e.effectiveDirective));
const out = {};
try {
  const engine = MQL.load(DATA.artifact);
  out.results = DATA.records.map((record) => engine.evaluate(record, { now: DATA.now }));
} catch (error) {
  out.error = String(error && error.stack || error);
}
// Violation events are queued as tasks: read them after this one.
setTimeout(() => { window.__result = { ...out, violations }; }, 100);
`;

const PAGE = '<!doctype html><title>MQL runtime</title><script src="/mql.js"></script><script src="/data.js"></script><script src="/app.js"></script>';

let server: Server | undefined;
let origin = '';
let browser: Browser | undefined;

beforeAll(async () => {
  if (!hasChromium) return;
  const bundle = await build({
    entryPoints: [path.join(ROOT, 'packages/runtime/src/index.ts')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'MQL',
    target: 'es2022',
    conditions: ['source'],
    write: false,
    logLevel: 'warning',
  });
  const files: Record<string, string> = {
    '/mql.js': bundle.outputFiles[0]!.text,
    '/data.js': `window.DATA = ${JSON.stringify({ artifact: b2bFunnel, records: RECORDS, now: NOW })};`,
    '/app.js': APP,
  };
  server = createServer((request, response) => {
    const url = request.url ?? '/';
    if (url === '/csp/' || url === '/open/') {
      // script-src 'self' without 'unsafe-eval': what a strict application page sends.
      const headers: Record<string, string> = { 'content-type': 'text/html' };
      if (url === '/csp/') headers['content-security-policy'] = "default-src 'none'; script-src 'self'";
      response.writeHead(200, headers).end(PAGE);
    } else if (files[url] !== undefined) response.writeHead(200, { 'content-type': 'text/javascript' }).end(files[url]);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
});

interface PageResult {
  results?: unknown[];
  error?: string;
  violations: string[];
}

async function open(page: '/csp/' | '/open/'): Promise<PageResult & { problems: string[] }> {
  const tab = await browser!.newPage();
  const problems: string[] = [];
  tab.on('pageerror', (error) => problems.push(`page error: ${String(error)}`));
  await tab.goto(`${origin}${page}`, { waitUntil: 'load' });
  await tab.waitForFunction('window.__result !== undefined', { timeout: 30_000 });
  const result = (await tab.evaluate('window.__result')) as PageResult;
  await tab.close();
  return { ...result, problems };
}

/** Node's results, through the same JSON round trip as the page's. */
const expected = () => JSON.parse(JSON.stringify(RECORDS.map((record) => load(b2bFunnel).evaluate(record, { now: NOW })))) as unknown[];

/** Every number rounded to 12 significant digits (see the top of the file). */
function rounded(value: unknown): unknown {
  if (typeof value === 'number') return Number(value.toPrecision(12));
  if (Array.isArray(value)) return value.map(rounded);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rounded(v)]));
  return value;
}

describe('the runtime in a browser page', () => {
  it.skipIf(!hasChromium)(hasChromium ? "gives Node's results where a Content-Security-Policy forbids eval" : SKIP_REASON, { timeout: 120_000 }, async () => {
    const page = await open('/csp/');
    expect(page.error).toBeUndefined();
    expect(page.problems).toEqual([]);
    // The policy was in force and code generation was tried (zod's and the event reader's), then not used.
    expect(page.violations.length).toBeGreaterThan(0);
    expect(new Set(page.violations)).toEqual(new Set(['eval script-src']));
    expect(rounded(page.results)).toEqual(rounded(expected()));
  });

  it.skipIf(!hasChromium)(hasChromium ? "gives Node's results on a page without a policy (generated code in use)" : SKIP_REASON, { timeout: 120_000 }, async () => {
    const page = await open('/open/');
    expect({ ...page, results: rounded(page.results) }).toEqual({ results: rounded(expected()), violations: [], problems: [] });
  });
});

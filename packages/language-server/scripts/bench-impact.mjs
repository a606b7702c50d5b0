// Live sample-lead counts while typing: how long after the last keystroke the counts are updated,
// and how fast completion answers while they are being computed. The built server is driven over
// stdio; the example program (examples/b2b-funnel) is opened with a mql.config.json naming the
// 5,000 generated leads (examples/data/leads.jsonl) as its sample.
//   - update: from sending an edit (a threshold of the MQL stage changed, alternately up and down)
//     to the server's `mql/impactChanged` notification for it; includes the 150 ms the server
//     waits for more typing;
//   - completion while updating: completion requests sent every 10 ms from the edit until the
//     update arrived, each timed from request to response.
// Prints p50/p95/max. Run: npm run bench:lsp, or node packages/language-server/scripts/bench-impact.mjs [--edits 40]

import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { createProtocolConnection } from 'vscode-languageserver-protocol';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..', '..');
const server = path.join(here, '..', 'dist', 'server.js');
const at = process.argv.indexOf('--edits');
const EDITS = at > 0 ? Number(process.argv[at + 1]) : 40;

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main() {
  const leads = path.join(repo, 'examples', 'data', 'leads.jsonl');
  if (!existsSync(leads)) throw new Error(`${leads} is missing: run npm run build (it generates the example data)`);
  const folder = mkdtempSync(path.join(tmpdir(), 'mql-impact-'));
  cpSync(path.join(repo, 'examples', 'b2b-funnel'), folder, { recursive: true });
  writeFileSync(path.join(folder, 'mql.config.json'), JSON.stringify({ sample: { file: leads, now: '2026-11-01T00:00:00Z' } }));
  const file = path.join(folder, 'funnel.mql');
  const text = readFileSync(file, 'utf8');
  const uri = pathToFileURL(file).href;
  const sampleSize = readFileSync(leads, 'utf8').split('\n').filter((l) => l.trim() !== '').length;

  const child = spawn(process.execPath, [server, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  let onImpact = () => {};
  connection.onNotification('mql/impactChanged', () => onImpact());
  connection.onNotification('textDocument/publishDiagnostics', () => {});
  connection.listen();
  await connection.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(folder).href, capabilities: {} });
  await connection.sendNotification('initialized', {});
  const first = new Promise((resolve) => (onImpact = resolve));
  const opened = performance.now();
  await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'mql', version: 1, text } });
  await first;
  const firstMs = performance.now() - opened;
  const state = await connection.sendRequest('mql/impact', { textDocument: { uri }, wait: true });
  if (state?.current?.evaluated !== sampleSize) throw new Error(`expected ${sampleSize} evaluated leads, got ${JSON.stringify(state).slice(0, 300)}`);

  // The edit: `fit >= 30` of the MQL stage becomes `fit >= 31` and back.
  const needle = 'require "Fits our ideal customer profile": fit >= 30';
  const offset = text.indexOf(needle) + needle.length - 1;
  const before = text.slice(0, offset).split('\n');
  const position = { line: before.length - 1, character: before[before.length - 1].length };
  const completionAt = { line: position.line, character: position.character - 'fit >= 3'.length };
  const updates = [];
  const completions = [];
  let version = 1;
  for (let i = 0; i < EDITS; i++) {
    version++;
    const arrived = new Promise((resolve) => (onImpact = resolve));
    const started = performance.now();
    await connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: position, end: { line: position.line, character: position.character + 1 } }, text: i % 2 === 0 ? '1' : '0' }],
    });
    let done = false;
    void arrived.then(() => {
      updates.push(performance.now() - started);
      done = true;
    });
    while (!done) {
      const t0 = performance.now();
      await connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: completionAt });
      completions.push(performance.now() - t0);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  await connection.sendRequest('shutdown');
  await connection.sendNotification('exit');
  connection.dispose();
  child.kill();

  const ms = (v) => `${v.toFixed(1)} ms`;
  console.log(`\nLive sample counts: examples/b2b-funnel with ${sampleSize.toLocaleString('en')} sample leads, Node ${process.versions.node}`);
  console.log(`first counts after opening (compile, read the sample, evaluate): ${firstMs.toFixed(0)} ms; last update run ${state.lastRunMs.toFixed(0)} ms without the debounce\n`);
  console.log('| operation | samples | p50 | p95 | max |');
  console.log('|---|---:|---:|---:|---:|');
  for (const [name, list] of [
    ['counts updated after a keystroke (incl. 150 ms debounce)', updates],
    ['completion while the counts update', completions],
  ]) {
    const sorted = [...list].sort((a, b) => a - b);
    console.log(`| ${name} | ${sorted.length} | ${ms(percentile(sorted, 50))} | ${ms(percentile(sorted, 95))} | ${ms(sorted[sorted.length - 1])} |`);
  }
}

await main();

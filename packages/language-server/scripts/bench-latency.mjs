// Latency of the language server on a large file, measured like an editor sees it: the built
// server (dist/server.js) is spawned and driven over stdio JSON-RPC. A generated 5,000-line rule
// file (plus a schema it imports) is opened; then, one request at a time:
//   - completion at the start of a condition and after `company.`;
//   - hover over scores, segments and fields;
//   - diagnostics after an edit: from sending a one-character change (alternately making and fixing
//     a typo) to receiving the diagnostics of that version; includes the publishing delay;
//   - completion right after an edit (the request has to wait for the re-analysis).
// Prints p50/p95/max per operation. Run: npm run bench:lsp (builds first) or
//   node packages/language-server/scripts/bench-latency.mjs [--lines 5000] [--samples 200]

import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { createProtocolConnection } from 'vscode-languageserver-protocol';

const here = path.dirname(fileURLToPath(import.meta.url));
const server = path.join(here, '..', 'dist', 'server.js');
const option = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const LINES = option('lines', 5000);
const SAMPLES = option('samples', 200);
const EDITS = option('edits', 60);

const SCHEMA = `lead {
  email: email
  title?: string
  seniority?: "ic" | "manager" | "director" | "vp" | "cxo"
  country?: string
  consent: bool
  company: {
    name?: string
    industry?: "software" | "it_services" | "finance" | "healthcare" | "other"
    employees?: number
  }
}
event page_view { url: string }
event download { asset: string }
`;

/** A realistic rule file: blocks of documented scores with when and per rules, segments and stages. */
function generateRules(lines) {
  const out = ['import "./schema.mql"', ''];
  for (let i = 0; ; i++) {
    const block = [`/// Score number ${i}.`, `score s${i} {`, '  range 0 to 100'];
    for (let r = 0; r < 8; r++) block.push(`  "Rule ${r}": +${r + 1} when company.industry == "software" and title contains "x${r}"`);
    block.push(`  "Views": +5 per page_view within 30d where url contains "/p${i}" max 15`, '}');
    block.push(`segment seg${i} = s${i} >= 10 and country in ["US", "CA"]`, `stage ST${i} { require seg${i} }`, '');
    if (out.length + block.length > lines) break;
    out.push(...block);
  }
  while (out.length < lines) out.push('// padding');
  return out.join('\n') + '\n';
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function positionOf(text, offset) {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

/** Offsets of every match of `needle`, spread over the file. */
function occurrences(text, needle, shift) {
  const found = [];
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) found.push(at + shift);
  return found;
}

function pick(list, count) {
  return Array.from({ length: count }, (_, i) => list[Math.floor((i * list.length) / count)]);
}

async function main() {
  const folder = mkdtempSync(path.join(tmpdir(), 'mql-bench-'));
  const rules = generateRules(LINES);
  writeFileSync(path.join(folder, 'schema.mql'), SCHEMA);
  writeFileSync(path.join(folder, 'rules.mql'), rules);
  const uri = pathToFileURL(path.join(folder, 'rules.mql')).href;

  const child = spawn(process.execPath, [server, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const waiting = new Map();
  connection.onNotification('textDocument/publishDiagnostics', (params) => {
    const resolve = waiting.get(params.version);
    if (resolve) {
      waiting.delete(params.version);
      resolve(params);
    }
  });
  connection.listen();
  const diagnosticsOf = (version) => new Promise((resolve) => waiting.set(version, resolve));

  await connection.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(folder).href, capabilities: {} });
  await connection.sendNotification('initialized', {});
  let started = performance.now();
  const opened = diagnosticsOf(1);
  await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'mql', version: 1, text: rules } });
  const first = await opened;
  if (first.diagnostics.length > 0) throw new Error(`the generated file should be clean: ${JSON.stringify(first.diagnostics[0])}`);
  const openMs = performance.now() - started;

  const timings = { completion: [], hover: [], diagnostics: [], completionAfterEdit: [] };
  const time = async (list, action) => {
    const t0 = performance.now();
    const result = await action();
    list.push(performance.now() - t0);
    return result;
  };

  // Warm up the JIT as an editor session would, then measure.
  const conditionStarts = occurrences(rules, '+3 when ', '+3 when '.length).map((o) => positionOf(rules, o));
  const afterDots = occurrences(rules, 'company.', 'company.'.length).map((o) => positionOf(rules, o));
  const hovers = [...occurrences(rules, '= s', 3), ...occurrences(rules, 'require seg', 9), ...occurrences(rules, 'company.industry', 9)].map((o) => positionOf(rules, o));
  for (const position of pick(afterDots, 20)) await connection.sendRequest('textDocument/completion', { textDocument: { uri }, position });

  for (const [i, position] of pick([...conditionStarts, ...afterDots], SAMPLES).entries()) {
    const list = await time(timings.completion, () => connection.sendRequest('textDocument/completion', { textDocument: { uri }, position }));
    if (i === 0 && list.items.length === 0) throw new Error('completion returned nothing');
  }
  for (const position of pick(hovers, SAMPLES)) {
    const hover = await time(timings.hover, () => connection.sendRequest('textDocument/hover', { textDocument: { uri }, position }));
    if (!hover) throw new Error(`no hover at ${JSON.stringify(position)}`);
  }

  // Edits: make and fix a typo in rule conditions spread over the file.
  let version = 1;
  let errorsSeen = 0;
  const editAt = pick(occurrences(rules, 'title contains', 0), EDITS).map((o) => positionOf(rules, o));
  for (const position of editAt) {
    for (const text of ['x', '']) {
      version++;
      const range = text ? { start: position, end: position } : { start: position, end: { line: position.line, character: position.character + 1 } };
      const published = diagnosticsOf(version);
      started = performance.now();
      await connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range, text }] });
      const params = await published;
      timings.diagnostics.push(performance.now() - started);
      if (params.diagnostics.length > 0) errorsSeen++;
    }
  }
  if (errorsSeen !== editAt.length) throw new Error(`expected ${editAt.length} edits with an error, saw ${errorsSeen}`);
  for (const position of pick(afterDots, EDITS)) {
    version++;
    await connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: { line: position.line, character: 0 }, end: { line: position.line, character: 0 } }, text: ' ' }],
    });
    await time(timings.completionAfterEdit, () => connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: position.line, character: position.character + 1 } }));
  }

  await connection.sendRequest('shutdown');
  await connection.sendNotification('exit');
  connection.dispose();
  child.kill();

  const rows = [
    ['completion', timings.completion],
    ['hover', timings.hover],
    ['diagnostics after an edit', timings.diagnostics],
    ['completion right after an edit', timings.completionAfterEdit],
  ];
  console.log(`MQL language server latency: ${LINES}-line rule file (${rules.length.toLocaleString('en')} characters), Node ${process.versions.node}`);
  console.log(`opening the file (parse, check, first diagnostics): ${openMs.toFixed(0)} ms, ${first.diagnostics.length} diagnostics\n`);
  console.log('| operation | samples | p50 | p95 | max |');
  console.log('|---|---:|---:|---:|---:|');
  for (const [name, list] of rows) {
    const sorted = [...list].sort((a, b) => a - b);
    const ms = (v) => `${v.toFixed(1)} ms`;
    console.log(`| ${name} | ${sorted.length} | ${ms(percentile(sorted, 50))} | ${ms(percentile(sorted, 95))} | ${ms(sorted[sorted.length - 1])} |`);
  }
}

await main();

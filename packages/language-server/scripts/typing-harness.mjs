// The typing harness: how quiet and well placed are diagnostics while an author types?
//
// The built server is driven over stdio like an editor. An editor model types text keystroke by
// keystroke with VS Code's auto-closing (editors/vscode/language-configuration.json: `{ [ ( "`
// are closed when the next character allows it, a typed closer steps over an auto-inserted one,
// Enter between `{}` opens an indented line, Enter keeps the indentation). After every keystroke
// the harness waits for the diagnostics of that document version (the server is started with no
// publishing delay, so every keystroke is judged, not only the pauses) and records:
//   - keystrokes that show an error at all;
//   - keystrokes that show an error on a line other than the cursor's (or in another file);
//   - diagnostics on a line that was correct before the edit: a line of the starting text, not
//     typed into, that had no diagnostic when typing began.
// Scenarios: new rules, a stage and a test typed into the example (funnel.mql), fields typed
// into its schema (lead.mql), and declarations of funnel.mql deleted and retyped in place.
//
// Run: node packages/language-server/scripts/typing-harness.mjs [--verbose] (after npm run build),
// or as part of `npm run bench:lsp`.

import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { createProtocolConnection } from 'vscode-languageserver-protocol';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..', '..');
const serverPath = path.join(here, '..', 'dist', 'server.js');
const VERBOSE = process.argv.includes('--verbose');

// ---------------------------------------------------------------------------------------------
// Scenarios

const NEW_FUNNEL_RULES = [
  {
    after: '  "Student or intern": -50 when student',
    text: '\n  "Healthcare":        +5  when company.industry == "healthcare"\n  "Large company": +8 when company.employees >= 1000 max 8',
  },
  {
    after: '  "Unsubscribed":       -50 when any(unsubscribe)\n}',
    text: [
      '',
      '',
      '/// Product-qualified signals.',
      'score product {',
      '  range 0 to 50',
      '  "Trial sign-up": +20 when any(download within 30d where asset starts with "trial")',
      '  "Docs reader": +2 per page_view within 14d where url contains "/docs" max 10',
      '  -10 when country not in covered_countries',
      '}',
    ].join('\n'),
  },
  {
    after: '  require "Permission to follow up":  follow_up_ok\n}',
    text: [
      '',
      '',
      'segment trial_user = any(download within 30d where asset starts with "trial")',
      '',
      'stage PQL "Product qualified lead" after MQL {',
      '  require "Uses the product": product >= 20 and trial_user',
      '  reject "Competitor": email.domain in competitors',
      '}',
    ].join('\n'),
  },
  {
    after: '  expect stage MQL\n  expect fit == 45\n  expect profile == "A"\n  expect engagement >= 40\n  expect activity == "warm"\n}',
    text: [
      '',
      '',
      'test "A trial user who reads the docs is a PQL" {',
      '  now 2026-11-01T00:00:00Z',
      '  lead {',
      '    email: "jo@acme.io",',
      '    seniority: "vp",',
      '    consent: true,',
      '    company: { industry: "software", employees: 900 },',
      '  }',
      '  event download { asset: "trial-signup" } 2d ago',
      '  event page_view { url: "/docs/start" } 1d ago',
      '  expect product >= 20',
      '  expect stage none',
      '}',
    ].join('\n'),
  },
];

const NEW_SCHEMA_FIELDS = [
  { after: '    employees?: number', text: '\n    revenue?: number from "Annual Revenue"\n    tier?: "smb" | "mid" | "enterprise"' },
  { after: '  follow_up_ok?: bool', text: '\n  /// Where the lead first heard of us.\n  heard_from?: string from "Heard From"' },
  { after: 'event unsubscribe {}', text: '\n/// A product trial was started.\nevent trial_start { plan: string, seats: number }' },
];

/** Declarations of funnel.mql deleted and typed back in place (their first line identifies them). */
const RETYPED = ['segment student', 'score fit {', 'score engagement {', 'grade activity {', 'stage MQL', 'test "A free-mail address'];

// ---------------------------------------------------------------------------------------------
// The editor model

const OPENERS = { '{': '}', '[': ']', '(': ')', '"': '"' };
const CLOSERS = new Set(['}', ']', ')', '"']);
const AUTO_CLOSE_BEFORE = new Set([...';:.,=}])> \n\t']);

class Editor {
  constructor(text, cursor) {
    this.text = text;
    this.cursor = cursor;
    /** Offsets of closers the editor inserted and the author has not stepped over yet. */
    this.autoClosed = [];
    /** One entry per line: the line's number in the starting text, or -1 once typed into. */
    this.origin = text.split('\n').map((_, i) => i);
  }

  lineOf(offset) {
    let line = 0;
    for (let i = 0; i < offset; i++) if (this.text.charCodeAt(i) === 10) line++;
    return line;
  }

  position(offset) {
    const before = this.text.slice(0, offset);
    const line = before.split('\n').length - 1;
    return { line, character: offset - (before.lastIndexOf('\n') + 1) };
  }

  /** Replaces [start, end) by `insert`; returns the LSP change. */
  edit(start, end, insert) {
    const change = { range: { start: this.position(start), end: this.position(end) }, text: insert };
    const firstLine = change.range.start.line;
    const removedLines = change.range.end.line - firstLine;
    const addedLines = insert.split('\n').length - 1;
    this.origin.splice(firstLine, removedLines + 1, ...Array(addedLines + 1).fill(-1));
    this.text = this.text.slice(0, start) + insert + this.text.slice(end);
    const delta = insert.length - (end - start);
    this.autoClosed = this.autoClosed.filter((o) => o < start || o >= end).map((o) => (o >= end ? o + delta : o));
    return change;
  }

  indentAt(offset) {
    const lineStart = this.text.lastIndexOf('\n', offset - 1) + 1;
    return /^[ \t]*/.exec(this.text.slice(lineStart))[0];
  }

  /** One keystroke: the changes it sends (none when the cursor only moves). */
  type(char) {
    const next = this.text[this.cursor];
    const lineBefore = this.text.slice(this.text.lastIndexOf('\n', this.cursor - 1) + 1, this.cursor);
    if (CLOSERS.has(char) && next === char && this.autoClosed.includes(this.cursor)) {
      this.autoClosed = this.autoClosed.filter((o) => o !== this.cursor);
      this.cursor++;
      return [];
    }
    if (char === '\n') {
      const indent = this.indentAt(this.cursor);
      const opens = /[{[(]\s*$/.test(lineBefore);
      const inner = opens ? indent + '  ' : indent;
      if (opens && next !== undefined && CLOSERS.has(next) && next !== '"') {
        const change = this.edit(this.cursor, this.cursor, `\n${inner}\n${indent}`);
        this.cursor += 1 + inner.length;
        return [change];
      }
      const change = this.edit(this.cursor, this.cursor, `\n${inner}`);
      this.cursor += 1 + inner.length;
      return [change];
    }
    const closer = OPENERS[char];
    const inComment = /\/\//.test(lineBefore.replace(/"(?:[^"\\]|\\.)*"/g, '""'));
    const inString = (lineBefore.replace(/\\./g, '').split('"').length - 1) % 2 === 1;
    if (closer && (next === undefined || AUTO_CLOSE_BEFORE.has(next)) && !inComment && !(char === '"' && inString)) {
      const change = this.edit(this.cursor, this.cursor, char + closer);
      this.cursor++;
      this.autoClosed.push(this.cursor);
      return [change];
    }
    const change = this.edit(this.cursor, this.cursor, char);
    this.cursor++;
    return [change];
  }

  /** One keystroke, remembered as `lastChanges`. */
  press(char) {
    this.lastChanges = this.type(char);
    return this.lastChanges;
  }
}

/** Types `script`, yielding each keystroke's changes as it happens (cursor moves yield nothing). */
function* typeScript(editor, script) {
  for (let i = 0; i < script.length; i++) {
    const char = script[i];
    const closing = /^\n[ \t]*([}\])])/.exec(script.slice(i));
    if (closing) {
      const ahead = /^[ \t]*\n[ \t]*([}\])])/.exec(editor.text.slice(editor.cursor));
      if (ahead && ahead[1] === closing[1] && editor.autoClosed.includes(editor.cursor + ahead[0].length - 1)) {
        const target = editor.cursor + ahead[0].length;
        editor.autoClosed = editor.autoClosed.filter((o) => o !== target - 1);
        editor.cursor = target;
        i += closing[0].length - 1;
        continue;
      }
    }
    yield editor.press(char);
    if (char === '\n') while (script[i + 1] === ' ' || script[i + 1] === '\t') i++;
  }
}

// ---------------------------------------------------------------------------------------------
// Driving the server

class Session {
  constructor(root) {
    this.root = root;
    this.child = spawn(process.execPath, [serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.connection = createProtocolConnection(new StreamMessageReader(this.child.stdout), new StreamMessageWriter(this.child.stdin));
    this.latest = new Map();
    this.waiting = [];
    this.connection.onNotification('textDocument/publishDiagnostics', (params) => {
      this.latest.set(params.uri, params);
      this.waiting = this.waiting.filter((w) => !(w.uri === params.uri && w.version === params.version && (w.resolve(params), true)));
    });
    this.connection.listen();
    this.versions = new Map();
  }

  uri(name) {
    return pathToFileURL(path.join(this.root, name)).href;
  }

  async start() {
    await this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(this.root).href,
      workspaceFolders: [{ uri: pathToFileURL(this.root).href, name: 'typing' }],
      capabilities: {},
      initializationOptions: { diagnosticsDelay: 0 },
    });
    await this.connection.sendNotification('initialized', {});
  }

  published(uri, version) {
    const seen = this.latest.get(uri);
    if (seen && seen.version === version) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiting.push({ uri, version, resolve }));
  }

  async open(name, text) {
    const uri = this.uri(name);
    this.versions.set(uri, 1);
    const done = this.published(uri, 1);
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'mql', version: 1, text } });
    return (await done).diagnostics;
  }

  /** Sends one keystroke's changes and returns the diagnostics of every open document after it. */
  async change(name, changes) {
    const uri = this.uri(name);
    const version = this.versions.get(uri) + 1;
    this.versions.set(uri, version);
    const done = this.published(uri, version);
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
    await done;
    // Other documents are published in the same turn; a round trip makes sure they arrived.
    await this.connection.sendRequest('textDocument/foldingRange', { textDocument: { uri } });
    return this.latest;
  }

  async stop() {
    await this.connection.sendRequest('shutdown');
    await this.connection.sendNotification('exit');
    this.connection.dispose();
    this.child.kill();
  }
}

// ---------------------------------------------------------------------------------------------
// Measuring

class Tally {
  constructor() {
    this.keystrokes = 0;
    this.withError = 0;
    this.errorElsewhere = 0;
    this.untouchedHit = 0;
    this.examples = [];
  }

  add(other) {
    for (const key of ['keystrokes', 'withError', 'errorElsewhere', 'untouchedHit']) this[key] += other[key];
    this.examples.push(...other.examples);
  }
}

/**
 * Types `script` into document `name` at the end of the line holding `anchor` and judges every
 * keystroke. `clean` holds, per open document, the starting lines that had no diagnostic.
 */
async function typeInto(session, docs, name, editor, script, tally, label) {
  const editedUri = session.uri(name);
  const clean = new Map();
  // Errors already there when typing began (a reference to a declaration being retyped) were not
  // caused by the keystrokes: they do not count as errors off the cursor line.
  const before = new Set();
  for (const [docName, doc] of docs) {
    const diagnostics = session.latest.get(session.uri(docName))?.diagnostics ?? [];
    const flagged = new Set(diagnostics.map((d) => d.range.start.line));
    clean.set(docName, new Set(doc.origin.map((o, line) => (flagged.has(line) ? -1 : o)).filter((o) => o >= 0)));
    for (const d of diagnostics) before.add(`${docName}:${doc.origin[d.range.start.line]}:${d.code}`);
  }
  for (const changes of typeScript(editor, script)) {
    if (changes.length === 0) continue;
    const latest = await session.change(name, changes);
    tally.keystrokes++;
    const cursorLine = editor.position(editor.cursor).line;
    let anyError = false;
    let elsewhere = false;
    let untouched = [];
    for (const [docName, doc] of docs) {
      const uri = session.uri(docName);
      for (const d of latest.get(uri)?.diagnostics ?? []) {
        const line = d.range.start.line;
        if (d.severity === 1) {
          anyError = true;
          const old = doc.origin[line] >= 0 && before.has(`${docName}:${doc.origin[line]}:${d.code}`);
          if ((uri !== editedUri || line !== cursorLine) && !old) elsewhere = true;
        }
        const origin = doc.origin[line];
        if (origin !== undefined && origin >= 0 && clean.get(docName).has(origin)) untouched.push({ docName, line, d, text: doc.text.split('\n')[line] });
      }
    }
    if (anyError) tally.withError++;
    if (elsewhere) tally.errorElsewhere++;
    if (untouched.length > 0) {
      tally.untouchedHit++;
      const cursorText = editor.text.split('\n')[cursorLine];
      for (const u of untouched) {
        tally.examples.push(`${label}: typing ${JSON.stringify(cursorText.trim())} → ${u.docName}:${u.line + 1} ${JSON.stringify(u.text.trim())}: ${u.d.code} ${u.d.message}`);
      }
    }
    if (VERBOSE && elsewhere) {
      const cursorText = editor.text.split('\n')[cursorLine];
      const shown = [...docs].flatMap(([docName, doc]) =>
        (latest.get(session.uri(docName))?.diagnostics ?? [])
          .filter((d) => d.severity === 1 && !(doc.origin[d.range.start.line] >= 0 && before.has(`${docName}:${doc.origin[d.range.start.line]}:${d.code}`)))
          .map((d) => `${docName}:${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}`),
      );
      console.log(`[${label}] cursor ${cursorLine + 1} ${JSON.stringify(cursorText)}\n    ${shown.join('\n    ')}`);
    }
  }
}

function endOfLineHolding(text, anchor) {
  const at = text.indexOf(anchor);
  if (at < 0) throw new Error(`anchor not found: ${anchor}`);
  return at + anchor.length;
}

async function scenario(title, run) {
  const root = mkdtempSync(path.join(tmpdir(), 'mql-typing-'));
  cpSync(path.join(repo, 'examples', 'b2b-funnel'), root, { recursive: true });
  const session = new Session(root);
  await session.start();
  const tally = new Tally();
  try {
    await run(session, root, tally);
  } finally {
    await session.stop();
  }
  return { title, tally };
}

const read = (root, name) => readFileSync(path.join(root, name), 'utf8');

async function newRulesInFunnel(session, root, tally) {
  const lead = new Editor(read(root, 'lead.mql'), 0);
  const funnel = new Editor(read(root, 'funnel.mql'), 0);
  await session.open('lead.mql', lead.text);
  await session.open('funnel.mql', funnel.text);
  const docs = new Map([['funnel.mql', funnel], ['lead.mql', lead]]);
  for (const step of NEW_FUNNEL_RULES) {
    funnel.cursor = endOfLineHolding(funnel.text, step.after);
    await typeInto(session, docs, 'funnel.mql', funnel, step.text, tally, 'funnel.mql');
  }
}

async function newFieldsInSchema(session, root, tally) {
  const lead = new Editor(read(root, 'lead.mql'), 0);
  const funnel = new Editor(read(root, 'funnel.mql'), 0);
  await session.open('funnel.mql', funnel.text);
  await session.open('lead.mql', lead.text);
  const docs = new Map([['lead.mql', lead], ['funnel.mql', funnel]]);
  for (const step of NEW_SCHEMA_FIELDS) {
    lead.cursor = endOfLineHolding(lead.text, step.after);
    await typeInto(session, docs, 'lead.mql', lead, step.text, tally, 'lead.mql');
  }
}

/** Deletes a declaration (with its doc comment) and types it back, keystroke by keystroke. */
async function retypeDeclarations(session, root, tally) {
  const original = read(root, 'funnel.mql');
  await session.open('lead.mql', read(root, 'lead.mql'));
  await session.open('funnel.mql', original);
  for (const first of RETYPED) {
    const start = original.indexOf(first);
    const lineEnd = original.indexOf('\n', start);
    const end = original.slice(start, lineEnd).trimEnd().endsWith('{') ? original.indexOf('\n}\n', start) + 2 : lineEnd;
    const declaration = original.slice(start, end);
    // Start from the original text with the declaration removed (a fresh document version).
    const without = original.slice(0, start) + original.slice(end);
    const editor = new Editor(without, start);
    const version = session.versions.get(session.uri('funnel.mql')) + 1;
    session.versions.set(session.uri('funnel.mql'), version);
    const done = session.published(session.uri('funnel.mql'), version);
    await session.connection.sendNotification('textDocument/didChange', { textDocument: { uri: session.uri('funnel.mql'), version }, contentChanges: [{ text: without }] });
    await done;
    await session.connection.sendRequest('textDocument/foldingRange', { textDocument: { uri: session.uri('funnel.mql') } });
    await typeInto(session, new Map([['funnel.mql', editor]]), 'funnel.mql', editor, declaration, tally, `retype ${first}`);
    if (editor.text !== original) throw new Error(`retyping ${first} did not give the original text back:\n${editor.text.slice(start, start + declaration.length + 40)}`);
  }
}

export async function runTypingHarness() {
  const results = [
    await scenario('new rules, a stage and a test typed into funnel.mql', newRulesInFunnel),
    await scenario('fields and an event typed into lead.mql (funnel.mql open)', newFieldsInSchema),
    await scenario('declarations of funnel.mql deleted and retyped in place', retypeDeclarations),
  ];
  const total = new Tally();
  for (const r of results) total.add(r.tally);
  return { results: [...results, { title: 'all', tally: total }] };
}

export function printTypingReport({ results }) {
  const pct = (n, of) => `${n} (${((100 * n) / Math.max(1, of)).toFixed(1)}%)`;
  console.log('\nDiagnostics while typing (every keystroke judged, VS Code-like auto-closing)\n');
  console.log('| scenario | keystrokes | showing an error | an error off the cursor line | a diagnostic on a line correct before |');
  console.log('|---|---:|---:|---:|---:|');
  for (const { title, tally } of results) {
    console.log(`| ${title} | ${tally.keystrokes} | ${pct(tally.withError, tally.keystrokes)} | ${pct(tally.errorElsewhere, tally.keystrokes)} | ${pct(tally.untouchedHit, tally.keystrokes)} |`);
  }
  const examples = results[results.length - 1].tally.examples;
  if (examples.length > 0) {
    console.log(`\nDiagnostics on lines that were correct (first ${Math.min(10, examples.length)} of ${examples.length}):`);
    for (const e of examples.slice(0, VERBOSE ? examples.length : 10)) console.log(`  ${e}`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  printTypingReport(await runTypingHarness());
}

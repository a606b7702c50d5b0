// Tests for examples/generate-data.mjs: determinism, record and event shapes, CSV/JSONL agreement,
// --invalid, that the generated example data has the pinned hashes (so the README's tour stays
// true) and that the committed samples under examples/data are what the generator produces.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCRIPT = join(ROOT, 'examples', 'generate-data.mjs');
const DATA = join(ROOT, 'examples', 'data');

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** Runs the generator into a fresh temp dir; returns the dir and what it printed on stderr. */
function generate(args: string[]): { dir: string; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mql-gen-'));
  temps.push(dir);
  const run = spawnSync(process.execPath, [SCRIPT, '--out', dir, ...args], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`generator failed (${run.status}): ${run.stderr}`);
  expect(run.stdout).toBe('');
  return { dir, stderr: run.stderr };
}

const FILES = ['leads.jsonl', 'leads.csv', 'events.csv'];
type Rec = Record<string, unknown>;

function readJsonl(path: string): Rec[] {
  const text = readFileSync(path, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line) as Rec);
}

/** Minimal RFC 4180 reader: quoted cells, doubled quotes, commas and newlines inside quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') row.push(cell), (cell = '');
    else if (ch === '\n') row.push(cell), rows.push(row), (row = []), (cell = '');
    else cell += ch;
  }
  expect(cell).toBe('');
  expect(row).toEqual([]); // the file ends with a newline
  return rows;
}

function readCsv(path: string): { header: string[]; rows: Rec[] } {
  const [header, ...body] = parseCsv(readFileSync(path, 'utf8'));
  expect(header).toBeDefined();
  const rows = body.map((cells) => {
    expect(cells.length).toBe(header!.length);
    return Object.fromEntries(header!.map((h, i) => [h, cells[i]!]));
  });
  return { header: header!, rows };
}

// --- the schema of examples/b2b-funnel/lead.mql, keyed as the records spell it (from-names)

const SENIORITY = ['ic', 'manager', 'director', 'vp', 'cxo'];
const SOURCE = ['organic', 'paid_social', 'webinar', 'referral', 'event', 'outbound'];
const INDUSTRY = ['software', 'it_services', 'finance', 'healthcare', 'education', 'government', 'retail', 'other'];
const LEAD_KEYS = [
  'id', 'Email', 'First Name', 'Job Title', 'seniority', 'country', 'Lead Source', 'consent', 'phone', 'Created',
  'interests', 'company', 'buy_cycle', 'influencer', 'timeframe_days', 'deal_size', 'follow_up_ok', 'converted', 'amount', 'events',
];
const EVENT_ATTRS: Record<string, Record<string, 'string' | 'boolean'>> = {
  page_view: { url: 'string' },
  download: { asset: 'string' },
  webinar: { name: 'string', attended: 'boolean' },
  email_click: { campaign: 'string' },
  demo_request: {},
  unsubscribe: {},
};
const LEADS_CSV_HEADER = [
  'id', 'Email', 'First Name', 'Job Title', 'seniority', 'country', 'Lead Source', 'consent', 'phone', 'Created',
  'interests', 'company.name', 'company.industry', 'company.employees', 'buy_cycle', 'influencer', 'timeframe_days',
  'deal_size', 'follow_up_ok', 'converted', 'amount',
];
const EVENTS_CSV_HEADER = ['lead_id', 'type', 'at', 'url', 'asset', 'name', 'attended', 'campaign'];
const INVALID_KINDS = ['missing_email', 'employees_not_number', 'unparsable_event_at', 'enum_not_member'];

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const isDate = (v: unknown) =>
  (typeof v === 'string' && ISO.test(v) && !Number.isNaN(Date.parse(v))) || (typeof v === 'number' && Number.isInteger(v));
const isMissing = (v: unknown) => v === undefined || v === null;

/**
 * Checks one record against the schema; returns its defects as the generator's kinds (or
 * "other:..." for anything the generator should never produce). Shape errors that are not data
 * defects (unknown keys, bad event attributes) fail the test directly.
 */
function defects(rec: Rec): string[] {
  const out: string[] = [];
  for (const key of Object.keys(rec)) expect(LEAD_KEYS, `unexpected key ${key}`).toContain(key);
  expect(rec.id).toMatch(/^L\d{7}$/);
  if (isMissing(rec.Email)) out.push('missing_email');
  else if (typeof rec.Email !== 'string' || !rec.Email.includes('@')) out.push('other:Email');
  for (const key of ['First Name', 'Job Title', 'country', 'phone']) {
    if (!isMissing(rec[key]) && typeof rec[key] !== 'string') out.push(`other:${key}`);
  }
  if (!isMissing(rec.seniority) && !SENIORITY.includes(rec.seniority as string)) out.push('enum_not_member');
  if (!isMissing(rec['Lead Source']) && !SOURCE.includes(rec['Lead Source'] as string)) out.push('enum_not_member');
  if (typeof rec.consent !== 'boolean') out.push('other:consent');
  if (!isMissing(rec.Created) && !isDate(rec.Created)) out.push('other:Created');
  if (!isMissing(rec.interests)) {
    const ok = Array.isArray(rec.interests) && rec.interests.length > 0 && rec.interests.every((s) => typeof s === 'string');
    if (!ok) out.push('other:interests');
  }
  for (const key of ['buy_cycle', 'influencer', 'follow_up_ok']) {
    if (!isMissing(rec[key]) && typeof rec[key] !== 'boolean') out.push(`other:${key}`);
  }
  if (typeof rec.converted !== 'boolean') out.push('other:converted');
  if (rec.converted ? typeof rec.amount !== 'number' || !(rec.amount > 0) : rec.amount !== undefined) out.push('other:amount');
  for (const key of ['timeframe_days', 'deal_size']) {
    if (!isMissing(rec[key]) && typeof rec[key] !== 'number') out.push(`other:${key}`);
  }
  const company = rec.company as Rec;
  expect(typeof company).toBe('object');
  for (const key of Object.keys(company)) expect(['name', 'industry', 'employees']).toContain(key);
  if (!isMissing(company.name) && typeof company.name !== 'string') out.push('other:company.name');
  if (!isMissing(company.industry) && !INDUSTRY.includes(company.industry as string)) out.push('enum_not_member');
  if (!isMissing(company.employees) && typeof company.employees !== 'number') out.push('employees_not_number');

  expect(Array.isArray(rec.events)).toBe(true);
  for (const e of rec.events as Rec[]) {
    const attrs = EVENT_ATTRS[e.type as string];
    expect(attrs, `event type ${String(e.type)}`).toBeDefined();
    expect(Object.keys(e).sort()).toEqual(['at', 'type', ...Object.keys(attrs!)].sort());
    for (const [name, type] of Object.entries(attrs!)) expect(typeof e[name]).toBe(type);
    expect(typeof e.at).toBe('string');
    if (!isDate(e.at)) out.push('unparsable_event_at');
  }
  return out;
}

describe('examples/generate-data.mjs', () => {
  const args = ['--leads', '200', '--seed', '42'];
  let first: { dir: string; stderr: string };
  let second: { dir: string; stderr: string };
  let leads: Rec[];
  beforeAll(() => {
    first = generate(args);
    second = generate(args);
    leads = readJsonl(join(first.dir, 'leads.jsonl'));
  });

  it('is deterministic: the same arguments give byte-identical files', () => {
    for (const file of FILES) {
      expect(readFileSync(join(second.dir, file)).equals(readFileSync(join(first.dir, file))), file).toBe(true);
    }
    const other = generate(['--leads', '200', '--seed', '43']);
    expect(readFileSync(join(other.dir, 'leads.jsonl')).equals(readFileSync(join(first.dir, 'leads.jsonl')))).toBe(false);
  });

  it('lead #i does not depend on --leads (a shorter run is a prefix)', () => {
    const short = generate(['--leads', '20', '--seed', '42', '--format', 'jsonl']);
    const full = readFileSync(join(first.dir, 'leads.jsonl'), 'utf8');
    expect(full.startsWith(readFileSync(join(short.dir, 'leads.jsonl'), 'utf8'))).toBe(true);
  });

  it('writes one valid record per line with the expected keys and event shapes', () => {
    expect(leads).toHaveLength(200);
    leads.forEach((rec, i) => {
      expect(rec.id).toBe('L' + String(i + 1).padStart(7, '0'));
      expect(defects(rec), String(rec.id)).toEqual([]);
      const times = (rec.events as Rec[]).map((e) => Date.parse(e.at as string));
      expect(times).toEqual([...times].sort((a, b) => a - b));
    });
    const types = new Set(leads.flatMap((rec) => (rec.events as Rec[]).map((e) => e.type)));
    for (const t of ['page_view', 'download', 'webinar', 'email_click']) expect(types).toContain(t);
  });

  it('writes leads.csv with one row per lead that agrees with the JSONL', () => {
    const { header, rows } = readCsv(join(first.dir, 'leads.csv'));
    expect(header).toEqual(LEADS_CSV_HEADER);
    expect(rows).toHaveLength(leads.length);
    const cell = (v: unknown) => (isMissing(v) ? '' : Array.isArray(v) ? v.join(';') : String(v));
    rows.forEach((row, i) => {
      const rec = leads[i]!;
      const company = rec.company as Rec;
      for (const h of LEADS_CSV_HEADER) {
        const value = h.startsWith('company.') ? company[h.slice('company.'.length)] : rec[h];
        expect(row[h], `${String(rec.id)} ${h}`).toBe(cell(value));
      }
      expect(['true', 'false']).toContain(row.consent);
    });
  });

  it('writes events.csv with one row per event, empty where an attribute does not apply', () => {
    const { header, rows } = readCsv(join(first.dir, 'events.csv'));
    expect(header).toEqual(EVENTS_CSV_HEADER);
    const events = leads.flatMap((rec) => (rec.events as Rec[]).map((e) => ({ id: rec.id, e })));
    expect(rows).toHaveLength(events.length);
    rows.forEach((row, i) => {
      const { id, e } = events[i]!;
      expect(row.lead_id).toBe(id);
      expect(row.type).toBe(e.type);
      expect(row.at).toBe(e.at);
      for (const attr of ['url', 'asset', 'name', 'attended', 'campaign']) {
        expect(row[attr], `${String(id)} event ${i} ${attr}`).toBe(attr in e ? String(e[attr]) : '');
      }
    });
  });

  it('--format jsonl writes only leads.jsonl, identical to the full run', () => {
    const only = generate([...args, '--format', 'jsonl']);
    expect(readFileSync(join(only.dir, 'leads.jsonl'), 'utf8')).toBe(readFileSync(join(first.dir, 'leads.jsonl'), 'utf8'));
    expect(() => readFileSync(join(only.dir, 'leads.csv'))).toThrow();
  });

  it('--invalid N makes exactly N records invalid, each in one documented way, and names them on stderr', () => {
    const { dir, stderr } = generate(['--leads', '100', '--seed', '42', '--invalid', '8']);
    const reported = [...stderr.matchAll(/^ {2}invalid (L\d{7}) (\S+) (.+)$/gm)].map((m) => ({
      id: m[1]!,
      kind: m[2]!,
      path: m[3]!,
    }));
    expect(reported).toHaveLength(8);
    expect(stderr).toContain('8 invalid records');

    const records = readJsonl(join(dir, 'leads.jsonl'));
    const found = records.map((rec) => ({ id: rec.id as string, kinds: defects(rec) })).filter((r) => r.kinds.length);
    expect(found).toHaveLength(8);
    expect(found.map((r) => r.id)).toEqual(reported.map((r) => r.id));
    found.forEach((r, i) => expect(r.kinds).toEqual([reported[i]!.kind]));
    expect(new Set(reported.map((r) => r.kind))).toEqual(new Set(INVALID_KINDS));

    // the same defects are visible in the CSV files
    const leadRows = new Map(readCsv(join(dir, 'leads.csv')).rows.map((row) => [row.id as string, row]));
    const eventRows = readCsv(join(dir, 'events.csv')).rows;
    for (const { id, kind, path } of reported) {
      const row = leadRows.get(id)!;
      if (kind === 'missing_email') expect(row.Email).toBe('');
      if (kind === 'employees_not_number') expect(Number.isNaN(Number(row['company.employees']))).toBe(true);
      if (kind === 'enum_not_member') expect([...SENIORITY, ...SOURCE, ...INDUSTRY]).not.toContain(row[path]);
      if (kind === 'unparsable_event_at') {
        const ats = eventRows.filter((e) => e.lead_id === id).map((e) => e.at as string);
        expect(ats.filter((at) => !isDate(at))).toHaveLength(1);
      }
    }
  });

  it('rejects bad arguments with a message and a non-zero exit', () => {
    for (const bad of [['--leads', 'many'], ['--format', 'xml'], ['--now', 'soon'], ['--leads', '3', '--invalid', '4']]) {
      const run = spawnSync(process.execPath, [SCRIPT, '--out', join(tmpdir(), 'mql-gen-unused'), ...bad], {
        encoding: 'utf8',
      });
      expect(run.status, bad.join(' ')).toBe(1);
      expect(run.stderr).toMatch(/^generate-data: /);
    }
  });
});

/**
 * SHA-256 of the files `npm run build` generates into examples/data (scripts/example-data.mjs).
 * They are not in git; these hashes pin them, so the numbers the README's tour and the CLI tests
 * show stay true. After a deliberate change to the generator, update them (`sha256sum`).
 */
const PINNED: Record<string, string> = {
  'leads.jsonl': 'e6be55c34cfe66d8be4bbb71bbd9937dce542c79d7d120490ae4cc737ab79a31',
  'leads.csv': '44bf3aeaf252f2212f6bab79a60f7903ff4e6a72aa16f1c56763be08062a2e32',
  'events.csv': '29e30d93c655930c313c93641e93405445912834d7cf4075f7ae19ac0d41908b',
};

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('example data (examples/data)', () => {
  it('the generator with its defaults writes the pinned files', () => {
    const { dir } = generate([]);
    expect(Object.fromEntries(FILES.map((file) => [file, sha256(join(dir, file))]))).toEqual(PINNED);
  });

  it('the build generated the same files into examples/data', () => {
    expect(Object.fromEntries(FILES.map((file) => [file, sha256(join(DATA, file))]))).toEqual(PINNED);
  });

  it('the committed sample-leads.jsonl is the first 20 generated leads', () => {
    const first20 = readFileSync(join(DATA, 'leads.jsonl'), 'utf8').split('\n').slice(0, 20).join('\n') + '\n';
    expect(readFileSync(join(DATA, 'sample-leads.jsonl'), 'utf8')).toBe(first20);
  });

  it('invalid-leads.jsonl is --leads 50 --invalid 5 --seed 7, with 5 invalid records', () => {
    const { dir } = generate(['--leads', '50', '--invalid', '5', '--seed', '7', '--format', 'jsonl']);
    const committed = readFileSync(join(DATA, 'invalid-leads.jsonl'), 'utf8');
    expect(committed).toBe(readFileSync(join(dir, 'leads.jsonl'), 'utf8'));
    const records = readJsonl(join(DATA, 'invalid-leads.jsonl'));
    expect(records).toHaveLength(50);
    expect(records.filter((rec) => defects(rec).length > 0)).toHaveLength(5);
  });
});

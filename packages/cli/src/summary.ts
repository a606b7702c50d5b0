// The account `mql eval` gives of a batch after its results: how many leads reached each stage
// and where each ended, the invalid records grouped by field and message, fields that no JSON
// record had, and (with --errors FILE) every record error as JSON lines. The workers (parallel.ts)
// fill the same counters per batch, merged here in input order, so both paths print the same text.

import type { FieldSpec, RulesArtifact } from '@mql/artifact';
import { coverageItems, type EvaluationResult, type RecordError } from '@mql/runtime';
import { positionText, type IdKey, type Position } from '@mql/data';
import { writeOutputFile } from './host.js';
import { unmatchedLiterals, watchedLiterals, type SeenValues } from './literals.js';
import { colors, plural } from './report.js';

export interface InvalidLead {
  position: Position;
  id?: string;
  errors: RecordError[];
}

export interface BatchSummary {
  now: number;
  /** The key the leads were named by, and why (--id-key, the schema's key field, the default). */
  ids: IdKey;
  records: number;
  /** Leads by the stage they ended in (their `stage`), in program order, then `none`. */
  stages: Map<string, number>;
  /** Leads that qualified for each stage (a lead counts in every stage it reached). */
  reached: Map<string, number>;
  invalid: InvalidLead[];
  /** Distinct values of the fields the rules compare with string literals (literals.ts). */
  values: SeenValues;
  /** Records (valid or not) that had an id under --id-key. */
  withId: number;
  /**
   * Leads each score rule fired for and each stage clause held for (the runtime's coverage
   * counters, laid out by coverageItems); undefined when not counted (--only, --engine duckdb).
   */
  coverage?: Uint32Array;
  /** Input keys (paths) seen in at least one JSON record; undefined for CSV, whose header says. */
  seenKeys: Set<string> | undefined;
  notes: string[];
}

/** How no stage is spelt in the text formats (CSV, table, summary); JSON has `null`. */
export const NO_STAGE = 'none';

export function emptySummary(stageNames: readonly string[], now: number, json: boolean, ids: IdKey): BatchSummary {
  return {
    now,
    ids,
    records: 0,
    stages: new Map([...stageNames, NO_STAGE].map((s) => [s, 0])),
    reached: new Map(stageNames.map((s) => [s, 0])),
    invalid: [],
    withId: 0,
    values: new Map(),
    seenKeys: json ? new Set() : undefined,
    notes: [],
  };
}

/** Counts one result. */
export function countResult(summary: Pick<BatchSummary, 'stages' | 'reached'>, result: EvaluationResult): void {
  const stage = result.stage ?? NO_STAGE;
  summary.stages.set(stage, (summary.stages.get(stage) ?? 0) + 1);
  for (const [name, stageResult] of Object.entries(result.stages)) if (stageResult.qualified) summary.reached.set(name, (summary.reached.get(name) ?? 0) + 1);
}

// ---------------------------------------------------------------------------------------------
// Fields no JSON record had

/** The input key paths of the lead schema (`Email`, `company`, `company.employees`), as records spell them. */
export function inputPaths(fields: readonly FieldSpec[], prefix = ''): { path: string; field: string; from?: string }[] {
  return fields.flatMap((f) => {
    const key = f.from ?? f.name;
    const path = `${prefix}${key}`;
    const own = { path, field: `${prefix}${f.name}`, ...(f.from !== undefined ? { from: f.from } : {}) };
    return f.type.kind === 'object' ? [own, ...inputPaths(f.type.fields, `${path}.`)] : [own];
  });
}

/** Adds the schema paths present in `record` to `seen` (only those not seen yet are looked up). */
export function notePresentKeys(record: unknown, paths: readonly string[], seen: Set<string>): void {
  if (seen.size === paths.length || typeof record !== 'object' || record === null) return;
  for (const path of paths) {
    if (seen.has(path)) continue;
    let value: unknown = record;
    for (const key of path.split('.')) {
      value = typeof value === 'object' && value !== null && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
    }
    if (value !== undefined && value !== null) seen.add(path);
  }
}

function missingEverywhere(summary: BatchSummary, fields: readonly FieldSpec[]): string[] {
  if (!summary.seenKeys || summary.records === 0) return [];
  const paths = inputPaths(fields);
  // A nested key is reported only when its object was present somewhere.
  return paths
    .filter((p) => !summary.seenKeys!.has(p.path) && (!p.path.includes('.') || summary.seenKeys!.has(p.path.slice(0, p.path.lastIndexOf('.')))))
    .map((p) => (p.from !== undefined ? `${p.field} (from "${p.from}")` : p.field));
}

// ---------------------------------------------------------------------------------------------
// Text

/** At most this many rules and clauses that never fired are named (a small batch leaves many). */
const NEVER_FIRED_SHOWN = 10;

/** At most this many lines are named per group of invalid records. */
const LINES_PER_GROUP = 5;

export function summaryText(summary: BatchSummary, artifact: RulesArtifact, printable: (text: string) => string): string {
  const fields = artifact.lead.fields;
  const evaluated = summary.records - summary.invalid.length;
  const counts = (map: Map<string, number>) => [...map].map(([stage, count]) => `${stage} ${count}`).join(', ');
  const lines = [`Evaluated ${plural(evaluated, 'lead')} at ${new Date(summary.now).toISOString()}`];
  if (summary.reached.size > 0) {
    lines.push(`  reached (qualified, counted in every stage reached): ${counts(summary.reached)}`);
  }
  lines.push(`  furthest stage (each lead once): ${counts(summary.stages)}`);
  const absent = missingEverywhere(summary, fields);
  if (absent.length > 0) {
    lines.push(colors.yellow(`Warning: no record has ${absent.length === 1 ? 'the field' : 'these fields'} (a misspelt key or \`from\` name?): ${absent.join(', ')}`));
  }
  const dead = neverFired(summary, artifact, evaluated);
  if (dead.length > 0) {
    lines.push(colors.yellow(`${dead.length} ${dead.length === 1 ? 'rule or clause' : 'rules and clauses'} never fired or held on the ${plural(evaluated, 'lead')} evaluated:`));
    for (const line of dead.slice(0, NEVER_FIRED_SHOWN)) lines.push(printable(`  ${line}`));
    if (dead.length > NEVER_FIRED_SHOWN) lines.push(`  and ${dead.length - NEVER_FIRED_SHOWN} more`);
  }
  const unmatched = unmatchedLiterals(watchedLiterals(artifact), summary.values);
  if (unmatched.length > 0) {
    lines.push(colors.yellow(`${plural(unmatched.length, 'string')} in the rules never matched (comparisons ignore letter case, not spaces):`));
    for (const line of unmatched) lines.push(printable(`  ${line}`));
  }
  if (summary.invalid.length > 0) {
    lines.push(colors.yellow(`${plural(summary.invalid.length, 'invalid record')} (not evaluated), by field and message:`));
    for (const group of groupErrors(summary.invalid)) {
      const shown = group.leads.slice(0, LINES_PER_GROUP).map((l) => `${positionText(l.position)}${l.id !== undefined ? ` (${l.id})` : ''}${l.value !== undefined ? ` ${l.value}` : ''}`);
      const more = group.leads.length > LINES_PER_GROUP ? `, and ${group.leads.length - LINES_PER_GROUP} more` : '';
      lines.push(printable(`  ${group.key} — ${plural(group.leads.length, 'record')}: ${shown.join(', ')}${more}`));
    }
  }
  for (const note of summary.notes) lines.push(colors.dim(printable(note)));
  if (summary.records > 0) lines.push(colors.dim(printable(idsNote(summary))));
  return `${lines.join('\n')}\n`;
}

/** Score rules that fired for no lead and stage clauses that held for none, in program order. */
function neverFired(summary: BatchSummary, artifact: RulesArtifact, evaluated: number): string[] {
  const counts = summary.coverage;
  if (counts === undefined || evaluated === 0) return [];
  return coverageItems(artifact).flatMap((item, i) => {
    if (counts[i] !== 0) return [];
    const named = item.labelled ? JSON.stringify(item.label) : `\`${item.label}\``;
    const where = `${item.loc.file}:${item.loc.line}`;
    if (item.kind === 'rule') return [`score ${item.owner}, rule ${item.position} ${named} (${where}): never fired`];
    const clause = item.kind === 'requirement' ? 'require' : 'reject';
    const text = item.labelled && item.text !== undefined ? ` \`${item.text}\`` : '';
    return [`stage ${item.owner}, ${clause} ${named}${text} (${where}): never held`];
  });
}

/** Adds a worker's coverage counters to the summary's. */
export function addCoverage(summary: BatchSummary, counts: ArrayLike<number> | undefined): void {
  if (summary.coverage === undefined || counts === undefined) return;
  for (let i = 0; i < summary.coverage.length; i++) summary.coverage[i]! += counts[i] ?? 0;
}

/** Which ids named the leads, and why: never guessed silently. */
function idsNote(summary: BatchSummary): string {
  const { key, source, field } = summary.ids;
  const named =
    source === 'key' ? `the key field \`${field}\`${field === key ? '' : ` (from "${key}")`}` : source === 'option' ? `"${key}" (--id-key)` : `"${key}" (the default; mark the id field \`key\` in the schema, or give --id-key)`;
  if (summary.withId === 0) return `Ids: no record has ${named}, so leads are named by their email or record number (line or index).`;
  const some = summary.withId === summary.records ? 'every record' : `${summary.withId} of ${summary.records} records; the others are named by their email or record number`;
  return `Ids: ${named}, present in ${some}.`;
}

interface ErrorGroup {
  key: string;
  leads: { position: Position; id?: string; value?: string }[];
}

/**
 * Errors grouped by field path (list and event indexes left out) and message (the value left out),
 * groups with the most records first; records in input order within a group.
 */
export function groupErrors(invalid: readonly InvalidLead[]): ErrorGroup[] {
  const groups = new Map<string, ErrorGroup>();
  const ordered = [...invalid].sort((a, b) => order(a.position) - order(b.position));
  for (const lead of ordered) {
    for (const error of lead.errors) {
      const { message, value } = splitSource(splitValue(error.message));
      const path = error.path.replace(/\[\d+\]/g, '[]');
      const key = path === '' ? message : `${path}: ${message}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { key, leads: [] }));
      const last = group.leads[group.leads.length - 1];
      if (last && last.position === lead.position) continue; // one record once per group
      group.leads.push({ position: lead.position, ...(lead.id !== undefined ? { id: lead.id } : {}), ...(value !== undefined ? { value } : {}) });
    }
  }
  return [...groups.values()].sort((a, b) => b.leads.length - a.leads.length);
}

/** `expected a number, got "zero"` → the message without the value, and the value as shown. */
function splitValue(message: string): { message: string; value?: string } {
  const at = message.lastIndexOf(', got ');
  if (at < 0) return { message };
  const rest = message.slice(at + 6);
  const paren = rest.indexOf(' (');
  const value = paren < 0 ? rest : rest.slice(0, paren);
  return { message: message.slice(0, at) + (paren < 0 ? '' : rest.slice(paren)), value };
}

/**
 * An error of a row of a second file (an events CSV) ends by naming that row: `(events.csv line
 * 657)`. That belongs to the record, like the value, not to the group: otherwise one systematic
 * problem (every `at` in another date format) would print a group per event row.
 */
const SOURCE_LINE = / \(([^()]+ line \d+)\)$/;

function splitSource({ message, value }: { message: string; value?: string }): { message: string; value?: string } {
  const source = SOURCE_LINE.exec(message);
  if (source === null) return value === undefined ? { message } : { message, value };
  const where = `(${source[1]})`;
  return { message: message.slice(0, source.index), value: value === undefined ? where : `${value} ${where}` };
}

function order(position: Position): number {
  return position.kind === 'line' ? position.line : position.kind === 'index' ? position.index : 0;
}

// ---------------------------------------------------------------------------------------------
// --errors FILE

/**
 * Every record error as one JSON line: `line` (or `index`), `id` when known, `path`, `message` and
 * `value` (the offending value as the message shows it, strings quoted and shortened; absent when
 * the message names none), in input order.
 */
export function writeErrorsFile(file: string, invalid: readonly InvalidLead[]): void {
  const lines: string[] = [];
  for (const lead of [...invalid].sort((a, b) => order(a.position) - order(b.position))) {
    const where = lead.position.kind === 'line' ? { line: lead.position.line } : lead.position.kind === 'index' ? { index: lead.position.index } : {};
    for (const error of lead.errors) {
      const { value } = splitValue(error.message);
      lines.push(JSON.stringify({ ...where, ...(lead.id !== undefined ? { id: lead.id } : {}), path: error.path, message: error.message, ...(value !== undefined ? { value } : {}) }));
    }
  }
  writeOutputFile(file, lines.length > 0 ? `${lines.join('\n')}\n` : '');
}

// What `mql diff` reports: the comparison (compare.ts) with where the two versions and the leads
// came from. `--format json` prints this document as it is (its shape is documented in
// diff/README.md); pretty.ts and markdown.ts render it, with the wording helpers below.

import type { StageConversion, StageDiff } from './compare.js';

export const DIFF_FORMATS = ['pretty', 'markdown', 'json'] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

/** Bumped only when a field changes meaning or goes away; new fields may appear in any version. */
export const DIFF_DOCUMENT_VERSION = 1;

export interface VersionInfo {
  /** The rules file as given on the command line (relative to the working directory). */
  rules: string;
  /** With --base: the git revision the base version was read from. */
  revision?: string;
}

export interface DiffDocument extends StageDiff {
  version: typeof DIFF_DOCUMENT_VERSION;
  base: VersionInfo;
  new: VersionInfo;
  /** The leads file. */
  data: string;
  /** The evaluation time both versions used, ISO-8601. */
  now: string;
  /** Records read from the data file (compared leads + left-out records). */
  records: number;
}

/** "42 of 5,000 leads (0.8%) change stage", or "No lead changes stage (5,000 leads compared)". */
export function headline(doc: DiffDocument): string {
  if (doc.changed === 0) return `No lead changes stage (${count(doc.leads)} ${doc.leads === 1 ? 'lead' : 'leads'} compared)${gradeNote(doc)}`;
  const share = percent((100 * doc.changed) / doc.leads);
  return `${count(doc.changed)} of ${count(doc.leads)} leads (${share}) ${doc.changed === 1 ? 'changes' : 'change'} stage`;
}

/** "; 37 leads change grade (profile 37)" when a grade band changed for some lead, else "". */
export function gradeNote(doc: DiffDocument): string {
  const changed = (doc.grades ?? []).filter((g) => g.changed > 0);
  if (changed.length === 0) return '';
  return `; grades change: ${changed.map((g) => `${g.grade} for ${count(g.changed)} ${g.changed === 1 ? 'lead' : 'leads'}`).join(', ')}`;
}

/** A rate as a percentage, or – without a denominator. */
export function rate(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : percent(100 * value);
}

/** Reached, precision and recall before and after (— where a version lacks the stage). */
export function conversionCells(s: NonNullable<StageDiff['outcome']>['stages'][number]): string[] {
  const pick = (c: StageConversion | null, f: (c: StageConversion) => string) => (c === null ? '—' : f(c));
  return [
    pick(s.before, (c) => count(c.reached)),
    pick(s.after, (c) => count(c.reached)),
    pick(s.before, (c) => rate(c.precision)),
    pick(s.after, (c) => rate(c.precision)),
    pick(s.before, (c) => rate(c.recall)),
    pick(s.after, (c) => rate(c.recall)),
  ];
}

export function versionLabel(version: VersionInfo): string {
  return version.revision === undefined ? version.rules : `${version.revision}:${version.rules}`;
}

/** A sentence about left-out records, or undefined when every record was compared. */
export function leftOutNote(doc: DiffDocument): string | undefined {
  const { records, baseOnly, newOnly } = doc.invalid;
  if (records === 0) return undefined;
  const details = [baseOnly > 0 ? `${count(baseOnly)} invalid only for the base version` : '', newOnly > 0 ? `${count(newOnly)} invalid only for the new version` : ''].filter(Boolean);
  const what = records === 1 ? 'record was' : 'records were';
  return `${count(records)} ${what} left out (unreadable or invalid${details.length > 0 ? `; ${details.join(', ')}` : ''}).`;
}

/** `fit >= 30 → fit >= 35` when the condition changed, else the one condition. */
export function conditionText(text: { before?: string; after?: string }): string {
  if (text.before !== undefined && text.after !== undefined && text.before !== text.after) return `${text.before} → ${text.after}`;
  return text.after ?? text.before ?? '';
}

export function count(value: number): string {
  return value.toLocaleString('en-US');
}

/** One decimal; a share too small to show as 0.1% is "<0.1%", never a misleading "0%". */
export function percent(value: number): string {
  if (value > 0 && value < 0.05) return '<0.1%';
  return `${Number(value.toFixed(1))}%`;
}

export function points(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

export function signed(value: number, format: (n: number) => string = points): string {
  if (value === 0) return '0';
  return value > 0 ? `+${format(value)}` : `-${format(-value)}`;
}

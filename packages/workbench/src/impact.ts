// What the rules do to sample leads, for the editor while the author types: how many leads reach
// each stage (and, with an outcome column, how many of those converted), how often each score rule
// fires, how many leads get each grade label. The sample is read once per file and schema with
// `readSample` (@mql/data's reader, as `mql eval`); evaluation runs in slices (`ImpactRun.step`) so a server
// can interleave it with requests and drop it when a newer edit arrives.

import { parseOutcome } from '@mql/backtest';
import { leadsOfText, recordColumns } from '@mql/data';
import type { RulesArtifact } from '@mql/artifact';
import type { RulesEngine } from '@mql/runtime';
import { locate, type FileSpan } from './locations.js';

export interface SampleSettings {
  /** Absolute path of the JSON, JSONL or CSV file. */
  file: string;
  /** A true/false column (CSV) or key path (JSON) saying whether the lead converted. */
  outcome?: string;
  /** The id column or key. */
  idKey: string;
}

export interface SampleLead {
  id?: string;
  record: unknown;
  /** Whether the lead converted, when the sample has an outcome and this lead a usable one. */
  converted?: boolean;
}

export interface Sample {
  settings: SampleSettings;
  leads: SampleLead[];
  /** Records that could not be read (their errors are `mql eval`'s business). */
  unreadable: number;
}

/**
 * Reads every lead of a sample file whose text the caller has read, with @mql/data's reader (the
 * one `mql eval` and `mql backtest` use): JSON array, JSONL or CSV, whose header is bound to the
 * schema of `engine` (a column that fits no field, a missing id or outcome column, is an error
 * naming it; placeholders read as missing). Rejects with a DataError when the file cannot be read
 * as a whole; a record that cannot be read counts as unreadable.
 */
export async function readSample(settings: SampleSettings, text: string, engine: RulesEngine): Promise<Sample> {
  const columns = recordColumns(settings.file, settings.outcome === undefined ? [] : [settings.outcome]);
  const options = { idKey: settings.idKey, ...(columns.include ? { include: columns.include } : {}) };
  const leads: SampleLead[] = [];
  let unreadable = 0;
  for await (const item of leadsOfText(settings.file, text, engine, options)) {
    if (!item.ok) {
      unreadable++;
      continue;
    }
    const converted = settings.outcome === undefined ? undefined : parseOutcome(columns.cell(item, settings.outcome));
    leads.push({ ...(item.id !== undefined ? { id: item.id } : {}), record: item.record, ...(converted !== undefined ? { converted } : {}) });
  }
  return { settings, leads, unreadable };
}

export interface StageImpact {
  name: string;
  at: FileSpan;
  reached: number;
  /** Of the leads that reached the stage, those with a known outcome and those that converted. */
  withOutcome: number;
  converted: number;
}

export interface RuleImpact {
  score: string;
  label: string;
  at: FileSpan;
  /** Leads for which the rule gave points. */
  fired: number;
}

export interface BandImpact {
  grade: string;
  label: string;
  /** The band's line; the `else` label has the grade's own location. */
  at: FileSpan;
  count: number;
}

export interface Impact {
  /** Leads evaluated (readable records the rules could evaluate). */
  evaluated: number;
  /** Leads the file held that could not be read or evaluated. */
  invalid: number;
  withOutcome: number;
  converted: number;
  stages: StageImpact[];
  rules: RuleImpact[];
  bands: BandImpact[];
}

/**
 * What the counts of an artifact depend on: the artifact without source locations, documentation
 * and tests. Two artifacts with the same key give the same counts on the same sample and `now`.
 */
export function countingKey(artifact: RulesArtifact): string {
  return JSON.stringify(artifact, (key, value: unknown) => (key === 'loc' || key === 'doc' || key === 'tests' || key === 'source' ? undefined : value));
}

/** One evaluation of a sample, done a slice at a time. */
export class ImpactRun {
  private next = 0;
  private readonly impact: Impact;
  private readonly rulesByLoc = new Map<string, RuleImpact>();
  private readonly bandsByLabel = new Map<string, BandImpact>();

  constructor(
    private readonly engine: RulesEngine,
    private readonly sample: Sample,
    entry: string,
    private readonly now: number,
  ) {
    const artifact = engine.artifact;
    this.impact = {
      evaluated: 0,
      invalid: sample.unreadable,
      withOutcome: 0,
      converted: 0,
      stages: artifact.stages.map((s) => ({ name: s.name, at: locate(entry, s.loc), reached: 0, withOutcome: 0, converted: 0 })),
      rules: [],
      bands: [],
    };
    for (const score of artifact.scores) {
      if (score.kind !== 'rules') continue;
      for (const rule of score.rules) {
        const impact = { score: score.name, label: rule.label, at: locate(entry, rule.loc), fired: 0 };
        this.impact.rules.push(impact);
        this.rulesByLoc.set(`${score.name}\0${rule.loc.file}\0${rule.loc.start}`, impact);
      }
    }
    for (const grade of artifact.grades) {
      const bands = [...grade.bands.map((b) => ({ label: b.label, loc: b.loc })), { label: grade.else, loc: grade.loc }];
      for (const band of bands) {
        const key = `${grade.name}\0${band.label}`;
        if (this.bandsByLabel.has(key)) continue;
        const impact = { grade: grade.name, label: band.label, at: locate(entry, band.loc), count: 0 };
        this.impact.bands.push(impact);
        this.bandsByLabel.set(key, impact);
      }
    }
  }

  get done(): boolean {
    return this.next >= this.sample.leads.length;
  }

  /** Evaluates up to `count` more leads; returns whether every lead has been evaluated. */
  step(count: number): boolean {
    const end = Math.min(this.sample.leads.length, this.next + count);
    for (; this.next < end; this.next++) this.add(this.sample.leads[this.next]!);
    return this.done;
  }

  /** The counts so far (complete once `done`). */
  result(): Impact {
    return this.impact;
  }

  /**
   * The counts of `previous`, a complete run of a program that differs from this one only where
   * `sameRules` says nothing counts (locations, documentation, tests), placed at this program's
   * locations: typing in a comment or a test block moves lines but counts nothing anew.
   */
  reuse(previous: Impact): Impact {
    const impact = this.impact;
    const copy = <T extends object>(into: T[], from: T[], keys: (keyof T)[]) => into.forEach((item, i) => keys.forEach((key) => (item[key] = from[i]![key])));
    Object.assign(impact, { evaluated: previous.evaluated, invalid: previous.invalid, withOutcome: previous.withOutcome, converted: previous.converted });
    copy(impact.stages, previous.stages, ['reached', 'withOutcome', 'converted']);
    copy(impact.rules, previous.rules, ['fired']);
    copy(impact.bands, previous.bands, ['count']);
    this.next = this.sample.leads.length;
    return impact;
  }

  private add(lead: SampleLead): void {
    const evaluation = this.engine.evaluate(lead.record, { now: this.now, explain: true });
    if (!evaluation.ok) {
      this.impact.invalid++;
      return;
    }
    const result = evaluation.result;
    const impact = this.impact;
    impact.evaluated++;
    if (lead.converted !== undefined) {
      impact.withOutcome++;
      if (lead.converted) impact.converted++;
    }
    for (const stage of impact.stages) {
      if (result.stages[stage.name]?.qualified !== true) continue;
      stage.reached++;
      if (lead.converted !== undefined) {
        stage.withOutcome++;
        if (lead.converted) stage.converted++;
      }
    }
    for (const [score, contributions] of Object.entries(result.contributions ?? {})) {
      for (const c of contributions) {
        if (c.points === 0) continue;
        const rule = this.rulesByLoc.get(`${score}\0${c.loc.file}\0${c.loc.start}`);
        if (rule) rule.fired++;
      }
    }
    for (const [grade, label] of Object.entries(result.grades)) {
      const band = this.bandsByLabel.get(`${grade}\0${label}`);
      if (band) band.count++;
    }
  }
}

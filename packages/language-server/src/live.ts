// The runtime-backed half of the server (DESIGN.md: "a second service module … off the typing
// path"): running tests, explaining a lead, and counting what the rules do to the sample leads
// named in mql.config.json. Everything here is a function of @mql/workbench over core's analysis;
// no LSP types (convert.ts turns the results into protocol shapes).
//
// Sample impact is an idle-time task: 150 ms after the last edit of a program, its artifact is
// compiled and the sample evaluated in slices of about 4 ms, each in its own macrotask, so a
// completion request waits for at most one slice; a newer edit abandons the run.

import path from 'node:path';
import { compileAnalysis, makeDiagnostic, programFile, type Diagnostic, type ProgramFile } from '@mql/core';
import { parseIsoDate, load, type RulesEngine } from '@mql/runtime';
import {
  ImpactRun,
  countingKey,
  explainedLines,
  readSample,
  runProgramTests,
  type ExplanationLink,
  type Impact,
  type Sample,
  type SampleSettings,
  type TestsResult,
} from '@mql/workbench';
import type { Workspace } from './workspace.js';

export const IMPACT_DELAY = 150;
/** Counts at a current-time `now` are reused for at most this long (windows move with the clock). */
const REUSE_NOW_MS = 60_000;
/** Leads per step and milliseconds per slice of an impact run. */
const SLICE_LEADS = 25;
const SLICE_MS = 4;

export interface ImpactState {
  /** The counts for the text as it is now (undefined until the first run completes). */
  current?: Impact;
  /** The counts when the document was opened or last saved, for "+37 since save". */
  saved?: Impact;
  /** The sample file and how many leads it holds, or why there is none. */
  sample?: { file: string; leads: number };
  problem?: string;
  /** Milliseconds the last run took from its start (compile, read, evaluate). */
  lastRunMs?: number;
}

export interface Explanation {
  title: string;
  lines: string[];
  links: ExplanationLink[];
}

export class LiveService {
  private readonly impacts = new Map<string, ImpactState>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly generation = new Map<string, number>();
  private readonly savedVersions = new Map<string, number>();
  private readonly samples = new Map<string, Promise<Sample>>();
  /** The last complete count of each entry, with what it depended on (reused when no rule changed). */
  private readonly lastCounted = new Map<string, { key: string; sample: Sample; now: number; impact: Impact }>();
  /** Failed expectations of the last test run, per file, shown as diagnostics until the next edit. */
  private readonly testFailures = new Map<string, { test: string; diagnostic: Diagnostic }[]>();

  /** The sample named by the client (`initializationOptions.sample`), for programs without one in mql.config.json. */
  defaultSample: { file: string; now?: string; outcome?: string; id?: string } | undefined;

  constructor(
    private readonly workspace: Workspace,
    /** Called when the impact of an entry changed (the client should ask for lenses again). */
    private readonly changed: (entry: string) => void,
    private readonly clock: () => number = Date.now,
  ) {}

  // --- tests --------------------------------------------------------------------------------

  /** Runs the tests of the program whose entry is `path` (all, or the named ones). */
  runTests(path: string, only?: readonly string[]): TestsResult {
    const analysis = this.workspace.analysis(path);
    const result = runProgramTests(analysis, only);
    this.recordFailures(analysis.files.map((f) => f.path), result, only === undefined);
    return result;
  }

  /** Failed expectations of the last run in `file`, as diagnostics (MQL4001/MQL4002). */
  failuresIn(file: string): Diagnostic[] {
    return (this.testFailures.get(file) ?? []).map((f) => f.diagnostic);
  }

  /** An edit moves the lines: old failures would point at the wrong place, so they go. */
  edited(file: string): void {
    this.testFailures.delete(file);
  }

  private recordFailures(files: string[], result: TestsResult, all: boolean): void {
    if (!result.compiled) return;
    const ran = new Set(result.tests.map((t) => t.description));
    for (const file of files) {
      const kept = all ? [] : (this.testFailures.get(file) ?? []).filter((f) => !ran.has(f.test));
      this.testFailures.set(file, kept);
    }
    for (const test of result.tests) {
      const add = (diagnostic: Diagnostic) => {
        const list = this.testFailures.get(diagnostic.file) ?? [];
        list.push({ test: test.description, diagnostic });
        this.testFailures.set(diagnostic.file, list);
      };
      for (const failure of test.failures) {
        const args = { test: test.description, expected: failure.expected, actual: failure.actual };
        add(makeDiagnostic({ code: 'MQL4001', file: failure.at.file, span: { start: failure.at.start, end: failure.at.end }, args }));
      }
      if (test.invalid.length > 0) {
        const args = { test: test.description, reason: test.invalid.join('; ') };
        add(makeDiagnostic({ code: 'MQL4002', file: test.at.file, span: { start: test.at.start, end: test.at.end }, args }));
      }
    }
  }

  // --- explanations -------------------------------------------------------------------------

  /** The explanation of a test's lead (the test as the runtime ran it). */
  explainTest(path: string, description: string): Explanation | string {
    const result = runProgramTests(this.workspace.analysis(path), [description]);
    if (!result.compiled) return `the program has ${result.errors} error${result.errors === 1 ? '' : 's'}; fix them to explain a test`;
    const test = result.tests[0];
    if (!test) return `no test "${description}" in this program`;
    if (test.invalid.length > 0) return `the test lead is not a valid record: ${test.invalid.join('; ')}`;
    return { title: `Test "${description}"`, lines: test.explanation, links: test.explanationLinks };
  }

  /** Ids of the sample leads (for a picker), in file order. */
  async sampleIds(path: string): Promise<string[] | string> {
    const loaded = await this.loadSample(path);
    if (typeof loaded === 'string') return loaded;
    return loaded.sample.leads.flatMap((lead) => (lead.id !== undefined ? [lead.id] : []));
  }

  /** The explanation of one sample lead, by id. */
  async explainLead(path: string, id: string): Promise<Explanation | string> {
    const loaded = await this.loadSample(path);
    if (typeof loaded === 'string') return loaded;
    const lead = loaded.sample.leads.find((l) => l.id === id);
    if (!lead) return `no lead "${id}" in ${loaded.sample.settings.file}`;
    const evaluation = loaded.engine.evaluate(lead.record, { now: loaded.now, explain: true });
    if (!evaluation.ok) return `lead "${id}" is not a valid record: ${evaluation.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`;
    const explained = explainedLines(path, evaluation.result, loaded.engine.artifact);
    const header = `Lead ${id} at ${new Date(loaded.now).toISOString()} (${path.split('/').pop()}, sample ${loaded.sample.settings.file.split('/').pop()})`;
    return { title: `Lead ${id}`, lines: [header, '', ...explained.explanation], links: explained.explanationLinks.map((l) => ({ ...l, line: l.line + 2 })) };
  }

  // --- sample impact ------------------------------------------------------------------------

  impactOf(entry: string): ImpactState | undefined {
    return this.impacts.get(entry);
  }

  /** The document was opened or saved at `version`: its counts become the "since save" base. */
  settled(entry: string, version: number): void {
    this.savedVersions.set(entry, version);
    this.schedule(entry, 0);
  }

  /** The sample file or the config changed: read it again. */
  sampleChanged(): void {
    this.samples.clear();
  }

  /** Recounts after the program of `entry` changed (debounced; a newer call abandons a run). */
  schedule(entry: string, delay = IMPACT_DELAY): void {
    clearTimeout(this.timers.get(entry));
    const generation = (this.generation.get(entry) ?? 0) + 1;
    this.generation.set(entry, generation);
    this.timers.set(
      entry,
      setTimeout(() => {
        this.timers.delete(entry);
        void this.run(entry, generation);
      }, delay),
    );
  }

  /** Forgets a closed document. */
  forget(entry: string): void {
    clearTimeout(this.timers.get(entry));
    this.timers.delete(entry);
    this.generation.set(entry, (this.generation.get(entry) ?? 0) + 1);
    this.impacts.delete(entry);
    this.savedVersions.delete(entry);
    this.lastCounted.delete(entry);
  }

  /** Settles when no count of `entry` is scheduled or running: for tests and benchmarks. */
  private readonly runs = new Map<string, Promise<void>>();
  async idle(entry: string): Promise<void> {
    while (this.timers.has(entry) || this.runs.has(entry)) {
      await (this.runs.get(entry) ?? new Promise((resolve) => setTimeout(resolve, 5)));
    }
  }

  private run(entry: string, generation: number): Promise<void> {
    const promise = this.count(entry, generation)
      .catch((error) => {
        this.impacts.set(entry, { ...this.impacts.get(entry), problem: `could not count the sample leads: ${error instanceof Error ? error.message : String(error)}` });
      })
      .finally(() => {
        if (this.runs.get(entry) === promise) this.runs.delete(entry);
      });
    this.runs.set(entry, promise);
    return promise;
  }

  private async count(entry: string, generation: number): Promise<void> {
    const started = performance.now();
    const version = this.workspace.document(entry)?.version;
    const stale = () => this.generation.get(entry) !== generation;
    const loaded = await this.loadSample(entry);
    if (stale()) return;
    const state = this.impacts.get(entry) ?? {};
    if (typeof loaded === 'string') {
      this.impacts.set(entry, { problem: loaded });
      this.changed(entry);
      return;
    }
    const run = new ImpactRun(loaded.engine, loaded.sample, entry, loaded.now);
    // An edit that changes no rule (a comment, a test block, documentation, blank lines) keeps the
    // counts of the last run, moved to the new locations, when the sample and `now` are the same.
    const key = countingKey(loaded.engine.artifact);
    const last = this.lastCounted.get(entry);
    const reusable = last && last.key === key && last.sample === loaded.sample && Math.abs(last.now - loaded.now) < REUSE_NOW_MS ? last.impact : undefined;
    if (reusable) run.reuse(reusable);
    // Slices of a few milliseconds: a request that arrives meanwhile waits for one slice at most.
    while (!run.done) {
      const sliceStart = performance.now();
      while (!run.step(SLICE_LEADS) && performance.now() - sliceStart < SLICE_MS);
      if (run.done) break;
      await new Promise((resolve) => setImmediate(resolve));
      if (stale()) return;
    }
    const impact = run.result();
    this.lastCounted.set(entry, { key, sample: loaded.sample, now: loaded.now, impact });
    const isSaved = version !== undefined && this.savedVersions.get(entry) === version;
    this.impacts.set(entry, {
      current: impact,
      saved: isSaved ? impact : state.saved,
      sample: { file: loaded.sample.settings.file, leads: loaded.sample.leads.length },
      lastRunMs: performance.now() - started,
    });
    this.changed(entry);
  }

  /** The program compiled, its sample read (cached per file) and the evaluation time. */
  private async loadSample(entry: string): Promise<{ engine: RulesEngine; sample: Sample; now: number } | string> {
    const configFile = this.workspace.configs.configFileFor(entry);
    const fromConfig = this.workspace.configs.forFile(entry)?.sample;
    // mql.config.json first (its paths are relative to it), else the editor's setting (absolute).
    const config = fromConfig && configFile ? { sample: fromConfig, base: configFile } : this.defaultSample ? { sample: this.defaultSample, base: '/' } : undefined;
    if (!config) return 'no sample leads: name a file in mql.config.json, e.g. { "sample": { "file": "data/sample-leads.jsonl" } }';
    const analysis = this.workspace.analysis(entry);
    if (!programFile(analysis, entry)) return 'the file could not be read';
    const artifact = compileAnalysis(analysis);
    if (!artifact) return 'the program has errors';
    const engine = load(artifact);
    let now = this.clock();
    if (config.sample.now !== undefined) {
      const parsed = parseIsoDate(config.sample.now);
      if (parsed === undefined) return `mql.config.json: sample.now ${JSON.stringify(config.sample.now)} is not an ISO-8601 date`;
      now = parsed;
    }
    const settings: SampleSettings = {
      file: path.posix.resolve(path.posix.dirname(config.base), config.sample.file),
      ...(config.sample.outcome !== undefined ? { outcome: config.sample.outcome } : {}),
      idKey: config.sample.id ?? 'id',
    };
    // A CSV header is bound to the schema's fields: the sample is read again when they change, and
    // only then (not per keystroke).
    const key = JSON.stringify([settings, artifact.lead, artifact.events]);
    let sample = this.samples.get(key);
    if (!sample) {
      const text = this.workspace.fs.readFile(settings.file);
      sample = typeof text !== 'string' ? Promise.reject(new Error(text === undefined ? 'no such file' : text.problem)) : Promise.resolve().then(() => readSample(settings, text, engine));
      // A few readings at most (programs sharing a sample, schemas while editing one), oldest dropped.
      if (this.samples.size >= 4) this.samples.delete(this.samples.keys().next().value!);
      this.samples.set(key, sample);
    }
    try {
      return { engine, sample: await sample, now };
    } catch (error) {
      this.samples.delete(key);
      const message = error instanceof Error ? error.message : String(error);
      // The data reader's messages name the file already ("leads.csv line 1: ...").
      return message.startsWith(path.posix.basename(settings.file)) ? message : `${settings.file}: ${message}`;
    }
  }
}

// --- how counts read --------------------------------------------------------------------------

const count = (n: number) => n.toLocaleString('en-US');
const percent = (part: number, whole: number) => (whole === 0 ? '0%' : `${((100 * part) / whole).toFixed(part === whole || part === 0 ? 0 : 1)}%`);

/** "412 of 5,000 sample leads reach MQL (8.2%) · +37 since save · 31% of them converted". */
export function stageText(stage: Impact['stages'][number], impact: Impact, saved: Impact | undefined): string {
  const parts = [`${count(stage.reached)} of ${count(impact.evaluated)} sample leads reach ${stage.name} (${percent(stage.reached, impact.evaluated)})`];
  const before = saved?.stages.find((s) => s.name === stage.name);
  if (saved && saved !== impact) {
    const delta = stage.reached - (before?.reached ?? 0);
    parts.push(delta === 0 ? 'no change since save' : `${delta > 0 ? '+' : ''}${count(delta)} since save`);
  }
  if (stage.withOutcome > 0) parts.push(`${percent(stage.converted, stage.withOutcome)} of them converted (${percent(impact.converted, impact.withOutcome)} of all)`);
  return parts.join(' · ');
}

/** "fires for 31% (1,550)". */
export function ruleText(rule: Impact['rules'][number], impact: Impact): string {
  return `fires for ${percent(rule.fired, impact.evaluated)} (${count(rule.fired)})`;
}

/** "2,341 leads (46.8%)". */
export function bandText(band: Impact['bands'][number], impact: Impact): string {
  return `${count(band.count)} lead${band.count === 1 ? '' : 's'} (${percent(band.count, impact.evaluated)})`;
}

/**
 * The counts shown at the end of lines of `file`: after each score rule, after each grade band
 * (the `else` label's count after the `else` line, found in the file's syntax tree).
 */
export function impactHints(file: ProgramFile, state: ImpactState | undefined): { offset: number; label: string }[] {
  const impact = state?.current;
  if (!impact) return [];
  const hints: { offset: number; label: string }[] = [];
  for (const rule of impact.rules) if (rule.at.file === file.path) hints.push({ offset: rule.at.end, label: ruleText(rule, impact) });
  const elseEnds = new Map<number, number>();
  for (const decl of file.ast.decls) if (decl.kind === 'Grade' && decl.else) elseEnds.set(decl.span.start, decl.else.span.end);
  for (const band of impact.bands) {
    if (band.at.file !== file.path) continue;
    // The else label's location is its grade's; its count goes after the `else` line.
    const offset = elseEnds.get(band.at.start) ?? band.at.end;
    hints.push({ offset, label: bandText(band, impact) });
  }
  return hints;
}

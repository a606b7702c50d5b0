// The project file `mql.config.json`: per-lint severities, backtest defaults and the editor's sample
// leads, validated with zod. Core only defines
// and validates the shape; finding and reading the file is the host's job (the CLI, the server).
//
//   { "lints": { "MQL3001": "off", "unreachable-threshold": "error" },
//     "backtest": { "outcome": "Converted", "value": "Amount", "idKey": "Lead Number" } }
//
// A lint is named by its code or by its readable name; unknown keys, codes and severities are errors.

import { z } from 'zod';
import { dirname, joinPath } from './check/paths.js';

/** Every lint: code → readable name (used in `mql.config.json` and in `// mql-ignore`). */
export const LINT_NAMES = {
  MQL3001: 'unused',
  MQL3002: 'unreachable-grade-band',
  MQL3003: 'never-holds',
  MQL3004: 'always-holds',
  MQL3005: 'stage-without-require',
  MQL3006: 'unbounded-score',
  MQL3007: 'unreachable-threshold',
  MQL3008: 'reads-outcome',
} as const;

export type LintCode = keyof typeof LINT_NAMES;
export type LintName = (typeof LINT_NAMES)[LintCode];
export type LintSetting = 'off' | 'info' | 'warning' | 'error';

export const LINT_CODES = Object.keys(LINT_NAMES) as LintCode[];

/** The code of a lint named by code or readable name, or undefined. */
export function lintCodeOf(key: string): LintCode | undefined {
  if (key in LINT_NAMES) return key as LintCode;
  return LINT_CODES.find((code) => LINT_NAMES[code] === key);
}

const lintKeys = [...LINT_CODES, ...LINT_CODES.map((code) => LINT_NAMES[code])] as [string, ...string[]];

const LintSettingSchema = z.enum(['off', 'info', 'warning', 'error'], {
  error: 'must be "off", "info", "warning" or "error"',
});

export const MqlConfigSchema = z
  .object({
    /** Lets editors validate the file against a JSON Schema; ignored otherwise. */
    $schema: z.string().optional(),
    lints: z
      .partialRecord(z.enum(lintKeys), LintSettingSchema)
      .optional(),
    /** Defaults for `mql backtest`, and the outcome column the `reads-outcome` lint (MQL3008) guards. */
    backtest: z
      .object({
        outcome: z.string().min(1).optional(),
        value: z.string().min(1).optional(),
        idKey: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    /**
     * Sample leads the editor evaluates while the author types (how many reach each stage, how
     * often each rule fires): a JSON, JSONL or CSV file relative to the config file; `outcome` names a true/false column (as in `mql backtest`); `now` is the
     * evaluation time (default: the current time); `id` the id column or key (default `id`).
     */
    sample: z
      .object({ file: z.string(), outcome: z.string().optional(), now: z.string().optional(), id: z.string().optional() })
      .strict()
      .optional(),
  })
  .strict();

export type MqlConfig = z.infer<typeof MqlConfigSchema>;

export type ConfigResult = { ok: true; config: MqlConfig } | { ok: false; errors: { path: string; message: string }[] };

/** Validates parsed JSON as a config; each problem names its path, e.g. `lints.MQL3999`. */
export function parseConfig(json: unknown): ConfigResult {
  const result = MqlConfigSchema.safeParse(json);
  const errors = protoKeys(json);
  if (result.success && errors.length === 0) return { ok: true, config: result.data };
  for (const issue of result.error?.issues ?? []) {
    const path = issue.path.map(String);
    if (issue.code !== 'unrecognized_keys') errors.push({ path: path.join('.') || '(top level)', message: issue.message });
    else errors.push(...issue.keys.map((key) => unknownKey([...path, key])));
  }
  return { ok: false, errors: errors.filter((e, i) => errors.findIndex((other) => other.path === e.path) === i) };
}

function unknownKey(path: string[]): { path: string; message: string } {
  const inLints = path.length === 2 && path[0] === 'lints';
  return {
    path: path.join('.'),
    message: inLints ? `unknown lint: use a code (${LINT_CODES.join(', ')}) or a name (${LINT_CODES.map((c) => LINT_NAMES[c]).join(', ')})` : 'unknown key: the file may only hold "lints", "backtest" and "sample"',
  };
}

/** zod's record check skips a `__proto__` key (JSON.parse makes it an own key); report it like any unknown key. */
function protoKeys(json: unknown): { path: string; message: string }[] {
  const has = (value: unknown) => typeof value === 'object' && value !== null && Object.hasOwn(value, '__proto__');
  const lints = typeof json === 'object' && json !== null && Object.hasOwn(json, 'lints') ? (json as { lints: unknown }).lints : undefined;
  return [...(has(json) ? [unknownKey(['__proto__'])] : []), ...(has(lints) ? [unknownKey(['lints', '__proto__'])] : [])];
}

/** The configured setting of each lint code (a code wins over its readable name when both are given). */
export function lintSettings(config: MqlConfig | undefined): Map<LintCode, LintSetting> {
  const settings = new Map<LintCode, LintSetting>();
  const entries = Object.entries(config?.lints ?? {}) as [string, LintSetting][];
  for (const [key, setting] of entries) if (!(key in LINT_NAMES)) settings.set(lintCodeOf(key)!, setting);
  for (const [key, setting] of entries) if (key in LINT_NAMES) settings.set(key as LintCode, setting);
  return settings;
}

export const CONFIG_FILE = 'mql.config.json';

/** Why a config file could not be used: not JSON, or JSON that is not a valid config. */
export type ConfigProblem = { kind: 'json'; message: string } | { kind: 'schema'; errors: { path: string; message: string }[] };

export interface ConfigHost {
  /** A file's text, or undefined when there is none. */
  readFile(path: string): string | undefined;
  /** What an unusable config file stands for: the CLI stops (exit 2), the editor goes on without it. */
  unusable(file: string, problem: ConfigProblem): MqlConfig | undefined;
}

/**
 * The settings that apply to a file: the nearest mql.config.json in its folder or a parent folder,
 * like .editorconfig; none means every lint has its default severity. Cached per folder, so a
 * project's many files read the config once. Core does no I/O: the host reads.
 */
export class ConfigLookup {
  private readonly byFolder = new Map<string, MqlConfig | undefined>();
  /** The config file that applies in a folder (its own or an ancestor's), for relative paths in it. */
  private readonly fileByFolder = new Map<string, string | undefined>();

  constructor(private readonly host: ConfigHost) {}

  /** The config for a file (an absolute, `/`-separated path). */
  forFile(file: string): MqlConfig | undefined {
    return this.inFolder(dirname(file));
  }

  /** The path of the config file that applies to a file, if any (`sample.file` is relative to it). */
  configFileFor(file: string): string | undefined {
    this.inFolder(dirname(file));
    return this.fileByFolder.get(dirname(file));
  }

  /** Forgets every config read so far (a config file changed). */
  clear(): void {
    this.byFolder.clear();
    this.fileByFolder.clear();
  }

  private inFolder(folder: string): MqlConfig | undefined {
    if (this.byFolder.has(folder)) return this.byFolder.get(folder);
    const file = joinPath(folder, CONFIG_FILE);
    const text = this.host.readFile(file);
    const parent = dirname(folder);
    const config = text !== undefined ? this.read(file, text) : parent !== folder ? this.inFolder(parent) : undefined;
    this.byFolder.set(folder, config);
    this.fileByFolder.set(folder, text !== undefined ? file : parent !== folder ? this.fileByFolder.get(parent) : undefined);
    return config;
  }

  private read(file: string, text: string): MqlConfig | undefined {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      return this.host.unusable(file, { kind: 'json', message: error instanceof Error ? error.message : String(error) });
    }
    const result = parseConfig(json);
    return result.ok ? result.config : this.host.unusable(file, { kind: 'schema', errors: result.errors });
  }
}

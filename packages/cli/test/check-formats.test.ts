// `mql check --format json|sarif|github` and its exit codes, run as CI runs it: the built command,
// in a folder holding a program with errors (one with a related location, two with fixes) and a
// file in a folder whose name needs escaping, with lint warnings (an unused list and segment, an unreachable grade band).

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type * as Sarif from 'sarif';
import { afterAll, describe, expect, it } from 'vitest';
import type { CheckReport } from '../src/formats/check-report.js';
import { escapeData, escapeProperty, formatGithub } from '../src/formats/github.js';
import { mql } from './run-cli.js';

const temp = mkdtempSync(join(tmpdir(), 'mql-check-formats-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function folder(name: string, files: Record<string, string>): string {
  const root = join(temp, name);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  return root;
}

const LEAD = `lead {
  email: email
  country?: string
  tier?: "gold" | "silver"
  employees?: number
}
`;
const RULES = `import "./lead.mql"

list covered = ["US", "CA"]
score fit {
  "Covered": +10 when countri in covered
  "Gold":    +5  when tier == "gol%d"
}
score fit = 1
`;
const SIZE = `import "../lead.mql"

list unused = ["x"]
segment big = employees > 1000
score size {
  range 0 to 10
  "Big": +5 when employees > 100
}
grade g {
  A when size >= 50
  else B
}
`;
// The config marks the project root, so `team, sales/size.mql` may import `../lead.mql`.
const mixed = folder('mixed', { 'mql.config.json': '{}', 'lead.mql': LEAD, 'rules.mql': RULES, 'team, sales/size.mql': SIZE });
const warningsOnly = folder('warnings', { 'mql.config.json': '{}', 'lead.mql': LEAD, 'team, sales/size.mql': SIZE });
const clean = folder('clean', { 'lead.mql': LEAD });

const check = (cwd: string, ...args: string[]) => mql(['check', ...args], { cwd });

/** 1-based line/column range, end exclusive. */
const range = (line: number, column: number, endLine: number, endColumn: number) => ({
  start: { line, column },
  end: { line: endLine, column: endColumn },
});

const EXPECTED_JSON: CheckReport = {
  version: 1,
  files: ['lead.mql', 'rules.mql', 'team, sales/size.mql'],
  diagnostics: [
    {
      code: 'MQL2001',
      severity: 'error',
      message: 'unknown name `countri`; did you mean `country`?',
      file: 'rules.mql',
      range: range(5, 23, 5, 30),
      related: [],
      fixes: [{ title: 'Change to `country`', edits: [{ file: 'rules.mql', range: range(5, 23, 5, 30), newText: 'country' }] }],
    },
    {
      code: 'MQL2009',
      severity: 'error',
      message: '"gol%d" is not a member of the enum "gold" | "silver"; did you mean "gold"?',
      file: 'rules.mql',
      range: range(6, 31, 6, 38),
      related: [],
      fixes: [{ title: 'Change to "gold"', edits: [{ file: 'rules.mql', range: range(6, 31, 6, 38), newText: '"gold"' }] }],
    },
    {
      code: 'MQL2003',
      severity: 'error',
      message: '`fit` is declared more than once',
      file: 'rules.mql',
      range: range(8, 7, 8, 10),
      related: [{ file: 'rules.mql', range: range(4, 7, 4, 10), message: '`fit` is first declared here' }],
      fixes: [],
    },
    {
      code: 'MQL3001',
      severity: 'warning',
      message: 'list `unused` is never used',
      file: 'team, sales/size.mql',
      range: range(3, 6, 3, 12),
      related: [],
      fixes: [{ title: 'Remove the unused list `unused`', edits: [{ file: 'team, sales/size.mql', range: range(3, 1, 4, 1), newText: '' }] }],
    },
    {
      code: 'MQL3001',
      severity: 'warning',
      message: 'segment `big` is never used',
      file: 'team, sales/size.mql',
      range: range(4, 9, 4, 12),
      related: [],
      fixes: [{ title: 'Remove the unused segment `big`', edits: [{ file: 'team, sales/size.mql', range: range(4, 1, 5, 1), newText: '' }] }],
    },
    {
      code: 'MQL3002',
      severity: 'warning',
      message: 'grade band `A` can never be chosen: the highest `size` can get is 5, the points of its only positive rule',
      file: 'team, sales/size.mql',
      range: range(10, 3, 10, 20),
      related: [],
      fixes: [],
    },
  ],
  summary: { files: 3, errors: 3, warnings: 3, infos: 0 },
};

describe('mql check --format json', () => {
  it('prints the whole report, and only the report, on stdout; the summary goes to stderr', () => {
    const run = check(mixed, '--format', 'json', '.');
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual(EXPECTED_JSON);
    expect(run.stderr).toBe('Checked 3 files: 3 errors, 3 warnings\n');
  });

  it('reports a clean program as an empty list', () => {
    const run = check(clean, '--format', 'json');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ version: 1, files: ['lead.mql'], diagnostics: [], summary: { files: 1, errors: 0, warnings: 0, infos: 0 } });
  });
});

describe('mql check --format github', () => {
  it('prints one workflow command per diagnostic, with escaped properties and messages', () => {
    const run = check(mixed, '--format', 'github', '.');
    expect(run.status).toBe(1);
    expect(run.stdout).toBe(
      [
        '::error file=rules.mql,line=5,endLine=5,col=23,endColumn=30,title=MQL2001::unknown name `countri`; did you mean `country`?%0Ahelp: Change to `country`',
        '::error file=rules.mql,line=6,endLine=6,col=31,endColumn=38,title=MQL2009::"gol%25d" is not a member of the enum "gold" | "silver"; did you mean "gold"?%0Ahelp: Change to "gold"',
        '::error file=rules.mql,line=8,endLine=8,col=7,endColumn=10,title=MQL2003::`fit` is declared more than once%0Anote: `fit` is first declared here (rules.mql:4:7)',
        '::warning file=team%2C sales/size.mql,line=3,endLine=3,col=6,endColumn=12,title=MQL3001::list `unused` is never used%0Ahelp: Remove the unused list `unused`',
        '::warning file=team%2C sales/size.mql,line=4,endLine=4,col=9,endColumn=12,title=MQL3001::segment `big` is never used%0Ahelp: Remove the unused segment `big`',
        '::warning file=team%2C sales/size.mql,line=10,endLine=10,col=3,endColumn=20,title=MQL3002::grade band `A` can never be chosen: the highest `size` can get is 5, the points of its only positive rule',
        '',
      ].join('\n'),
    );
    expect(run.stderr).toBe('Checked 3 files: 3 errors, 3 warnings\n');
  });

  it('escapes per the runner: %, CR and LF everywhere, `:` and `,` in properties', () => {
    expect(escapeData('50% off\r\nnext: a, b')).toBe('50%25 off%0D%0Anext: a, b');
    expect(escapeProperty('dir:a,b/50%.mql')).toBe('dir%3Aa%2Cb/50%25.mql');
  });

  it('leaves out columns for a range over several lines, and writes infos as notices', () => {
    const report: CheckReport = {
      version: 1,
      files: ['a.mql'],
      diagnostics: [
        { code: 'MQL3005', severity: 'info', message: 'spans lines', file: 'a.mql', range: range(2, 3, 4, 1), related: [], fixes: [] },
      ],
      summary: { files: 1, errors: 0, warnings: 0, infos: 1 },
    };
    expect(formatGithub(report)).toBe('::notice file=a.mql,line=2,endLine=4,title=MQL3005::spans lines\n');
  });
});

describe('mql check --format sarif', () => {
  const require = createRequire(import.meta.url);
  const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;
  // The schema's `language` pattern is not valid in unicode mode (a stray `]`), hence unicodeRegExp: false.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);

  const run = check(mixed, '--format', 'sarif', '.');
  const log = JSON.parse(run.stdout) as Sarif.Log;

  it('is valid against the official SARIF 2.1.0 JSON schema', () => {
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('Checked 3 files: 3 errors, 3 warnings\n');
    expect(validate(log) ? [] : validate.errors).toEqual([]);
    // The validator can fail: a log without its version or with an unknown level is rejected.
    expect(validate({ ...log, version: undefined })).toBe(false);
    const badLevel = structuredClone(log);
    badLevel.runs[0]!.results![0]!.level = 'fatal' as Sarif.Result.level;
    expect(validate(badLevel)).toBe(false);
  });

  it('describes the tool and every rule the results use', () => {
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const runLog = log.runs[0]!;
    expect(runLog.tool.driver.name).toBe('mql');
    expect(runLog.tool.driver.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(runLog.tool.driver.rules).toEqual([
      { id: 'MQL2001', shortDescription: { text: 'unknown name `<name>`' }, defaultConfiguration: { level: 'error' } },
      { id: 'MQL2003', shortDescription: { text: '`<name>` is declared more than once' }, defaultConfiguration: { level: 'error' } },
      { id: 'MQL2009', shortDescription: { text: '"<value>" is not a member of <type>' }, defaultConfiguration: { level: 'error' } },
      { id: 'MQL3001', shortDescription: { text: '<kind> `<name>` is never used' }, defaultConfiguration: { level: 'warning' } },
      { id: 'MQL3002', shortDescription: { text: 'grade band `<label>` can never be chosen: <reason>' }, defaultConfiguration: { level: 'warning' } },
    ]);
    expect(runLog.originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: `${pathToFileURL(mixed).href}/` } });
    expect(runLog.columnKind).toBe('utf16CodeUnits');
  });

  it('has one result per diagnostic, with relative URIs, regions, related locations and fixes', () => {
    const results = log.runs[0]!.results!;
    const rules = log.runs[0]!.tool.driver.rules!;
    expect(results.map((r) => [r.ruleId, rules[r.ruleIndex!]!.id, r.level])).toEqual([
      ['MQL2001', 'MQL2001', 'error'],
      ['MQL2009', 'MQL2009', 'error'],
      ['MQL2003', 'MQL2003', 'error'],
      ['MQL3001', 'MQL3001', 'warning'],
      ['MQL3001', 'MQL3001', 'warning'],
      ['MQL3002', 'MQL3002', 'warning'],
    ]);
    const at = (uri: string, startLine: number, startColumn: number, endLine: number, endColumn: number): Sarif.PhysicalLocation => ({
      artifactLocation: { uri, uriBaseId: '%SRCROOT%' },
      region: { startLine, startColumn, endLine, endColumn },
    });
    expect(results[1]).toEqual({
      ruleId: 'MQL2009',
      ruleIndex: 2,
      level: 'error',
      message: { text: '"gol%d" is not a member of the enum "gold" | "silver"; did you mean "gold"?' },
      locations: [{ physicalLocation: at('rules.mql', 6, 31, 6, 38) }],
      fixes: [
        {
          description: { text: 'Change to "gold"' },
          artifactChanges: [
            {
              artifactLocation: { uri: 'rules.mql', uriBaseId: '%SRCROOT%' },
              replacements: [{ deletedRegion: { startLine: 6, startColumn: 31, endLine: 6, endColumn: 38 }, insertedContent: { text: '"gold"' } }],
            },
          ],
        },
      ],
    });
    expect(results[2]).toEqual({
      ruleId: 'MQL2003',
      ruleIndex: 1,
      level: 'error',
      message: { text: '`fit` is declared more than once' },
      locations: [{ physicalLocation: at('rules.mql', 8, 7, 8, 10) }],
      relatedLocations: [{ id: 1, physicalLocation: at('rules.mql', 4, 7, 4, 10), message: { text: '`fit` is first declared here' } }],
    });
    // A path with a space and a comma is a percent-encoded relative URI.
    expect(results[3]!.locations).toEqual([{ physicalLocation: at('team%2C%20sales/size.mql', 3, 6, 3, 12) }]);
  });

  it('is a valid, empty run for a clean program', () => {
    const cleanRun = check(clean, '--format', 'sarif');
    expect(cleanRun.status).toBe(0);
    const cleanLog = JSON.parse(cleanRun.stdout) as Sarif.Log;
    expect(validate(cleanLog) ? [] : validate.errors).toEqual([]);
    expect(cleanLog.runs[0]!.results).toEqual([]);
    expect(cleanLog.runs[0]!.tool.driver.rules).toEqual([]);
  });
});

describe('mql check exit codes', () => {
  it('exits 0 without errors, 1 with errors, in every format', () => {
    for (const format of ['pretty', 'json', 'sarif', 'github']) {
      expect(check(clean, '--format', format).status).toBe(0);
      expect(check(warningsOnly, '--format', format).status).toBe(0);
      expect(check(mixed, '--format', format).status).toBe(1);
    }
  });

  it('--max-warnings N fails when there are more than N warnings', () => {
    expect(check(warningsOnly, '--max-warnings', '3').status).toBe(0);
    const over = check(warningsOnly, '--max-warnings', '2');
    expect(over.status).toBe(1);
    expect(over.stdout.split('\n').slice(-3)).toEqual(['Checked 2 files: 0 errors, 3 warnings', 'Too many warnings: 3, at most 2 allowed (--max-warnings)', '']);
    // In a machine format, the document stays alone on stdout.
    const json = check(warningsOnly, '--format', 'json', '--max-warnings', '0');
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout).summary).toEqual({ files: 2, errors: 0, warnings: 3, infos: 0 });
    expect(json.stderr).toBe('Checked 2 files: 0 errors, 3 warnings\nToo many warnings: 3, at most 0 allowed (--max-warnings)\n');
    // Errors fail whatever the warning budget.
    expect(check(mixed, '--max-warnings', '100').status).toBe(1);
  });

  it('exits 2 on usage errors', () => {
    for (const args of [['--max-warnings', 'many'], ['--max-warnings', '-1'], ['--format', 'xml'], ['no-such-folder']]) {
      const run = check(clean, ...args);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stdout).toBe('');
    }
  });

  it('documents the exit codes in --help', () => {
    const help = check(clean, '--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Exit codes:\n  0  no errors (and no more warnings than --max-warnings)\n  1  errors, or more warnings than --max-warnings\n  2  usage errors');
  });
});

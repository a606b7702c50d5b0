// The compiler: the example program's artifact is pinned by a baseline file, compiling is
// deterministic, the artifact satisfies its own schema, and lowering keeps what explanations need.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RulesArtifactSchema } from '@mql/artifact';
import { describe, expect, it } from 'vitest';
import { compileProgram, serializeArtifact, DEFAULT_TEST_NOW } from '../src/index.js';
import { compareBaseline } from './baseline.js';
import { diskHost, examplesDir, fixturesDir, memoryHost } from './helpers.js';

const funnelEntry = path.join(examplesDir, 'b2b-funnel', 'funnel.mql');

function compileMemory(files: Record<string, string>, entry = Object.keys(files)[0]!) {
  return compileProgram(entry, memoryHost(files));
}

describe('the example program', () => {
  const result = compileProgram(funnelEntry, diskHost);

  it('compiles without diagnostics to the artifact in the baseline', () => {
    expect(result.diagnostics).toEqual([]);
    // compareBaseline pairs `x.mql` with `x.baseline.txt`; UPDATE_BASELINES=1 rewrites it.
    compareBaseline(path.join(fixturesDir, 'compile', 'b2b-funnel.mql'), serializeArtifact(result.artifact!));
  });

  it('compiles to byte-identical output every time', () => {
    const again = compileProgram(funnelEntry, diskHost);
    expect(serializeArtifact(again.artifact!)).toBe(serializeArtifact(result.artifact!));
  });

  it('satisfies the artifact schema', () => {
    expect(RulesArtifactSchema.safeParse(result.artifact).success).toBe(true);
  });

  it('records relative source files and a content hash that changes with the text', () => {
    expect(result.artifact!.source.entry).toBe('funnel.mql');
    expect(result.artifact!.source.files).toEqual(['lead.mql', 'funnel.mql']);
    const text = readFileSync(funnelEntry, 'utf8');
    const lead = readFileSync(path.join(examplesDir, 'b2b-funnel', 'lead.mql'), 'utf8');
    const dir = path.dirname(funnelEntry);
    const edited = compileMemory({ [funnelEntry]: `${text}\n// a comment\n`, [path.join(dir, 'lead.mql')]: lead });
    expect(edited.artifact!.source.hash).not.toBe(result.artifact!.source.hash);
  });
});

describe('lowering', () => {
  const schema = `lead {
  email: email from "E-Mail"
  title?: string
  company: { employees?: number from "Head Count" }
  signed_up?: date
}
event visit { url: string from "URL" }
`;

  it('inlines lists, flattens and/or, drops parentheses and resolves email parts', () => {
    const { artifact, diagnostics } = compileMemory({
      '/p/main.mql': `${schema}
list free = ["gmail.com", "yahoo.com"]
segment s = (email.domain in free and title is set) and (company.employees > 10 or not (title contains "x"))
`,
    });
    expect(diagnostics).toEqual([]);
    expect(artifact!.segments[0]!.expr).toEqual({
      op: 'and',
      args: [
        { op: 'in', negated: false, subject: { op: 'email_part', part: 'domain', of: { op: 'field', path: ['email'] } }, list: { op: 'list', values: ['gmail.com', 'yahoo.com'] } },
        { op: 'is_set', negated: false, subject: { op: 'field', path: ['title'] } },
        {
          op: 'or',
          args: [
            { op: 'compare', cmp: '>', type: 'number', left: { op: 'field', path: ['company', 'employees'] }, right: { op: 'literal', type: 'number', value: 10 } },
            { op: 'not', arg: { op: 'contains', on: 'text', subject: { op: 'field', path: ['title'] }, value: { op: 'literal', type: 'string', value: 'x' } } },
          ],
        },
      ],
    });
    expect(artifact!.segments[0]!.text).toBe('(email.domain in free and title is set) and (company.employees > 10 or not (title contains "x"))');
  });

  it('labels unlabelled rules with their source text and keeps locations and docs', () => {
    const { artifact } = compileMemory({
      '/p/main.mql': `${schema}
score fit {
  range -10 to 50
  decay half-life 7d
  /// Big companies.
  +10 when company.employees   >   100 max 10
  "Visits": +2 per visit within 30d where url starts with "/pricing" max 6
}
`,
    });
    const fit = artifact!.scores[0]!;
    expect(fit).toMatchObject({ kind: 'rules', name: 'fit', range: { min: -10, max: 50 }, halfLifeMs: 7 * 86_400_000 });
    if (fit.kind !== 'rules') throw new Error('expected a rules score');
    expect(fit.rules[0]).toMatchObject({
      kind: 'when',
      label: '+10 when company.employees > 100 max 10',
      labelled: false,
      points: 10,
      max: 10,
      doc: 'Big companies.',
      loc: { file: 'main.mql', line: 13, column: 3 },
    });
    expect(fit.rules[1]).toEqual({
      kind: 'per',
      label: 'Visits',
      labelled: true,
      points: 2,
      max: 6,
      query: { event: 'visit', withinMs: 30 * 86_400_000, where: { op: 'starts_with', subject: { op: 'attr', name: 'url' }, value: { op: 'literal', type: 'string', value: '/pricing' } } },
      loc: { file: 'main.mql', line: 14, column: 3, start: expect.any(Number), end: expect.any(Number) },
    });
  });

  it('turns test literals into input records: `from` keys, ISO dates, events relative to now', () => {
    const { artifact, diagnostics } = compileMemory({
      '/p/main.mql': `${schema}
stage S { require title is set }
test "a" {
  now 2026-03-01T12:00:00Z
  lead { email: "a@b.io", company: { employees: -3 }, signed_up: 2026-02-01 }
  event visit { url: "/x" } 2d ago
  event visit { url: "/y" } at 2026-02-27T08:00:00Z
  expect stage none
  expect not (title is set)
}
test "b" { lead { email: "b@b.io", company: {} } expect stage S }
`,
    });
    expect(diagnostics).toEqual([]);
    const [a, b] = artifact!.tests;
    expect(a!.now).toBe(Date.UTC(2026, 2, 1, 12));
    expect(a!.record).toEqual({
      'E-Mail': 'a@b.io',
      company: { 'Head Count': -3 },
      signed_up: '2026-02-01T00:00:00.000Z',
      events: [
        { type: 'visit', at: '2026-02-27T12:00:00.000Z', URL: '/x' },
        { type: 'visit', at: '2026-02-27T08:00:00.000Z', URL: '/y' },
      ],
    });
    expect(a!.expectations.map((e) => (e.kind === 'stage' ? e.stage : e.text))).toEqual([null, 'not (title is set)']);
    expect(b!.now).toBe(DEFAULT_TEST_NOW);
    expect(b!.expectations).toMatchObject([{ kind: 'stage', stage: 'S' }]);
  });

  it('produces no artifact when the program has errors, or has no lead schema', () => {
    expect(compileMemory({ '/p/main.mql': `${schema}\nsegment s = titel is set\n` }).artifact).toBeUndefined();
    expect(compileMemory({ '/p/main.mql': 'list l = [1, 2]\n' }).artifact).toBeUndefined();
  });

  it('writes paths of imported files relative to the entry folder', () => {
    const { artifact } = compileMemory(
      { '/p/rules/main.mql': 'import "../shared/schema.mql"\nsegment s = title is set\n', '/p/shared/schema.mql': schema },
      '/p/rules/main.mql',
    );
    expect(artifact!.source.files).toEqual(['../shared/schema.mql', 'main.mql']);
    expect(artifact!.segments[0]!.loc.file).toBe('main.mql');
  });
});

// Real results fit the result schema (its JSON Schema file is checked in packages/artifact/test).

import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EvaluationResultSchema, load } from '../src/index.js';
import { b2bFunnel } from './fixtures/b2b-funnel.js';
import { ago, NOW } from './helpers.js';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

describe('result schema', () => {
  it('explained and lean results satisfy the zod schema, strictly typed', () => {
    const engine = load(b2bFunnel);
    const record = {
      Email: 'dana@acme.io',
      consent: true,
      created_at: ago(3),
      company: { industry: 'software', employees: 800 },
      events: [{ type: 'page_view', at: ago(1), url: '/pricing' }],
    };
    for (const explain of [true, false]) {
      const evaluation = engine.evaluate(record, { now: NOW, explain });
      if (!evaluation.ok) throw new Error('invalid');
      expect(EvaluationResultSchema.strict().safeParse(evaluation.result).success).toBe(true);
      expect('contributions' in evaluation.result).toBe(explain);
    }
  });
});

describe('package boundaries', () => {
  it('the runtime never imports the compiler or chevrotain', () => {
    const sources = readdirSync(path.join(root, 'src')).map((f) => readFileSync(path.join(root, 'src', f), 'utf8'));
    const imports = sources.flatMap((s) => [...s.matchAll(/from '([^']+)'/g)].map((m) => m[1]!));
    expect(imports.filter((i) => !i.startsWith('./')).sort()).toEqual(
      expect.arrayContaining(['@mql/artifact', 'zod']),
    );
    expect(imports.filter((i) => !i.startsWith('./') && i !== '@mql/artifact' && i !== 'zod')).toEqual([]);
  });
});

// The committed JSON Schema files (rules artifact, evaluation result) are exactly what
// `npm run schemas` generates from the zod schemas. The script is run as users run it, because
// zod's generated `$defs` naming depends on how the module graph is loaded.

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';

const root = path.join(import.meta.dirname, '..', '..', '..');

it('rules-artifact.schema.json and result.schema.json are up to date (run `npm run schemas`)', () => {
  const run = spawnSync(process.execPath, ['scripts/write-schemas.mjs', '--check'], { cwd: root, encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
});

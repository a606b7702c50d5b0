// Generates the example's 5,000 sample leads (examples/data/leads.jsonl, leads.csv, events.csv),
// which are not kept in git: examples/generate-data.mjs is seeded and deterministic, so the files
// are rebuilt on install and whenever the generator changes (a stamp records the generator's hash).
// `packages/cli/test/generate-data.test.ts` pins the generated files' hashes, so the numbers in the
// README's tour stay true. Run by `npm run build`; `--force` regenerates regardless.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const generator = path.join(root, 'examples/generate-data.mjs');
const dataDir = path.join(root, 'examples/data');
const outputs = ['leads.jsonl', 'leads.csv', 'events.csv'].map((name) => path.join(dataDir, name));
const stampFile = path.join(dataDir, '.generated-by');

const stamp = createHash('sha256').update(readFileSync(generator)).digest('hex');
const current = existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp && outputs.every((file) => existsSync(file));
if (current && !process.argv.includes('--force')) process.exit(0);

const run = spawnSync(process.execPath, [generator, '--out', dataDir], { stdio: ['ignore', 'inherit', 'inherit'] });
if (run.status !== 0) {
  console.error('example-data: examples/generate-data.mjs failed');
  process.exit(run.status ?? 1);
}
writeFileSync(stampFile, stamp);

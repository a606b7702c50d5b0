// `npm run bench:ab -- [REV] [--dates iso|epoch] [--rounds N] [--leads N]`: the runtime of git
// revision REV (default HEAD) against the working tree's, in one process (src/ab-runtime.ts).
// REV's packages/runtime/src is extracted with `git archive` into dist/ab/ and bundled as
// `@mql/runtime-base`; the other packages come from the working tree.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const dir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const root = path.dirname(path.dirname(dir));
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { dates: { type: 'string', default: 'epoch' }, rounds: { type: 'string', default: '12' }, leads: { type: 'string', default: '10000' } },
});
const rev = positionals[0] ?? 'HEAD';
const base = path.join(dir, 'dist', 'ab', 'base');
rmSync(base, { recursive: true, force: true });
mkdirSync(base, { recursive: true });
const archive = execFileSync('git', ['-C', root, 'archive', rev, 'packages/runtime/src']);
execFileSync('tar', ['-x', '-C', base], { input: archive });

await build({
  // The harness, and the lead-set generator it shares with the suites.
  entryPoints: [path.join(dir, 'src', 'ab-runtime.ts'), path.join(dir, 'src', 'leads.ts')],
  outdir: path.join(dir, 'dist', 'ab'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  conditions: ['source'],
  alias: { '@mql/runtime-base': path.join(base, 'packages/runtime/src/index.ts') },
  nodePaths: [path.join(root, 'node_modules')],
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: 'warning',
});
// The throughput suite's lead set (10,000 leads, 30 events each), generated once.
const { ensureLeads } = await import(pathToFileURL(path.join(dir, 'dist', 'ab', 'leads.js')).href);
const file = ensureLeads(root, path.join(dir, 'dist', 'data'), { leads: 10000, eventsPerLead: 30, seed: 42 });
console.log(`runtime at ${rev} (before) against the working tree (after)`);
const run = spawnSync(process.execPath, [path.join(dir, 'dist', 'ab', 'ab-runtime.js'), file, values.dates, values.rounds, values.leads], { stdio: 'inherit' });
process.exit(run.status ?? 1);

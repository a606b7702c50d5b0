// `npm run bench:ab -- [REV] [--dates iso|epoch] [--rounds N] [--leads N]`: the runtime of git
// revision REV (default HEAD) against the working tree's, in one process (src/ab-runtime.ts).
// REV's packages/runtime/src is extracted with `git archive` into dist/ab/ and bundled as
// `@mql/runtime-base`; the other packages come from the working tree.
//
// `--count`: instead of timing, count the instructions per lead of each build under valgrind
// (src/count-worker.ts; needs valgrind), for validate and lean evaluation on the given date form
// (both forms without --dates), over the first --leads leads (default 2,000 here).
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { build } from 'esbuild';

const dir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const root = path.dirname(path.dirname(dir));
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { dates: { type: 'string' }, rounds: { type: 'string', default: '12' }, leads: { type: 'string' }, count: { type: 'boolean', default: false } },
});
const rev = positionals[0] ?? 'HEAD';
const base = path.join(dir, 'dist', 'ab', 'base');
rmSync(base, { recursive: true, force: true });
mkdirSync(base, { recursive: true });
const archive = execFileSync('git', ['-C', root, 'archive', rev, 'packages/runtime/src']);
execFileSync('tar', ['-x', '-C', base], { input: archive });

/** Passes counted: the difference between the two runs' counts is PASSES_AFTER − PASSES_BEFORE passes over the leads. */
const PASSES_BEFORE = 10;
const PASSES_AFTER = 34;

const baseRuntime = path.join(base, 'packages/runtime/src/index.ts');
const bundle = (entryPoints, alias, entryNames = '[name]') =>
  build({
    entryPoints,
    outdir: path.join(dir, 'dist', 'ab'),
    entryNames,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    conditions: ['source'],
    alias,
    nodePaths: [path.join(root, 'node_modules')],
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: 'warning',
  });
// The harness, and the lead-set generator it shares with the suites.
await bundle([path.join(dir, 'src', 'ab-runtime.ts'), path.join(dir, 'src', 'leads.ts')], { '@mql/runtime-base': baseRuntime });
// The throughput suite's lead set (10,000 leads, 30 events each), generated once.
const { ensureLeads } = await import(pathToFileURL(path.join(dir, 'dist', 'ab', 'leads.js')).href);
const file = ensureLeads(root, path.join(dir, 'dist', 'data'), { leads: 10000, eventsPerLead: 30, seed: 42 });
console.log(`runtime at ${rev} (before) against the working tree (after)`);
if (values.count) process.exit(await countInstructions());
const run = spawnSync(process.execPath, [path.join(dir, 'dist', 'ab', 'ab-runtime.js'), file, values.dates ?? 'epoch', values.rounds, values.leads ?? '10000'], { stdio: 'inherit' });
process.exit(run.status ?? 1);

async function countInstructions() {
  if (spawnSync('valgrind', ['--version']).status !== 0) {
    console.error('--count needs valgrind (Debian: apt-get install valgrind)');
    return 1;
  }
  const worker = path.join(dir, 'src', 'count-worker.ts');
  await bundle([worker], {}, '[name]-after');
  await bundle([worker], { '@mql/runtime': baseRuntime }, '[name]-before');
  const leads = Number(values.leads ?? 2000);
  const count = async (side, dates, mode, passes) => {
    const args = ['--tool=cachegrind', '--cache-sim=no', '--smc-check=all-non-file', '--cachegrind-out-file=/dev/null'];
    const script = path.join(dir, 'dist', 'ab', `count-worker-${side}.js`);
    const { stderr } = await promisify(execFile)('valgrind', [...args, process.execPath, '--predictable', script, file, dates, mode, String(passes), String(leads)], { maxBuffer: 1 << 26 });
    const refs = /I\s+refs:\s+([\d,]+)/.exec(stderr);
    if (refs === null) throw new Error(`valgrind printed no instruction count:\n${stderr}`);
    return Number(refs[1].replaceAll(',', ''));
  };
  console.log(`instructions per lead (valgrind, node --predictable; first ${leads} leads, passes ${PASSES_BEFORE} → ${PASSES_AFTER})`);
  for (const dates of values.dates === undefined ? ['iso', 'epoch'] : [values.dates]) {
    for (const mode of ['validate', 'lean']) {
      const perLead = {};
      for (const side of ['before', 'after']) {
        const [low, high] = await Promise.all([count(side, dates, mode, PASSES_BEFORE), count(side, dates, mode, PASSES_AFTER)]);
        perLead[side] = (high - low) / (leads * (PASSES_AFTER - PASSES_BEFORE));
      }
      const ratio = (perLead.after / perLead.before).toFixed(3);
      console.log(`${dates.padEnd(5)} ${mode.padEnd(8)} before ${perLead.before.toFixed(0).padStart(7)}  after ${perLead.after.toFixed(0).padStart(7)}  after ÷ before ${ratio}×`);
    }
  }
  return 0;
}

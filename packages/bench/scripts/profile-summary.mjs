// Summarises a V8 CPU profile (`node --cpu-prof` writes *.cpuprofile): the functions with the most
// self time, and the total (inclusive) time under the functions named with --under, each as a share
// of the sampled time, so the README can keep a before/after table.
//
//   node packages/bench/scripts/profile-summary.mjs FILE.cpuprofile [--top N] [--under NAME,NAME...] [--within NAME]
//
// --within NAME counts only the samples with NAME on the stack (e.g. the benchmark's timed passes,
// `timePass`), so loading and checking do not blur the picture.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '15' }, under: { type: 'string', default: '' }, within: { type: 'string' } },
});
const file = positionals[0];
if (file === undefined) {
  process.stderr.write('usage: profile-summary.mjs FILE.cpuprofile [--top N] [--under NAME,NAME...]\n');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8'));
const IGNORED = new Set(['(idle)', '(program)']);

const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const label = (node) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${path.basename(url)}:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'} ${where}`.trim();
};

// Each sample's interval is charged to its node (self) and to every function on its stack (under).
const self = new Map();
const under = new Map();
const wanted = new Set(values.under.split(',').filter((name) => name !== ''));
let total = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const micros = profile.timeDeltas[i + 1] ?? 0;
  const leaf = nodes.get(profile.samples[i]);
  if (IGNORED.has(leaf.callFrame.functionName)) continue;
  if (values.within !== undefined && !onStack(leaf.id, values.within)) continue;
  total += micros;
  self.set(label(leaf), (self.get(label(leaf)) ?? 0) + micros);
  const seen = new Set();
  for (let id = leaf.id; id !== undefined; id = parent.get(id)) {
    const name = nodes.get(id).callFrame.functionName;
    if (wanted.has(name) && !seen.has(name)) {
      seen.add(name);
      under.set(name, (under.get(name) ?? 0) + micros);
    }
  }
}
function onStack(id, name) {
  for (let at = id; at !== undefined; at = parent.get(at)) if (nodes.get(at).callFrame.functionName === name) return true;
  return false;
}

const share = (micros) => `${((100 * micros) / total).toFixed(1).padStart(5)}%`;
const scope = values.within === undefined ? '' : `, only under ${values.within}`;
process.stdout.write(`${(total / 1000).toFixed(0)} ms sampled (idle and (program) left out${scope})\n`);
if (wanted.size > 0) {
  process.stdout.write('time under:\n');
  for (const name of wanted) process.stdout.write(`${share(under.get(name) ?? 0)}  ${name}\n`);
}
process.stdout.write('self time by function:\n');
for (const [key, micros] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) {
  process.stdout.write(`${share(micros)}  ${key}\n`);
}

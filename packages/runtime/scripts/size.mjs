// Measures what an application pays to ship the runtime: bundles src/index.ts with esbuild
// (minified ESM, zod included) and prints raw and gzip sizes. Fails when the compiler front end
// (@mql/core, chevrotain) leaks into the bundle.
// Usage: npm run size -w @mql/runtime   (or: node packages/runtime/scripts/size.mjs [--json])
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

const result = await build({
  entryPoints: [path.join(dir, 'src/index.ts')],
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  conditions: ['source'],
  write: false,
  metafile: true,
  logLevel: 'warning',
});

const code = result.outputFiles[0].contents;
const inputs = Object.keys(result.metafile.inputs);
const forbidden = inputs.filter((file) => /(^|\/)node_modules\/chevrotain\/|(^|\/)@chevrotain\/|(^|\/)packages\/core\//.test(file));
const bytesByPackage = {};
for (const [file, info] of Object.entries(result.metafile.outputs[Object.keys(result.metafile.outputs)[0]].inputs)) {
  const pkg = file.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? file.split('/').slice(0, 2).join('/');
  bytesByPackage[pkg] = (bytesByPackage[pkg] ?? 0) + info.bytesInOutput;
}
const report = {
  raw: code.length,
  gzip: gzipSync(code, { level: 9 }).length,
  inputs: inputs.length,
  byPackage: Object.fromEntries(Object.entries(bytesByPackage).sort((a, b) => b[1] - a[1])),
};

if (process.argv.includes('--json')) console.log(JSON.stringify(report, null, 2));
else {
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(`runtime bundle: ${kb(report.raw)} minified, ${kb(report.gzip)} gzip (${report.inputs} input files)`);
  for (const [pkg, bytes] of Object.entries(report.byPackage)) console.log(`  ${pkg.padEnd(28)} ${kb(bytes)}`);
}
if (forbidden.length > 0) {
  console.error(`the runtime bundle must not include the compiler:\n  ${forbidden.join('\n  ')}`);
  process.exit(1);
}

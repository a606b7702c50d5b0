// `npm run bench`: bundles the benchmark's TypeScript entry points into dist/ (Node 20 cannot run
// TypeScript; workspace packages are bundled from their sources) and runs dist/main.js, which
// spawns one child process per engine and measurement. Options: see src/main.ts (--help).
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
await build({
  entryPoints: ['main', 'eval-worker', 'compile-worker'].map((name) => path.join(dir, 'src', `${name}.ts`)),
  outdir: path.join(dir, 'dist'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  conditions: ['source'],
  // The engines under test run as published (zen-engine loads a native binary).
  external: ['@gorules/zen-engine', 'json-logic-js', 'json-rules-engine', '@marcbachmann/cel-js'],
  // chevrotain (in @mql/core) is CommonJS-free ESM; bundled code may still call require().
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: 'warning',
});
await import(pathToFileURL(path.join(dir, 'dist', 'main.js')).href);

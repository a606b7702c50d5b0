// Bundles every package with esbuild. Libraries are built as ESM for Node 20 with their npm
// dependencies left external; executables (CLI, language server) are self-contained bundles.
import { build } from 'esbuild';
import { copyFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** @type {{ entry: string, outfile: string, bundleDeps: boolean, banner?: string }[]} */
const targets = [
  { entry: 'packages/artifact/src/index.ts', outfile: 'packages/artifact/dist/index.js', bundleDeps: false },
  { entry: 'packages/core/src/index.ts', outfile: 'packages/core/dist/index.js', bundleDeps: false },
  { entry: 'packages/runtime/src/index.ts', outfile: 'packages/runtime/dist/index.js', bundleDeps: false },
  { entry: 'packages/backtest/src/index.ts', outfile: 'packages/backtest/dist/index.js', bundleDeps: false },
  { entry: 'packages/sql/src/index.ts', outfile: 'packages/sql/dist/index.js', bundleDeps: false },
  { entry: 'packages/node-host/src/index.ts', outfile: 'packages/node-host/dist/index.js', bundleDeps: false },
  { entry: 'packages/data/src/index.ts', outfile: 'packages/data/dist/index.js', bundleDeps: false },
  { entry: 'packages/workbench/src/index.ts', outfile: 'packages/workbench/dist/index.js', bundleDeps: false },
  { entry: 'packages/cli/src/main.ts', outfile: 'packages/cli/dist/mql.js', bundleDeps: true },
  // mql eval's, mql backtest's and mql diff's worker threads (parallel.ts starts them from dist/ beside mql.js).
  { entry: 'packages/cli/src/eval-worker.ts', outfile: 'packages/cli/dist/eval-worker.js', bundleDeps: true },
  { entry: 'packages/cli/src/backtest-worker.ts', outfile: 'packages/cli/dist/backtest-worker.js', bundleDeps: true },
  { entry: 'packages/cli/src/diff-worker.ts', outfile: 'packages/cli/dist/diff-worker.js', bundleDeps: true },
  { entry: 'packages/language-server/src/main.ts', outfile: 'packages/language-server/dist/server.js', bundleDeps: true },
];

/** Packages with native code (the CLI's DuckDB driver), resolved from node_modules at run time. */
const NATIVE_PACKAGES = ['@duckdb/node-api', '@duckdb/node-bindings'];

// CommonJS dependencies bundled into ESM need `require`; this shim provides it.
const requireShim = "import { createRequire as __mqlCreateRequire } from 'node:module'; const require = __mqlCreateRequire(import.meta.url);";

const started = Date.now();
// The backtest's HTML report draws its charts with a browser script (Chart.js included), built
// here as one IIFE and embedded into the CLI as a string constant, so the report is one file.
const reportClient = await build({
  entryPoints: [path.join(root, 'packages/backtest/src/html/client.ts')],
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2020',
  minify: true,
  write: false,
  legalComments: 'none',
  logLevel: 'warning',
});
const define = { __MQL_REPORT_CLIENT__: JSON.stringify(reportClient.outputFiles[0].text) };

for (const target of targets) {
  if (!existsSync(path.join(root, target.entry))) continue; // package not written yet
  await build({
    entryPoints: [path.join(root, target.entry)],
    outfile: path.join(root, target.outfile),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['source'],
    packages: target.bundleDeps ? undefined : 'external',
    // Native database drivers load their platform binding at run time: never bundled.
    external: target.bundleDeps ? NATIVE_PACKAGES : undefined,
    banner: target.bundleDeps ? { js: requireShim } : undefined,
    // Executables are minified: V8 compiles the whole bundle at every start, and half the bytes
    // halve that (a small `mql build` went from 0.45 s to 0.26 s). Source maps keep them debuggable.
    minify: target.bundleDeps,
    define: target.outfile === 'packages/cli/dist/mql.js' ? define : undefined,
    sourcemap: true,
    logLevel: 'warning',
  });
}
// The language server links each diagnostic code to its section of the reference page, read
// beside its bundle (packages/language-server/src/main.ts).
copyFileSync(path.join(root, 'docs/diagnostics.md'), path.join(root, 'packages/language-server/dist/diagnostics.md'));
// The VS Code extension is CommonJS with `vscode` external; its own script builds it.
const extensionBuild = path.join(root, 'editors/vscode/scripts/build.mjs');
if (existsSync(extensionBuild)) await import(extensionBuild);
console.log(`build: ${targets.length} bundles in ${Date.now() - started} ms`);

// Builds the VS Code extension into dist/: the client (dist/extension.js) and the language server
// it starts (dist/server.js), both CommonJS as VS Code loads them, with `vscode` left to the
// editor. Copies the TextMate grammar from grammar/ so the packaged extension holds it.
// Run by the root build (scripts/build.mjs) and by `npm run build` / `npm run package` here.

import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const extensionRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const repositoryRoot = path.join(extensionRoot, '..', '..');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  conditions: ['source'],
  sourcemap: false,
  minify: true,
  logLevel: 'warning',
};

await build({
  ...common,
  entryPoints: [path.join(extensionRoot, 'src', 'extension.ts')],
  outfile: path.join(extensionRoot, 'dist', 'extension.js'),
  external: ['vscode'],
});
await build({
  ...common,
  entryPoints: [path.join(repositoryRoot, 'packages', 'language-server', 'src', 'main.ts')],
  outfile: path.join(extensionRoot, 'dist', 'server.js'),
});
mkdirSync(path.join(extensionRoot, 'syntaxes'), { recursive: true });
copyFileSync(path.join(repositoryRoot, 'grammar', 'mql.tmLanguage.json'), path.join(extensionRoot, 'syntaxes', 'mql.tmLanguage.json'));
// The server links each diagnostic code to its section of this page, read beside dist/server.js.
copyFileSync(path.join(repositoryRoot, 'docs', 'diagnostics.md'), path.join(extensionRoot, 'dist', 'diagnostics.md'));

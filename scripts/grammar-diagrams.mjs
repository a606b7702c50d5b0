// Writes grammar/diagrams.html: railroad diagrams of the .mql grammar, generated from the parser
// itself (Chevrotain's serialized grammar), so they cannot drift from what the parser accepts.
// Usage: node scripts/grammar-diagrams.mjs
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const scratch = mkdtempSync(path.join(tmpdir(), 'mql-diagrams-'));
const bundled = path.join(scratch, 'parser.mjs');

try {
  // The parser is TypeScript: bundle it together with Chevrotain so plain Node can import it.
  await build({
    stdin: {
      contents: "export { mqlParser } from './packages/core/src/syntax/parser.ts'; export { createSyntaxDiagramsCode } from 'chevrotain';",
      resolveDir: root,
      loader: 'ts',
    },
    outfile: bundled,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
  });
  const { mqlParser, createSyntaxDiagramsCode } = await import(pathToFileURL(bundled).href);
  const html = createSyntaxDiagramsCode(mqlParser.getSerializedGastProductions());
  const out = path.join(root, 'grammar/diagrams.html');
  writeFileSync(out, html);
  console.log(`wrote ${path.relative(root, out)}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

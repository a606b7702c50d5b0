// Writes the JSON Schema files generated from the zod schemas: the rules artifact
// (packages/artifact/rules-artifact.schema.json), the evaluation result
// (packages/runtime/result.schema.json) and the backtest report (packages/backtest/report.schema.json).
// With `--check`, fails instead of writing when a committed file is out of date. Usage: npm run schemas [-- --check]
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { importTs } from './run-ts.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const schemas = [
  { source: 'packages/artifact/src/index.ts', exportName: 'artifactJsonSchema', out: 'packages/artifact/rules-artifact.schema.json' },
  { source: 'packages/runtime/src/result.ts', exportName: 'resultJsonSchema', out: 'packages/runtime/result.schema.json' },
  { source: 'packages/backtest/src/report.ts', exportName: 'reportJsonSchema', out: 'packages/backtest/report.schema.json' },
];

let stale = 0;
for (const schema of schemas) {
  const module = await importTs(path.join(root, schema.source));
  const text = `${JSON.stringify(module[schema.exportName](), null, 2)}\n`;
  const outFile = path.join(root, schema.out);
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(outFile, 'utf8');
    } catch {}
    if (current !== text) {
      console.error(`${schema.out} is out of date: run npm run schemas`);
      stale++;
    }
  } else {
    writeFileSync(outFile, text);
    console.log(`wrote ${schema.out}`);
  }
}
process.exitCode = stale > 0 ? 1 : 0;

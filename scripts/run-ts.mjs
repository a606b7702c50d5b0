// Node 20 cannot import TypeScript, so scripts bundle a .ts entry (with its dependencies) into a
// temporary file with esbuild and import that.
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export async function importTs(entry) {
  const dir = mkdtempSync(path.join(tmpdir(), 'mql-runtime-'));
  const outfile = path.join(dir, `${path.basename(entry, '.ts')}.mjs`);
  try {
    await build({ entryPoints: [entry], outfile, bundle: true, format: 'esm', platform: 'node', conditions: ['source'], logLevel: 'warning' });
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

#!/usr/bin/env node
// Thin launcher: the CLI is bundled by esbuild into dist/ during `npm install` (root "prepare").
import('../dist/mql.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('mql: the CLI is not built yet; run `npm run build` at the repository root.\n');
    process.exit(2);
  }
  throw error;
});

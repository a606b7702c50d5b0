#!/usr/bin/env node
// Thin launcher: the server is bundled by esbuild into dist/ during `npm install` (root "prepare").
// Usage: mql-language-server --stdio
import('../dist/server.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('mql-language-server: the server is not built yet; run `npm run build` at the repository root.\n');
    process.exit(2);
  }
  throw error;
});

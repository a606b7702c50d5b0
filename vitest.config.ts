import { defineConfig } from 'vitest/config';

// Workspace packages export their TypeScript sources under the "source" condition,
// so tests run against src/ directly without a build step in between.
export default defineConfig({
  resolve: { conditions: ['source'] },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'editors/*/test/**/*.test.ts'],
    testTimeout: 30_000,
    pool: 'forks',
    // The CLI tests spawn the bundled `mql`: build it once per run so it is never stale.
    globalSetup: ['scripts/vitest-setup.mjs'],
  },
});

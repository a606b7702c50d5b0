// vitest globalSetup: bundle every package once before the tests, so tests that spawn the built
// `mql` command (packages/cli/test) never run a stale or missing dist/. Takes well under a second.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup() {
  const script = fileURLToPath(new URL('./build.mjs', import.meta.url));
  const build = spawnSync(process.execPath, [script], { encoding: 'utf8' });
  if (build.status !== 0) {
    throw new Error(`the build (node scripts/build.mjs) failed, so the CLI tests cannot run:\n${build.stdout}${build.stderr}`);
  }
}

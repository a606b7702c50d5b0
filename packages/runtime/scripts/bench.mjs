// Runs test/bench.ts: the runtime against a hand-written function on the example funnel.
// Usage: npm run bench -w @mql/runtime
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { importTs } from '../../../scripts/run-ts.mjs';

const dir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
await importTs(path.join(dir, 'test/bench.ts'));

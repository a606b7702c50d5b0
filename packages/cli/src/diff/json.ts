// `mql diff --format json`: the diff document (document.ts) as one pretty-printed JSON document.

import type { DiffDocument } from './document.js';

export function renderJson(doc: DiffDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

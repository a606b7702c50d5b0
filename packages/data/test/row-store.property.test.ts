// RowStore (the events index's cells outside the heap) gives back every row's cells exactly as
// added: any text (multi-byte UTF-8, empty cells, cells long enough for multi-byte lengths), rows
// that fill a Buffer exactly or need one larger than the chunk size, read in any order.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RowStore } from '../src/row-store.js';

// Text as a decoded file holds it: any code point, never a lone surrogate.
const cellArb = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  // ASCII of 43 to 127 characters: room for a 2-byte length is made, a 1-byte one is written.
  fc.constantFrom('', 'page_view', '2026-10-01T12:34:56Z', 'a'.repeat(50), 'a'.repeat(127), 'é'.repeat(70), '🚀'.repeat(40), 'x'.repeat(200)),
);
const rowsArb = fc.array(fc.array(cellArb, { maxLength: 9 }), { maxLength: 60 });

describe('RowStore', () => {
  it('returns every row as added, across chunk borders and oversized rows', () => {
    fc.assert(
      fc.property(rowsArb, fc.integer({ min: 1, max: 512 }), fc.integer(), (rows, chunkBytes, seed) => {
        const store = new RowStore(chunkBytes);
        const numbers = rows.map((cells) => store.add(cells));
        expect(numbers).toEqual(rows.map((_, i) => i));
        expect(store.size).toBe(rows.length);
        // Read back in a shuffled order: rows are independent of each other.
        const order = rows.map((_, i) => i).sort((a, b) => ((a * 7919 + seed) % 101) - ((b * 7919 + seed) % 101));
        for (const row of order) expect(store.cells(row)).toEqual(rows[row]);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('keeps a million rows in 53 bytes each', () => {
    const store = new RowStore();
    const cells = ['L0000001', 'page_view', '2026-05-24T16:57:10Z', '/about', '', '', '', ''];
    for (let i = 0; i < 1_000_000; i++) store.add(cells);
    expect(store.cells(999_999)).toEqual(cells);
    // 1 count byte + 8 lengths + 1 text size + 43 bytes of text per row: 53 MB, in Buffers from 64 KiB up.
    expect(store.bytes).toBe(1_000_000 * 53);
  });
});

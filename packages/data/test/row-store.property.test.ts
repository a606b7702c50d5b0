// RowStore (the events index's cells outside the heap) gives back every row's cells exactly as
// added: any text (multi-byte UTF-8, empty cells, cells long enough for multi-byte lengths), rows
// that fill a Buffer exactly or need one larger than the chunk size, read in any order. A RowBuffer
// (a batch for a worker thread) of rows added and rows copied from a store reads back the same.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readRow, RowBuffer, RowStore } from '../src/row-store.js';

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

  it('batches rows added and rows copied from a store, in order, growing past its first size', () => {
    fc.assert(
      fc.property(rowsArb, fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }), fc.integer({ min: 1, max: 512 }), (rows, copied, chunkBytes) => {
        const store = new RowStore(chunkBytes);
        const batch = new RowBuffer();
        // Each row goes in at least once; rows are repeated to pass the buffer's first 64 KiB.
        for (let round = 0; round < 20; round++) {
          rows.forEach((cells, i) => (copied[i] ? store.copyRow(store.add(cells), batch) : batch.add(cells)));
        }
        const bytes = batch.take();
        expect(batch.size).toBe(0);
        const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        const read: string[][] = [];
        for (let at = 0; at < buffer.length; ) {
          const row = readRow(buffer, at);
          read.push(row.cells);
          at = row.end;
        }
        expect(read).toEqual(Array.from({ length: 20 }, () => rows).flat());
      }),
      { numRuns: 100, seed: 11 },
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

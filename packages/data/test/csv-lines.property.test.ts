// The line splitter (lines.ts) and the CSV reader (csv-read.ts) on damaged input: no line is ever
// lost, merged or counted twice, and cutting the bytes anywhere (as the eval workers do) gives the
// same lines as reading them at once.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvRecordRuns, detectDelimiter, MAX_RECORD_LINES, type CsvHeader, type CsvItem, type NumberedLine } from '../src/csv-read.js';
import { countLines, LineCutter, linesOf, readLineRuns, readLines } from '../src/lines.js';

async function* from<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** The file cut into chunks at the given offsets, as a stream would deliver it. */
function chunked(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let at = 0;
  for (const point of [...points, bytes.length]) {
    if (point > at) chunks.push(bytes.subarray(at, point));
    at = Math.max(at, point);
  }
  return chunks;
}

/** What the worker path does: whole-line runs from the cutter, numbered by countLines. */
function linesByRuns(chunks: Buffer[]): NumberedLine[] {
  const cutter = new LineCutter();
  const out: NumberedLine[] = [];
  let first = 1;
  const take = (run: Buffer | undefined) => {
    if (!run) return;
    const lines = linesOf(run);
    expect(lines).toHaveLength(countLines(run));
    lines.forEach((text, i) => out.push({ line: first + i, text }));
    first += lines.length;
  };
  for (const chunk of chunks) take(cutter.push(chunk));
  take(cutter.end());
  return out;
}

const damagedBytes = fc
  .array(
    fc.oneof(
      fc.constantFrom('\n', '\r\n', '\r', '\uFEFF', '{"a":1}', '"', ',', ';', '\t', ' ', 'é', '€'),
      fc.uint8Array({ maxLength: 6 }).map((b) => Buffer.from(b).toString('latin1')),
    ),
    { maxLength: 40 },
  )
  .chain((parts) => fc.tuple(fc.constant(parts), fc.boolean(), fc.boolean()))
  .map(([parts, bom, binary]) => {
    const text = Buffer.from(parts.join(''), binary ? 'latin1' : 'utf8');
    return bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), text]) : text;
  });

describe('lines: one splitter for one thread and the workers', () => {
  it('gives the same numbered lines however the bytes are cut into chunks', async () => {
    await fc.assert(
      fc.asyncProperty(damagedBytes, fc.array(fc.nat(), { maxLength: 8 }), async (bytes, cuts) => {
        const whole = await collect(readLines(from([bytes])));
        expect(await collect(readLines(from(chunked(bytes, cuts))))).toEqual(whole);
        expect(linesByRuns(chunked(bytes, cuts)).map((l) => ({ line: l.line, text: l.text }))).toEqual(whole);
      }),
      { numRuns: 400, seed: 15 },
    );
  });

  it('decodes a run exactly as a whole-buffer TextDecoder would, and counts its lines as Buffer or Uint8Array', () => {
    const reference = new TextDecoder('utf-8', { ignoreBOM: true });
    fc.assert(
      fc.property(damagedBytes, fc.uint8Array({ maxLength: 3 }), (bytes, tail) => {
        // The tail may end in an incomplete UTF-8 sequence, which must become U+FFFD here too.
        const run = Buffer.concat([bytes, tail]);
        const expected = reference.decode(run).split(/\r\n|\r|\n/);
        if (run.length > 0 && (run[run.length - 1] === 0x0a || run[run.length - 1] === 0x0d)) expected.pop();
        expect(linesOf(run)).toEqual(run.length === 0 ? [] : expected);
        const plain = new Uint8Array(run);
        expect(countLines(plain)).toBe(linesOf(run).length);
        expect(countLines(run)).toBe(linesOf(run).length);
      }),
      { numRuns: 400, seed: 16 },
    );
  });

  it('ends lines at \\n, \\r\\n and a lone \\r, drops only a leading BOM, and decodes bad bytes as U+FFFD', async () => {
    const bytes = Buffer.concat([Buffer.from('\uFEFFa\r\nb\rc\n\uFEFFd\n'), Buffer.from([0xff, 0x0a, 0x65])]);
    expect(await collect(readLines(from([bytes])))).toEqual([
      { line: 1, text: 'a' },
      { line: 2, text: 'b' },
      { line: 3, text: 'c' },
      { line: 4, text: '\uFEFFd' },
      { line: 5, text: '\uFFFD' },
      { line: 6, text: 'e' },
    ]);
  });

  it('keeps a 20 MB line in linear time, without joining the pending chunks per chunk', async () => {
    const chunks = Array.from({ length: 20 }, () => Buffer.alloc(1 << 20, 0x61));
    const started = performance.now();
    const lines = await collect(readLines(from([...chunks, Buffer.from('\n')])));
    expect(lines.map((l) => l.text.length)).toEqual([20 << 20]);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

async function readCsv(text: string, delimiter?: string): Promise<{ header: CsvHeader | undefined; items: CsvItem[] }> {
  let header: CsvHeader | undefined;
  // One Buffer: one run of all the lines.
  const items = (await collect(csvRecordRuns(readLineRuns(from([Buffer.from(text)])), delimiter, (h) => (header = h)))).flat();
  return { header, items };
}

describe('CSV: every physical row accounted for', () => {
  it('keeps a quote inside an unquoted cell as a character: `C1,a"b"c@d.e,true` is one row', async () => {
    const { items } = await readCsv('id,email,ok\nC1,a"b"c@d.e,true\n');
    expect(items).toEqual([{ kind: 'row', line: 2, lastLine: 2, cells: ['C1', 'a"b"c@d.e', 'true'] }]);
  });

  it('reads a file with mixed CRLF and LF line ends as its rows', async () => {
    const { items } = await readCsv('id,name\r\nA,x\nB,y\r\n');
    expect(items).toEqual([
      { kind: 'row', line: 2, lastLine: 2, cells: ['A', 'x'] },
      { kind: 'row', line: 3, lastLine: 3, cells: ['B', 'y'] },
    ]);
  });

  it('makes a stray opening quote one invalid row and reads the rows after it', async () => {
    const { items } = await readCsv('id,name\nA,"x\nB,y\nC,z\n');
    expect(items).toEqual([
      {
        kind: 'bad',
        line: 2,
        message: 'unreadable CSV row: a quoted cell starts here and it never closes before the end of the file; the lines after it were read as rows of their own',
      },
      { kind: 'row', line: 3, lastLine: 3, cells: ['B', 'y'] },
      { kind: 'row', line: 4, lastLine: 4, cells: ['C', 'z'] },
    ]);
  });

  it('keeps a quoted cell with line breaks as one record starting on its first line', async () => {
    const { items } = await readCsv('id,note,n\nA,"two\r\nlines, ""quoted""",1\nB,,2\n');
    expect(items).toEqual([
      { kind: 'row', line: 2, lastLine: 3, cells: ['A', 'two\nlines, "quoted"', '1'] },
      { kind: 'row', line: 4, lastLine: 4, cells: ['B', '', '2'] },
    ]);
  });

  it('skips lines holding only spaces and reports a row with the wrong number of cells once', async () => {
    const { items } = await readCsv('id;name\n  \nA;x;y\n\t\nB,y\n', undefined);
    expect(items).toEqual([
      { kind: 'bad', line: 3, message: 'the row has 3 cells, the header 2' },
      { kind: 'bad', line: 5, message: 'the row has 1 cells, the header 2 (is this row separated by ","?)' },
    ]);
  });

  it('detects the delimiter from the header line', () => {
    expect(['a,b;c', 'a;b;c', 'a\tb\tc', 'a|b|c', 'a', '"x;y",z'].map(detectDelimiter)).toEqual([',', ';', '\t', '|', ',', ',']);
  });

  const cell = fc.oneof(fc.constantFrom('', 'x', 'Yes', 'a b', '"', '""', '"q"', 'a"b', ',', ';', '\r', '\n', '\r\n', ' '), fc.string({ maxLength: 4 }));
  const damagedCsv = fc
    .tuple(fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 30 }), fc.constantFrom('\n', '\r\n'))
    .map(([rows, eol]) => ['a,b,c', ...rows.map((r) => r.join(','))].join(eol));

  it('never loses or double-counts a line, whatever the damage (property)', async () => {
    await fc.assert(
      fc.asyncProperty(damagedCsv, async (text) => {
        const lines = await collect(readLines(from([Buffer.from(text)])));
        const { items } = await readCsv(text);
        const covered: number[] = [];
        for (const item of items) {
          if (item.kind === 'bad') covered.push(item.line);
          else for (let l = item.line; l <= item.lastLine; l++) covered.push(l);
        }
        // Every line but the header is in exactly one record or invalid row, or blank (skipped);
        // blank lines inside a multi-line quoted cell belong to that record.
        const expected = lines.filter((l) => l.line > 1 && (l.text.trim() !== '' || covered.includes(l.line))).map((l) => l.line);
        expect(covered).toEqual(expected);
      }),
      { numRuns: 500, seed: 13 },
    );
  });

  /** The items of lines pushed in runs of the given sizes (the last run takes the rest). */
  async function itemsByRuns(lines: NumberedLine[], sizes: number[]): Promise<CsvItem[]> {
    const runs: NumberedLine[][] = [];
    let at = 0;
    for (const size of sizes) if (at < lines.length) runs.push(lines.slice(at, (at += size)));
    if (at < lines.length) runs.push(lines.slice(at));
    return (await collect(csvRecordRuns(from(runs), undefined, () => undefined))).flat();
  }

  it('reads the same items whatever runs the lines come in (property)', async () => {
    await fc.assert(
      fc.asyncProperty(damagedCsv, fc.array(fc.integer({ min: 1, max: 7 }), { maxLength: 40 }), async (text, sizes) => {
        const lines = await collect(readLines(from([Buffer.from(text)])));
        expect(await itemsByRuns(lines, sizes)).toEqual((await readCsv(text)).items);
      }),
      { numRuns: 300, seed: 17 },
    );
  });

  it('decides a quoted cell that spans more than the lookahead the same way in runs and from a file', async () => {
    // An opening quote that closes MAX_RECORD_LINES + 200 lines later, then ordinary rows.
    const text = ['a,b,c', '"open,x,y', ...Array.from({ length: MAX_RECORD_LINES + 200 }, (_, i) => `r${i},x,y`), 'close",x,y', 'last,x,y'].join('\n');
    const lines = await collect(readLines(from([Buffer.from(text)])));
    const expected = (await readCsv(text)).items;
    expect(expected[0]).toEqual({ kind: 'bad', line: 2, message: expect.stringContaining(`does not close within ${MAX_RECORD_LINES} lines`) });
    expect(expected).toHaveLength(MAX_RECORD_LINES + 203);
    for (const size of [1, 7, 700, MAX_RECORD_LINES, 5000]) expect({ size, items: await itemsByRuns(lines, Array(2000).fill(size)) }).toEqual({ size, items: expected });
    const runs = await collect(readLineRuns(from(chunked(Buffer.from(text), [1000, 5000, 3]))));
    expect(runs.flat()).toEqual(lines);
  });
});

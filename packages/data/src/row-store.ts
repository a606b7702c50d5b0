// CSV rows kept compactly, outside the JavaScript heap, until they are needed: the events table of
// `--events` is read whole before the leads (leads and events need not be in the same order), and
// an object per event with its strings costs a few hundred bytes of heap; 20 million event rows
// (1,000,000 leads × 20) ran out of Node's default 4 GB heap that way. Here a row is written into
// large Buffers (external memory, which the heap limit does not cover) in a compact encoding
// (writeRow below); rows are numbers, and a row is turned back into its cells when its lead is
// read. About 60 bytes per row of a typical events export instead of several hundred. The same
// encoding carries batches of rows to `mql eval`'s worker threads (RowBuffer).

/**
 * The largest size of the Buffers rows are written into (a larger row gets a Buffer of its own); a
 * row never spans two. The first Buffer is small and each next one twice as large up to this, so a
 * small events file (the editor's sample data) does not take 64 MiB.
 */
const CHUNK_BYTES = 64 * 1024 * 1024;
const FIRST_CHUNK_BYTES = 64 * 1024;

export class RowStore {
  private readonly chunks: Buffer[] = [];
  private chunk: Buffer = Buffer.alloc(0);
  private used = 0;
  /** Row r starts in `chunks[chunkOf[r]]` at byte `offsetOf[r]`. */
  private chunkOf = new Uint32Array(1024);
  private offsetOf = new Uint32Array(1024);
  private count = 0;
  private written = 0;

  /** `chunkBytes`: the Buffers' largest size (tests make it small, to cross chunk borders often). */
  constructor(private readonly chunkBytes = CHUNK_BYTES) {}

  get size(): number {
    return this.count;
  }

  /** Bytes the rows take in their Buffers. */
  get bytes(): number {
    return this.written;
  }

  /** Keeps a row's cells; returns its number (0, 1, ...). */
  add(cells: readonly string[]): number {
    const text = cells.join('');
    const bound = rowBound(cells, text);
    if (this.used + bound > this.chunk.length) this.newChunk(bound);
    const row = this.count++;
    if (row === this.chunkOf.length) {
      this.chunkOf = grown(this.chunkOf);
      this.offsetOf = grown(this.offsetOf);
    }
    this.chunkOf[row] = this.chunks.length - 1;
    this.offsetOf[row] = this.used;
    const end = writeRow(this.chunk, this.used, cells, text);
    this.written += end - this.used;
    this.used = end;
    return row;
  }

  /** The cells of row `row`, as they were added. */
  cells(row: number): string[] {
    return readRow(this.chunks[this.chunkOf[row]!]!, this.offsetOf[row]!).cells;
  }

  /** Appends row `row` as written to `into` (readRow reads it back there). */
  copyRow(row: number, into: RowBuffer): void {
    const chunk = this.chunks[this.chunkOf[row]!]!;
    const at = this.offsetOf[row]!;
    into.addBytes(chunk, at, rowEnd(chunk, at));
  }

  private newChunk(bound: number): void {
    const next = Math.min(this.chunkBytes, Math.max(FIRST_CHUNK_BYTES, this.chunk.length * 2));
    this.chunk = Buffer.allocUnsafeSlow(Math.max(next, bound));
    this.chunks.push(this.chunk);
    this.used = 0;
  }
}

/** A typed array twice as long, with the same contents first (the index's per-row arrays grow so too). */
export function grown<T extends Uint32Array<ArrayBuffer> | Int32Array<ArrayBuffer> | Uint8Array<ArrayBuffer>>(array: T): T {
  const next = new (array.constructor as new (length: number) => T)(array.length * 2);
  next.set(array);
  return next;
}

/**
 * Rows written one after another into one growing Buffer: a batch of rows handed to a worker
 * thread (`mql eval` on CSV), read back in order with readRow. Rows of a RowStore are copied in as
 * they are encoded (RowStore.copyRow).
 */
export class RowBuffer {
  private buffer = Buffer.allocUnsafe(64 * 1024);
  private used = 0;

  get size(): number {
    return this.used;
  }

  add(cells: readonly string[]): void {
    const text = cells.join('');
    this.reserve(rowBound(cells, text));
    this.used = writeRow(this.buffer, this.used, cells, text);
  }

  /** Appends `source[start, end)`, an encoded row. */
  addBytes(source: Buffer, start: number, end: number): void {
    this.reserve(end - start);
    // Rows are short (about 60 bytes): a loop costs less than a call into Buffer's native copy.
    const buffer = this.buffer;
    let used = this.used;
    for (let i = start; i < end; i++) buffer[used++] = source[i]!;
    this.used = used;
  }

  /** The rows written, in a buffer of their own (to transfer); the RowBuffer starts empty again. */
  take(): Uint8Array {
    const rows = new Uint8Array(this.used);
    rows.set(this.buffer.subarray(0, this.used));
    this.used = 0;
    return rows;
  }

  private reserve(bytes: number): void {
    if (this.used + bytes <= this.buffer.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.used + bytes));
    this.buffer.copy(next, 0, 0, this.used);
    this.buffer = next;
  }
}

// ---------------------------------------------------------------------------------------------
// One row's encoding: its cell count, each cell's length in UTF-16 units, the UTF-8 size of the
// cells' text, and that text, one UTF-8 write for the whole row (a write per cell took twice as
// long), every number in LEB128.

/** An upper bound of a row's size: 3 bytes per UTF-16 unit, 5 per number. */
function rowBound(cells: readonly string[], text: string): number {
  return 5 * (cells.length + 2) + text.length * 3;
}

/** Writes a row at `at` (the buffer has rowBound bytes of room there); returns where it ends. */
function writeRow(buffer: Buffer, at: number, cells: readonly string[], text: string): number {
  at = writeLength(buffer, at, cells.length);
  for (const cell of cells) at = writeLength(buffer, at, cell.length);
  // The text's UTF-8 size is known only once written: it is written after room for the largest
  // size, then moved back when the size takes fewer bytes.
  const room = lengthSize(text.length * 3);
  const written = buffer.write(text, at + room, 'utf8');
  const size = lengthSize(written);
  if (size !== room) buffer.copy(buffer, at + size, at + room, at + room + written);
  writeLength(buffer, at, written);
  return at + size + written;
}

/** The row written at `at`: its cells, and where the next row starts. */
export function readRow(buffer: Buffer, at: number): { cells: string[]; end: number } {
  reading = at;
  const count = readLength(buffer);
  const lengths = new Array<number>(count);
  for (let i = 0; i < count; i++) lengths[i] = readLength(buffer);
  const bytes = readLength(buffer);
  const text = buffer.toString('utf8', reading, reading + bytes);
  const cells = new Array<string>(count);
  for (let i = 0, start = 0; i < count; start += lengths[i]!, i++) cells[i] = text.slice(start, start + lengths[i]!);
  return { cells, end: reading + bytes };
}

/** Where the row written at `at` ends, without decoding it. */
function rowEnd(buffer: Buffer, at: number): number {
  reading = at;
  const count = readLength(buffer);
  for (let i = 0; i < count; i++) readLength(buffer);
  const bytes = readLength(buffer);
  return reading + bytes;
}

/** Bytes that writeLength takes for `n`: 7 bits per byte. */
function lengthSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    size++;
  }
  return size;
}

function writeLength(buffer: Buffer, at: number, n: number): number {
  while (n >= 0x80) {
    buffer[at++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 0x80);
  }
  buffer[at++] = n;
  return at;
}

/**
 * Where readLength reads next. A module variable rather than a returned pair: readRow and rowEnd
 * read a number per cell of millions of rows, and a pair per number was an allocation each.
 */
let reading = 0;

/** The number written by writeLength at `reading`; moves `reading` past it. */
function readLength(buffer: Buffer): number {
  let n = 0;
  let scale = 1;
  for (;;) {
    const byte = buffer[reading++]!;
    n += (byte & 0x7f) * scale;
    if (byte < 0x80) return n;
    scale *= 0x80;
  }
}

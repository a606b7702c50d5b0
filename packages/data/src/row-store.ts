// CSV rows kept compactly, outside the JavaScript heap, until they are needed: the events table of
// `--events` is read whole before the leads (leads and events need not be in the same order), and
// an object per event with its strings costs a few hundred bytes of heap; 20 million event rows
// (1,000,000 leads × 20) ran out of Node's default 4 GB heap that way. Here a row is written into
// large Buffers (external memory, which the heap limit does not cover) as its cell count, each
// cell's length in UTF-16 units, the UTF-8 size of the cells' text, and that text, one UTF-8 write
// for the whole row (a write per cell took twice as long), every number in LEB128; rows are
// numbers, and a row is turned back into its cells when its lead is read. About 60 bytes per row of
// a typical events export instead of several hundred.

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
    // An upper bound of the row's size: 3 bytes per UTF-16 unit, 5 per number.
    const bound = 5 * (cells.length + 2) + text.length * 3;
    if (this.used + bound > this.chunk.length) this.newChunk(bound);
    const row = this.count++;
    if (row === this.chunkOf.length) {
      this.chunkOf = grown(this.chunkOf);
      this.offsetOf = grown(this.offsetOf);
    }
    this.chunkOf[row] = this.chunks.length - 1;
    this.offsetOf[row] = this.used;
    let at = writeLength(this.chunk, this.used, cells.length);
    for (const cell of cells) at = writeLength(this.chunk, at, cell.length);
    // The text's UTF-8 size is known only once written: it is written after room for the largest
    // size, then moved back when the size takes fewer bytes.
    const room = lengthSize(text.length * 3);
    const written = this.chunk.write(text, at + room, 'utf8');
    const size = lengthSize(written);
    if (size !== room) this.chunk.copy(this.chunk, at + size, at + room, at + room + written);
    writeLength(this.chunk, at, written);
    this.written += at + size + written - this.used;
    this.used = at + size + written;
    return row;
  }

  /** The cells of row `row`, as they were added. */
  cells(row: number): string[] {
    const chunk = this.chunks[this.chunkOf[row]!]!;
    let at = this.offsetOf[row]!;
    let count: number;
    [count, at] = readLength(chunk, at);
    const lengths = new Array<number>(count);
    for (let i = 0; i < count; i++) [lengths[i], at] = readLength(chunk, at);
    let bytes: number;
    [bytes, at] = readLength(chunk, at);
    const text = chunk.toString('utf8', at, at + bytes);
    const cells = new Array<string>(count);
    for (let i = 0, start = 0; i < count; start += lengths[i]!, i++) cells[i] = text.slice(start, start + lengths[i]!);
    return cells;
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

function readLength(buffer: Buffer, at: number): [number, number] {
  let n = 0;
  let scale = 1;
  for (;;) {
    const byte = buffer[at++]!;
    n += (byte & 0x7f) * scale;
    if (byte < 0x80) return [n, at];
    scale *= 0x80;
  }
}

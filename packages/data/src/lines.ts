// Lines of a JSON-lines or CSV file, cut and decoded by one set of rules for `mql eval`'s
// single-threaded path, its worker threads (cli parallel.ts) and the editor's sample leads, so all
// see the same records with the same line numbers whatever the bytes (README: "byte-identical output"):
// - a line ends at `\n`, `\r\n` or a lone `\r` (as older spreadsheets on macOS write);
// - a UTF-8 byte-order mark at the very start of the file is dropped; anywhere else it is data;
// - bytes are decoded as UTF-8, invalid bytes becoming U+FFFD. A line break byte never belongs to a
//   multi-byte sequence, so decoding a run of whole lines at once gives the same text as decoding
//   line by line: where the file is cut into runs does not change the lines.

const LF = 0x0a;
const CR = 0x0d;
const BOM = [0xef, 0xbb, 0xbf];

/**
 * Cuts a byte stream into runs of whole lines. A partial line waits as a list of chunks that is
 * joined once, when its end arrives, so a 100 MB line costs one copy, not one per chunk.
 */
export class LineCutter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private atStart = true;

  /** The whole lines this chunk completes (with their line breaks), or undefined. */
  push(chunk: Buffer): Buffer | undefined {
    if (this.atStart) {
      const head = this.pendingBytes + chunk.length < BOM.length ? undefined : this.take(chunk, chunk.length);
      if (head === undefined) return this.keep(chunk);
      this.atStart = false;
      chunk = startsWithBom(head) ? head.subarray(BOM.length) : head;
    }
    const end = lastLineEnd(chunk);
    if (end === 0) return this.keep(chunk);
    const lines = this.take(chunk, end);
    if (end < chunk.length) this.keep(chunk.subarray(end));
    return lines;
  }

  /** What is left at the end of the input: its last line without a line break, or undefined. */
  end(): Buffer | undefined {
    if (this.pendingBytes === 0) return undefined;
    const rest = this.take(Buffer.alloc(0), 0);
    return this.atStart && startsWithBom(rest) ? rest.subarray(BOM.length) : rest;
  }

  private keep(chunk: Buffer): undefined {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    return undefined;
  }

  /** The pending bytes followed by `chunk[0, end)`; empties the pending list. */
  private take(chunk: Buffer, end: number): Buffer {
    const head = chunk.subarray(0, end);
    const joined = this.pending.length === 0 ? head : Buffer.concat([...this.pending, head]);
    this.pending = [];
    this.pendingBytes = 0;
    return joined;
  }
}

function startsWithBom(bytes: Uint8Array): boolean {
  return bytes[0] === BOM[0] && bytes[1] === BOM[1] && bytes[2] === BOM[2];
}

/**
 * The offset just after the chunk's last certain line break, or 0. A `\r` as the chunk's last byte
 * is not certain: the next chunk may start with the `\n` of a `\r\n`.
 */
function lastLineEnd(chunk: Uint8Array): number {
  const lf = chunk.lastIndexOf(LF);
  const cr = chunk.length < 2 ? -1 : chunk.lastIndexOf(CR, chunk.length - 2);
  return Math.max(lf, cr) + 1;
}

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const LINE_BREAK = /\r\n|\r|\n/;

/**
 * UTF-8 → text, exactly as `decoder.decode(bytes)` (a property test holds them equal). Node 20
 * decodes a whole buffer several times slower than it decodes in streaming mode (1.7 s against
 * 0.18 s for 184 MB in a micro-benchmark; in `mql eval`'s workers decoding fell from 27% to 16% of
 * their time), so the bytes go through the streaming path and the decoder is flushed at once: an
 * incomplete sequence at the end still becomes U+FFFD and nothing carries over to the next call.
 */
function decodeWhole(bytes: Uint8Array): string {
  return decoder.decode(bytes, { stream: true }) + decoder.decode();
}

/** The lines of a run of whole lines (from LineCutter), decoded, without their line breaks. */
export function linesOf(bytes: Uint8Array): string[] {
  if (bytes.length === 0) return [];
  const lines = decodeWhole(bytes).split(LINE_BREAK);
  if (isLineBreak(bytes[bytes.length - 1]!)) lines.pop(); // the empty string after the last break
  return lines;
}

/**
 * How many lines `linesOf(bytes)` returns, without decoding (for numbering the next run). The
 * main thread runs this over every byte of a batch file, so the line breaks are found by
 * Buffer's native `indexOf` (about ten times faster than a loop over the bytes in JavaScript).
 */
export function countLines(bytes: Uint8Array): number {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  let count = 0;
  for (let i = buffer.indexOf(LF); i !== -1; i = buffer.indexOf(LF, i + 1)) count++;
  // A CR alone (old Mac line ends) is a break too; the CR of a CRLF is not counted twice.
  for (let i = buffer.indexOf(CR); i !== -1; i = buffer.indexOf(CR, i + 1)) if (buffer[i + 1] !== LF) count++;
  return buffer.length > 0 && !isLineBreak(buffer[buffer.length - 1]!) ? count + 1 : count;
}

function isLineBreak(byte: number): boolean {
  return byte === LF || byte === CR;
}

/**
 * The numbered lines of a byte stream, cut and decoded as above, one run per chunk read (an empty
 * run is not yielded): a reader of millions of lines then takes an asynchronous step per chunk,
 * not per line.
 */
export async function* readLineRuns(stream: AsyncIterable<Buffer>): AsyncGenerator<{ line: number; text: string }[]> {
  const cutter = new LineCutter();
  let line = 0;
  const numbered = (run: Buffer) => linesOf(run).map((text) => ({ line: ++line, text }));
  for await (const chunk of stream) {
    const run = cutter.push(chunk);
    if (run) yield numbered(run);
  }
  const rest = cutter.end();
  if (rest) yield numbered(rest);
}

/** The numbered lines of a byte stream, one by one (readLineRuns). */
export async function* readLines(stream: AsyncIterable<Buffer>): AsyncGenerator<{ line: number; text: string }> {
  for await (const run of readLineRuns(stream)) yield* run;
}

/** The numbered lines of a text already read, cut by the same rules (a leading BOM dropped), as one run. */
export async function* lineRunsOfText(text: string): AsyncGenerator<{ line: number; text: string }[]> {
  const lines = withoutBom(text).split(LINE_BREAK);
  if (lines[lines.length - 1] === '') lines.pop(); // the empty string after the last break
  yield lines.map((text, i) => ({ line: i + 1, text }));
}

/** The numbered lines of a text already read, one by one (lineRunsOfText). */
export async function* linesOfText(text: string): AsyncGenerator<{ line: number; text: string }> {
  for await (const run of lineRunsOfText(text)) yield* run;
}

/** A whole file's text (JSON, an artifact) without the byte-order mark some editors write first. */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

// A guard in front of the JSON-RPC reader on stdio. vscode-jsonrpc trusts each message's
// Content-Length: a header announcing 999999999999 bytes makes it wait (and buffer) forever, and
// `parseInt` reads "12abc" as 12 and "-5" as -5. This stream follows the framing itself, passes the
// bytes through unchanged, and fails on a header it cannot trust, so main.ts can say why on stderr
// and exit instead of hanging.

import { Transform, type TransformCallback } from 'node:stream';

/**
 * The largest message body accepted, in bytes: a document may be 10 MB (the file limit of
 * @mql/node-host), and JSON escaping can make its text up to six times longer (`\u001f`), which
 * 64 MiB still holds. The header of one message may not exceed MAX_HEADER_BYTES.
 */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
export const MAX_HEADER_BYTES = 8 * 1024;

export class FramingGuard extends Transform {
  /** Header bytes seen so far (latin1: one character per byte), while between messages. */
  private header = '';
  /** Body bytes still to pass before the next header. */
  private remaining = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const problem = this.scan(chunk);
    if (problem) done(new Error(problem));
    else done(null, chunk);
  }

  /** Follows the framing through `chunk`; returns what is wrong with it, if anything. */
  private scan(chunk: Buffer): string | undefined {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.remaining > 0) {
        const n = Math.min(this.remaining, chunk.length - offset);
        this.remaining -= n;
        offset += n;
        continue;
      }
      const text = this.header + chunk.toString('latin1', offset, Math.min(chunk.length, offset + MAX_HEADER_BYTES + 4));
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) {
        if (text.length > MAX_HEADER_BYTES) return `a message header longer than ${MAX_HEADER_BYTES} bytes`;
        this.header = text;
        return undefined;
      }
      const length = bodyLength(text.slice(0, end));
      if (typeof length === 'string') return length;
      offset += end + 4 - this.header.length;
      this.header = '';
      this.remaining = length;
    }
    return undefined;
  }
}

/** The body length a header announces, or what is wrong with the header. */
function bodyLength(header: string): number | string {
  let value: string | undefined;
  for (const line of header.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) return `a message header line without ':': ${JSON.stringify(line.slice(0, 80))}`;
    if (line.slice(0, colon).trim().toLowerCase() === 'content-length') value = line.slice(colon + 1).trim();
  }
  if (value === undefined) return 'a message header without Content-Length';
  if (!/^\d+$/.test(value)) return `Content-Length ${JSON.stringify(value.slice(0, 80))} is not a number of bytes`;
  const length = Number(value);
  if (length > MAX_MESSAGE_BYTES) return `Content-Length ${value} is above the limit of ${MAX_MESSAGE_BYTES} bytes (64 MiB)`;
  return length;
}

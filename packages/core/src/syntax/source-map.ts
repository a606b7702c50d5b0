// Offsets ↔ line/column for one text. Lines and columns are 1-based for people (CLI, artifact)
// and 0-based for LSP; both count UTF-16 code units, like the spans.

export interface LineColumn {
  line: number;
  column: number;
}

export class LineMap {
  private readonly lineStarts: number[];

  constructor(readonly text: string) {
    this.lineStarts = [0];
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 10) this.lineStarts.push(i + 1);
      else if (ch === 13 && text.charCodeAt(i + 1) !== 10) this.lineStarts.push(i + 1);
    }
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** 0-based line and column of an offset (clamped into the text). */
  position(offset: number): LineColumn {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const line = lastAtOrBefore(this.lineStarts, clamped);
    return { line, column: clamped - this.lineStarts[line]! };
  }

  /** Offset of a 0-based line and column (clamped to the line's end). */
  offset(line: number, column: number): number {
    if (line < 0) return 0;
    if (line >= this.lineStarts.length) return this.text.length;
    const start = this.lineStarts[line]!;
    const end = this.lineEnd(line);
    return Math.min(start + Math.max(0, column), end);
  }

  lineStart(line: number): number {
    return this.lineStarts[Math.max(0, Math.min(line, this.lineStarts.length - 1))]!;
  }

  /** Offset of the end of a line's content, before its line break. */
  lineEnd(line: number): number {
    const next = this.lineStarts[line + 1];
    if (next === undefined) return this.text.length;
    let end = next - 1;
    if (end > 0 && this.text.charCodeAt(end) === 10 && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineEnd(line));
  }
}

/** Index of the first value in an ascending array that is greater than `value` (its length when none is). */
export function firstAbove(sorted: readonly number[], value: number): number {
  return search(sorted, (x) => x > value);
}

/** Index of the first value in an ascending array that is at least `value` (its length when none is). */
export function firstAtLeast(sorted: readonly number[], value: number): number {
  return search(sorted, (x) => x >= value);
}

/** Index of the last value in an ascending array that is at most `value`, or 0 when none is. */
export function lastAtOrBefore(sorted: readonly number[], value: number): number {
  return Math.max(0, firstAbove(sorted, value) - 1);
}

/** Binary search for the first element for which `past` holds (it must hold for all after it). */
function search(sorted: readonly number[], past: (x: number) => boolean): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (past(sorted[mid]!)) high = mid;
    else low = mid + 1;
  }
  return low;
}

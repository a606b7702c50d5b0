// CSV records from numbered lines (lines.ts), accounting for every physical line: each becomes
// part of a record, an invalid row with its own line number, or (when blank) nothing. Spreadsheet
// exports are not always RFC 4180, so the reading is lenient where that cannot change a value and
// strict where it could:
// - The delimiter is `--delimiter`, else the one of `,` `;` tab `|` that occurs most often in the
//   header line (outside quotes); none at all means one column.
// - A cell that starts with `"` is quoted: `""` is a quote, and it may run over line breaks (the
//   record then spans lines; its line is the first). Text after the closing quote is kept
//   (`"a"b` is `ab`). A quote inside an unquoted cell is an ordinary character (`a"b"c@d.e`).
// - A record must have as many cells as the header. When a quoted cell runs over line breaks and
//   the record then has the wrong number of cells, or does not close within MAX_RECORD_LINES lines
//   or before the end of the file, the quote was a stray one: the record's first line is an invalid
//   row saying so, and reading starts again at the next line, so no line is swallowed.
// - A line holding only spaces is skipped, as in JSON lines.
//
// Work per line is bounded: a line is read again only after a stray quote, and the lines read
// again contain no quote (else the quoted cell would have closed there), so they are cheap.

/** A line of the input, numbered from 1. */
export interface NumberedLine {
  line: number;
  text: string;
}

/** A record (from `line` to `lastLine`, more than one line when a quoted cell holds line breaks), or an invalid row. */
export type CsvItem = { kind: 'row'; line: number; lastLine: number; cells: string[] } | { kind: 'bad'; line: number; message: string };

export interface CsvHeader {
  line: number;
  cells: string[];
  delimiter: string;
}

/** The delimiters `--delimiter` accepts, by how they are written on a command line. */
export const DELIMITERS: Record<string, string> = { ',': ',', ';': ';', '|': '|', tab: '\t', '\\t': '\t', '\t': '\t' };

/** How far a quoted cell may run over line breaks before its quote is taken for a stray one. */
export const MAX_RECORD_LINES = 1000;

export function delimiterName(delimiter: string): string {
  return delimiter === '\t' ? 'tab' : `"${delimiter}"`;
}

/** The delimiter of a header line: the candidate that occurs most often outside quotes (`,` on a tie or none). */
export function detectDelimiter(text: string): string {
  const counts = new Map<string, number>([
    [',', 0],
    [';', 0],
    ['\t', 0],
    ['|', 0],
  ]);
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && counts.has(char)) counts.set(char, counts.get(char)! + 1);
  }
  let best = ',';
  for (const [candidate, count] of counts) if (count > counts.get(best)!) best = candidate;
  return best;
}

/** A header that is one column but holds another delimiter: the file is surely separated by that one. */
export function otherDelimiterIn(header: CsvHeader): string | undefined {
  if (header.cells.length !== 1) return undefined;
  const other = detectDelimiter(header.cells[0]!);
  return header.cells[0]!.includes(other) ? other : undefined;
}

type Parsed = { cells: string[]; lines: number } | { unclosed: number };

/**
 * Reads one record from `window[start]` on, within the lines before `window[end]`. `lines` is how
 * many lines it took; `unclosed` says a quoted cell did not close within them (`lines` read).
 */
function parseRecord(window: readonly NumberedLine[], start: number, delimiter: string, end = window.length): Parsed {
  const cells: string[] = [];
  let row = start;
  let text = window[row]!.text;
  let at = 0;
  for (;;) {
    let cell = '';
    if (text[at] === '"') {
      at++;
      for (;;) {
        const quote = text.indexOf('"', at);
        if (quote < 0) {
          cell += text.slice(at);
          if (++row >= end) return { unclosed: row - start };
          cell += '\n';
          text = window[row]!.text;
          at = 0;
          continue;
        }
        cell += text.slice(at, quote);
        if (text[quote + 1] === '"') {
          cell += '"';
          at = quote + 2;
          continue;
        }
        at = quote + 1;
        break;
      }
    }
    const next = text.indexOf(delimiter, at);
    cell += text.slice(at, next < 0 ? text.length : next);
    cells.push(cell);
    if (next < 0) return { cells, lines: row - start + 1 };
    at = next + delimiter.length;
  }
}

/**
 * The header, then every record or invalid row of a CSV file's lines, pushed a run of lines at a
 * time (readLineRuns: the lines of one read of the file), so a run's records are read in one go
 * rather than through an asynchronous step per line and per record, which took more time than
 * parsing the cells on a 2-million-row events file. The header is the first line that is not
 * blank; its cells are trimmed. A record is read once MAX_RECORD_LINES lines after its first one
 * are known (or the input has ended), since a quoted cell may span lines.
 */
export class CsvRecordReader {
  private window: NumberedLine[] = [];
  private head = 0; // the window's first unread line
  private header: CsvHeader | undefined;

  constructor(
    private readonly delimiter: string | undefined,
    private readonly onHeader: (header: CsvHeader) => void,
  ) {}

  /** The items the lines pushed so far decide. */
  push(lines: readonly NumberedLine[]): CsvItem[] {
    for (const line of lines) this.window.push(line);
    return this.read(false);
  }

  /** The items left at the end of the input. */
  end(): CsvItem[] {
    return this.read(true);
  }

  private read(done: boolean): CsvItem[] {
    const items: CsvItem[] = [];
    while (this.head < this.window.length && (done || this.window.length - this.head >= MAX_RECORD_LINES)) this.step(done, items);
    if (this.head > 4096) this.window.splice(0, this.head), (this.head = 0); // drop what was read, now and then
    return items;
  }

  /** Reads the record (or the blank line, the header, the invalid row) at `head`. */
  private step(done: boolean, items: CsvItem[]): void {
    const { window, head } = this;
    const first = window[head]!;
    if (first.text.trim() === '') {
      this.head++;
      return;
    }
    const header = this.header;
    if (header === undefined) {
      const used = this.delimiter ?? detectDelimiter(first.text);
      const parsed = parseRecord([first], 0, used);
      this.header = { line: first.line, delimiter: used, cells: 'cells' in parsed ? parsed.cells.map((c) => c.trim()) : [first.text.trim()] };
      this.onHeader(this.header);
      this.head++;
      return;
    }
    // A record is looked for within MAX_RECORD_LINES lines, however many lines have been pushed.
    const parsed = parseRecord(window, head, header.delimiter, Math.min(window.length, head + MAX_RECORD_LINES));
    if ('cells' in parsed && (parsed.lines === 1 || parsed.cells.length === header.cells.length)) {
      if (parsed.cells.length === header.cells.length) items.push({ kind: 'row', line: first.line, lastLine: window[head + parsed.lines - 1]!.line, cells: parsed.cells });
      else items.push({ kind: 'bad', line: first.line, message: `the row has ${parsed.cells.length} cells, the header ${header.cells.length}${hint(first.text, header)}` });
      this.head += parsed.lines;
      return;
    }
    // A stray quote: this line alone is the invalid row; the lines after it are read on their own.
    const why =
      'cells' in parsed
        ? `it closes on line ${window[head + parsed.lines - 1]!.line}, but the record would have the wrong number of cells`
        : done && head + parsed.unclosed >= window.length
          ? 'it never closes before the end of the file'
          : `it does not close within ${MAX_RECORD_LINES} lines`;
    items.push({ kind: 'bad', line: first.line, message: `unreadable CSV row: a quoted cell starts here and ${why}; the lines after it were read as rows of their own` });
    this.head++;
  }
}

/** CsvRecordReader over runs of lines: the items of each run, as one array. */
export async function* csvRecordRuns(
  runs: AsyncIterable<readonly NumberedLine[]>,
  delimiter: string | undefined,
  onHeader: (header: CsvHeader) => void,
): AsyncGenerator<CsvItem[]> {
  const reader = new CsvRecordReader(delimiter, onHeader);
  for await (const lines of runs) {
    const items = reader.push(lines);
    if (items.length > 0) yield items;
  }
  const rest = reader.end();
  if (rest.length > 0) yield rest;
}

function hint(text: string, header: CsvHeader): string {
  const other = detectDelimiter(text);
  return other !== header.delimiter && text.includes(other) ? ` (is this row separated by ${delimiterName(other)}?)` : '';
}

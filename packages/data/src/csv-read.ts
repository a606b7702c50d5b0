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
 * Reads one record from `window[start]` on. `lines` is how many lines it took; `unclosed` says a
 * quoted cell did not close within the window (`lines` read).
 */
function parseRecord(window: readonly NumberedLine[], start: number, delimiter: string): Parsed {
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
          if (++row >= window.length) return { unclosed: row - start };
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
 * The header, then every record or invalid row of a CSV file's lines. The header is the first line
 * that is not blank; its cells are trimmed.
 */
export async function* csvRecords(
  input: AsyncIterable<NumberedLine>,
  delimiter: string | undefined,
  onHeader: (header: CsvHeader) => void,
): AsyncGenerator<CsvItem> {
  const source = input[Symbol.asyncIterator]();
  let done = false;
  const window: NumberedLine[] = [];
  let head = 0; // the window's first unread line
  const fill = async () => {
    while (!done && window.length - head < MAX_RECORD_LINES) {
      const next = await source.next();
      if (next.done) done = true;
      else window.push(next.value);
    }
    if (head > 4096) window.splice(0, head), (head = 0); // drop what was read, now and then
  };

  let header: CsvHeader | undefined;
  for (;;) {
    await fill();
    if (head >= window.length) return;
    const first = window[head]!;
    if (first.text.trim() === '') {
      head++;
      continue;
    }
    if (header === undefined) {
      const used = delimiter ?? detectDelimiter(first.text);
      const parsed = parseRecord([first], 0, used);
      header = { line: first.line, delimiter: used, cells: 'cells' in parsed ? parsed.cells.map((c) => c.trim()) : [first.text.trim()] };
      onHeader(header);
      head++;
      continue;
    }
    const parsed = parseRecord(window, head, header.delimiter);
    if ('cells' in parsed && (parsed.lines === 1 || parsed.cells.length === header.cells.length)) {
      if (parsed.cells.length === header.cells.length) yield { kind: 'row', line: first.line, lastLine: window[head + parsed.lines - 1]!.line, cells: parsed.cells };
      else yield { kind: 'bad', line: first.line, message: `the row has ${parsed.cells.length} cells, the header ${header.cells.length}${hint(first.text, header)}` };
      head += parsed.lines;
      continue;
    }
    // A stray quote: this line alone is the invalid row; the lines after it are read on their own.
    const why =
      'cells' in parsed
        ? `it closes on line ${window[head + parsed.lines - 1]!.line}, but the record would have the wrong number of cells`
        : done && head + parsed.unclosed >= window.length
          ? 'it never closes before the end of the file'
          : `it does not close within ${MAX_RECORD_LINES} lines`;
    yield { kind: 'bad', line: first.line, message: `unreadable CSV row: a quoted cell starts here and ${why}; the lines after it were read as rows of their own` };
    head++;
  }
}

function hint(text: string, header: CsvHeader): string {
  const other = detectDelimiter(text);
  return other !== header.delimiter && text.includes(other) ? ` (is this row separated by ${delimiterName(other)}?)` : '';
}

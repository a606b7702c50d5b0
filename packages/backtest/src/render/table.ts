// Plain-text tables for the terminal (the backtest report and `mql diff`): columns padded to their
// widest cell, measured before colouring so escape codes never shift the layout.

export interface Cell {
  text: string;
  paint?: (text: string) => string;
}

export type Align = 'left' | 'right';

export function textTable(rows: readonly (readonly (Cell | string)[])[], align: readonly Align[], indent = '  '): string {
  const cells = rows.map((row) => row.map((cell): Cell => (typeof cell === 'string' ? { text: cell } : cell)));
  const widths = align.map((_, i) => Math.max(0, ...cells.map((row) => row[i]?.text.length ?? 0)));
  return cells
    .map((row) => {
      const padded = row.map((cell, i) => {
        const text = align[i] === 'right' ? cell.text.padStart(widths[i]!) : cell.text.padEnd(widths[i]!);
        return cell.paint ? cell.paint(text) : text;
      });
      return `${indent}${padded.join('  ')}`.trimEnd();
    })
    .join('\n');
}

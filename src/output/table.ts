/**
 * Plain text tables for people: columns padded to the widest cell, a bold header when colour is on.
 * Cells may span several columns (section titles, notes). No borders, so output copies cleanly.
 */
import { styleText } from 'node:util';
import { colorEnabled } from './mode.js';

export interface Cell {
  text: string;
  /** Columns this cell covers (default 1). */
  span?: number;
}

export type Row = Array<string | Cell>;

export interface TableOptions {
  /** Header row, rendered bold when colour is enabled. */
  header?: string[];
  /** Force colour on/off (default: `colorEnabled()` for stdout). */
  color?: boolean;
  /** Spaces between columns (default 2). */
  gap?: number;
  /** Leading indent (default 0). */
  indent?: number;
}

const toCell = (c: string | Cell): Required<Cell> =>
  typeof c === 'string' ? { text: c, span: 1 } : { text: c.text, span: Math.max(1, c.span ?? 1) };

/** Visible width of a string (ignores ANSI colour codes). */
export function visibleWidth(s: string): number {
  // eslint-disable-next-line no-control-regex
  return Array.from(s.replace(/\u001b\[[0-9;]*m/g, '')).length;
}

export function renderTable(rows: Row[], opts: TableOptions = {}): string {
  const color = opts.color ?? colorEnabled();
  const gap = opts.gap ?? 2;
  const indent = ' '.repeat(opts.indent ?? 0);
  const all = [
    ...(opts.header ? [opts.header.map((h) => ({ text: h, span: 1 }))] : []),
    ...rows.map((r) => r.map(toCell)),
  ];
  const columns = Math.max(0, ...all.map((r) => r.reduce((n, c) => n + c.span, 0)));
  const widths = new Array<number>(columns).fill(0);
  // Single-column cells decide the widths; spanning cells may overflow their last column.
  for (const row of all) {
    let col = 0;
    for (const cell of row) {
      if (cell.span === 1) widths[col] = Math.max(widths[col], visibleWidth(cell.text));
      col += cell.span;
    }
  }
  const renderRow = (row: Required<Cell>[]) => {
    let col = 0;
    const parts = row.map((cell, i) => {
      const width = widths.slice(col, col + cell.span).reduce((a, b) => a + b, 0) + gap * (cell.span - 1);
      col += cell.span;
      const last = i === row.length - 1;
      return last ? cell.text : cell.text + ' '.repeat(Math.max(0, width - visibleWidth(cell.text)));
    });
    return (indent + parts.join(' '.repeat(gap))).trimEnd();
  };
  const lines: string[] = [];
  if (opts.header) lines.push(bold(renderRow(all[0]), color));
  for (const row of all.slice(opts.header ? 1 : 0)) lines.push(renderRow(row));
  return lines.join('\n') + '\n';
}

/** `key  value` pairs, aligned. */
export function renderKeyValues(pairs: Array<[string, string]>, opts: Omit<TableOptions, 'header'> = {}): string {
  return renderTable(
    pairs.map(([k, v]) => [k, v]),
    opts,
  );
}

/** A bold section title when colour is on. */
export function heading(text: string, color: boolean = colorEnabled()): string {
  return bold(text, color);
}

/**
 * Bold for one line of text, as chalk renders it (chalk's import runs its own colour detection at start-up, which
 * `colorEnabled()` has already done; Node's styleText does not).
 */
function bold(text: string, color: boolean): string {
  return color && text !== '' ? styleText('bold', text, { validateStream: false }) : text;
}

import { csvLine } from './contact-export.csv.ts';

/** A report as a table: what `format=csv` writes. */
export interface CsvTable {
  columns: string[];
  rows: Array<Array<string | number | boolean | null | undefined>>;
}

/**
 * A cell as text. Names written by people (broadcast titles, channel names, skip reasons) may start with `=`, `+`, `-` or
 * `@`, which a spreadsheet would run as a formula: those get a leading apostrophe (OWASP's CSV injection advice).
 * Numbers are written plainly with a dot, so every locale's spreadsheet import can be told the format once.
 */
export function reportCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** The whole CSV text: a header line, then one line per row (comma-separated, RFC 4180 quoting, UTF-8). */
export function toCsv(table: CsvTable): string {
  return csvLine(table.columns, ',') + table.rows.map((row) => csvLine(row.map(reportCell), ',')).join('');
}

/** CSV import state on the client: how many rows a file holds, and how far its import has come. */

export interface ImportStatus {
  status: 'uploading' | 'queued' | 'running' | 'completed' | 'failed';
  processedRows: number;
  rejectedRows: number;
}

/**
 * Data rows of a CSV text: records after the header, counting line breaks outside quotes (a quoted cell may hold
 * one) and ignoring blank lines. The API does not know the total before parsing, so the page counts it itself.
 */
export function countCsvRows(text: string): number {
  let rows = 0;
  let quoted = false;
  let content = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    if (!quoted && (ch === '\n' || ch === '\r')) {
      if (content) rows += 1;
      content = false;
      if (ch === '\r' && text[i + 1] === '\n') i += 1;
    } else if (ch !== ' ' && ch !== '\t' && ch !== '\ufeff') content = true;
  }
  if (content) rows += 1;
  return Math.max(0, rows - 1);
}

/** Whether the import is still going (the page keeps asking for its state). */
export function importActive(imp: ImportStatus | undefined): boolean {
  return (
    imp !== undefined && (imp.status === 'uploading' || imp.status === 'queued' || imp.status === 'running')
  );
}

/**
 * Percent done: processed rows over the rows counted in the file, never 100 before the server says completed (the
 * count is an estimate) and always 100 once it does.
 */
export function importPercent(imp: ImportStatus | undefined, expectedRows: number | null): number {
  if (!imp) return 0;
  if (imp.status === 'completed') return 100;
  if (!expectedRows || expectedRows <= 0) return 0;
  return Math.min(99, Math.floor((imp.processedRows / expectedRows) * 100));
}

import type { Contact } from '../db/schema.ts';
import { CONTACT_COLUMNS } from './contact-import.rows.ts';

/** Pure CSV writing for the contact export: the same columns the import reads, so an export re-imports as is. */

/** Quotes a cell when it holds the delimiter, a quote or a line break (RFC 4180). */
export function csvCell(value: string, delimiter: string): string {
  if (value === '') return value;
  const needsQuotes =
    value.includes(delimiter) || value.includes('"') || value.includes('\n') || value.includes('\r');
  return needsQuotes ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One CSV line (CRLF-free: `\n`, which every spreadsheet and our import read). */
export function csvLine(cells: string[], delimiter: string): string {
  return `${cells.map((c) => csvCell(c, delimiter)).join(delimiter)}\n`;
}

/** The export's columns: contact columns (telegram_id only when a channel is chosen), then `attr.<key>`. */
export function exportColumns(attributeKeys: string[], withTelegram: boolean): string[] {
  return [
    ...CONTACT_COLUMNS.filter((c) => withTelegram || c !== 'telegram_id'),
    ...attributeKeys.map((k) => `attr.${k}`),
  ];
}

/** Attribute values as the import will read them back; nested values are written as JSON (they come back as strings). */
export function attributeCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** One contact → its cells in `exportColumns` order. */
export function contactCells(
  c: Contact,
  attributeKeys: string[],
  telegramId: string | null | undefined,
  withTelegram: boolean,
): string[] {
  const cells = [
    c.externalId ?? '',
    c.name ?? '',
    c.firstName ?? '',
    c.lastName ?? '',
    c.username ?? '',
    c.phone ?? '',
    c.email ?? '',
    c.language ?? '',
    c.timezone ?? '',
    c.birthday ?? '',
    c.tags.join('|'),
  ];
  if (withTelegram) cells.push(telegramId ?? '');
  const attrs = c.attributes ?? {};
  for (const k of attributeKeys) cells.push(attributeCell(attrs[k]));
  return cells;
}

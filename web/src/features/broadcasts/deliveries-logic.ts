/** Recipient statuses the table filters by (docs/api.md, "deliveries"). */
export const DELIVERY_STATUSES = [
  'pending',
  'sending',
  'sent',
  'failed',
  'blocked',
  'skipped',
  'unknown',
  'cancelled',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Turns one status on or off in the filter, keeping the API's order (so the query key is stable). */
export function toggleStatus(selected: DeliveryStatus[], status: DeliveryStatus): DeliveryStatus[] {
  const next = new Set(selected);
  if (next.has(status)) next.delete(status);
  else next.add(status);
  return DELIVERY_STATUSES.filter((s) => next.has(s));
}

/**
 * The CSV export's address: the filter does not apply (the export is every recipient). Russian Excel opens files
 * separated by ";" with a byte-order mark correctly, and garbles the others, so a Russian user gets those.
 */
export function deliveriesCsvUrl(id: string, locale: 'ru' | 'en'): string {
  const base = `/api/v1/broadcasts/${encodeURIComponent(id)}/deliveries.csv`;
  return locale === 'ru' ? `${base}?delimiter=%3B&bom=true` : base;
}

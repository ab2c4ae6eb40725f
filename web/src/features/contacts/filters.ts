/** The contacts table's filters, their URL form (so a reload or a shared link keeps them), and the API's query. */
export interface ContactFilter {
  q: string;
  tags: string[];
  language: string;
  /** '' = any. */
  subscribed: '' | 'true' | 'false';
  channelId: string;
}

export const EMPTY_FILTER: ContactFilter = { q: '', tags: [], language: '', subscribed: '', channelId: '' };

/** Tags as a person types them: split on commas, trimmed, lowercased (the API stores them so), without repeats. */
export function parseTags(text: string): string[] {
  const tags = text
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
  return [...new Set(tags)];
}

/** The list/export query string of a filter: only what is set, `tag` repeated (all must match). */
export function filterQuery(
  filter: ContactFilter,
  extra: Record<string, string | number | undefined> = {},
): string {
  const q = new URLSearchParams();
  if (filter.q.trim()) q.set('q', filter.q.trim());
  for (const tag of filter.tags) q.append('tag', tag);
  if (filter.language.trim()) q.set('language', filter.language.trim());
  if (filter.subscribed) q.set('subscribed', filter.subscribed);
  if (filter.channelId) q.set('channelId', filter.channelId);
  for (const [k, v] of Object.entries(extra)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** The body `filter` of POST /contacts/bulk for "everyone matching": the same fields in their JSON types. */
export function bulkFilter(filter: ContactFilter): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (filter.q.trim()) body.q = filter.q.trim();
  if (filter.tags.length) body.tag = filter.tags;
  if (filter.language.trim()) body.language = filter.language.trim();
  if (filter.subscribed) body.subscribed = filter.subscribed === 'true';
  if (filter.channelId) body.channelId = filter.channelId;
  return body;
}

/** A filter read back from the page's URL (unknown values fall back to "any"). */
export function filterFromSearch(search: URLSearchParams): ContactFilter {
  const subscribed = search.get('subscribed');
  return {
    q: search.get('q') ?? '',
    tags: search.getAll('tag'),
    language: search.get('language') ?? '',
    subscribed: subscribed === 'true' || subscribed === 'false' ? subscribed : '',
    channelId: search.get('channelId') ?? '',
  };
}

/** Whether any filter is set (an empty filter in a bulk action means every contact: the UI asks twice). */
export function isFiltered(filter: ContactFilter): boolean {
  return Object.keys(bulkFilter(filter)).length > 0;
}

/**
 * A custom attribute value as typed, read the way CSV import reads `attr.*` cells: a plain decimal number becomes a
 * number (but not `007` or `+7…`, which stay text), `true`/`false` booleans, anything else text.
 */
export function parseAttributeValue(text: string): string | number | boolean {
  const v = text.trim();
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^-?(0|[1-9]\d*)(\.\d+)?$/.test(v)) return Number(v);
  return text;
}

/** An attribute value shown in an input: text as is, anything else as JSON. */
export function attributeText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

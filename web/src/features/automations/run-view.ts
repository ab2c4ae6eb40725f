/** How run logs and dry-run details are shown: flat name → text pairs, whatever shape the server's detail has. */

/** `{text: "Hi", until: "…", tags: ["a"]}` → [["text", "Hi"], ["until", "…"], ["tags", "a, b"]]; nested objects as JSON. */
export function factsOf(detail: unknown): Array<[string, string]> {
  if (detail === null || detail === undefined) return [];
  if (typeof detail !== 'object') return [['', String(detail)]];
  if (Array.isArray(detail)) return [['', detail.map(show).join(', ')]];
  return Object.entries(detail as Record<string, unknown>)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => [k, show(v)]);
}

function show(v: unknown): string {
  if (v === null) return '—';
  if (Array.isArray(v) && v.every((x) => typeof x !== 'object' || x === null))
    return v.map(String).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Small conversions between typed inputs (strings) and API values, shared by the rule and action forms. */

let counter = 0;
/** A key for list items, so React keeps inputs in place while rows move. */
export function draftKey(): string {
  counter += 1;
  return `k${counter}`;
}

/** A number typed into a field: the number, or the text itself when it is not one (the API then names the field). */
export function numberOrText(text: string): number | string {
  const t = text.trim();
  if (t === '') return t;
  const n = Number(t.replace(',', '.'));
  return Number.isFinite(n) ? n : t;
}

/** "a, b,,c" → ["a", "b", "c"]. */
export function splitList(s: string): string[] {
  return s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
}

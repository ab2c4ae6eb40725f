/**
 * A number input's text for the API: empty is null (no limit, the default); otherwise the number as typed. A fraction
 * stays a fraction, so the API's "must be an integer" names the field instead of the form rounding behind the user's back.
 */
export function optionalInt(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : null;
}

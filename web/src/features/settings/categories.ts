/** What conversation_categories accepts per name (docs/api.md "Settings"): letters, digits, "_" and "-", up to 50. */
const NAME = /^[\p{L}\p{N}_-]{1,50}$/u;
export const MAX_CATEGORIES = 50;

export type CategoryProblem = 'invalid' | 'duplicate' | 'tooMany';

/** A typed name as the API would store it: trimmed, inner spaces as "_" (so "late delivery" works). */
export function normalizeCategory(name: string): string {
  return name.trim().replace(/\s+/g, '_');
}

/** The list with a name added, or why it cannot be. */
export function addCategory(
  list: readonly string[],
  name: string,
): { list: string[] } | { problem: CategoryProblem } {
  const value = normalizeCategory(name);
  if (!NAME.test(value)) return { problem: 'invalid' };
  if (list.some((c) => c.toLowerCase() === value.toLowerCase())) return { problem: 'duplicate' };
  if (list.length >= MAX_CATEGORIES) return { problem: 'tooMany' };
  return { list: [...list, value] };
}

/** Moves a category one step up or down (the inbox lists them in this order). */
export function moveCategory(list: readonly string[], index: number, delta: -1 | 1): string[] {
  const to = index + delta;
  if (to < 0 || to >= list.length) return [...list];
  const out = [...list];
  [out[index], out[to]] = [out[to]!, out[index]!];
  return out;
}

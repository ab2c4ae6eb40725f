/**
 * How a `q` substring search uses the trigram index on contacts.search_text.
 *
 * GIN intersects the posting lists of every trigram of the pattern, and trigrams such as "exa", "com" or the
 * "+79" of every Russian mobile occur in nearly every row: at a million contacts `%user512345@example.com%`
 * costs ~100 ms in the index alone. Searching the index for the most selective word only (a word with digits,
 * or the tail of a long number) and checking the full text with strpos on the few rows found gives the same
 * rows in a few ms (bench/contacts.ts).
 */

/** The LIKE pattern for the index and, when it is narrower than the needle, the full needle to check after. */
export interface SearchPlan {
  /** `%…%` pattern, LIKE wildcards escaped. */
  pattern: string;
  /** The whole lowercase needle for strpos, or null when the pattern already is the whole needle. */
  exact: string | null;
}

const MIN_CORE = 5;
// The last digits of a long number are what tells numbers apart; their first ones (country, operator) rarely do.
const NUMBER_TAIL = 7;

/** Plans the search for a `q` value (case-insensitive substring). */
export function searchPlan(q: string): SearchPlan {
  const needle = q.toLowerCase();
  const core = selectiveCore(needle);
  const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
  if (core === null || core === needle) return { pattern: `%${escapeLike(needle)}%`, exact: null };
  return { pattern: `%${escapeLike(core)}%`, exact: needle };
}

/** The longest word with a digit (pg_trgm's words: runs of letters and digits), shortened to the tail if all digits. */
function selectiveCore(needle: string): string | null {
  const words = needle.match(/[\p{L}\p{N}]+/gu) ?? [];
  let best: string | null = null;
  for (const w of words) {
    if (!/\d/.test(w)) continue;
    const word = /^\d+$/.test(w) && w.length > NUMBER_TAIL ? w.slice(-NUMBER_TAIL) : w;
    if (word.length >= MIN_CORE && (best === null || word.length > best.length)) best = word;
  }
  return best;
}

/**
 * The canned-response lookup the composer shows: the text is a slash and a short code being typed (`/than`),
 * nothing else. Returns the prefix to look up, or null when the text is not such a command.
 */
export function cannedPrefix(text: string): string | null {
  const m = /^\/([\w-]{0,50})$/.exec(text);
  return m ? m[1]! : null;
}

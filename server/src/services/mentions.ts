/**
 * @mentions in private notes. Two forms:
 * - markup `@[Display Name](<user uuid>)`, what a UI inserts from its user picker (like Chatwoot's mention markup): exact,
 *   survives renames and duplicate names;
 * - shorthand `@local-part`, the part of a team member's email before `@` (`@anna` for anna@example.com), for API clients
 *   and people typing by hand; matched case-insensitively, and ignored when it matches no one or several users.
 */

export interface MentionRefs {
  userIds: string[];
  handles: string[];
}

const MARKUP = /@\[([^\]\n]{1,200})\]\(([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\)/gi;
// Not after a word character or a dot (emails like anna@example.com are not mentions), not part of markup (`@[`).
const HANDLE = /(?<![\w.@])@([a-z0-9][a-z0-9._+-]{0,63})/gi;

/** The users a note mentions, deduplicated, in order of first appearance. */
export function parseMentions(text: string): MentionRefs {
  const userIds: string[] = [];
  for (const m of text.matchAll(MARKUP)) {
    const id = m[2]!.toLowerCase();
    if (!userIds.includes(id)) userIds.push(id);
  }
  const rest = text.replace(MARKUP, ' ');
  const handles: string[] = [];
  for (const m of rest.matchAll(HANDLE)) {
    const handle = m[1]!.replace(/[._+-]+$/, '').toLowerCase();
    if (handle && !handles.includes(handle)) handles.push(handle);
  }
  return { userIds, handles };
}

/** The email local part a shorthand mention is matched against. */
export function handleOf(email: string): string {
  return email.split('@')[0]!.toLowerCase();
}

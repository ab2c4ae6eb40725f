/** The name a person is known by: name, else first and last name, else @username, else null. */
export function contactDisplayName(c: {
  name: string | null;
  firstName: string | null;
  lastName: string | null;
  username: string | null;
}): string | null {
  return (
    c.name || [c.firstName, c.lastName].filter(Boolean).join(' ') || (c.username ? `@${c.username}` : null)
  );
}

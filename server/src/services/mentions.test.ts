import { describe, expect, it } from 'vitest';
import { handleOf, parseMentions } from './mentions.ts';

const A = '11111111-2222-4333-8444-555555555555';
const B = '66666666-7777-4888-9999-aaaaaaaaaaaa';

describe('parseMentions', () => {
  it('reads markup mentions by user id, deduplicated, keeping order', () => {
    expect(
      parseMentions(`@[Anna Petrova](${A}) please check with @[Boris](${B}) and @[Anna](${A.toUpperCase()})`),
    ).toEqual({
      userIds: [A, B],
      handles: [],
    });
  });

  it('reads @local-part handles, not emails, and not trailing punctuation', () => {
    expect(parseMentions('@anna.k, ask @Boris. Mail is anna@example.com; cc @ops-team!')).toEqual({
      userIds: [],
      handles: ['anna.k', 'boris', 'ops-team'],
    });
  });

  it('does not read the name inside markup as a handle, and ignores a lone @', () => {
    expect(parseMentions(`@[@anna](${A}) @ hello`)).toEqual({ userIds: [A], handles: [] });
  });

  it('ignores markup without a valid uuid', () => {
    expect(parseMentions('@[Anna](not-a-uuid)').userIds).toEqual([]);
  });

  it('takes the handle from an email', () => {
    expect(handleOf('Anna.K@Example.com')).toBe('anna.k');
  });
});

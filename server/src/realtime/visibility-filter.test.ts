import { describe, expect, it } from 'vitest';
import { type ConversationScope, conversationIdOf, type Viewer } from './conversation-scope.ts';
import type { RealtimeMessage } from './event-map.ts';
import { VisibilityFilter } from './visibility-filter.ts';

const agent = (channels: string[] = [], teams: string[] = []): Viewer => ({
  seesAll: false,
  userId: 'me',
  membership: { channelIds: new Set(channels), teamIds: new Set(teams) },
});
const scope = (s: Partial<ConversationScope> = {}): ConversationScope => ({
  id: 'c1',
  channelId: 'ch1',
  assigneeId: null,
  teamId: null,
  ...s,
});
const msg = (event: RealtimeMessage['event'], s: ConversationScope | null, room = 'conversations') =>
  ({ room, event, data: {}, scope: s }) as RealtimeMessage;

describe('VisibilityFilter', () => {
  it('applies the agent rule: own, team, unassigned in a member channel', () => {
    const f = new VisibilityFilter();
    const allows = (v: Viewer, s: ConversationScope) => f.allows(v, f.scopesOf(msg('message.created', s)));
    expect(allows(agent(), scope({ assigneeId: 'me', id: 'a' }))).toBe(true);
    expect(allows(agent([], ['t1']), scope({ teamId: 't1', assigneeId: 'other', id: 'b' }))).toBe(true);
    expect(allows(agent(['ch1']), scope({ id: 'c' }))).toBe(true);
    expect(allows(agent(['ch1']), scope({ assigneeId: 'other', id: 'd' }))).toBe(false);
    expect(allows(agent(['ch2'], ['t2']), scope({ teamId: 't1', id: 'e' }))).toBe(false);
    // Memberships not loaded yet: only what is assigned to the agent.
    expect(allows({ seesAll: false, userId: 'me', membership: null }, scope({ id: 'f' }))).toBe(false);
    expect(allows({ seesAll: true, userId: 'x', membership: null }, scope({ id: 'g' }))).toBe(true);
  });

  it('lets everyone in other rooms, and only see-all viewers for a scopeless conversation event', () => {
    const f = new VisibilityFilter();
    expect(f.allows(agent(), f.scopesOf(msg('contact.created', null, 'contacts')))).toBe(true);
    expect(f.allows(agent(['ch1']), f.scopesOf(msg('message.created', null)))).toBe(false);
    expect(
      f.allows({ seesAll: true, userId: 'x', membership: null }, f.scopesOf(msg('message.created', null))),
    ).toBe(true);
  });

  it('delivers the conversation event that takes a conversation away to its previous audience, not later ones', () => {
    const f = new VisibilityFilter();
    const member = agent(['ch1']);
    expect(f.allows(member, f.scopesOf(msg('conversation.created', scope())))).toBe(true);
    const taken = scope({ assigneeId: 'other' });
    expect(f.allows(member, f.scopesOf(msg('conversation.updated', taken)))).toBe(true);
    expect(f.allows(member, f.scopesOf(msg('message.created', taken)))).toBe(false);
    expect(f.allows(member, f.scopesOf(msg('conversation.updated', taken)))).toBe(false);
  });
});

describe('conversationIdOf', () => {
  it('finds the conversation of each event shape, uuids only', () => {
    const id = '0b7c2a8e-4f7a-4b8e-9c1d-2e3f4a5b6c7d';
    expect(conversationIdOf({ conversationId: id, message: {} })).toBe(id);
    expect(conversationIdOf({ conversation: { id } })).toBe(id);
    expect(conversationIdOf({ id: 'x', mergedInto: id })).toBe(id);
    expect(conversationIdOf({ conversationId: "x'; drop table" })).toBeNull();
    expect(conversationIdOf(null)).toBeNull();
  });
});

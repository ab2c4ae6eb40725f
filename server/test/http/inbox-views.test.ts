import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Conversation } from '../../src/db/schema.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import { addMessage, joinChannel, makeChannel, makeConversation, makeTeam } from './inbox.helpers.ts';

/** GET /conversations (visibility, filters, search, sorts, unread counts, catch-up) and GET /conversations/counts. */

// biome-ignore lint/suspicious/noExplicitAny: API bodies are free-form JSON here
type Json = Record<string, any>;

let app: TestApp;
let admin: { id: string; token: string };
let agent: { id: string; token: string };
let teammate: { id: string; token: string };
let marketing: string;
let readonlyKey: string;
let agentKey: string;
let mine: string;
let other: string;
let team: string;

/** Every fixture conversation by name. */
const c: Record<string, Conversation> = {};

const get = (url: string, token = admin.token) =>
  app.http!.inject({ method: 'GET', url, headers: bearer(token) });
const ids = async (url: string, token = admin.token): Promise<string[]> => {
  const res = await get(url, token);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data.map((x: Json) => x.id);
};
const names = (list: string[]) =>
  list.map((id) => Object.entries(c).find(([, v]) => v.id === id)?.[0] ?? 'foreign').sort();
/** Only the fixtures of this file (the channel filter keeps other rows out). */
const inMine = (q = '') => `/api/v1/conversations?channelId=${mine}&limit=100${q}`;

const user = async (role: 'admin' | 'agent') => {
  const u = await app.userWithRole(role);
  return { id: u.user.id, token: u.token };
};

beforeAll(async () => {
  app = await startTestApp({ role: 'api' });
  admin = await user('admin');
  agent = await user('agent');
  teammate = await user('agent');
  marketing = (await app.userWithRole('marketing')).token;
  readonlyKey = await app.apiKeyWithRole('readonly');
  agentKey = await app.apiKeyWithRole('agent');
  mine = await makeChannel(app, 'Mine');
  other = await makeChannel(app, 'Other');
  await joinChannel(app, mine, agent.id);
  team = await makeTeam(app, 'Tier 2', [agent.id]);
  const t0 = Date.now() - 10 * 3_600_000;
  const at = (h: number) => new Date(t0 + h * 3_600_000);

  // In the agent's channel.
  c.unassigned = await makeConversation(app, mine, {
    contact: { name: 'Ольга Смирнова', username: 'olga_s' },
    set: { lastActivityAt: at(5), waitingSince: at(1), priority: 'high', labels: ['VIP'] },
  });
  c.toAgent = await makeConversation(app, mine, {
    set: { assigneeId: agent.id, lastActivityAt: at(6), waitingSince: at(3), category: 'payment' },
  });
  c.toTeammate = await makeConversation(app, mine, {
    set: { assigneeId: teammate.id, lastActivityAt: at(4), waitingSince: at(2) },
  });
  c.resolved = await makeConversation(app, mine, { set: { status: 'resolved', lastActivityAt: at(2) } });
  c.snoozed = await makeConversation(app, mine, {
    set: { status: 'snoozed', snoozedUntil: at(20), lastActivityAt: at(3) },
  });
  // In a channel the agent is not a member of.
  c.otherUnassigned = await makeConversation(app, other, { set: { lastActivityAt: at(7) } });
  c.otherToTeam = await makeConversation(app, other, {
    set: { teamId: team, assigneeId: teammate.id, lastActivityAt: at(8) },
  });
  c.otherToAgent = await makeConversation(app, other, {
    set: { assigneeId: agent.id, lastActivityAt: at(9) },
  });

  await addMessage(app, c.unassigned.id, 'Где мой заказ? Оплатил вчера', { at: at(1) });
  await addMessage(app, c.unassigned.id, 'Ответ оператора', { type: 'outgoing', at: at(1.5) });
  await addMessage(app, c.unassigned.id, 'Спасибо', { at: at(4) });
  await addMessage(app, c.toAgent.id, 'The payment failed twice', { at: at(3) });
  await addMessage(app, c.toTeammate.id, 'hello there', { at: at(2) });
});
afterAll(async () => {
  await app?.stop();
});

describe('visibility', () => {
  it('shows admins, marketing and API keys everything', async () => {
    const all = ['resolved', 'snoozed', 'toAgent', 'toTeammate', 'unassigned'];
    expect(names(await ids(inMine()))).toEqual(all);
    expect(names(await ids(inMine(), marketing))).toEqual(all);
    expect(names(await ids(inMine(), readonlyKey))).toEqual(all);
    expect(names(await ids(inMine(), agentKey))).toEqual(all);
  });

  it('shows an agent what is assigned to them or their teams, and unassigned ones of their channels', async () => {
    expect(names(await ids('/api/v1/conversations?limit=100', agent.token))).toEqual([
      'otherToAgent',
      'otherToTeam',
      'resolved',
      'snoozed',
      'toAgent',
      'unassigned',
    ]);
    // Assigned to another agent, in a channel they are not in, with no team of theirs: nothing.
    expect(names(await ids('/api/v1/conversations?limit=100', teammate.token))).toEqual([
      'otherToTeam',
      'toTeammate',
    ]);
    expect((await get(`/api/v1/conversations/${c.toTeammate!.id}`, agent.token)).statusCode).toBe(404);
    expect((await get(`/api/v1/conversations/${c.otherToTeam!.id}`, agent.token)).statusCode).toBe(200);
    expect(
      (await get(`/api/v1/conversations/${c.otherUnassigned!.id}/messages`, agent.token)).statusCode,
    ).toBe(404);
  });
});

describe('filters, search and sorts', () => {
  it('filters by status, assignee (me, none, id), team, label, priority and category', async () => {
    expect(names(await ids(inMine('&status=snoozed')))).toEqual(['snoozed']);
    expect(names(await ids('/api/v1/conversations?assignee=me', agent.token))).toEqual([
      'otherToAgent',
      'toAgent',
    ]);
    expect(names(await ids(inMine('&assignee=none')))).toEqual(['resolved', 'snoozed', 'unassigned']);
    expect(names(await ids(inMine(`&assignee=${teammate.id}`)))).toEqual(['toTeammate']);
    expect(names(await ids(`/api/v1/conversations?teamId=${team}`))).toEqual(['otherToTeam']);
    expect(names(await ids(inMine('&label=VIP')))).toEqual(['unassigned']);
    expect(names(await ids(inMine('&priority=high')))).toEqual(['unassigned']);
    expect(names(await ids(inMine('&category=payment')))).toEqual(['toAgent']);
    expect((await get(inMine('&assignee=someone'))).statusCode).toBe(400);
    expect((await get(inMine('&priority=critical'))).statusCode).toBe(400);
  });

  it('searches messages with Russian and English stemming, and contact names', async () => {
    expect(names(await ids(inMine(`&q=${encodeURIComponent('заказы')}`)))).toEqual(['unassigned']);
    expect(names(await ids(inMine(`&q=${encodeURIComponent('оплатила')}`)))).toEqual(['unassigned']);
    expect(names(await ids(inMine('&q=payments')))).toEqual(['toAgent']);
    expect(names(await ids(inMine(`&q=${encodeURIComponent('смирнов')}`)))).toEqual(['unassigned']);
    expect(names(await ids(inMine('&q=olga_')))).toEqual(['unassigned']);
    expect(await ids(inMine('&q=nothingmatches'))).toEqual([]);
    // websearch syntax never errors: quotes, minus and stray operators are fine.
    expect((await get(inMine(`&q=${encodeURIComponent('"где мой" -x & | !')}`))).statusCode).toBe(200);
  });

  it('sorts by last activity (default) or by waiting time, oldest first and nobody waiting last', async () => {
    expect(names((await ids(inMine())).slice(0, 3))).toEqual(['toAgent', 'toTeammate', 'unassigned']);
    const byActivity = await ids(inMine());
    expect(byActivity.slice(0, 3)).toEqual([c.toAgent!.id, c.unassigned!.id, c.toTeammate!.id]);
    const byWaiting = await ids(inMine('&sort=waiting'));
    expect(byWaiting.slice(0, 3)).toEqual([c.unassigned!.id, c.toTeammate!.id, c.toAgent!.id]);
  });

  it('pages with a cursor in either sort without repeating or skipping', async () => {
    for (const sort of ['activity', 'waiting']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await get(
          inMine(`&sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ''}`).replace('&limit=100', ''),
        );
        const body = res.json();
        seen.push(...body.data.map((x: Json) => x.id));
        cursor = body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(await ids(inMine(`&sort=${sort}`)));
    }
    const first = (await get(inMine('&limit=2').replace('&limit=100', ''))).json();
    // A cursor of one sort is refused in the other.
    expect((await get(inMine(`&sort=waiting&cursor=${first.nextCursor}`))).statusCode).toBe(400);
  });

  it('lists what changed after updatedSince in change order (reconnect catch-up)', async () => {
    const since = new Date();
    await new Promise((r) => setTimeout(r, 5));
    await app.http!.inject({
      method: 'PATCH',
      url: `/api/v1/conversations/${c.toTeammate!.id}`,
      headers: bearer(admin.token),
      payload: { priority: 'low' },
    });
    await app.http!.inject({
      method: 'PATCH',
      url: `/api/v1/conversations/${c.resolved!.id}`,
      headers: bearer(admin.token),
      payload: { labels: [], category: 'content' },
    });
    const list = await ids(inMine(`&updatedSince=${since.toISOString()}`));
    expect(list).toEqual([c.toTeammate!.id, c.resolved!.id]);
    expect(await ids(inMine(`&updatedSince=${since.toISOString()}`), agent.token)).toEqual([c.resolved!.id]);
  });
});

describe('unread counts and totals', () => {
  it('counts incoming messages after the caller’s read mark, per user', async () => {
    const item = async (token: string, id: string) =>
      (await get(inMine(), token)).json().data.find((x: Json) => x.id === id);
    expect(await item(agent.token, c.unassigned!.id)).toMatchObject({
      unreadCount: 2,
      agentLastSeenAt: null,
    });
    const read = await app.http!.inject({
      method: 'POST',
      url: `/api/v1/conversations/${c.unassigned!.id}/read`,
      headers: bearer(agent.token),
    });
    expect(read.statusCode).toBe(200);
    const after = await item(agent.token, c.unassigned!.id);
    expect(after.unreadCount).toBe(0);
    expect(after.agentLastSeenAt).toBe(read.json().lastSeenAt);
    // Another user's count is their own.
    expect((await item(admin.token, c.unassigned!.id)).unreadCount).toBe(2);
    await addMessage(app, c.unassigned!.id, 'ещё вопрос', { at: new Date(Date.now() + 1000) });
    await addMessage(app, c.unassigned!.id, 'note', { type: 'note', at: new Date(Date.now() + 1000) });
    expect((await item(agent.token, c.unassigned!.id)).unreadCount).toBe(1);
  });

  it('totals per view for the caller: mine, unassigned, all (open and pending), and per status', async () => {
    const counts = (token: string) => get('/api/v1/conversations/counts', token).then((r) => r.json());
    expect(await counts(agent.token)).toEqual({
      mine: 2,
      unassigned: 1,
      all: 4,
      byStatus: { open: 4, pending: 0, snoozed: 1, resolved: 1 },
    });
    expect(await counts(teammate.token)).toEqual({
      mine: 2,
      unassigned: 0,
      all: 2,
      byStatus: { open: 2, pending: 0, snoozed: 0, resolved: 0 },
    });
    const all = await counts(admin.token);
    expect(all.all).toBeGreaterThanOrEqual(6);
    expect(all.mine).toBe(0);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../src/services/context.ts';
import { FakeTelegram } from './fakes/telegram/index.ts';
import { inboxWorld } from './inbox-world.ts';
import { type Msg, TestSocket } from './realtime-client.ts';
import { bearer, startTestApp, type TestApp } from './support/test-app.ts';
import { connectBot, newBot, textUpdate, tgUser } from './telegram/receiving.helpers.ts';

/** Conversation events reach each socket by the visibility rule; personal rooms; catch-up after a reconnect. */

let app: TestApp;
let world: ReturnType<typeof inboxWorld>;
const sockets: TestSocket[] = [];

let tg: FakeTelegram;

beforeAll(async () => {
  tg = await FakeTelegram.start();
  app = await startTestApp({ env: { TELEGRAM_API_ROOT: tg.apiRoot } });
  world = inboxWorld(app);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await app?.stop();
  await tg?.stop();
});

async function listener(token: string, room = 'conversations'): Promise<TestSocket> {
  const s = await TestSocket.open(app.address!, token);
  sockets.push(s);
  await s.waitForType('ready');
  expect(await s.join(room)).toEqual({ type: 'joined', room });
  return s;
}

/** Conversation ids of the conversation/message events a socket got. */
async function seen(s: TestSocket): Promise<Set<string>> {
  await s.flush();
  const ids = s.messages
    .filter((m) => m.type === 'event')
    .map((m) => {
      const d = m.data as { conversationId?: string; conversation?: { id: string } };
      return d.conversationId ?? d.conversation?.id;
    });
  return new Set(ids as string[]);
}

describe('conversation events by visibility', () => {
  it('delivers to each role what it may see, and nothing else', async () => {
    const channelA = await world.channel('A');
    const channelB = await world.channel('B');
    const memberOfA = await app.userWithRole('agent');
    const inTeam = await app.userWithRole('agent');
    const assignee = await app.userWithRole('agent');
    const nobody = await app.userWithRole('agent');
    await world.channelMember(channelA, memberOfA.user.id);
    const team = await world.team([inTeam.user.id]);

    const socket = {
      memberOfA: await listener(memberOfA.token),
      inTeam: await listener(inTeam.token),
      assignee: await listener(assignee.token),
      nobody: await listener(nobody.token),
      admin: await listener((await app.userWithRole('admin')).token),
      readonly: await listener((await app.userWithRole('readonly')).token),
      marketing: await listener((await app.userWithRole('marketing')).token),
      agentKey: await listener(await app.apiKeyWithRole('agent')),
    };

    const unassignedInA = await world.conversation(channelA);
    const assignedInB = await world.conversation(channelB, { assigneeId: assignee.user.id });
    const teamInB = await world.conversation(channelB, { teamId: team });
    const unassignedInB = await world.conversation(channelB);
    // Assigned to someone else in a channel memberOfA works: no longer in memberOfA's share.
    const takenInA = await world.conversation(channelA, { assigneeId: assignee.user.id });
    for (const c of [unassignedInA, assignedInB, teamInB, unassignedInB, takenInA])
      await world.message(c.id, 'hi');

    const all = new Set([unassignedInA.id, assignedInB.id, teamInB.id, unassignedInB.id, takenInA.id]);
    expect(await seen(socket.memberOfA)).toEqual(new Set([unassignedInA.id]));
    expect(await seen(socket.inTeam)).toEqual(new Set([teamInB.id]));
    expect(await seen(socket.assignee)).toEqual(new Set([assignedInB.id, takenInA.id]));
    expect(await seen(socket.nobody)).toEqual(new Set());
    expect(await seen(socket.admin)).toEqual(all);
    expect(await seen(socket.readonly)).toEqual(all);
    expect(await seen(socket.marketing)).toEqual(all);
    // An API key has no memberships; it reads what its role may (services/conversation-visibility.ts).
    expect(await seen(socket.agentKey)).toEqual(all);

    // Both message.created and conversation.updated came through, with the transaction time.
    const events = socket.memberOfA.messages.filter((m) => m.type === 'event').map((m) => m.event);
    expect(events).toEqual(['conversation.created', 'message.created', 'conversation.updated']);
    expect(Date.parse(socket.memberOfA.events('message.created')[0]!.at as string)).not.toBeNaN();
    expect(socket.memberOfA.events('message.created')[0]).not.toHaveProperty('scope');
  });

  it('filters what the real receive path publishes: a customer message reaches the channel’s members only', async () => {
    const channel = await connectBot(app, newBot(tg).token);
    const member = await app.userWithRole('agent');
    const outsider = await app.userWithRole('agent');
    await world.channelMember(channel, member.user.id);
    const memberSocket = await listener(member.token);
    const outsiderSocket = await listener(outsider.token);

    const update = textUpdate(tgUser(), 'Здравствуйте, где мой заказ?');
    const id = await app.services.ctx.repos.telegramUpdates.insert(channel, update.update_id, update);
    await app.services.telegram.process(id!);

    const got = await memberSocket.waitFor((m) => m.event === 'message.created');
    expect(got).toMatchObject({
      room: 'conversations',
      data: { message: { content: 'Здравствуйте, где мой заказ?' } },
    });
    expect(await seen(outsiderSocket)).toEqual(new Set());
  });

  it('tells an agent a conversation left their share, then stops sending its events', async () => {
    const channel = await world.channel();
    const agent = await app.userWithRole('agent');
    const other = await app.userWithRole('agent');
    await world.channelMember(channel, agent.user.id);
    const s = await listener(agent.token);
    const c = await world.conversation(channel);
    await world.assign(c.id, other.user.id);
    await world.message(c.id, 'after the reassignment');

    await s.flush();
    const updates = s.events('conversation.updated');
    expect(updates).toHaveLength(1);
    expect((updates[0]!.data as { conversation: { id: string } }).conversation.id).toBe(c.id);
    expect(s.events('message.created')).toEqual([]);
  });

  it('follows membership changes announced in the personal room, without waiting for the heartbeat', async () => {
    const channel = await world.channel();
    const agent = await app.userWithRole('agent');
    const s = await listener(agent.token);
    const before = await world.conversation(channel);
    expect(await seen(s)).toEqual(new Set());

    await world.channelMember(channel, agent.user.id);
    await inTransaction(app.services.ctx, (r) =>
      r.realtime.publish(`user:${agent.user.id}`, 'membership.changed', { userId: agent.user.id }),
    );
    // The reload is asynchronous: wait until a message of the now visible conversation arrives.
    await eventuallyDelivered(s, before.id);
  });
});

/** Sends messages into a conversation until one reaches the socket (the membership reload races the first). */
async function eventuallyDelivered(s: TestSocket, conversationId: string): Promise<Msg> {
  for (let i = 0; i < 50; i++) {
    await world.message(conversationId, `try ${i}`);
    await s.flush();
    const got = s
      .events('message.created')
      .find((m) => (m.data as { conversationId: string }).conversationId === conversationId);
    if (got) return got;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the conversation never became visible');
}

describe('personal rooms', () => {
  it('lets a user join only their own room, and delivers its events', async () => {
    const { user, token } = await app.userWithRole('agent');
    const someoneElse = await app.userWithRole('agent');
    const s = await TestSocket.open(app.address!, token);
    sockets.push(s);
    await s.waitForType('ready');
    expect(await s.join(`user:${someoneElse.user.id}`)).toMatchObject({ type: 'error', code: 'forbidden' });
    expect(await s.join(`user:${user.id}`)).toEqual({ type: 'joined', room: `user:${user.id}` });

    const notification = { id: 'n1', kind: 'mention' };
    await inTransaction(app.services.ctx, async (r) => {
      await r.realtime.publish(`user:${someoneElse.user.id}`, 'notification.created', {
        notification: { id: 'x' },
      });
      await r.realtime.publish(`user:${user.id}`, 'notification.created', { notification });
    });
    const got = await s.waitFor((m) => m.event === 'notification.created');
    expect(got).toMatchObject({ room: `user:${user.id}`, data: { notification } });
    await s.flush();
    expect(s.events('notification.created')).toHaveLength(1);
  });

  it('refuses personal rooms to API keys (they have no user)', async () => {
    const key = await app.apiKeyWithRole('admin');
    const s = await TestSocket.open(app.address!, key);
    sockets.push(s);
    await s.waitForType('ready');
    expect(await s.join(`user:${crypto.randomUUID()}`)).toMatchObject({ type: 'error', code: 'forbidden' });
  });
});

describe('catch-up after a reconnect', () => {
  it('recovers everything missed while disconnected through updatedSince', async () => {
    const channel = await world.channel();
    const { user, token } = await app.userWithRole('agent');
    await world.channelMember(channel, user.id);
    const open = await world.conversation(channel);
    const first = await listener(token);
    await world.message(open.id, 'before the disconnect');
    const last = await first.waitFor((m) => m.event === 'conversation.updated');
    const lastAt = Date.parse(last.at as string);
    first.close();
    await first.closed;

    // While the client is away: a new message in the open conversation, a new conversation, and one that leaves view.
    const missed = await world.message(open.id, 'while away');
    const fresh = await world.conversation(channel);
    await world.message(fresh.id, 'new conversation');
    const other = await app.userWithRole('agent');
    await world.assign(open.id, null);
    const invisible = await world.conversation(channel, { assigneeId: other.user.id });

    // Reconnect: resubscribe first (so nothing falls between), then fetch from the last event time minus an overlap.
    const second = await listener(token);
    const since = new Date(lastAt - 5_000).toISOString();
    const list = await app.http!.inject({
      method: 'GET',
      url: `/api/v1/conversations?updatedSince=${encodeURIComponent(since)}&limit=100`,
      headers: bearer(token),
    });
    expect(list.statusCode).toBe(200);
    const ids = (list.json().data as Array<{ id: string }>).map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining([open.id, fresh.id]));
    expect(ids).not.toContain(invisible.id);

    // The open conversation: its latest page (new messages; a client holding a `newerCursor` pages forward instead).
    const messages = await app.http!.inject({
      method: 'GET',
      url: `/api/v1/conversations/${open.id}/messages?limit=100`,
      headers: bearer(token),
    });
    expect(messages.statusCode).toBe(200);
    expect((messages.json().data as Array<{ id: string; content: string }>).map((m) => m.content)).toContain(
      'while away',
    );
    expect((messages.json().data as Array<{ id: string }>).map((m) => m.id)).toContain(missed.id);

    // And live delivery resumes.
    await world.message(fresh.id, 'live again');
    await second.waitFor(
      (m) =>
        m.event === 'message.created' &&
        (m.data as { message: { content: string } }).message.content === 'live again',
    );
  });
});

import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REALTIME_CHANNEL } from '../../src/realtime/event-map.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import {
  activityKinds,
  addMessage,
  joinChannel,
  makeChannel,
  makeConversation,
  makeLabel,
} from './inbox.helpers.ts';

/** PATCH /conversations/:id, snooze wake-up, read marks, labels, teams and inbox settings over HTTP. */

// biome-ignore lint/suspicious/noExplicitAny: API bodies are free-form JSON here
type Json = Record<string, any>;

let app: TestApp;
let clock: FakeClock;
let channelId: string;
let admin: string;
let agent: { id: string; token: string };
let readonly: string;
let listener: pg.Client;
const events: Array<{ event: string; data: Json }> = [];

const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, token: string, payload?: object) =>
  app.http!.inject({ method, url, headers: bearer(token), ...(payload !== undefined ? { payload } : {}) });
const patch = (id: string, body: object, token = admin) =>
  call('PATCH', `/api/v1/conversations/${id}`, token, body);
const db = () => app.services.ctx.db;
const row = (id: string) =>
  db().selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const waitFor = async (pred: (e: { event: string; data: Json }) => boolean) => {
  for (let i = 0; i < 100; i++) {
    const found = events.find(pred);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('event not seen');
};

beforeAll(async () => {
  clock = new FakeClock();
  app = await startTestApp({ role: 'api', clock });
  channelId = await makeChannel(app);
  admin = (await app.userWithRole('admin')).token;
  const a = await app.userWithRole('agent');
  agent = { id: a.user.id, token: a.token };
  readonly = (await app.userWithRole('readonly')).token;
  await makeLabel(app, 'VIP');
  await makeLabel(app, 'refund');
  listener = new pg.Client({ connectionString: app.databaseUrl });
  await listener.connect();
  listener.on('notification', (n) => events.push(JSON.parse(n.payload!)));
  await listener.query(`listen ${REALTIME_CHANNEL}`);
});
afterAll(async () => {
  await listener?.end();
  await app?.stop();
});

describe('PATCH /conversations/:id', () => {
  it('resolves: sets resolvedAt, stops waiting, writes an activity line and one conversation.updated naming the change', async () => {
    const c = await makeConversation(app, channelId, { set: { waitingSince: new Date() } });
    const res = await patch(c.id, { status: 'resolved' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'resolved', waitingSince: null });
    expect(res.json().resolvedAt).not.toBeNull();
    expect(await activityKinds(app, c.id)).toEqual(['resolved']);
    const e = await waitFor((x) => x.event === 'conversation.updated' && x.data.conversation.id === c.id);
    expect(e.data.changed).toEqual(['status']);

    const reopened = await patch(c.id, { status: 'open' });
    expect(reopened.json()).toMatchObject({ status: 'open', resolvedAt: null });
    expect(await activityKinds(app, c.id)).toEqual(['resolved', 'reopened']);
  });

  it('changes priority, category and labels (canonical names), each with its activity line, and a no-op writes nothing', async () => {
    const c = await makeConversation(app, channelId);
    const res = await patch(c.id, {
      priority: 'urgent',
      category: 'payment',
      labels: ['vip', 'Refund', 'VIP'],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ priority: 'urgent', category: 'payment', labels: ['VIP', 'refund'] });
    expect(await activityKinds(app, c.id)).toEqual([
      'priority_changed',
      'category_changed',
      'labels_changed',
    ]);
    const before = await row(c.id);
    const again = await patch(c.id, { priority: 'urgent', labels: ['VIP', 'refund'] });
    expect(again.statusCode).toBe(200);
    expect((await row(c.id)).updatedAt).toEqual(before.updatedAt);
    expect(await activityKinds(app, c.id)).toHaveLength(3);
  });

  it('writes the activity text in the workspace language and keeps kind/data for the UI', async () => {
    const c = await makeConversation(app, channelId);
    await patch(c.id, { priority: 'high' });
    const line = await db()
      .selectFrom('messages')
      .selectAll()
      .where('conversationId', '=', c.id)
      .where('messageType', '=', 'activity')
      .executeTakeFirstOrThrow();
    expect(line.senderType).toBe('system');
    expect(line.content).toContain('Приоритет');
    expect(line.contentAttributes).toEqual({
      activity: { kind: 'priority_changed', data: { from: null, to: 'high' } },
    });
  });

  it('refuses bad input with the field and reason', async () => {
    const c = await makeConversation(app, channelId);
    const cases: Array<[object, string]> = [
      [{ category: 'sales' }, '/category'],
      [{ labels: ['VIP', 'nope'] }, '/labels/1'],
      [{ snoozedUntil: new Date(Date.now() - 60_000).toISOString() }, '/snoozedUntil'],
      [{ status: 'open', snoozedUntil: new Date(Date.now() + 60_000).toISOString() }, '/snoozedUntil'],
      [{ status: 'closed' }, '/status'],
      [{ priority: 'critical' }, '/priority'],
      [{}, ''],
      [{ assigneeId: 'x' }, ''],
    ];
    for (const [body, path] of cases) {
      const res = await patch(c.id, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      if (path) expect(JSON.stringify(res.json().error), JSON.stringify(body)).toContain(path);
    }
  });

  it('takes categories from the conversation_categories setting', async () => {
    const set = await call('PATCH', '/api/v1/settings/conversation_categories', admin, {
      value: ['general', 'sales'],
    });
    expect(set.statusCode).toBe(200);
    const c = await makeConversation(app, channelId);
    expect((await patch(c.id, { category: 'sales' })).statusCode).toBe(200);
    expect((await patch(c.id, { category: 'payment' })).statusCode).toBe(400);
    const bad = await call('PATCH', '/api/v1/settings/conversation_categories', admin, { value: [] });
    expect(bad.statusCode).toBe(400);
    await call('PATCH', '/api/v1/settings/conversation_categories', admin, {
      value: ['general', 'payment', 'technical', 'content'],
    });
  });

  it('lets readonly read but not change, and hides from an agent what they cannot see (404)', async () => {
    const c = await makeConversation(app, channelId);
    expect((await call('GET', `/api/v1/conversations/${c.id}`, readonly)).statusCode).toBe(200);
    expect((await patch(c.id, { status: 'resolved' }, readonly)).statusCode).toBe(403);
    expect((await patch(c.id, { status: 'resolved' }, agent.token)).statusCode).toBe(404);
    expect((await call('GET', `/api/v1/conversations/${c.id}`, agent.token)).statusCode).toBe(404);
    await joinChannel(app, channelId, agent.id);
    expect((await patch(c.id, { status: 'pending' }, agent.token)).statusCode).toBe(200);
  });

  it('after a status change queues auto-assignment, and on resolve the CSAT survey, when the channel has them on', async () => {
    const ch = await makeChannel(app, 'CSAT');
    const jobKeys = async () =>
      (
        await sql<{
          key: string;
        }>`select key from graphile_worker.jobs where key like ${`%${ch}%`} or key like 'csat.send:%'`.execute(
          db(),
        )
      ).rows.map((r) => r.key);
    const c = await makeConversation(app, ch);
    await patch(c.id, { status: 'resolved' });
    expect(await jobKeys()).not.toContain(`csat.send:${c.id}`);
    const on = await call('PATCH', `/api/v1/channels/${ch}/inbox-settings`, admin, {
      csat: { enabled: true },
      autoAssign: { enabled: true },
    });
    expect(on.statusCode).toBe(200);
    await patch(c.id, { status: 'open' });
    expect(await jobKeys()).toContain(`assignment.auto_assign:${ch}`);
    await patch(c.id, { status: 'resolved' });
    expect(await jobKeys()).toContain(`csat.send:${c.id}`);
  });

  it('answers 409 when reopening an old conversation of a chat that already has an open one', async () => {
    const old = await makeConversation(app, channelId, {
      set: { status: 'resolved', resolvedAt: new Date() },
    });
    await app.services.ctx.repos.conversations.create({
      channelId,
      contactId: old.contactId,
      chatExternalId: old.chatExternalId,
      chatKind: 'private',
      title: null,
      lastActivityAt: new Date(),
    });
    const res = await patch(old.id, { status: 'open' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('conflict');
  });
});

describe('snooze', () => {
  it('queues a wake job at snoozedUntil, and the job reopens the conversation once the time has passed', async () => {
    const c = await makeConversation(app, channelId);
    const until = new Date(clock.now().getTime() + 3_600_000);
    const res = await patch(c.id, { snoozedUntil: until.toISOString() });
    expect(res.json()).toMatchObject({ status: 'snoozed', snoozedUntil: until.toISOString() });
    const { rows } = await sql<{ runAt: Date }>`select run_at from graphile_worker.jobs
      where key = ${`conversations.snooze_wake:${c.id}`} and task_identifier = 'conversations.snooze_wake'`.execute(
      db(),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.runAt.toISOString()).toBe(until.toISOString());

    // The job running early (clock before the time) changes nothing.
    expect(await app.services.conversations.wakeSnoozed(c.id)).toBe(false);
    clock.advance(3_600_000 + 1000);
    expect(await app.services.conversations.wakeSnoozed(c.id)).toBe(true);
    expect(await row(c.id)).toMatchObject({ status: 'open', snoozedUntil: null });
    expect(await activityKinds(app, c.id)).toEqual(['snoozed', 'unsnoozed']);
    expect(await app.services.conversations.wakeSnoozed(c.id)).toBe(false);
  });

  it('the minute sweep wakes every due snooze and leaves later ones', async () => {
    const due = await makeConversation(app, channelId, {
      set: { status: 'snoozed', snoozedUntil: new Date(clock.now().getTime() - 1000) },
    });
    const later = await makeConversation(app, channelId, {
      set: { status: 'snoozed', snoozedUntil: new Date(clock.now().getTime() + 3_600_000) },
    });
    expect(await app.services.conversations.sweepSnoozed()).toBeGreaterThanOrEqual(1);
    expect((await row(due.id)).status).toBe('open');
    expect((await row(later.id)).status).toBe('snoozed');
  });

  it('snoozed without a time sleeps until the customer writes; leaving snoozed clears the time', async () => {
    const c = await makeConversation(app, channelId);
    const res = await patch(c.id, { status: 'snoozed' });
    expect(res.json()).toMatchObject({ status: 'snoozed', snoozedUntil: null });
    await patch(c.id, { snoozedUntil: new Date(clock.now().getTime() + 60_000).toISOString() });
    const open = await patch(c.id, { status: 'open' });
    expect(open.json()).toMatchObject({ status: 'open', snoozedUntil: null });
  });
});

describe('POST /conversations/:id/read', () => {
  it('stores the mark, emits conversation.read, and writes at most once per 15 s', async () => {
    const c = await makeConversation(app, channelId);
    const first = await call('POST', `/api/v1/conversations/${c.id}/read`, admin);
    expect(first.statusCode).toBe(200);
    const mark = first.json().lastSeenAt;
    expect(mark).not.toBeNull();
    await waitFor((e) => e.event === 'conversation.read' && e.data.conversationId === c.id);

    clock.advance(5_000);
    const throttled = await call('POST', `/api/v1/conversations/${c.id}/read`, admin);
    expect(throttled.json().lastSeenAt).toBe(mark);

    clock.advance(11_000);
    const later = await call('POST', `/api/v1/conversations/${c.id}/read`, admin);
    expect(new Date(later.json().lastSeenAt).getTime()).toBeGreaterThan(new Date(mark).getTime());
    await waitFor((e) => e.event === 'conversation.read' && e.data.lastSeenAt === later.json().lastSeenAt);
    // Notifications arrive in commit order: the throttled call, between the two, sent none.
    const reads = events.filter((e) => e.event === 'conversation.read' && e.data.conversationId === c.id);
    expect(reads.map((e) => e.data.lastSeenAt)).toEqual([mark, later.json().lastSeenAt]);
  });

  it('lets readonly mark its own read state and 404s for a conversation the agent cannot see', async () => {
    const other = await makeChannel(app, 'Other');
    const c = await makeConversation(app, other);
    expect((await call('POST', `/api/v1/conversations/${c.id}/read`, readonly)).statusCode).toBe(200);
    expect((await call('POST', `/api/v1/conversations/${c.id}/read`, agent.token)).statusCode).toBe(404);
  });
});

describe('GET /conversations/:id/messages', () => {
  it('pages back with nextCursor and forward from newerCursor', async () => {
    const c = await makeConversation(app, channelId);
    const t0 = Date.now() - 100_000;
    for (let i = 1; i <= 5; i++) await addMessage(app, c.id, `m${i}`, { at: new Date(t0 + i * 1000) });
    const url = `/api/v1/conversations/${c.id}/messages`;
    const latest = (await call('GET', `${url}?limit=2`, admin)).json();
    expect(latest.data.map((m: Json) => m.content)).toEqual(['m4', 'm5']);
    const older = (await call('GET', `${url}?limit=2&cursor=${latest.nextCursor}`, admin)).json();
    expect(older.data.map((m: Json) => m.content)).toEqual(['m2', 'm3']);
    const none = (await call('GET', `${url}?direction=newer&cursor=${latest.newerCursor}`, admin)).json();
    expect(none.data).toEqual([]);
    await addMessage(app, c.id, 'm6', { at: new Date(t0 + 6000) });
    const newer = (await call('GET', `${url}?direction=newer&cursor=${latest.newerCursor}`, admin)).json();
    expect(newer.data.map((m: Json) => m.content)).toEqual(['m6']);
    const fwd = (
      await call('GET', `${url}?direction=newer&limit=2&cursor=${older.nextCursor}`, admin)
    ).json();
    // Forward from the oldest message of the older page: what came after it.
    expect(fwd.data.map((m: Json) => m.content)).toEqual(['m3', 'm4']);
    expect((await call('GET', `${url}?cursor=bogus`, admin)).statusCode).toBe(400);
  });
});

describe('labels and teams', () => {
  it('creates, renames (carried onto conversations), and deletes labels; agents list but cannot change', async () => {
    const created = await call('POST', '/api/v1/labels', admin, { name: 'urgent-fix', color: '#ff0000' });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    expect((await call('POST', '/api/v1/labels', admin, { name: 'URGENT-FIX' })).statusCode).toBe(409);
    expect((await call('POST', '/api/v1/labels', admin, { name: 'x', color: 'red' })).statusCode).toBe(400);
    expect((await call('POST', '/api/v1/labels', agent.token, { name: 'mine' })).statusCode).toBe(403);
    const list = await call('GET', '/api/v1/labels', agent.token);
    expect(list.json().data.map((l: Json) => l.name)).toContain('urgent-fix');

    const c = await makeConversation(app, channelId);
    await patch(c.id, { labels: ['urgent-fix'] });
    await call('PATCH', `/api/v1/labels/${id}`, admin, { name: 'hotfix' });
    expect((await row(c.id)).labels).toEqual(['hotfix']);
    expect((await call('DELETE', `/api/v1/labels/${id}`, admin)).statusCode).toBe(204);
    expect((await row(c.id)).labels).toEqual([]);
    expect((await call('DELETE', `/api/v1/labels/${id}`, admin)).statusCode).toBe(404);
  });

  it('creates, lists with members, renames and deletes teams', async () => {
    const created = await call('POST', '/api/v1/teams', admin, { name: 'Billing', description: 'Money' });
    expect(created.statusCode).toBe(201);
    const team = created.json();
    expect(team).toMatchObject({ name: 'Billing', allowAutoAssign: true, members: [] });
    await db().insertInto('teamMembers').values({ teamId: team.id, userId: agent.id }).execute();
    const list = (await call('GET', '/api/v1/teams', agent.token)).json();
    expect(list.data.find((t: Json) => t.id === team.id).members.map((m: Json) => m.userId)).toEqual([
      agent.id,
    ]);
    expect((await call('POST', '/api/v1/teams', admin, { name: 'billing' })).statusCode).toBe(409);
    expect(
      (await call('PATCH', `/api/v1/teams/${team.id}`, admin, { allowAutoAssign: false })).json(),
    ).toMatchObject({
      allowAutoAssign: false,
    });
    expect((await call('PATCH', `/api/v1/teams/${team.id}`, agent.token, { name: 'x' })).statusCode).toBe(
      403,
    );
    const c = await makeConversation(app, channelId, { set: { teamId: team.id } });
    expect((await call('DELETE', `/api/v1/teams/${team.id}`, admin)).statusCode).toBe(204);
    expect((await row(c.id)).teamId).toBeNull();
    expect((await call('GET', `/api/v1/teams/${team.id}`, admin)).statusCode).toBe(404);
  });
});

describe('inbox settings', () => {
  it('answers defaults, merges a change, and refuses bad values naming each path', async () => {
    const url = `/api/v1/channels/${channelId}/inbox-settings`;
    const defaults = (await call('GET', url, agent.token)).json();
    expect(defaults).toMatchObject({
      reopenWindowHours: 24,
      autoAssign: { enabled: false, order: 'longest_waiting', maxPerAgent: null, fairLimit: null },
      autoReply: { enabled: true },
      businessHours: { enabled: false },
      csat: { enabled: false },
    });
    expect(defaults.autoReply.message.ru).toBe('Спасибо за обращение! Мы ответим в течение 24 часов.');

    const changed = await call('PATCH', url, admin, {
      reopenWindowHours: 48,
      autoAssign: { enabled: true, fairLimit: { count: 5, windowMinutes: 60 } },
      businessHours: { week: { sat: [{ from: '22:00', to: '06:00' }] } },
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({
      reopenWindowHours: 48,
      autoAssign: { enabled: true, order: 'longest_waiting', fairLimit: { count: 5, windowMinutes: 60 } },
      businessHours: {
        week: { sat: [{ from: '22:00', to: '06:00' }], mon: [{ from: '09:00', to: '18:00' }] },
      },
    });
    expect((await call('GET', url, admin)).json().reopenWindowHours).toBe(48);

    const bad = await call('PATCH', url, admin, {
      reopenWindowHours: -1,
      autoAssign: { order: 'random', maxPerAgent: 1.5 },
      businessHours: { timezone: 'Mars/Olympus', week: { mon: [{ from: '9:00', to: '18:00' }] } },
      csat: { enabled: 'yes' },
      extra: 1,
    });
    expect(bad.statusCode).toBe(400);
    const paths = bad.json().error.details.map((d: Json) => d.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/reopenWindowHours',
        '/autoAssign/order',
        '/autoAssign/maxPerAgent',
        '/businessHours/timezone',
        '/businessHours/week/mon/0/from',
        '/csat/enabled',
        '/extra',
      ]),
    );
    expect((await call('PATCH', url, agent.token, { reopenWindowHours: 1 })).statusCode).toBe(403);
    expect(
      (await call('GET', `/api/v1/channels/${crypto.randomUUID()}/inbox-settings`, admin)).statusCode,
    ).toBe(404);
  });
});

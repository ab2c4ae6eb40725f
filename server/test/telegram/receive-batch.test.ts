import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelegramDrain } from '../../src/channels/telegram/telegram.drain.ts';
import { DRAIN_SHARDS, routeOf, TelegramReceiver } from '../../src/channels/telegram/telegram.receiver.ts';
import { REALTIME_CHANNEL } from '../../src/realtime/event-map.ts';
import { repositories } from '../../src/repositories/index.ts';
import { FakeTelegram } from '../fakes/telegram/index.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { recordingDatabase } from '../support/test-db.ts';
import { newBot, peopleInOneShard, type TgUser, textUpdate } from './receiving.helpers.ts';

// The set-based receive (services/receive-batch.ts) must leave exactly what the per-update path leaves. Each scenario
// runs twice on two channels: one update at a time through TelegramReceiver.process, and drained in batches; then the
// contacts, identities, conversations, messages, queued jobs and realtime events of each person are compared.

const SYSTEM = { type: 'system' as const, id: null, name: 'test' };
let tg: FakeTelegram;
let app: TestApp;
let listener: pg.Client;
const notified: {
  room: string;
  event: string;
  chat?: string;
  conversationId?: string;
  contactId?: string;
}[] = [];

beforeAll(async () => {
  tg = await FakeTelegram.start();
  // An api process: no job runner, so queued jobs stay visible and the drains run when the test says.
  app = await startTestApp({
    role: 'api',
    env: { TELEGRAM_API_ROOT: tg.apiRoot, PUBLIC_URL: 'https://switchboard.example.test' },
  });
  listener = new pg.Client({ connectionString: app.databaseUrl });
  await listener.connect();
  await listener.query(`listen ${REALTIME_CHANNEL}`);
  listener.on('notification', (n) => {
    const e = JSON.parse(n.payload!);
    notified.push({
      room: e.room,
      event: e.event,
      chat: e.data?.conversation?.chatExternalId,
      conversationId: e.data?.conversationId ?? e.data?.conversation?.id,
      contactId: e.data?.contact?.id,
    });
  });
});
afterAll(async () => {
  await listener?.end();
  await app?.stop();
  await tg?.stop();
});

async function telegramChannel(): Promise<string> {
  const channel = await app.services.channels.create(SYSTEM, {
    type: 'telegram',
    name: 'Batch',
    token: newBot(tg).token,
    mode: 'webhook',
  });
  return channel.id;
}

type Update = ReturnType<typeof textUpdate>;
let nextUpdateId = 900_000_001;
/** A copy of an update for another channel's run: its own update id, the same message. */
const copy = (u: Update): Update => ({ ...structuredClone(u), update_id: nextUpdateId++ });
/** A private text message sent at `date` (seconds). */
const said = (from: TgUser, text: string, date: number, messageId?: number): Update => {
  const u = textUpdate(from, text, nextUpdateId++);
  u.message.date = date;
  if (messageId !== undefined) u.message.message_id = messageId;
  return u;
};

/** One update at a time, each in its own transaction: the reference. */
async function oneByOne(channelId: string, updates: Update[]): Promise<void> {
  for (const u of updates) {
    const id = await app.services.ctx.repos.telegramUpdates.insert(channelId, u.update_id, u);
    await app.services.telegram.process(id!);
  }
}

/** Stored with their routes and drained in batches of up to 50. */
async function drained(channelId: string, updates: Update[]): Promise<void> {
  const repo = app.services.ctx.repos.telegramUpdates;
  for (const u of updates) await repo.store(channelId, u.update_id, u, routeOf(u));
  const drain = new TelegramDrain(app.services.ctx, app.services.telegram, { batch: 50 });
  for (let shard = 0; shard < DRAIN_SHARDS; shard++) await drain.drain(channelId, shard);
}

/** Everything receiving left for one person on a channel, without ids and commit times. */
async function stateOf(channelId: string, person: TgUser) {
  const db = app.services.ctx.db;
  const chat = String(person.id);
  const identity = await db
    .selectFrom('contactChannels')
    .selectAll()
    .where('channelId', '=', channelId)
    .where('externalId', '=', chat)
    .executeTakeFirst();
  const contact = identity
    ? await db.selectFrom('contacts').selectAll().where('id', '=', identity.contactId).executeTakeFirst()
    : undefined;
  const conversations = await db
    .selectFrom('conversations')
    .selectAll()
    .where('channelId', '=', channelId)
    .where('chatExternalId', '=', chat)
    .orderBy('createdAt')
    .orderBy('displayId')
    .execute();
  const threads = [];
  const ids = new Set(conversations.map((c) => c.id));
  for (const c of conversations) {
    const messages = await db
      .selectFrom('messages')
      .select([
        'messageType',
        'senderType',
        'sourceId',
        'content',
        'throttled',
        'sentAt',
        'contentAttributes',
      ])
      .where('conversationId', '=', c.id)
      .execute();
    // By kind and platform id, not by created_at: within one transaction the activity line of a reopen (stamped with
    // clock_timestamp()) sorts after every message of that transaction (now()), which one-by-one does not show.
    messages.sort(
      (x, y) =>
        x.messageType.localeCompare(y.messageType) ||
        Number(x.sourceId ?? 0) - Number(y.sourceId ?? 0) ||
        (x.content ?? '').localeCompare(y.content ?? ''),
    );
    const jobs = await sql<{ task: string }>`
      select t.identifier as task from graphile_worker._private_jobs j
      join graphile_worker._private_tasks t on t.id = j.task_id
      where j.payload->>'conversationId' = ${c.id} order by 1`.execute(db);
    threads.push({
      status: c.status,
      contact: c.contactId === contact?.id,
      lastActivityAt: c.lastActivityAt,
      waitingSince: c.waitingSince,
      resolvedAt: c.resolvedAt,
      messages: messages.map((m) => ({
        ...m,
        contentAttributes: { ...m.contentAttributes, ...(m.messageType === 'activity' ? { at: null } : {}) },
      })),
      jobs: jobs.rows.map((j) => j.task),
    });
  }
  const events = notified
    .filter(
      (e) =>
        (e.conversationId !== undefined && ids.has(e.conversationId)) ||
        (e.contactId !== undefined && e.contactId === contact?.id),
    )
    .map((e) => `${e.room}:${e.event}`);
  return {
    contact: contact && {
      name: contact.name,
      firstName: contact.firstName,
      lastName: contact.lastName,
      username: contact.username,
      language: contact.language,
      lastActivityAt: contact.lastActivityAt,
      source: contact.source,
      subscribed: contact.subscribed,
    },
    identity: identity && {
      lastSeenAt: identity.lastSeenAt,
      floodWindowStart: identity.floodWindowStart,
      floodCount: identity.floodCount,
      flagged: identity.flaggedAt !== null,
    },
    threads,
    events,
  };
}

/** Runs the same steps on two channels, one by one and drained, and expects every person's state to match. */
async function bothWays(
  people: TgUser[],
  steps: ((channelId: string) => Update[] | Promise<void>)[],
): Promise<Awaited<ReturnType<typeof stateOf>>[]> {
  const reference = await telegramChannel();
  const batched = await telegramChannel();
  for (const step of steps) {
    const updates = await step(reference);
    if (updates) await oneByOne(reference, updates);
    const again = await step(batched);
    if (again) await drained(batched, again.map(copy));
  }
  // Events arrive asynchronously after commit.
  await new Promise((r) => setTimeout(r, 300));
  const expected = await Promise.all(people.map((p) => stateOf(reference, p)));
  const actual = await Promise.all(people.map((p) => stateOf(batched, p)));
  expect(actual).toEqual(expected);
  return actual;
}

const T0 = 1_770_000_000;

describe('receiving plain messages set-based', () => {
  it('creates newcomers, their conversations and auto-replies, and adds to open conversations, as one by one does', async () => {
    const people = peopleInOneShard(5);
    const [a, b, c, d, e] = people as [TgUser, TgUser, TgUser, TgUser, TgUser];
    const first = [a, b, c, d, e].map((p, i) => said(p, `hello ${i}`, T0, 1));
    const second = [
      said(a, 'a again', T0 + 10, 2),
      said(a, 'a third', T0 + 20, 3),
      said(b, 'b after a minute', T0 + 90, 2),
      said(c, 'c', T0 + 30, 2),
      said(a, 'a fourth', T0 + 30, 4),
      // A new name: the profile is written at once.
      said({ ...d, username: 'renamed' }, 'd renamed', T0 + 5, 2),
      // The same message again under a new update id: stored once.
      said(c, 'c', T0 + 30, 2),
    ];
    const states = await bothWays(people, [() => first, () => second]);
    expect(states[0]!.threads[0]!.messages.map((m) => m.content)).toEqual([
      'hello 0',
      'a again',
      'a third',
      'a fourth',
    ]);
    expect(states[0]!.threads[0]!.jobs).toContain('conversations.auto_reply');
    expect(states[2]!.threads[0]!.messages).toHaveLength(2);
    expect(states[3]!.contact!.username).toBe('renamed');
    expect(states[0]!.events.filter((x) => x.endsWith('message.created'))).toHaveLength(4);
  });

  it('counts a flood across steps of one batch, throttles past 20 a minute and flags once', async () => {
    const [a, b] = peopleInOneShard(2) as [TgUser, TgUser];
    const flood = Array.from({ length: 23 }, (_, i) => said(a, `flood ${i}`, T0 + i, 10 + i));
    flood.splice(5, 0, said(b, 'meanwhile', T0, 1));
    const [state] = await bothWays([a, b], [() => flood]);
    expect(state!.threads[0]!.messages.filter((m) => m.throttled)).toHaveLength(3);
    expect(state!.identity).toMatchObject({ floodCount: 23, flagged: true });
  });

  it('hands snoozed and resolved conversations to the per-update path: reopened in the window, new after it', async () => {
    const people = peopleInOneShard(4);
    const [inWindow, pastWindow, snoozed, open] = people as [TgUser, TgUser, TgUser, TgUser];
    const db = app.services.ctx.db;
    const setStatus = (channelId: string, p: TgUser, status: string, resolvedAt: number | null) =>
      sql`update conversations set status = ${status},
            resolved_at = ${resolvedAt === null ? null : new Date(resolvedAt * 1000)}::timestamptz,
            snoozed_until = case when ${status} = 'snoozed' then now() + interval '1 day' end
          where channel_id = ${channelId} and chat_external_id = ${String(p.id)}`.execute(db);
    const states = await bothWays(people, [
      () => people.map((p) => said(p, 'first', T0, 1)),
      async (channelId) => {
        await setStatus(channelId, inWindow, 'resolved', T0 + 60);
        await setStatus(channelId, pastWindow, 'resolved', T0 - 30 * 86_400);
        await setStatus(channelId, snoozed, 'snoozed', null);
      },
      () => [
        said(open, 'still here', T0 + 100, 2),
        said(inWindow, 'one more thing', T0 + 120, 2),
        said(pastWindow, 'new problem', T0 + 120, 2),
        said(snoozed, 'wake up', T0 + 120, 2),
        said(inWindow, 'and another', T0 + 130, 3),
      ],
    ]);
    expect(states[0]!.threads).toHaveLength(1);
    expect(states[0]!.threads[0]!.status).toBe('open');
    expect(states[1]!.threads.map((t) => t.status)).toEqual(['resolved', 'open']);
    expect(states[2]!.threads[0]!.status).toBe('open');
  });

  it('takes one message per contact in a step when merged accounts write at once', async () => {
    const [a, b] = peopleInOneShard(2) as [TgUser, TgUser];
    const contactOf = async (channelId: string, p: TgUser) =>
      (
        await app.services.ctx.db
          .selectFrom('contactChannels')
          .select('contactId')
          .where('channelId', '=', channelId)
          .where('externalId', '=', String(p.id))
          .executeTakeFirstOrThrow()
      ).contactId;
    await bothWays(
      [a, b],
      [
        () => [said(a, 'from a', T0, 1), said(b, 'from b', T0, 1)],
        async (channelId) => {
          await app.services.contacts.merge(
            SYSTEM,
            await contactOf(channelId, a),
            await contactOf(channelId, b),
          );
        },
        () => [
          said({ ...a, first_name: 'Alias A' }, 'a later', T0 + 120, 2),
          said({ ...b, first_name: 'Alias B' }, 'b later', T0 + 150, 2),
        ],
      ],
    );
  });

  it('keeps commands, /start and button taps on the per-update path, in order with plain messages', async () => {
    const [a, b] = peopleInOneShard(2) as [TgUser, TgUser];
    const start = said(a, '/start promo_1', T0, 1);
    await bothWays(
      [a, b],
      [
        () => [
          said(b, 'before', T0, 1),
          start,
          said(a, 'after start', T0 + 1, 2),
          said(b, '/settings', T0 + 2, 2),
          said(b, 'after settings', T0 + 3, 3),
        ],
      ],
    );
  });

  it('receives a batch of known people in a fixed number of statements, however many they are', async () => {
    const count = async (n: number): Promise<number> => {
      const channelId = await telegramChannel();
      const people = peopleInOneShard(n);
      await drained(
        channelId,
        people.map((p) => said(p, 'hello', T0, 1)),
      );
      const repo = app.services.ctx.repos.telegramUpdates;
      for (const [i, p] of people.entries()) {
        const u = said(p, `again ${i}`, T0 + 5, 2);
        await repo.store(channelId, u.update_id, u, routeOf(u));
      }
      const { db, statements } = recordingDatabase(app.databaseUrl);
      try {
        const ctx = { ...app.services.ctx, db, repos: repositories(db) };
        const receiver = new TelegramReceiver(ctx, app.services.channels, app.services.receive);
        const shard = routeOf(textUpdate(people[0]!, 'x', 1)).shard;
        expect(await receiver.processBatch(channelId, shard, 50)).toBe(n);
        return statements.length;
      } finally {
        await db.destroy();
      }
    };
    const few = await count(3);
    const many = await count(12);
    expect(many).toBe(few);
  });
});

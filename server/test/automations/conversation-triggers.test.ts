import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeBot } from '../fakes/telegram/index.ts';
import { FakeTelegram } from '../fakes/telegram/index.ts';
import { eventually } from '../support/eventually.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { connectBot, newBot, textUpdate, tgUser } from '../telegram/receiving.helpers.ts';
import { AutomationWorld, type Json } from './automation-world.ts';

/**
 * Conversation triggers through the real receive path (stored Telegram updates processed as the update job does) and the
 * conversation API: a new conversation, a customer message with conversation conditions, resolving, and waiting too long
 * (a fake clock and the per-minute sweep).
 */

const clock = new FakeClock();
let tg: FakeTelegram;
let bot: FakeBot;
let w: AutomationWorld;
let channelId: string;
const SYSTEM = { type: 'system' as const, id: null, name: 'test' };

beforeAll(async () => {
  tg = await FakeTelegram.start({ enforceLimits: false });
  w = await AutomationWorld.start({ clock, env: { TELEGRAM_API_ROOT: tg.apiRoot } });
  const created = newBot(tg);
  bot = created.bot;
  channelId = await connectBot(w.app, created.token);
  await w.services.labels.create(SYSTEM, { name: 'refund' });
});
afterAll(async () => {
  await w?.stop();
  await tg?.stop();
});

/** Stores and processes an update sent now by the fake clock (waiting times count from the message's date). */
async function receive(update: Json): Promise<void> {
  update.message.date = Math.floor(clock.now().getTime() / 1000);
  const id = await w.repos.telegramUpdates.insert(channelId, update.update_id, update);
  if (id === null) throw new Error('already stored');
  await w.services.telegram.process(id);
}

const conversationOf = (chatId: number) =>
  w.db
    .selectFrom('conversations')
    .selectAll()
    .where('chatExternalId', '=', String(chatId))
    .executeTakeFirstOrThrow();

const settled = (ruleId: string, n: number) =>
  eventually(
    async () => {
      const runs = await w.runs(ruleId);
      return runs.length === n && runs.every((r) => r.status !== 'running') ? runs : undefined;
    },
    15_000,
    `${n} settled runs`,
  );

describe('conversation triggers', () => {
  it('greets a new conversation once, tags messages that match, and runs on each resolution', async () => {
    const created = await w.rule({
      name: 'Greet',
      trigger: { kind: 'conversation', event: 'conversation.created' },
      actions: [
        { type: 'send_reply', text: 'Hi! We answer within the hour.' },
        { type: 'set_priority', priority: 'high' },
        { type: 'add_note', text: 'Greeted by the rule' },
      ],
    });
    const refunds = await w.rule({
      name: 'Refunds',
      trigger: { kind: 'conversation', event: 'message_created' },
      conditions: { conversation: { textContains: 'REFUND', status: ['open', 'pending'] } },
      actions: [{ type: 'add_label', label: 'refund' }],
    });
    const resolved = await w.rule({
      name: 'After resolve',
      trigger: { kind: 'conversation', event: 'resolved' },
      actions: [{ type: 'add_tags', tags: ['served'] }],
    });

    const user = tgUser();
    await receive(textUpdate(user, 'Hello'));
    await receive(textUpdate(user, 'I want a refund <b>now</b>'));
    const c = await conversationOf(user.id);

    const [greet] = await settled(created.id, 1);
    expect(greet!.status).toBe('completed');
    expect(greet!.conversationId).toBe(c.id);
    // The greeting goes out through the outgoing-message job, after the run completes: wait for it, not for any message
    // (the channel's own auto-reply may arrive first).
    const greetings = () =>
      bot
        .sentTo(user.id)
        .filter((m) => m.method === 'sendMessage' && m.params.text === 'Hi! We answer within the hour.');
    await eventually(async () => (greetings().length > 0 ? true : undefined), 15_000, 'the greeting');
    // Once, beside the channel's own auto-reply.
    expect(greetings()).toHaveLength(1);
    const after = await conversationOf(user.id);
    expect(after.priority).toBe('high');
    // The bot's greeting is not an agent's answer: the customer still waits.
    expect(after.waitingSince).not.toBeNull();
    const notes = await w.db
      .selectFrom('messages')
      .select(['content'])
      .where('conversationId', '=', c.id)
      .where('messageType', '=', 'note')
      .execute();
    expect(notes.map((n) => n.content)).toEqual(['Greeted by the rule']);

    const tagged = await settled(refunds.id, 2);
    expect(tagged.map((r) => r.status).sort()).toEqual(['completed', 'skipped']);
    expect((await conversationOf(user.id)).labels).toEqual(['refund']);

    // Resolve, reopen by writing again, resolve again: two resolutions, two runs.
    const resolve = () => w.call('PATCH', `/api/v1/conversations/${c.id}`, { status: 'resolved' });
    expect((await resolve()).statusCode).toBe(200);
    clock.advance(60_000);
    await receive(textUpdate(user, 'One more thing'));
    const reopened = await conversationOf(user.id);
    expect(
      (await w.call('PATCH', `/api/v1/conversations/${reopened.id}`, { status: 'resolved' })).statusCode,
    ).toBe(200);
    const resolutions = await settled(resolved.id, 2);
    expect(resolutions.every((r) => r.status === 'completed')).toBe(true);
    expect((await w.repos.contacts.get(resolutions[0]!.contactId!))!.tags).toEqual(['served']);
  });

  it('runs a waiting rule once per waiting spell after N minutes without an answer', async () => {
    // Only this test's conversation waits: the sweep's count below must not depend on how earlier tests ended.
    await w.db.updateTable('conversations').set({ waitingSince: null }).execute();
    const rule = await w.rule({
      name: 'Waiting too long',
      trigger: { kind: 'conversation', event: 'waiting', waitingMinutes: 15 },
      actions: [{ type: 'add_note', text: 'Waiting over 15 minutes' }],
    });
    const user = tgUser();
    await receive(textUpdate(user, 'Anyone there?'));
    const c = await conversationOf(user.id);
    expect(c.waitingSince).not.toBeNull();
    // The check job is queued for waitingSince + 15 min (real time, so it has not run).
    expect(await w.jobCount('automations.waiting_check')).toBeGreaterThanOrEqual(1);

    clock.advance(10 * 60_000);
    expect((await w.services.automations.sweep()).started).toBe(0);
    // The job is early by the clock: it re-checks and starts nothing.
    expect(await w.services.automations.triggers.checkWaiting(rule.id, c.id)).toBe(false);

    clock.advance(6 * 60_000);
    expect((await w.services.automations.sweep()).started).toBe(1);
    // The job arriving afterwards (or a second sweep) finds the spell's run already there.
    expect(await w.services.automations.triggers.checkWaiting(rule.id, c.id)).toBe(false);
    expect((await w.services.automations.sweep()).started).toBe(0);
    const [run] = await settled(rule.id, 1);
    expect(run!.status).toBe('completed');
    expect(run!.context).toMatchObject({ waitingMinutes: 15, conversation: { id: c.id } });
  });
});

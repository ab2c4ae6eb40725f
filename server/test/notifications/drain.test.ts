import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Json, NotificationWorld } from './notification-world.ts';

/**
 * The drain: notifications go out in batches claimed with skip locked (several drains at once send each exactly once),
 * a crashed drain's `sending` rows are failed as interrupted past the lease and never resent, transient failures wait
 * for their next attempt.
 */

let w: NotificationWorld;
beforeAll(async () => {
  w = await NotificationWorld.start();
});
afterAll(async () => w?.stop());

const events = (n: Json) => n.log.map((e: Json) => e.event);

describe('notification drain', () => {
  it('sends a burst of 150 exactly once each, with extra drains running alongside the worker’s', async () => {
    const contacts = await Promise.all(Array.from({ length: 150 }, () => w.contact({ telegram: true })));
    const res = await w.call('POST', '/api/v1/notifications/batch', {
      notifications: contacts.map((c, i) => ({
        type: 'payment_success',
        to: { contactId: c.id },
        data: { amount: i, orderId: `D-${i}` },
      })),
    });
    expect(res.statusCode, res.body).toBe(202);
    const ids: string[] = res.json().results.map((r: Json) => r.id);
    expect(ids).toHaveLength(150);
    // Three more drains compete with the worker's for the same rows.
    await Promise.all([0, 1, 2].map(() => w.app.services.notifications.drain()));
    for (const id of ids) {
      const n = await w.settled(id);
      expect(n.status, JSON.stringify(n.log)).toBe('sent');
    }
    for (const [i, c] of contacts.entries()) {
      const sent = w.sentTo(c.chatId!);
      expect(sent, `chat of contact ${i}`).toHaveLength(1);
      expect(JSON.stringify(sent[0]!.params)).toContain(`D-${i}`);
    }
    const sample = await w.notification(ids[75]!);
    expect(events(sample)).toEqual(['queued', 'sent']);
    expect(sample.channel).toBe('telegram');
  }, 60_000);

  it('gives every row of one claim its own type and templates and the settings read once; a deleted type fails its rows', async () => {
    // What many rows share comes once per claim (a type's templates on one row, the settings on the first).
    await w.repos.settings.set('workspace_name', 'Школа Дрейна', null);
    const created = await w.call('POST', '/api/v1/notification-types', {
      key: 'drain_gone',
      name: 'Уйдёт',
      channels: ['telegram'],
      templates: { telegram: 'welcome.telegram' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const kinds = ['payment_success', 'new_lesson', 'welcome', 'drain_gone'];
    const contacts = await Promise.all(Array.from({ length: 24 }, () => w.contact({ telegram: true })));
    const res = await w.call('POST', '/api/v1/notifications/batch', {
      notifications: contacts.map((c, i) => ({
        type: kinds[i % kinds.length],
        to: { contactId: c.id },
        data: { amount: 100 + i, orderId: `M-${i}`, lesson: `Урок M-${i}` },
        sendAt: new Date(Date.now() + 3600_000).toISOString(),
      })),
    });
    expect(res.statusCode, res.body).toBe(202);
    const ids: string[] = res.json().results.map((r: Json) => r.id);
    expect((await w.call('DELETE', '/api/v1/notification-types/drain_gone')).statusCode).toBe(204);
    // Due at once, in one statement: one claim takes them all.
    await w.db
      .updateTable('notifications')
      .set({ nextAttemptAt: new Date(), sendAt: new Date() })
      .where('id', 'in', ids)
      .execute();
    await w.app.services.notifications.drain();
    for (const [i, c] of contacts.entries()) {
      const n = await w.settled(ids[i]!);
      const sent = w.sentTo(c.chatId!);
      if (kinds[i % kinds.length] === 'drain_gone') {
        expect(n.status).toBe('failed');
        expect(n.log.at(-1)).toMatchObject({ event: 'failed', detail: { reason: 'type_deleted' } });
        expect(sent).toHaveLength(0);
        continue;
      }
      expect(n.status, JSON.stringify(n.log)).toBe('sent');
      expect(sent).toHaveLength(1);
      const text = JSON.stringify(sent[0]!.params);
      if (kinds[i % kinds.length] === 'payment_success') {
        expect(text).toContain(`M-${i}`);
        expect(text).toContain('Школа Дрейна');
      } else if (kinds[i % kinds.length] === 'new_lesson') expect(text).toContain(`Урок M-${i}`);
      else expect(text).toMatch(/Добро пожаловать в <b>Школа Дрейна<\/b>/);
    }
  });

  it('fails rows left `sending` past the lease as interrupted without sending, and leaves younger ones to their drain', async () => {
    const c = await w.contact({ telegram: true });
    const type = await w.repos.notificationTypes.getByKey('welcome');
    const sending = async (minutesAgo: number) => {
      const now = new Date();
      const n = await w.repos.notifications.create({
        id: crypto.randomUUID(),
        typeId: type!.id,
        typeKey: 'welcome',
        contactId: c.id,
        data: {},
        channels: null,
        idempotencyKey: null,
        sendAt: null,
        createdAt: now,
      });
      const at = new Date(now.getTime() - minutesAgo * 60_000);
      await w.repos.notifications.update(n.id, { status: 'sending', sendingAt: at }, now);
      return n.id;
    };
    const crashed = await sending(11);
    const live = await sending(1);
    await w.app.services.notifications.drain();
    const failed = await w.notification(crashed);
    expect(failed.status).toBe('failed');
    expect(failed.log.at(-1)).toMatchObject({ event: 'failed', detail: { reason: 'interrupted' } });
    expect((await w.notification(live)).status).toBe('sending');
    expect(w.sentTo(c.chatId!)).toHaveLength(0);
  });

  it('holds a transient failure until its next attempt (e^attempts s later), then the woken drain sends it', async () => {
    const c = await w.contact({ telegram: true });
    // Held for later so the worker stays out of it until the attempt made here fails.
    const { id } = await w.trigger({
      type: 'welcome',
      to: { contactId: c.id },
      sendAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    w.bot.failNext('sendMessage', { error_code: 502, description: 'Bad Gateway' });
    await expect(w.app.services.notifications.deliver(id)).rejects.toThrow(/502/);
    const row = (await w.repos.notifications.get(id))!;
    expect(row).toMatchObject({ status: 'queued', attempts: 1 });
    const retry = (await w.notification(id)).log.find((e: Json) => e.event === 'retry');
    expect(row.nextAttemptAt!.getTime() - new Date(retry.at).getTime()).toBe(Math.round(Math.E * 1000));
    const n = await w.settled(id, ['sent', 'failed'], 20_000);
    expect(n.status).toBe('sent');
    expect(events(n)).toEqual(['queued', 'retry', 'sent']);
    expect(w.sentTo(c.chatId!)).toHaveLength(1);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotificationWorld } from './notification-world.ts';

/** The trigger API end to end: a Telegram send in the contact's language, idempotency under concurrency, validation. */

let w: NotificationWorld;
beforeAll(async () => {
  w = await NotificationWorld.start();
});
afterAll(async () => w?.stop());

describe('POST /api/v1/notifications', () => {
  it('answers 202 and sends the type’s Telegram template in the contact’s language, logging queued then sent', async () => {
    const ru = await w.contact({ telegram: true, language: 'ru' });
    const en = await w.contact({ telegram: true, language: 'en' });
    const data = { amount: 4900, currency: 'RUB', orderId: 'A-7' };
    const a = await w.trigger({ type: 'payment_success', to: { contactId: ru.id }, data });
    const b = await w.trigger({ type: 'payment_success', to: { contactId: en.id }, data });
    expect(a).toMatchObject({ status: 'queued', duplicate: false });

    const sentA = await w.settled(a.id);
    const sentB = await w.settled(b.id);
    expect(sentA.status).toBe('sent');
    expect(sentA.channel).toBe('telegram');
    expect(sentA.channelId).toBe(w.channelId);
    const [msgA] = w.sentTo(ru.chatId!);
    const [msgB] = w.sentTo(en.chatId!);
    expect(msgA!.params.text).toContain('Оплата получена');
    expect(msgA!.params.text).toContain('A-7');
    expect(msgB!.params.text).toContain('Payment received');
    // Telegram's message id (the fake numbers messages per chat).
    expect(sentA.externalId).toMatch(/^[0-9]+$/);
    expect(sentA.log.map((e: { event: string }) => e.event)).toEqual(['queued', 'sent']);
    expect(sentA.log[1]).toMatchObject({ channel: 'telegram', detail: { externalId: sentA.externalId } });
    expect(sentB.status).toBe('sent');
  });

  it('sends once for 20 concurrent calls with one idempotency key, and answers every call with that notification', async () => {
    const c = await w.contact({ telegram: true });
    const payload = { type: 'payment_success', to: { contactId: c.id }, data: { amount: 100 } };
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        // Half pass the key in the body, half in the header: the same key either way.
        i % 2
          ? w.trigger({ ...payload, idempotencyKey: 'order-42-paid' })
          : w.trigger(payload, { 'idempotency-key': 'order-42-paid' }),
      ),
    );
    const ids = new Set(answers.map((a) => a.id));
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => !a.duplicate)).toHaveLength(1);
    const [id] = [...ids];
    await w.settled(id!);
    // A later repeat (within 24 h) is still the same notification, and still nothing new goes out.
    const again = await w.trigger({ ...payload, idempotencyKey: 'order-42-paid' });
    expect(again).toMatchObject({ id, status: 'sent', duplicate: true });
    const rows = await w.db.selectFrom('notifications').select('id').where('contactId', '=', c.id).execute();
    expect(rows).toHaveLength(1);
    expect(w.sentTo(c.chatId!)).toHaveLength(1);
  });

  it('makes a new notification for a key older than 24 hours', async () => {
    const c = await w.contact({ telegram: true });
    const payload = { type: 'welcome', to: { contactId: c.id }, idempotencyKey: 'welcome-old' };
    const first = await w.trigger(payload);
    await w.settled(first.id);
    await w.db
      .updateTable('notificationIdempotencyKeys')
      .set({ createdAt: new Date(Date.now() - 25 * 3600_000) })
      .where('key', '=', 'welcome-old')
      .execute();
    const second = await w.trigger(payload);
    expect(second.id).not.toBe(first.id);
    expect(second.duplicate).toBe(false);
    await w.settled(second.id);
    expect(w.sentTo(c.chatId!)).toHaveLength(2);
  });

  it('prunes keys older than 24 hours and keeps younger ones', async () => {
    const c = await w.contact({ telegram: true });
    const old = await w.trigger({ type: 'welcome', to: { contactId: c.id }, idempotencyKey: 'prune-old' });
    await w.trigger({ type: 'welcome', to: { contactId: c.id }, idempotencyKey: 'prune-young' });
    await w.settled(old.id);
    await w.db
      .updateTable('notificationIdempotencyKeys')
      .set({ createdAt: new Date(Date.now() - 25 * 3600_000) })
      .where('key', '=', 'prune-old')
      .execute();
    expect(await w.app.services.notifications.pruneKeys()).toBeGreaterThanOrEqual(1);
    const keys = await w.db
      .selectFrom('notificationIdempotencyKeys')
      .select('key')
      .where('key', 'in', ['prune-old', 'prune-young'])
      .execute();
    expect(keys.map((k) => k.key)).toEqual(['prune-young']);
    // The notification itself stays.
    expect((await w.notification(old.id)).status).toBe('sent');
  });

  it('creates a contact for an unknown email address and mails it; refuses an unknown contactId, externalId, telegramId', async () => {
    const a = await w.trigger({ type: 'welcome', to: { email: 'New.Person@Example.com' } });
    const n = await w.settled(a.id);
    expect(n.status).toBe('sent');
    expect(n.channel).toBe('email');
    const contact = await w.repos.contacts.get(n.contactId);
    expect(contact).toMatchObject({ email: 'new.person@example.com', source: 'notification' });
    // No Telegram identity: the log says why Telegram was passed over.
    expect(n.log.find((e: { event: string }) => e.event === 'fallback')).toMatchObject({
      detail: { from: 'telegram', to: 'email', reason: 'no reachable Telegram identity on an active bot' },
    });
    // The same address again: the same contact.
    const b = await w.trigger({ type: 'welcome', to: { email: 'new.person@example.com' } });
    expect((await w.settled(b.id)).contactId).toBe(n.contactId);

    for (const [to, path] of [
      [{ contactId: '00000000-0000-4000-8000-000000000000' }, '/to/contactId'],
      [{ externalId: 'nobody-here' }, '/to/externalId'],
      [{ telegramId: 1234567 }, '/to/telegramId'],
    ] as const) {
      const res = await w.call('POST', '/api/v1/notifications', { type: 'welcome', to });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.details.map((d: { path: string }) => d.path)).toEqual([path]);
    }
  });

  it('finds the recipient by externalId and by Telegram id', async () => {
    const c = await w.contact({ telegram: true });
    await w.repos.contacts.update(c.id, { externalId: 'crm-77' });
    const a = await w.trigger({
      type: 'new_lesson',
      to: { externalId: 'crm-77' },
      data: { lesson: 'Урок 1' },
    });
    const b = await w.trigger({
      type: 'new_lesson',
      to: { telegramId: String(c.chatId) },
      data: { lesson: 'Урок 2' },
    });
    expect((await w.settled(a.id)).contactId).toBe(c.id);
    expect((await w.settled(b.id)).contactId).toBe(c.id);
  });

  it('names every bad field in a 400 and writes nothing', async () => {
    const c = await w.contact({ telegram: true });
    const before = await w.db.selectFrom('notifications').select('id').execute();
    const cases: Array<[Record<string, unknown>, string[], Record<string, string>?]> = [
      [{ type: 'no_such_type', to: { contactId: c.id } }, ['/type']],
      [{ type: 'welcome', to: { contactId: c.id, email: 'a@b.co' } }, ['/to']],
      [{ type: 'welcome', to: {} }, ['/to']],
      [{ type: 'welcome', to: { email: 'not-an-address' } }, ['/to/email']],
      [{ type: 'welcome', to: { contactId: 'abc' } }, ['/to/contactId']],
      [{ type: 'welcome', to: { contactId: c.id }, channels: ['email', 'email'] }, ['/channels/1']],
      [{ type: 'welcome', to: { contactId: c.id }, sendAt: '2099-01-01T00:00:00Z' }, ['/sendAt']],
      [{ type: 'welcome', to: { contactId: c.id }, idempotencyKey: 'has space' }, ['/idempotencyKey']],
      [
        { type: 'welcome', to: { contactId: c.id }, idempotencyKey: 'k1' },
        ['/idempotencyKey'],
        { 'idempotency-key': 'k2' },
      ],
      [{ type: 'welcome', to: { contactId: c.id }, data: { big: 'x'.repeat(40_000) } }, ['/data']],
    ];
    for (const [payload, paths, headers] of cases) {
      const res = await w.call('POST', '/api/v1/notifications', payload, headers);
      expect(res.statusCode, JSON.stringify(payload).slice(0, 200)).toBe(400);
      expect(res.json().error.details.map((d: { path: string }) => d.path)).toEqual(paths);
    }
    // The schema layer names fields too (unknown property, wrong channel kind).
    const res = await w.call('POST', '/api/v1/notifications', {
      type: 'welcome',
      to: { contactId: c.id },
      channels: ['sms'],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].path).toMatch(/channels\/0/);
    const after = await w.db.selectFrom('notifications').select('id').execute();
    expect(after).toHaveLength(before.length);
  });
});

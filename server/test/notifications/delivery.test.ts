import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadedAttachment } from '../telegram/sending.helpers.ts';
import { type Json, NotificationWorld } from './notification-world.ts';

/** Delivery: fallback Telegram → email on a blocked bot, preferences read at send time, transient retries. */

let w: NotificationWorld;
beforeAll(async () => {
  w = await NotificationWorld.start();
});
afterAll(async () => w?.stop());

const events = (n: Json) => n.log.map((e: Json) => e.event);

describe('notification delivery', () => {
  it('falls back to email when the contact blocked the bot, and marks the identity unreachable', async () => {
    const c = await w.contact({ telegram: true, email: 'blocked.user@example.com', language: 'en' });
    w.bot.blockedBy(c.chatId!);
    const { id } = await w.trigger({
      type: 'payment_success',
      to: { contactId: c.id },
      data: { amount: 990, orderId: 'B-1' },
    });
    const n = await w.settled(id);
    expect(n.status).toBe('sent');
    expect(n.channel).toBe('email');
    expect(events(n)).toEqual(['queued', 'fallback', 'sent']);
    expect(n.log[1].detail).toMatchObject({ from: 'telegram', to: 'email' });
    expect(n.log[1].detail.reason).toMatch(/blocked/);
    const [mail] = w.sink.to('blocked.user@example.com');
    expect(mail!.parsed.subject).toBe('Payment received: order B-1');
    expect(mail!.parsed.text).toContain('We have received your payment');
    expect(mail!.parsed.html).toContain('<b>');
    expect(n.externalId).toBe(mail!.parsed.messageId);
    // Transactional mail: a link to the preference page, no List-Unsubscribe.
    expect(mail!.parsed.text).toMatch(
      /Manage notifications: https:\/\/sb\.example\.com\/p\/[A-Za-z0-9_-]{43}/,
    );
    expect(mail!.parsed.headers.get('list-unsubscribe')).toBeUndefined();
    const identity = await w.db
      .selectFrom('contactChannels')
      .select(['reachable', 'lastError'])
      .where('contactId', '=', c.id)
      .executeTakeFirstOrThrow();
    expect(identity.reachable).toBe(false);
    expect(identity.lastError).toMatch(/blocked/);

    // The next notification does not try Telegram again.
    const next = await w.settled((await w.trigger({ type: 'welcome', to: { contactId: c.id } })).id);
    expect(next.channel).toBe('email');
    expect(w.bot.sentTo(c.chatId!).filter((s) => s.method === 'sendMessage')).toHaveLength(0);
  });

  it('marks an address refused with 5xx unreachable and fails when no channel is left', async () => {
    const c = await w.contact({ email: 'gone@example.com' });
    w.sink.recipientRules.set('gone@example.com', { code: 550, message: 'No such user' });
    const n = await w.settled((await w.trigger({ type: 'welcome', to: { contactId: c.id } })).id);
    expect(n.status).toBe('failed');
    expect(n.reason).toMatch(/telegram: no reachable Telegram identity.*email: .*550/);
    const address = await w.repos.emailAddresses.get('gone@example.com');
    expect(address?.status).toBe('unreachable');
  });

  it('does not mail an address known to bounce (read with the claim, or by the send for an address stored unnormalised)', async () => {
    await w.repos.emailAddresses.markUnreachable('bounced.before@example.com', '550 No such user');
    const plain = await w.contact({ email: 'bounced.before@example.com' });
    // Written around the API, an address can keep its capitals: the claim's record is not used, the send reads its own.
    const mixed = await w.contact();
    await w.db
      .updateTable('contacts')
      .set({ email: ' Bounced.Before@Example.com' })
      .where('id', '=', mixed.id)
      .execute();
    for (const c of [plain, mixed]) {
      const n = await w.settled(
        (await w.trigger({ type: 'welcome', to: { contactId: c.id }, channels: ['email'] })).id,
      );
      expect(n.status).toBe('failed');
      expect(n.reason).toMatch(/email: .*the address is unreachable: 550 No such user/);
    }
    expect(w.sink.to('bounced.before@example.com')).toHaveLength(0);
  });

  it('reads preferences when the job runs, not when the notification was queued', async () => {
    const c = await w.contact({ telegram: true, email: 'prefs@example.com' });
    // Queued for later (its job waits), so the preference can change in between; the job's run is then made here.
    const later = () => new Date(Date.now() + 3600_000).toISOString();
    const off = await w.trigger({
      type: 'new_lesson',
      to: { contactId: c.id },
      data: { lesson: 'L1' },
      sendAt: later(),
    });
    await w.repos.preferences.put(c.id, { types: { new_lesson: { enabled: false } } });
    await w.app.services.notifications.deliver(off.id);
    const skipped = await w.notification(off.id);
    expect(skipped.status).toBe('skipped');
    expect(skipped.log.at(-1)).toMatchObject({ event: 'skipped', detail: { rule: 'type_opted_out' } });

    // Telegram turned off when it was queued, back on before it goes: Telegram is used.
    await w.repos.preferences.put(c.id, { types: {}, channels: { telegram: false } });
    const on = await w.trigger({
      type: 'new_lesson',
      to: { contactId: c.id },
      data: { lesson: 'L2' },
      sendAt: later(),
    });
    await w.repos.preferences.put(c.id, { channels: {} });
    await w.app.services.notifications.deliver(on.id);
    expect(await w.notification(on.id)).toMatchObject({ status: 'sent', channel: 'telegram' });
    expect(w.sentTo(c.chatId!)).toHaveLength(1);
    expect(w.sink.to('prefs@example.com')).toHaveLength(0);
    // The queued jobs, when their time comes, find the notifications done and send nothing.
    await w.app.services.notifications.deliver(on.id);
    expect(w.sentTo(c.chatId!)).toHaveLength(1);
  });

  it('uses the preferred channel first, and the call’s channels over everything', async () => {
    const c = await w.contact({ telegram: true, email: 'pref.email@example.com' });
    await w.repos.preferences.put(c.id, { preferredChannel: 'email' });
    const a = await w.settled((await w.trigger({ type: 'welcome', to: { contactId: c.id } })).id);
    expect(a.channel).toBe('email');
    const b = await w.settled(
      (await w.trigger({ type: 'welcome', to: { contactId: c.id }, channels: ['telegram'] })).id,
    );
    expect(b.channel).toBe('telegram');
  });

  it('skips marketing for an unsubscribed contact but still sends transactional and critical types', async () => {
    const c = await w.contact({ telegram: true, subscribed: false });
    await w.repos.preferences.put(c.id, { types: { payment_failed: { enabled: false } } });
    const promo = await w.settled(
      (await w.trigger({ type: 'promo_code_available', to: { contactId: c.id }, data: { code: 'X' } })).id,
    );
    expect(promo.status).toBe('skipped');
    expect(promo.log.at(-1).detail).toEqual({ rule: 'unsubscribed' });
    const failed = await w.settled(
      (await w.trigger({ type: 'payment_failed', to: { contactId: c.id }, data: { amount: 1 } })).id,
    );
    expect(failed.status).toBe('sent');
  });

  it('retries a transient Telegram failure (the job runs again) and then sends', async () => {
    const c = await w.contact({ telegram: true });
    w.bot.failNext('sendMessage', { error_code: 500, description: 'Internal Server Error' });
    const { id } = await w.trigger({ type: 'welcome', to: { contactId: c.id } });
    // graphile-worker's first retry waits about 2 s (exp(1)).
    const n = await w.settled(id, ['sent', 'failed'], 20_000);
    expect(n.status).toBe('sent');
    expect(events(n)).toEqual(['queued', 'retry', 'sent']);
    expect(n.log[1].detail.reason).toMatch(/500/);
    expect(w.sentTo(c.chatId!)).toHaveLength(1);
  });

  it('fails a notification found in `sending` (interrupted) without sending it again', async () => {
    const c = await w.contact({ telegram: true });
    const now = new Date();
    const row = await w.repos.notificationTypes.getByKey('welcome');
    const n = await w.repos.notifications.create({
      id: crypto.randomUUID(),
      typeId: row!.id,
      typeKey: 'welcome',
      contactId: c.id,
      data: {},
      channels: null,
      idempotencyKey: null,
      sendAt: null,
      createdAt: now,
    });
    await w.repos.notifications.update(n.id, { status: 'sending', sendingAt: now }, now);
    await w.app.services.notifications.deliver(n.id);
    const after = await w.notification(n.id);
    expect(after.status).toBe('failed');
    expect(after.reason).toMatch(/interrupted/);
    expect(after.log.at(-1)).toMatchObject({ event: 'failed', detail: { reason: 'interrupted' } });
    expect(w.sentTo(c.chatId!)).toHaveLength(0);
  });

  it('gives up on the last attempt of a transient failure: failed, nothing resent', async () => {
    const c = await w.contact({ telegram: true });
    // Held for later so the worker stays out of it; the job's runs are made here.
    const { id } = await w.trigger({
      type: 'welcome',
      to: { contactId: c.id },
      sendAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    w.bot.failNext('sendMessage', { error_code: 502, description: 'Bad Gateway' }, 2);
    await expect(w.app.services.notifications.deliver(id)).rejects.toThrow(/502/);
    expect((await w.notification(id)).status).toBe('queued');
    await w.app.services.notifications.deliver(id, { lastAttempt: true });
    const n = await w.notification(id);
    expect(n.status).toBe('failed');
    expect(n.reason).toMatch(/^gave up after retries: .*502/);
    expect(events(n)).toEqual(['queued', 'retry', 'failed']);
    expect(w.sentTo(c.chatId!)).toHaveLength(0);
  });

  it('retries an email refused with 4xx and counts a soft bounce when the last attempt fails too', async () => {
    const c = await w.contact({ email: 'full.box@example.com' });
    w.sink.recipientRules.set('full.box@example.com', { code: 452, message: 'Mailbox full' });
    const { id } = await w.trigger({
      type: 'welcome',
      to: { contactId: c.id },
      sendAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    await expect(w.app.services.notifications.deliver(id)).rejects.toThrow();
    expect((await w.repos.emailAddresses.get('full.box@example.com'))?.softBounces ?? 0).toBe(0);
    await w.app.services.notifications.deliver(id, { lastAttempt: true });
    const n = await w.notification(id);
    expect(n.status).toBe('failed');
    expect(n.log.find((e: Json) => e.event === 'retry')).toMatchObject({ channel: 'email' });
    expect((await w.repos.emailAddresses.get('full.box@example.com'))?.softBounces).toBe(1);
  });

  it('sends the template’s file with the text', async () => {
    const c = await w.contact({ telegram: true });
    const file = await uploadedAttachment(
      w.db,
      w.app.services.ctx.storage!,
      'document',
      Buffer.from('%PDF-1.4 receipt'),
      'receipt.pdf',
      'application/pdf',
    );
    const t = await w.call('POST', '/api/v1/templates', {
      name: 'Receipt',
      body: 'Чек по заказу {{ data.orderId }}',
      attachmentId: file.id,
    });
    expect(t.statusCode, t.body).toBe(201);
    const type = await w.call('POST', '/api/v1/notification-types', {
      key: 'receipt',
      name: 'Receipt',
      channels: ['telegram'],
      templates: { telegram: t.json().id },
    });
    expect(type.statusCode, type.body).toBe(201);
    const n = await w.settled(
      (await w.trigger({ type: 'receipt', to: { contactId: c.id }, data: { orderId: 'R-9' } })).id,
    );
    expect(n.status).toBe('sent');
    const doc = w.bot.sentTo(c.chatId!).find((s) => s.method === 'sendDocument');
    expect(doc).toBeDefined();
    expect(JSON.stringify(doc!.params)).toContain('R-9');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { type Json, NotificationWorld } from './notification-world.ts';

/** Digests (exactly one message per window even for concurrent events) and throttling (at most N per period). */

let w: NotificationWorld;
beforeAll(async () => {
  w = await NotificationWorld.start();
  const created = await Promise.all([
    // A long window, closed by the tests themselves (the flush job's own run would come in ten minutes).
    w.call('POST', '/api/v1/notification-types', {
      key: 'lesson_digest',
      name: 'Lessons (digest)',
      channels: ['telegram'],
      templates: { telegram: 'new_lesson.telegram' },
      digestWindowSeconds: 600,
    }),
    w.call('POST', '/api/v1/notification-types', {
      key: 'quick_digest',
      name: 'Lessons (2 s digest)',
      channels: ['telegram'],
      templates: { telegram: 'new_lesson.telegram' },
      digestWindowSeconds: 2,
    }),
    w.call('POST', '/api/v1/notification-types', {
      key: 'order_update',
      name: 'Order updates (throttled)',
      channels: ['telegram'],
      templates: { telegram: 'payment_success.telegram' },
      throttle: { limit: 2, periodSeconds: 3600 },
    }),
  ]);
  for (const res of created) expect(res.statusCode, res.body).toBe(201);
});
afterAll(async () => w?.stop());

/** The open digest of a contact (its id), as the triggers left it. */
const openDigest = async (contactId: string) =>
  (
    await w.db
      .selectFrom('notificationDigests')
      .selectAll()
      .where('contactId', '=', contactId)
      .where('status', '=', 'open')
      .executeTakeFirstOrThrow()
  ).id;

describe('digest', () => {
  it('merges concurrent events into exactly one message per window, even when the flush runs twice', async () => {
    const c = await w.contact({ telegram: true, language: 'ru' });
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        w.trigger({ type: 'lesson_digest', to: { contactId: c.id }, data: { lesson: `Урок №${i + 1}` } }),
      ),
    );
    const digests = await w.db
      .selectFrom('notificationDigests')
      .selectAll()
      .where('contactId', '=', c.id)
      .execute();
    expect(digests).toHaveLength(1);
    for (const a of answers) expect((await w.notification(a.id)).digestId).toBe(digests[0]!.id);
    // The window closes: two flushes at once (the job and a retry, say) make one message.
    await Promise.all([
      w.app.services.notifications.flushDigest(digests[0]!.id),
      w.app.services.notifications.flushDigest(digests[0]!.id),
    ]);
    const settled = await Promise.all(answers.map((a) => w.settled(a.id)));
    expect(settled.filter((n) => n.status === 'sent')).toHaveLength(1);
    expect(settled.filter((n) => n.status === 'digested')).toHaveLength(11);
    const [message, ...more] = w.sentTo(c.chatId!);
    expect(more).toHaveLength(0);
    expect(message!.params.text).toContain('Новых уведомлений: 12');
    for (let i = 1; i <= 12; i++) expect(message!.params.text).toMatch(new RegExp(`Урок №${i}(\n|$)`));
    // Every event points at the one that carried it.
    const carrier = settled.find((n) => n.status === 'sent')!;
    for (const n of settled.filter((m) => m.status === 'digested'))
      expect(n.reason).toBe(`merged into ${carrier.id}`);

    // The next event after the flush opens a new window: a second message, alone (no heading).
    const later = await w.trigger({
      type: 'lesson_digest',
      to: { contactId: c.id },
      data: { lesson: 'Урок №13' },
    });
    const second = await openDigest(c.id);
    expect(second).not.toBe(digests[0]!.id);
    await w.app.services.notifications.flushDigest(second);
    expect((await w.settled(later.id)).status).toBe('sent');
    const text = w.sentTo(c.chatId!)[1]!.params.text;
    expect(text).toContain('Урок №13');
    expect(text).not.toContain('Новых уведомлений');
  });

  it('keeps windows of different contacts apart', async () => {
    const a = await w.contact({ telegram: true });
    const b = await w.contact({ telegram: true });
    const calls = [a, b, a, b].map((c, i) =>
      w.trigger({ type: 'lesson_digest', to: { contactId: c.id }, data: { lesson: `L${i}` } }),
    );
    const ids = (await Promise.all(calls)).map((x) => x.id);
    for (const c of [a, b]) await w.app.services.notifications.flushDigest(await openDigest(c.id));
    await Promise.all(ids.map((id) => w.settled(id)));
    expect(w.sentTo(a.chatId!)).toHaveLength(1);
    expect(w.sentTo(b.chatId!)).toHaveLength(1);
    // Concurrent calls: each contact's events, in whatever order they arrived, and none of the other's.
    const textA = w.sentTo(a.chatId!)[0]!.params.text as string;
    expect(textA).toContain('L0');
    expect(textA).toContain('L2');
    expect(textA).not.toMatch(/L1|L3/);
  });

  it('flushes through its job when the window ends', async () => {
    const c = await w.contact({ telegram: true });
    const one = await w.trigger({ type: 'quick_digest', to: { contactId: c.id }, data: { lesson: 'Q1' } });
    const n = await w.settled(one.id);
    expect(n.status).toBe('sent');
    expect(n.log.map((e: Json) => e.event)).toEqual(['queued', 'sent']);
    expect(n.log[0].detail.digestId).toBe(n.digestId);
  });

  it('refuses sendAt for a digest type', async () => {
    const c = await w.contact({ telegram: true });
    const res = await w.call('POST', '/api/v1/notifications', {
      type: 'lesson_digest',
      to: { contactId: c.id },
      sendAt: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].path).toBe('/sendAt');
  });

  it('refuses an unknown contactId for a digest type as a bad recipient, opening no digest', async () => {
    const missing = '00000000-0000-4000-8000-000000000001';
    const res = await w.call('POST', '/api/v1/notifications', {
      type: 'lesson_digest',
      to: { contactId: missing },
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.details.map((d: { path: string }) => d.path)).toEqual(['/to/contactId']);
    const digests = await w.db
      .selectFrom('notificationDigests')
      .select('id')
      .where('contactId', '=', missing)
      .execute();
    expect(digests).toEqual([]);
  });
});

describe('throttling', () => {
  it('sends at most N per contact per period, also for concurrent calls, and skips the rest as throttled', async () => {
    const c = await w.contact({ telegram: true });
    const other = await w.contact({ telegram: true });
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        w.trigger({ type: 'order_update', to: { contactId: c.id }, data: { amount: i + 1 } }),
      ),
    );
    const settled: Json[] = await Promise.all(answers.map((a) => w.settled(a.id)));
    expect(settled.filter((n) => n.status === 'sent')).toHaveLength(2);
    const skipped = settled.filter((n) => n.status === 'skipped');
    expect(skipped).toHaveLength(3);
    expect(skipped[0]!.log.at(-1).detail).toEqual({ rule: 'throttled', limit: 2, periodSeconds: 3600 });
    expect(w.sentTo(c.chatId!)).toHaveLength(2);
    // Another contact has its own allowance.
    const o = await w.settled(
      (await w.trigger({ type: 'order_update', to: { contactId: other.id }, data: {} })).id,
    );
    expect(o.status).toBe('sent');
    // Once the period has passed (the sends moved back in time), the contact gets messages again.
    await w.db
      .updateTable('notifications')
      .set({ sendingAt: new Date(Date.now() - 2 * 3600_000) })
      .where('contactId', '=', c.id)
      .execute();
    const again = await w.settled(
      (await w.trigger({ type: 'order_update', to: { contactId: c.id }, data: {} })).id,
    );
    expect(again.status).toBe('sent');
    await eventually(async () => w.sentTo(c.chatId!).length === 3);
  });
});

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../support/fake-clock.ts';
import { NotificationWorld } from './notification-world.ts';

/** Quiet hours (default 22:00–09:00 in the contact's time zone) hold marketing until the morning; transactional goes. */

const clock = new FakeClock();
let w: NotificationWorld;

/** Moves the fake clock forward to the next moment the wall clock in Moscow (UTC+3, no DST) reads hh:mm. */
function moveToMoscow(hh: number, mm: number): Date {
  const now = clock.now();
  const target = new Date(now);
  target.setUTCHours(hh - 3, mm, 0, 0);
  while (target <= now) target.setUTCDate(target.getUTCDate() + 1);
  clock.advance(target.getTime() - now.getTime());
  return target;
}

/** When the notification's next attempt is due, and when the drain job that takes it up runs. */
const wakeOf = async (notificationId: string) => {
  const n = await w.repos.notifications.get(notificationId);
  const r = await sql<{ runAt: Date }>`
    select j.run_at from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
    where t.identifier = 'notifications.drain' and j.run_at >= ${n!.nextAttemptAt}::timestamptz
    order by j.run_at limit 1`.execute(w.db);
  return { due: n?.nextAttemptAt, drainAt: r.rows[0]?.runAt };
};

beforeAll(async () => {
  w = await NotificationWorld.start({ clock, quietHours: true });
});
afterAll(async () => w?.stop());

describe('quiet hours', () => {
  it('delays marketing at 23:00 in the contact’s zone to 09:00 there, and sends it then', async () => {
    const eveningMsk = moveToMoscow(23, 0);
    const moscow = await w.contact({ email: 'quiet@example.com', timezone: 'Europe/Moscow' });
    const { id } = await w.trigger({
      type: 'promo_code_available',
      to: { contactId: moscow.id },
      data: { code: 'NIGHT' },
    });
    const delayed = await w.settled(id, ['delayed']);
    const morning = new Date(eveningMsk.getTime() + 10 * 3600_000);
    expect(delayed.log.at(-1)).toMatchObject({
      event: 'delayed',
      detail: { rule: 'quiet_hours', until: morning.toISOString() },
    });
    // Due in the morning, and a drain is queued for then (the one that ran has finished).
    const wake = await wakeOf(id);
    expect(wake.due?.toISOString()).toBe(morning.toISOString());
    expect(wake.drainAt?.toISOString()).toBe(morning.toISOString());
    expect(w.sink.to('quiet@example.com')).toHaveLength(0);

    // Morning comes: the delivery sends it (run here directly; the queued drain would find it sent).
    clock.advance(morning.getTime() - clock.now().getTime() + 60_000);
    await w.app.services.notifications.deliver(id);
    const sent = await w.notification(id);
    expect(sent.status).toBe('sent');
    const [mail] = w.sink.to('quiet@example.com');
    // Marketing mail: RFC 8058 one-click unsubscribe headers and the footer link.
    const header = (key: string) =>
      mail!.parsed.headerLines.find((h) => h.key === key)?.line.replace(/\r?\n\s+/g, ' ');
    expect(header('list-unsubscribe')).toMatch(
      /^List-Unsubscribe: <https:\/\/sb\.example\.com\/p\/[A-Za-z0-9_-]{43}\/unsubscribe>$/,
    );
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(mail!.parsed.text).toMatch(
      /Настроить уведомления или отписаться: https:\/\/sb\.example\.com\/p\//,
    );
  });

  it('sends transactional types at once, and marketing at once where it is daytime for the contact', async () => {
    moveToMoscow(23, 30);
    const moscow = await w.contact({ telegram: true, timezone: 'Europe/Moscow' });
    const tx = await w.settled(
      (await w.trigger({ type: 'payment_success', to: { contactId: moscow.id }, data: {} })).id,
    );
    expect(tx.status).toBe('sent');
    // 23:30 in Moscow is 15:30 or 16:30 in New York.
    const ny = await w.contact({ telegram: true, timezone: 'America/New_York' });
    const promo = await w.settled(
      (await w.trigger({ type: 'promo_code_available', to: { contactId: ny.id }, data: { code: 'DAY' } })).id,
    );
    expect(promo.status).toBe('sent');
  });
});

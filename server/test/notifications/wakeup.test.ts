import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotificationWorld } from './notification-world.ts';

/**
 * How a worker process's drain learns of due notifications: the NOTIFY each trigger sends at its commit (no job), the
 * listener's reconnection, and the poll that covers a NOTIFY nobody received. The per-minute cron drain is the last net,
 * and could deliver in place of the path under test: a case that spans a minute boundary is run again (see outsideCron).
 */

/**
 * Runs `scenario` until one run falls within one clock minute, so the cron drain (at each minute's start) played no part
 * in what it observed. A run takes seconds, so a second attempt never spans a boundary too.
 */
async function outsideCron(scenario: () => Promise<void>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const minute = Math.floor(Date.now() / 60_000);
    await scenario();
    if (Math.floor(Date.now() / 60_000) === minute || attempt === 2) return;
  }
}

/** Drain jobs waiting or running (the trigger queues none unless it carries `sendAt`). */
async function drainJobs(w: NotificationWorld): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
    where t.identifier = 'notifications.drain'`.execute(w.db);
  return rows[0]!.n;
}

/** A due notification committed without any wake-up, as if its NOTIFY had been lost. */
async function dueWithoutWakeUp(w: NotificationWorld, contactId: string): Promise<string> {
  const type = await w.repos.notificationTypes.getByKey('welcome');
  const now = new Date();
  const n = await w.repos.notifications.createAndLog(
    {
      id: randomUUID(),
      typeId: type!.id,
      typeKey: 'welcome',
      contactId,
      data: {},
      channels: null,
      idempotencyKey: null,
      sendAt: null,
      digestId: null,
      nextAttemptAt: now,
      createdAt: now,
    },
    {},
  );
  return n.id;
}

describe('with the NOTIFY as the only quick path (poll every 10 minutes)', () => {
  let w: NotificationWorld;
  beforeAll(async () => {
    w = await NotificationWorld.start({ notificationListener: { pollMs: 600_000 } });
  });
  afterAll(async () => w?.stop());

  it('delivers a call committed while the drain is idle, and queues no job for it', async () => {
    await outsideCron(async () => {
      const c = await w.contact({ telegram: true });
      // Idle: nothing due, the drain has ended.
      await new Promise((r) => setTimeout(r, 300));
      const { id } = await w.trigger({ type: 'welcome', to: { contactId: c.id } });
      expect(await drainJobs(w)).toBe(0);
      const n = await w.settled(id, ['sent', 'failed', 'skipped'], 10_000);
      expect(n.status).toBe('sent');
      expect(w.sentTo(c.chatId!)).toHaveLength(1);
    });
  });

  it('after its connection is cut, the listener reconnects and delivers what was committed meanwhile', async () => {
    await outsideCron(async () => {
      const c = await w.contact({ telegram: true });
      await sql`select pg_terminate_backend(pid) from pg_stat_activity
      where application_name = 'switchboard-notifications' and datname = current_database()`.execute(w.db);
      const id = await dueWithoutWakeUp(w, c.id);
      const n = await w.settled(id, ['sent', 'failed', 'skipped'], 15_000);
      expect(n.status).toBe('sent');
      expect(w.sentTo(c.chatId!)).toHaveLength(1);
    });
  });
});

describe('with a lost NOTIFY (poll every 300 ms)', () => {
  let w: NotificationWorld;
  beforeAll(async () => {
    w = await NotificationWorld.start({ notificationListener: { pollMs: 300 } });
  });
  afterAll(async () => w?.stop());

  it('delivers a due notification that no NOTIFY announced, once', async () => {
    await outsideCron(async () => {
      const c = await w.contact({ telegram: true });
      const id = await dueWithoutWakeUp(w, c.id);
      const n = await w.settled(id, ['sent', 'failed', 'skipped'], 10_000);
      expect(n.status).toBe('sent');
      expect(n.log.map((e: { event: string }) => e.event)).toEqual(['queued', 'sent']);
      // Further polls find nothing to send again.
      await new Promise((r) => setTimeout(r, 1000));
      expect(w.sentTo(c.chatId!)).toHaveLength(1);
    });
  });
});

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetentionService } from '../../src/services/automations/retention.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/** The retention cleanup: what goes, what stays, and that writers never wait for it. */

let app: TestApp;
let channelId: string;
let contactId: string;
beforeAll(async () => {
  app = await startTestApp({ role: 'api' });
  const db = app.services.ctx.db;
  channelId = (
    await sql<{
      id: string;
    }>`insert into channels (type, name) values ('telegram', 'Shop bot') returning id`.execute(db)
  ).rows[0]!.id;
  contactId = (
    await sql<{ id: string }>`insert into contacts (first_name) values ('Ann') returning id`.execute(db)
  ).rows[0]!.id;
});
afterAll(async () => app?.stop());

const db = () => app.services.ctx.db;
const count = async (q: ReturnType<typeof sql>) =>
  (await sql<{ n: number }>`select count(*)::int as n from (${q}) x`.execute(db())).rows[0]!.n;

/** `n` Telegram updates received `daysAgo` days ago, update ids from `from`. */
const updates = (n: number, daysAgo: number, from: number) =>
  sql`insert into telegram_updates (channel_id, update_id, payload, received_at, processed_at)
    select ${channelId}::uuid, g, '{}'::jsonb, now() - make_interval(days => ${daysAgo}::int), now()
    from generate_series(${from}::int, ${from + n - 1}::int) g`.execute(db());

async function broadcast(
  status: string,
  finishedDaysAgo: number | null,
  deliveries: number,
): Promise<string> {
  const { rows } = await sql<{ id: string }>`insert into broadcasts (title, channel_id, status, finished_at)
    values ('News', ${channelId}::uuid, ${status},
      case when ${finishedDaysAgo}::int is null then null else now() - make_interval(days => ${finishedDaysAgo}::int) end)
    returning id`.execute(db());
  const id = rows[0]!.id;
  await sql`insert into broadcast_deliveries (broadcast_id, contact_id, status)
    select ${id}::uuid, gen_random_uuid(), 'sent' from generate_series(1, ${deliveries}::int)`.execute(db());
  return id;
}

const notifications = (n: number, status: string, daysAgo: number) =>
  sql`with made as (
      insert into notifications (type_key, contact_id, status, created_at)
      select 'welcome', ${contactId}::uuid, ${status}, now() - make_interval(days => ${daysAgo}::int)
      from generate_series(1, ${n}::int) returning id)
    insert into notification_log (notification_id, event) select id, 'queued' from made`.execute(db());

const mails = (n: number, daysAgo: number, tag: string) =>
  sql`insert into email_inbound (channel_id, message_id, raw, via, received_at)
    select ${channelId}::uuid, '<' || ${tag}::text || g || '@x>', '\\x00'::bytea, 'imap', now() - make_interval(days => ${daysAgo}::int)
    from generate_series(1, ${n}::int) g`.execute(db());

describe('retention cleanup', () => {
  it('deletes only what is older than each period, in batches, and keeps what is still in use', async () => {
    await updates(1200, 45, 1);
    await updates(7, 2, 100_000);
    const oldFinished = await broadcast('completed', 120, 1100);
    const recentFinished = await broadcast('completed', 10, 30);
    const stillSending = await broadcast('sending', null, 40);
    await notifications(600, 'sent', 200);
    await notifications(4, 'queued', 200);
    await notifications(5, 'sent', 3);
    await mails(300, 60, 'old');
    await mails(3, 1, 'new');

    const summary = await new RetentionService(app.services.ctx, 250).cleanup();
    expect(summary).toEqual({
      telegramUpdates: 1200,
      broadcastDeliveries: 1100,
      notifications: 600,
      emailInbound: 300,
    });

    expect(await count(sql`select 1 from telegram_updates`)).toBe(7);
    const left = async (id: string) =>
      count(sql`select 1 from broadcast_deliveries where broadcast_id = ${id}::uuid`);
    expect([await left(oldFinished), await left(recentFinished), await left(stillSending)]).toEqual([
      0, 30, 40,
    ]);
    // The finished broadcast keeps its counters and row; only the per-recipient rows went.
    expect(await count(sql`select 1 from broadcasts where id = ${oldFinished}::uuid`)).toBe(1);
    expect(await count(sql`select 1 from notifications`)).toBe(9);
    expect(await count(sql`select 1 from notification_log`)).toBe(9);
    expect(await count(sql`select 1 from email_inbound`)).toBe(3);

    // Nothing left to do: a second run deletes nothing.
    expect(await new RetentionService(app.services.ctx, 250).cleanup()).toEqual({
      telegramUpdates: 0,
      broadcastDeliveries: 0,
      notifications: 0,
      emailInbound: 0,
    });
  });

  it('keeps a kind forever when its period is 0', async () => {
    await updates(20, 400, 200_000);
    const ctx = app.services.ctx;
    const keep = {
      ...ctx,
      config: { ...ctx.config, retentionDays: { ...ctx.config.retentionDays, telegramUpdates: 0 } },
    };
    expect((await new RetentionService(keep, 250).cleanup()).telegramUpdates).toBe(0);
    expect(await count(sql`select 1 from telegram_updates where update_id >= 200000`)).toBe(20);
    await sql`delete from telegram_updates where update_id >= 200000`.execute(db());
  });

  it('never makes concurrent writers wait: inserts and updates keep succeeding under a short lock timeout', async () => {
    await updates(20_000, 45, 300_000);
    await notifications(3000, 'sent', 200);
    await notifications(1, 'sent', 1);
    let done = false;
    let writes = 0;
    const errors: unknown[] = [];
    // A writer like the webhook and the notification path: each write in its own transaction that gives up after 200 ms
    // of waiting for a lock, so any blocking by the cleanup shows up as an error.
    const writer = (async () => {
      let n = 0;
      while (!done) {
        n += 1;
        try {
          await db()
            .transaction()
            .execute(async (tx) => {
              await sql`set local lock_timeout = '200ms'`.execute(tx);
              await sql`insert into telegram_updates (channel_id, update_id, payload) values (${channelId}::uuid, ${900_000 + n}, '{}')`.execute(
                tx,
              );
              await sql`update notifications set updated_at = now() where created_at > now() - interval '2 days'`.execute(
                tx,
              );
            });
          writes += 1;
        } catch (err) {
          errors.push(err);
        }
      }
    })();
    const summary = await new RetentionService(app.services.ctx, 500).cleanup();
    done = true;
    await writer;
    expect(errors).toEqual([]);
    expect(writes).toBeGreaterThan(0);
    // Many batches ran (40 + 6 statements at most 500 rows each) while the writer kept going.
    expect(summary.telegramUpdates).toBe(20_000);
    expect(summary.notifications).toBe(3000);
    expect(await count(sql`select 1 from telegram_updates where update_id > 900000`)).toBe(writes);
  });

  it('runs as its own job when a rule step asks for it, one at a time', async () => {
    const { retentionCleanupAction } = await import('../../src/services/automations/retention.ts');
    const repos = app.services.ctx.repos;
    const run = {
      id: 1,
      automationId: '',
      contactId: null,
      conversationId: null,
      step: 0,
      context: {},
      createdAt: new Date(),
    };
    for (let i = 0; i < 2; i++) {
      const out = await retentionCleanupAction.run({
        action: { type: 'retention_cleanup' },
        run,
        trigger: { kind: 'schedule', cron: '0 3 * * *', timezone: 'UTC' },
        repos,
        now: new Date(),
      });
      expect(out.kind).toBe('next');
    }
    expect(
      await count(
        sql`select 1 from graphile_worker.jobs where task_identifier = 'automations.retention_cleanup'`,
      ),
    ).toBe(1);
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliProcess } from '../cli-process.ts';
import { eventually } from '../support/eventually.ts';
import { TEST_SECRET_KEY } from '../support/test-app.ts';
import { createTestDatabase } from '../support/test-db.ts';
import { AutomationWorld } from './automation-world.ts';

/**
 * Exactly once per occurrence with two real worker processes (`node bin/switchboard.mjs worker`) on one database, and this
 * process as the api (no job runner) recording events: every contact's cart is reported four times in separate calls, so the
 * matching jobs race in both workers, and each contact still gets one run, one tag pass and one notification.
 */

let api: AutomationWorld;
let dataDir: string;
const workers: CliProcess[] = [];
beforeAll(async () => {
  const databaseUrl = await createTestDatabase();
  api = await AutomationWorld.start({ databaseUrl, role: 'api' });
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-automations-mp-'));
  const env = {
    DATABASE_URL: databaseUrl,
    SWITCHBOARD_SECRET_KEY: TEST_SECRET_KEY,
    SWITCHBOARD_DATA_DIR: dataDir,
    // graphile-worker's "Completed task" lines (debug in our log) tell which process ran what.
    LOG_LEVEL: 'debug',
    WORKER_CONCURRENCY: '4',
  };
  for (let i = 0; i < 2; i++) workers.push(CliProcess.spawn(['worker'], env));
  await Promise.all(workers.map((w) => w.ready(90_000)));
  await api.notificationType('race_reminder', 'Cart {{ data.event.properties.cartId }}');
}, 120_000);
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop('SIGTERM', 10_000)));
  await api?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const completed = (w: CliProcess, task: string) =>
  w.lines.filter((l) => typeof l.msg === 'string' && new RegExp(`Completed task .*${task}`).test(l.msg))
    .length;

describe('event rules across worker processes', () => {
  it('starts one run per contact and cart however many times and wherever the event is matched', async () => {
    const rule = await api.rule({
      name: 'Cart race',
      trigger: { kind: 'event', event: 'cart_abandoned', occurrenceProperty: 'cartId' },
      actions: [
        { type: 'send_notification', notificationType: 'race_reminder' },
        { type: 'add_tags', tags: ['reminded'] },
      ],
    });
    const contacts = await Promise.all(Array.from({ length: 15 }, () => api.contact()));
    // Four reports of each cart, all at once: 60 events, 60 matching jobs.
    await Promise.all(
      contacts.flatMap((c, i) =>
        Array.from({ length: 4 }, () => api.event(c, 'cart_abandoned', { cartId: `R-${i}` })),
      ),
    );
    await eventually(
      async () => (await api.jobCount('automations.events')) + (await api.jobCount('automations.step')) === 0,
      60_000,
      'every matching and step job done',
    );
    // Both processes matched events: the race was real.
    for (const w of workers) expect(completed(w, 'automations\\.events')).toBeGreaterThan(0);

    const runs = await api.runs(rule.id);
    expect(runs).toHaveLength(15);
    expect(new Set(runs.map((r) => r.contactId))).toEqual(new Set(contacts));
    expect(runs.every((r) => r.status === 'completed')).toBe(true);
    for (const c of contacts) {
      expect(await api.notificationsOf(c)).toHaveLength(1);
      expect((await api.repos.contacts.get(c))!.tags).toEqual(['reminded']);
    }
    // A new cart of the same contact is a new occurrence.
    await api.event(contacts[0]!, 'cart_abandoned', { cartId: 'R-new' });
    await eventually(async () => (await api.runs(rule.id)).length === 16);
  }, 90_000);
});

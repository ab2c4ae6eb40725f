import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { AutomationWorld } from './automation-world.ts';

/**
 * The abandoned-cart rule on a fake clock: cart_abandoned → wait 1 h → stop if a purchase of the same cart → reminder.
 * Time moves with the clock and the wake sweep (the per-minute safety net) re-queues the due runs, so nothing sleeps.
 */

const clock = new FakeClock();
let w: AutomationWorld;
beforeAll(async () => {
  w = await AutomationWorld.start({ clock });
  await w.notificationType('test_cart_reminder', 'Your cart {{ data.event.properties.cartId }} is waiting');
});
afterAll(async () => w?.stop());

const statusOf = async (ruleId: string) => (await w.runs(ruleId)).map((r) => [r.contactId, r.status]);

describe('abandoned cart', () => {
  it('reminds once after an hour, unless the same cart was bought meanwhile', async () => {
    const rule = await w.rule({
      name: 'Abandoned cart',
      trigger: { kind: 'event', event: 'cart_abandoned', occurrenceProperty: 'cartId' },
      actions: [
        { type: 'wait', seconds: 3600 },
        { type: 'stop_if_event', event: 'purchase', sameOccurrence: true },
        { type: 'send_notification', notificationType: 'test_cart_reminder' },
      ],
    });
    const buyer = await w.contact();
    const idle = await w.contact();
    const otherCart = await w.contact();
    await w.event(buyer, 'cart_abandoned', { cartId: 'C-1' });
    await w.event(idle, 'cart_abandoned', { cartId: 'C-2' });
    await w.event(otherCart, 'cart_abandoned', { cartId: 'C-3' });
    await eventually(async () => {
      const runs = await w.runs(rule.id);
      return runs.length === 3 && runs.every((r) => r.status === 'waiting');
    });
    // Each wait ends an hour after the step that started it (the fake clock's time, recorded in the log).
    for (const run of await w.runs(rule.id))
      expect(run.wakeAt!.getTime() - Date.parse(run.log[1]!.at)).toBe(3600_000);
    // The same cart abandoned again is the same occurrence: no second run.
    await w.event(idle, 'cart_abandoned', { cartId: 'C-2' });

    // During the wait: the buyer pays for this cart, the other contact for some other cart.
    clock.advance(20 * 60_000);
    await w.event(buyer, 'purchase', { cartId: 'C-1', total: 990 });
    await w.event(otherCart, 'purchase', { cartId: 'C-99' });
    // Before the hour is up nothing wakes.
    expect((await w.services.automations.sweep()).woken).toBe(0);

    clock.advance(41 * 60_000);
    expect((await w.services.automations.sweep()).woken).toBe(3);
    await eventually(async () =>
      (await w.runs(rule.id)).every((r) => r.status !== 'waiting' && r.status !== 'running'),
    );
    expect(await statusOf(rule.id)).toEqual(
      expect.arrayContaining([
        [buyer, 'stopped'],
        [idle, 'completed'],
        [otherCart, 'completed'],
      ]),
    );
    expect(await w.runs(rule.id)).toHaveLength(3);

    expect(await w.notificationsOf(buyer)).toHaveLength(0);
    const [reminder, ...more] = await w.notificationsOf(idle);
    expect(more).toHaveLength(0);
    expect(reminder).toMatchObject({ typeKey: 'test_cart_reminder' });
    expect(reminder!.data).toMatchObject({
      event: { name: 'cart_abandoned', properties: { cartId: 'C-2' } },
    });
    expect(await w.notificationsOf(otherCart)).toHaveLength(1);

    const stopped = (await w.runs(rule.id)).find((r) => r.contactId === buyer)!;
    expect(stopped.log.map((e) => [e.action, e.outcome])).toEqual([
      ['conditions', 'done'],
      ['wait', 'waiting'],
      ['stop_if_event', 'stopped'],
    ]);
    // A second sweep after the end changes nothing.
    expect((await w.services.automations.sweep()).woken).toBe(0);
  });

  it('stops a waiting run when its rule is turned off, and does not revive it when turned on again', async () => {
    const rule = await w.rule({
      name: 'Paused',
      trigger: { kind: 'event', event: 'trial_started' },
      actions: [
        { type: 'wait', seconds: 60 },
        { type: 'add_tags', tags: ['nudged'] },
      ],
    });
    const c = await w.contact();
    await w.event(c, 'trial_started');
    await eventually(async () => (await w.runs(rule.id))[0]?.status === 'waiting');
    expect((await w.call('PATCH', `/api/v1/automations/${rule.id}`, { enabled: false })).statusCode).toBe(
      200,
    );
    clock.advance(61_000);
    expect((await w.services.automations.sweep()).woken).toBe(1);
    await eventually(async () => (await w.runs(rule.id))[0]?.status === 'stopped');
    expect((await w.call('PATCH', `/api/v1/automations/${rule.id}`, { enabled: true })).statusCode).toBe(200);
    expect((await w.services.automations.sweep()).woken).toBe(0);
    const [run] = await w.runs(rule.id);
    expect(run!.log.at(-1)).toMatchObject({ action: 'rule', outcome: 'stopped' });
    expect((await w.repos.contacts.get(c))!.tags).toEqual([]);
  });

  it('keeps a wait through a restart: a new app on the same database finishes the run', async () => {
    const rule = await w.rule({
      name: 'Follow up',
      trigger: { kind: 'event', event: 'signup' },
      actions: [
        { type: 'wait', seconds: 600 },
        { type: 'add_tags', tags: ['followed-up'] },
      ],
    });
    const c = await w.contact();
    await w.event(c, 'signup');
    await eventually(async () => (await w.runs(rule.id))[0]?.status === 'waiting');
    const databaseUrl = w.app.databaseUrl;
    await w.stop();

    // A new process: its own clock, already past the wait.
    const later = new FakeClock();
    later.advance(clock.now().getTime() - Date.now() + 601_000);
    w = await AutomationWorld.start({ clock: later, databaseUrl });
    expect((await w.services.automations.sweep()).woken).toBe(1);
    await eventually(async () => (await w.runs(rule.id))[0]?.status === 'completed');
    expect((await w.repos.contacts.get(c))!.tags).toEqual(['followed-up']);
  });
});

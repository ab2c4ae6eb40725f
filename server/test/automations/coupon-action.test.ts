import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { AutomationWorld, type Json } from './automation-world.ts';

/**
 * issue_coupon through the coupons service and a notification carrying the code from the run's context; a step repeated
 * after a crash (the run put back on an earlier step) issues no second coupon and sends no second notification.
 */

const SYSTEM = { type: 'system' as const, id: null, name: 'test' };
let w: AutomationWorld;
let campaignId: string;
beforeAll(async () => {
  w = await AutomationWorld.start();
  await w.notificationType('coupon_welcome', 'Welcome! Your code: {{ data.coupon.code }}');
  const campaign = await w.services.coupons.createCampaign(SYSTEM, {
    name: 'Welcome 10%',
    discount: { percent: 10 },
    validDays: 30,
    perCouponLimit: 1,
    perContactLimit: 1,
  });
  campaignId = campaign.id;
});
afterAll(async () => w?.stop());

const couponsOf = (contactId: string) =>
  w.db.selectFrom('coupons').selectAll().where('contactId', '=', contactId).execute();

describe('issue_coupon', () => {
  it('issues one coupon whose code the next notification carries, even when the steps run again', async () => {
    const rule = await w.rule({
      name: 'Welcome coupon',
      trigger: { kind: 'event', event: 'signed_up' },
      actions: [
        { type: 'issue_coupon', campaignId, deliver: false },
        { type: 'send_notification', notificationType: 'coupon_welcome' },
      ],
    });
    const c = await w.contact();

    const dry = (await w.call('POST', `/api/v1/automations/${rule.id}/test`, { contactId: c })).json();
    expect(dry.steps.map((s: Json) => s.detail.text ?? null)).toEqual([
      null,
      'Welcome! Your code: SAMPLE-CODE',
    ]);
    expect(await couponsOf(c)).toHaveLength(0);

    await w.event(c, 'signed_up');
    const [run] = await eventually(async () => {
      const runs = await w.runs(rule.id);
      return runs[0]?.status === 'completed' ? runs : undefined;
    });
    const [coupon] = await couponsOf(c);
    expect(coupon).toMatchObject({ campaignId, source: 'automation', sourceRef: `automation:${run!.id}:0` });
    const [notification] = await w.notificationsOf(c);
    expect((notification!.data as Json).coupon.code).toBe(coupon!.code);

    // As if the worker died after both steps' effects but before their progress was recorded.
    await sql`update automation_runs set status = 'running', step = 0 where id = ${run!.id}`.execute(w.db);
    await w.services.automations.advance(String(run!.id));
    expect((await w.runs(rule.id))[0]!.status).toBe('completed');
    expect(await couponsOf(c)).toHaveLength(1);
    expect(await w.notificationsOf(c)).toHaveLength(1);
  });

  it('fails the run with the reason when the campaign cannot issue', async () => {
    const rule = await w.rule({
      name: 'Broken coupon',
      trigger: { kind: 'event', event: 'signed_up_broken' },
      actions: [{ type: 'issue_coupon', campaignId: '00000000-0000-4000-8000-000000000000' }],
    });
    const c = await w.contact();
    await w.event(c, 'signed_up_broken');
    const [run] = await eventually(async () => {
      const runs = await w.runs(rule.id);
      return runs[0]?.status === 'failed' ? runs : undefined;
    });
    expect(run!.error).toMatch(/not found/i);
    expect(run!.log.at(-1)).toMatchObject({ action: 'issue_coupon', outcome: 'failed' });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { AutomationWorld, type Json } from './automation-world.ts';

/** Rules through the API: validation naming each field, access, runs per rule and per contact, the dry run. */

let w: AutomationWorld;
beforeAll(async () => {
  w = await AutomationWorld.start();
  await w.notificationType(
    'api_welcome',
    'Hello {{ contact.firstName }}, your cart {{ data.event.properties.cartId }}',
  );
});
afterAll(async () => w?.stop());

const cartRule = {
  name: 'Cart reminder',
  trigger: { kind: 'event', event: 'cart_abandoned', occurrenceProperty: 'cartId' },
  conditions: { event: [{ property: 'total', op: 'gt', value: 100 }] },
  actions: [
    { type: 'wait', seconds: 3600 },
    { type: 'stop_if_event', event: 'purchase', sameOccurrence: true },
    { type: 'send_notification', notificationType: 'api_welcome' },
    { type: 'add_tags', tags: ['Reminded'] },
  ],
};

describe('automation rules', () => {
  it('creates, reads, changes and deletes a rule; a new rule starts disabled', async () => {
    const res = await w.call('POST', '/api/v1/automations', cartRule);
    expect(res.statusCode).toBe(201);
    const rule = res.json();
    expect(rule).toMatchObject({ name: 'Cart reminder', enabled: false, builtinKey: null, lastRunAt: null });
    expect(rule.actions).toHaveLength(4);

    const list = (await w.call('GET', '/api/v1/automations')).json();
    expect(list.data.map((r: Json) => r.id)).toContain(rule.id);

    const patched = await w.call('PATCH', `/api/v1/automations/${rule.id}`, { enabled: true });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ enabled: true, name: 'Cart reminder' });
    expect(patched.json().trigger).toEqual(cartRule.trigger);

    expect((await w.call('DELETE', `/api/v1/automations/${rule.id}`)).statusCode).toBe(204);
    expect((await w.call('GET', `/api/v1/automations/${rule.id}`)).statusCode).toBe(404);
  });

  it('answers 400 naming every bad field of the trigger, the conditions and the actions', async () => {
    const res = await w.call('POST', '/api/v1/automations', {
      name: '',
      trigger: { kind: 'event', event: 'has space' },
      conditions: {
        contact: { op: 'and', conditions: [{ type: 'field', field: 'tags', op: 'nope', value: ['x'] }] },
        event: [{ property: 'total', op: 'gt', value: 'many' }],
      },
      actions: [
        { type: 'wait' },
        { type: 'send_reply', text: 'hi' },
        { type: 'webhook', url: 'ftp://example.com' },
        { type: 'teleport' },
      ],
    });
    expect(res.statusCode).toBe(400);
    const paths = res.json().error.details.map((d: Json) => d.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'name',
        'trigger.event',
        'conditions.contact.conditions[0].op',
        'conditions.event[0].value',
        'actions[0]',
        'actions[1].type',
        'actions[2].url',
        'actions[3].type',
      ]),
    );
  });

  it('checks a PATCH against the stored rule: a conversation action needs a conversation trigger', async () => {
    const rule = await w.rule({ ...cartRule, enabled: false });
    const res = await w.call('PATCH', `/api/v1/automations/${rule.id}`, {
      actions: [{ type: 'add_note', text: 'VIP' }],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual([
      { path: 'actions[0].type', message: expect.stringContaining('conversation trigger') },
    ]);
  });

  it('lets readonly users read rules but not write them', async () => {
    const { token: readonly } = await w.app.userWithRole('readonly');
    expect((await w.call('GET', '/api/v1/automations', undefined, readonly)).statusCode).toBe(200);
    expect((await w.call('POST', '/api/v1/automations', cartRule, readonly)).statusCode).toBe(403);
  });

  it('lists runs per rule and per contact, newest first, paged and filtered by status', async () => {
    const rule = await w.rule({
      name: 'Tag buyers',
      trigger: { kind: 'event', event: 'api_purchase' },
      conditions: { event: [{ property: 'total', op: 'gt', value: 100 }] },
      actions: [{ type: 'add_tags', tags: ['buyer'] }],
    });
    const c = await w.contact();
    for (const total of [50, 150, 250]) await w.event(c, 'api_purchase', { total });
    await eventually(async () => {
      const runs = await w.runs(rule.id);
      return runs.length === 3 && runs.every((r) => r.status === 'completed' || r.status === 'skipped');
    });
    const page1 = (await w.call('GET', `/api/v1/automations/${rule.id}/runs?limit=2`)).json();
    expect(page1.data).toHaveLength(2);
    expect(Number(page1.data[0].id)).toBeGreaterThan(Number(page1.data[1].id));
    const page2 = (
      await w.call('GET', `/api/v1/automations/${rule.id}/runs?limit=2&cursor=${page1.nextCursor}`)
    ).json();
    expect(page2.data).toHaveLength(1);
    expect(page2.nextCursor).toBeNull();

    const skipped = (await w.call('GET', `/api/v1/automations/${rule.id}/runs?status=skipped`)).json();
    expect(skipped.data).toHaveLength(1);
    expect(skipped.data[0].log[0]).toMatchObject({ action: 'conditions', outcome: 'skipped' });
    const done = (await w.call('GET', `/api/v1/contacts/${c}/automation-runs?status=completed`)).json();
    expect(done.data).toHaveLength(2);
    expect(done.data[0]).toMatchObject({ automationName: 'Tag buyers', contactId: c });
    expect(done.data[0].log.map((e: Json) => e.action)).toEqual(['conditions', 'add_tags', 'end']);
    expect((await w.repos.contacts.get(c))!.tags).toEqual(['buyer']);

    const bad = await w.call('GET', `/api/v1/automations/${rule.id}/runs?status=done`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].path).toBe('/status');
  });
});

describe('POST /api/v1/automations/:id/test', () => {
  it('evaluates the conditions and describes every step for a contact without any side effect', async () => {
    const rule = await w.rule({
      ...cartRule,
      conditions: {
        ...cartRule.conditions,
        contact: { op: 'and', conditions: [{ type: 'field', field: 'tags', op: 'has_any', value: ['vip'] }] },
      },
    });
    const vip = await w.contact({ tags: ['vip'] });
    const before = {
      runs: await w.count('automation_runs'),
      notifications: await w.count('notifications'),
      // The step jobs a real run would queue (a notification would show in the count above; cron jobs come and go).
      jobs: await w.jobCount('automations.step'),
      tags: (await w.repos.contacts.get(vip))!.tags,
    };
    const asked = Date.now();
    const res = await w.call('POST', `/api/v1/automations/${rule.id}/test`, {
      contactId: vip,
      event: { properties: { cartId: 'C-9', total: 500 } },
    });
    const answered = Date.now();
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.conditions).toEqual({ passed: true, detail: null });
    expect(body.steps.map((s: Json) => s.type)).toEqual([
      'wait',
      'stop_if_event',
      'send_notification',
      'add_tags',
    ]);
    // An hour from the moment the dry run ran: between the request and its answer.
    const waitUntil = Date.parse(body.steps[0].detail.until);
    expect(waitUntil).toBeGreaterThanOrEqual(asked + 3600_000);
    expect(waitUntil).toBeLessThanOrEqual(answered + 3600_000);
    expect(body.steps[2].detail.text).toMatch(/^Hello Anna\d+, your cart C-9$/);
    expect(body.steps[3].detail.tags).toEqual(['reminded']);

    // A contact outside the filter: the conditions say why.
    const other = await w.contact();
    const miss = (await w.call('POST', `/api/v1/automations/${rule.id}/test`, { contactId: other })).json();
    expect(miss.conditions).toMatchObject({ passed: false, detail: { condition: 'contact' } });

    expect(await w.count('automation_runs')).toBe(before.runs);
    expect(await w.count('notifications')).toBe(before.notifications);
    expect(await w.jobCount('automations.step')).toBe(before.jobs);
    expect((await w.repos.contacts.get(vip))!.tags).toEqual(before.tags);
  });

  it("shows a wait until a local time as the next moment the contact's own clock shows it", async () => {
    const rule = await w.rule({
      name: 'Morning',
      enabled: false,
      trigger: { kind: 'event', event: 'late_order' },
      actions: [
        { type: 'wait', untilLocalTime: '10:00' },
        { type: 'add_tags', tags: ['morning'] },
      ],
    });
    const tokyo = await w.contact({ timezone: 'Asia/Tokyo' });
    const asked = Date.now();
    const body = (await w.call('POST', `/api/v1/automations/${rule.id}/test`, { contactId: tokyo })).json();
    const until = new Date(body.steps[0].detail.until);
    const local = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Asia/Tokyo',
      hour: '2-digit',
      minute: '2-digit',
    }).format(until);
    expect(local).toBe('10:00');
    expect(until.getTime()).toBeGreaterThanOrEqual(asked);
    expect(until.getTime() - asked).toBeLessThanOrEqual(24 * 3600_000);
  });

  it('answers 404 for an unknown contact and 400 for a malformed one', async () => {
    const rule = await w.rule({ ...cartRule, enabled: false });
    const missing = await w.call('POST', `/api/v1/automations/${rule.id}/test`, {
      contactId: '00000000-0000-4000-8000-000000000000',
    });
    expect(missing.statusCode).toBe(404);
    const bad = await w.call('POST', `/api/v1/automations/${rule.id}/test`, { contactId: 'nope' });
    expect(bad.statusCode).toBe(400);
  });
});

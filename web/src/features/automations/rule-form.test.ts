import { describe, expect, it } from 'vitest';
import {
  type ActionType,
  actionFromApi,
  actionToApi,
  CONTACT_ACTIONS,
  CONVERSATION_ACTIONS,
  newAction,
  splitSeconds,
} from './action-form.ts';
import { nextRuns, parseCronExpression } from './cron-preview.ts';
import {
  addAction,
  emptyRule,
  localName,
  moveAction,
  moveItem,
  problemAt,
  problemsByField,
  removeAction,
  ruleFromApi,
  ruleToApi,
  triggerFromApi,
  triggerToApi,
} from './rule-form.ts';

const TRIGGERS: Record<string, unknown>[] = [
  { kind: 'event', event: 'cart_abandoned', occurrenceProperty: 'cartId' },
  { kind: 'event', event: 'purchase' },
  { kind: 'segment_entered', segmentId: '5b0f5f4e-0000-4000-8000-000000000001' },
  { kind: 'conversation', event: 'conversation.created' },
  { kind: 'conversation', event: 'message_created' },
  { kind: 'conversation', event: 'resolved' },
  { kind: 'conversation', event: 'waiting', waitingMinutes: 15 },
  { kind: 'schedule', cron: '0 10 * * 1', timezone: 'Europe/Berlin' },
  { kind: 'schedule', cron: '0 9 * * *', timezone: 'Asia/Tokyo', segmentId: 'seg-1' },
  { kind: 'date_attribute', attribute: 'birthday', offsetDays: 0, atLocalTime: '09:00' },
  { kind: 'date_attribute', attribute: 'renewal_date', offsetDays: -3, atLocalTime: '10:30' },
  { kind: 'date_attribute', attribute: 'signup', offsetDays: 7, atLocalTime: '08:00' },
  { kind: 'inactivity', days: 30 },
];

const ACTIONS: Record<string, unknown>[] = [
  { type: 'send_notification', notificationType: 'cart_reminder' },
  {
    type: 'send_notification',
    notificationType: 'promo',
    data: { discount: 10 },
    channels: ['telegram', 'email'],
  },
  { type: 'wait', seconds: 3600 },
  { type: 'wait', seconds: 5400 },
  { type: 'wait', seconds: 172800 },
  { type: 'wait', untilLocalTime: '10:00' },
  { type: 'stop_if_event', event: 'purchase', sameOccurrence: true },
  { type: 'stop_if_event', event: 'purchase' },
  { type: 'add_tags', tags: ['vip', 'winback'] },
  { type: 'remove_tags', tags: ['cold'] },
  { type: 'set_attribute', key: 'plan', value: 'pro' },
  { type: 'set_attribute', key: 'score', value: 42 },
  { type: 'set_attribute', key: 'active', value: false },
  { type: 'set_attribute', key: 'note', value: null },
  { type: 'issue_coupon', campaignId: 'camp-1', deliver: false },
  { type: 'issue_coupon', campaignId: 'camp-1', deliver: true },
  { type: 'assign_conversation', userId: 'u-1' },
  { type: 'assign_conversation', teamId: 't-1' },
  { type: 'set_priority', priority: 'urgent' },
  { type: 'add_label', label: 'billing' },
  { type: 'send_reply', text: 'We are on it <b>soon</b>' },
  { type: 'add_note', text: 'Check the order' },
  { type: 'webhook', url: 'https://example.com/hook', secret: 's3cret' },
  { type: 'webhook', url: 'https://example.com/hook' },
  { type: 'notify_staff', text: 'A VIP wrote', roles: ['owner'] },
  { type: 'notify_staff', text: 'Hello' },
  { type: 'send_broadcast', templateId: 'tpl', segmentId: 'seg', channelId: 'ch' },
  { type: 'support_report' },
  { type: 'retention_cleanup' },
];

describe('the rule form', () => {
  it.each(TRIGGERS.map((t) => [t.kind, t]))(
    'turns a %s trigger into form state and back unchanged',
    (_k, trigger) => {
      expect(triggerToApi(triggerFromApi(trigger))).toEqual(trigger);
    },
  );

  it.each(ACTIONS.map((a) => [a.type, a]))(
    'turns a %s action into form state and back unchanged',
    (_t, action) => {
      expect(actionToApi(actionFromApi(action))).toEqual(action);
    },
  );

  it('offers inputs for every action type, and a fresh one of each type has its type', () => {
    for (const type of [...CONTACT_ACTIONS, ...CONVERSATION_ACTIONS] as ActionType[])
      expect(actionToApi(newAction(type)).type).toBe(type);
  });

  it('keeps fields it has no input for', () => {
    const action = { type: 'add_label', label: 'x', futureField: 1 };
    expect(actionToApi(actionFromApi(action))).toEqual(action);
    const unknown = { type: 'teleport', where: 'moon' };
    expect(actionToApi(actionFromApi(unknown))).toEqual(unknown);
  });

  it('reads typed inputs as the API takes them', () => {
    const d = emptyRule('Europe/Moscow');
    d.name = '  Birthday  ';
    d.trigger = {
      ...d.trigger,
      kind: 'date_attribute',
      attribute: 'birthday',
      offsetDirection: 'before',
      offsetDays: '3',
    };
    const wait = newAction('wait');
    wait.v = { ...wait.v, mode: 'duration', amount: '2', unit: 'days' };
    const tags = newAction('add_tags');
    tags.v.tags = ' vip, ,birthday ';
    const attr = newAction('set_attribute');
    attr.v = { key: 'score', value: '4,5', valueType: 'number' };
    d.actions = [wait, tags, attr];
    d.event = [
      { key: 'a', property: 'total', op: 'gt', value: '500' },
      { key: 'b', property: 'city', op: 'eq', value: '42' },
      { key: 'c', property: 'coupon', op: 'exists', value: 'ignored' },
    ];
    d.conversation = { status: ['open'], channelIds: [], labels: 'vip, billing', textContains: ' refund ' };
    expect(ruleToApi(d)).toEqual({
      name: 'Birthday',
      description: null,
      enabled: false,
      trigger: { kind: 'date_attribute', attribute: 'birthday', offsetDays: -3, atLocalTime: '09:00' },
      conditions: {
        event: [
          { property: 'total', op: 'gt', value: 500 },
          { property: 'city', op: 'eq', value: '42' },
          { property: 'coupon', op: 'exists' },
        ],
        conversation: { status: ['open'], labels: ['vip', 'billing'], textContains: 'refund' },
      },
      actions: [
        { type: 'wait', seconds: 172800 },
        { type: 'add_tags', tags: ['vip', 'birthday'] },
        { type: 'set_attribute', key: 'score', value: 4.5 },
      ],
    });
  });

  it('sends a number that is not one as typed, so the API names the field', () => {
    const d = emptyRule();
    d.trigger = { ...d.trigger, kind: 'inactivity', inactivityDays: 'thirty' };
    const wait = newAction('wait');
    wait.v.amount = 'soon';
    d.actions = [wait];
    const body = ruleToApi(d);
    expect(body.trigger).toEqual({ kind: 'inactivity', days: 'thirty' });
    expect(body.actions[0]).toEqual({ type: 'wait', seconds: 'soon' });
  });

  it('loads a whole rule and saves it unchanged', () => {
    const rule = {
      name: 'Abandoned cart',
      description: 'Remind once per cart',
      enabled: true,
      trigger: { kind: 'event', event: 'cart_abandoned', occurrenceProperty: 'cartId' },
      conditions: {
        contact: { op: 'and', conditions: [{ type: 'field', field: 'subscribed', op: 'eq', value: true }] },
        event: [{ property: 'total', op: 'gt', value: 500 }],
      },
      actions: [
        { type: 'wait', seconds: 3600 },
        { type: 'stop_if_event', event: 'purchase', sameOccurrence: true },
        { type: 'send_notification', notificationType: 'cart_reminder' },
      ],
    };
    expect(ruleToApi(ruleFromApi(rule))).toEqual(rule);
  });

  it('adds, removes and reorders actions', () => {
    let d = emptyRule();
    d = addAction(d, 'wait');
    d = addAction(d, 'add_tags');
    expect(d.actions.map((a) => a.type)).toEqual(['send_notification', 'wait', 'add_tags']);
    d = moveAction(d, 2, -1);
    expect(d.actions.map((a) => a.type)).toEqual(['send_notification', 'add_tags', 'wait']);
    d = moveAction(d, 0, 1);
    expect(d.actions.map((a) => a.type)).toEqual(['add_tags', 'send_notification', 'wait']);
    // The first cannot go up, the last cannot go down.
    expect(moveAction(d, 0, -1).actions.map((a) => a.type)).toEqual([
      'add_tags',
      'send_notification',
      'wait',
    ]);
    expect(moveAction(d, 2, 1).actions.map((a) => a.type)).toEqual(['add_tags', 'send_notification', 'wait']);
    d = removeAction(d, 1);
    expect(d.actions.map((a) => a.type)).toEqual(['add_tags', 'wait']);
    expect(moveItem(['a', 'b', 'c'], 1, 1)).toEqual(['a', 'c', 'b']);
  });

  it('puts the API problems on the fields they name, in either spelling', () => {
    const problems = problemsByField([
      { path: 'actions[2].seconds', message: 'must be a whole number of seconds' },
      { path: 'body/trigger/event', message: 'must be an event name' },
      { path: 'conditions.event[0].value', message: 'must be a number' },
      { path: 'name', message: 'is required' },
    ]);
    expect(problems['actions.2.seconds']).toBe('must be a whole number of seconds');
    expect(problems['trigger.event']).toBe('must be an event name');
    expect(problemAt(problems, 'conditions.event.0.value')).toBe('must be a number');
    expect(problemAt(problems, 'actions.2')).toBe('must be a whole number of seconds');
    expect(problemAt(problems, 'actions.1')).toBeUndefined();
    expect(problems.name).toBe('is required');
  });

  it('shows a wait in the largest unit that divides it', () => {
    expect(splitSeconds(3600)).toEqual({ amount: '1', unit: 'hours' });
    expect(splitSeconds(5400)).toEqual({ amount: '90', unit: 'minutes' });
    expect(splitSeconds(86400 * 3)).toEqual({ amount: '3', unit: 'days' });
  });

  it("shows a built-in rule's name in the current language", () => {
    expect(localName('С днём рождения / Birthday greeting', 'ru')).toBe('С днём рождения');
    expect(localName('С днём рождения / Birthday greeting', 'en')).toBe('Birthday greeting');
    expect(localName('My rule', 'en')).toBe('My rule');
  });
});

describe('the schedule preview', () => {
  it('finds the next Mondays at 10:00 in the rule’s time zone', () => {
    // Wednesday 2026-03-25 12:00 UTC; Berlin switches to summer time on Sunday 29 March.
    const runs = nextRuns('0 10 * * 1', 'Europe/Berlin', new Date('2026-03-25T12:00:00Z'), 3)!;
    expect(runs.map((d) => d.toISOString())).toEqual([
      '2026-03-30T08:00:00.000Z',
      '2026-04-06T08:00:00.000Z',
      '2026-04-13T08:00:00.000Z',
    ]);
  });

  it('reads steps, ranges, lists and names, and either day field when both are restricted', () => {
    const runs = nextRuns('*/30 9-10 1,15 * mon', 'UTC', new Date('2026-06-01T00:00:00Z'), 5)!;
    // 1 June 2026 is a Monday; the 15th and the next Monday (8 June) follow.
    expect(runs.map((d) => d.toISOString())).toEqual([
      '2026-06-01T09:00:00.000Z',
      '2026-06-01T09:30:00.000Z',
      '2026-06-01T10:00:00.000Z',
      '2026-06-01T10:30:00.000Z',
      '2026-06-08T09:00:00.000Z',
    ]);
    expect(nextRuns('@daily', 'Asia/Tokyo', new Date('2026-06-01T00:00:00Z'), 1)![0]!.toISOString()).toBe(
      '2026-06-01T15:00:00.000Z',
    );
  });

  it('refuses what is not a schedule or not a time zone', () => {
    expect(parseCronExpression('0 10 * *')).toBeNull();
    expect(parseCronExpression('61 * * * *')).toBeNull();
    expect(parseCronExpression('0 10 * * funday')).toBeNull();
    expect(nextRuns('0 10 * * 1', 'Mars/Olympus', new Date())).toBeNull();
    expect(nextRuns('0 0 30 2 *', 'UTC', new Date('2026-01-01T00:00:00Z'))).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import {
  type BroadcastDraft,
  buttonRows,
  createPlan,
  draftProblems,
  durationParts,
  emptyDraft,
  estimateDuration,
} from './create-logic.ts';
import { deliveriesCsvUrl, toggleStatus } from './deliveries-logic.ts';

const draft = (patch: Partial<BroadcastDraft>): BroadcastDraft => ({
  ...emptyDraft(),
  title: ' Spring sale ',
  channelId: 'ch-1',
  content: 'Hello, {{ contact.firstName }}',
  ...patch,
});
const NOW = new Date('2026-03-01T12:00:00Z');

describe('the estimate of a broadcast', () => {
  it('divides the recipients by the bot rate, rounding up to the next second', () => {
    expect(estimateDuration(10_000, 30, 'now').seconds).toBe(334);
    expect(estimateDuration(30, 30, 'now').seconds).toBe(1);
    expect(estimateDuration(0, 30, 'now').seconds).toBe(0);
  });

  it('uses the raised rate of a bot with paid broadcasts', () => {
    expect(estimateDuration(100_000, 1000, 'at').seconds).toBe(100);
  });

  it('says that local-time delivery follows the recipients clocks', () => {
    expect(estimateDuration(100, 30, 'local').byLocalTime).toBe(true);
    expect(estimateDuration(100, 30, 'now').byLocalTime).toBe(false);
  });

  it('splits a duration into hours, minutes and seconds', () => {
    expect(durationParts(3723)).toEqual({ hours: 1, minutes: 2, seconds: 3 });
    expect(durationParts(-5)).toEqual({ hours: 0, minutes: 0, seconds: 0 });
  });
});

describe('the buttons under the message', () => {
  it('go one per row unless put beside the previous one', () => {
    expect(
      buttonRows([
        { kind: 'url', text: ' Shop ', value: ' https://shop.example/sale ', sameRow: false },
        { kind: 'callback', text: 'Later', value: 'later', sameRow: true },
        { kind: 'callback', text: 'Stop', value: 'stop', sameRow: false },
      ]),
    ).toEqual([
      [
        { kind: 'url', text: 'Shop', url: 'https://shop.example/sale' },
        { kind: 'callback', text: 'Later', data: 'later' },
      ],
      [{ kind: 'callback', text: 'Stop', data: 'stop' }],
    ]);
  });

  it('start a new row after eight in one, as Telegram allows no more', () => {
    const nine = Array.from({ length: 9 }, (_, i) => ({
      kind: 'callback' as const,
      text: `b${i}`,
      value: `d${i}`,
      sameRow: i > 0,
    }));
    expect(buttonRows(nine).map((r) => r.length)).toEqual([8, 1]);
  });
});

describe('the create plan', () => {
  it('sends to everyone subscribed through the built-in segment and starts at once', () => {
    const plan = createPlan(draft({}), 'UTC', 'seg-subscribed');
    expect(plan).toEqual({
      body: {
        title: 'Spring sale',
        channelId: 'ch-1',
        segmentId: 'seg-subscribed',
        content: 'Hello, {{ contact.firstName }}',
      },
      template: null,
      start: 'send-now',
    });
  });

  it('falls back to a subscribed filter when the built-in segment is missing', () => {
    expect(createPlan(draft({}), 'UTC', null).body.filter).toEqual({
      op: 'and',
      conditions: [{ type: 'field', field: 'subscribed', op: 'eq', value: true }],
    });
  });

  it('schedules at a time in the user zone and lets the scheduler start it', () => {
    const plan = createPlan(
      draft({ audience: 'segment', segmentId: 'seg-1', schedule: 'at', at: '2026-03-02T09:30' }),
      'Europe/Moscow',
      'seg-subscribed',
    );
    expect(plan.body).toMatchObject({ segmentId: 'seg-1', scheduledAt: '2026-03-02T06:30:00.000Z' });
    expect(plan.start).toBeNull();
  });

  it('sends at a local time with quiet hours, starting now', () => {
    const plan = createPlan(
      draft({ schedule: 'local', localTime: '10:00', quietHours: { from: '22:00', to: '09:00' } }),
      'UTC',
      's',
    );
    expect(plan.body).toMatchObject({ localTime: '10:00', quietHours: { from: '22:00', to: '09:00' } });
    expect(plan.body.scheduledAt).toBeUndefined();
    expect(plan.start).toBe('send-now');
  });

  it('uses a chosen template, with its own buttons replacing the template ones', () => {
    const plan = createPlan(
      draft({
        messageKind: 'template',
        templateId: 'tpl-1',
        buttons: [{ kind: 'url', text: 'Go', value: 'https://x.example', sameRow: false }],
      }),
      'UTC',
      's',
    );
    expect(plan.body).toMatchObject({
      templateId: 'tpl-1',
      buttons: [[{ kind: 'url', text: 'Go', url: 'https://x.example' }]],
    });
    expect(plan.body.content).toBeUndefined();
  });

  it('saves inline text with language versions as a template first', () => {
    const plan = createPlan(
      draft({
        variants: [
          { language: 'en', body: 'Hi' },
          { language: ' ', body: 'ignored' },
        ],
      }),
      'UTC',
      's',
    );
    expect(plan.template).toEqual({
      name: 'Spring sale',
      body: 'Hello, {{ contact.firstName }}',
      variants: { en: 'Hi' },
    });
    expect(plan.body.content).toBeUndefined();
  });
});

describe('what the form still needs', () => {
  it('names the missing fields by step', () => {
    const problems = draftProblems(
      {
        ...emptyDraft(),
        audience: 'segment',
        buttons: [{ kind: 'url', text: '', value: 'https://a', sameRow: false }],
      },
      NOW,
      'UTC',
    );
    expect(problems).toEqual([
      { step: 'audience', field: 'title' },
      { step: 'audience', field: 'channelId' },
      { step: 'audience', field: 'segmentId' },
      { step: 'message', field: 'content' },
      { step: 'message', field: 'buttons.0.text' },
    ]);
  });

  it('refuses a start time in the past and quiet hours that begin when they end', () => {
    const problems = draftProblems(
      draft({ schedule: 'at', at: '2026-03-01T11:59', quietHours: { from: '22:00', to: '22:00' } }),
      NOW,
      'UTC',
    );
    expect(problems.map((p) => p.field)).toEqual(['at', 'quietHours']);
    expect(draftProblems(draft({ schedule: 'at', at: '2026-03-01T12:01' }), NOW, 'UTC')).toEqual([]);
  });
});

describe('the recipients table', () => {
  it('toggles statuses in a stable order', () => {
    expect(toggleStatus(['sent'], 'blocked')).toEqual(['sent', 'blocked']);
    expect(toggleStatus(['blocked', 'sent'], 'pending')).toEqual(['pending', 'sent', 'blocked']);
    expect(toggleStatus(['sent', 'blocked'], 'sent')).toEqual(['blocked']);
  });

  it('exports for Russian Excel with semicolons and a byte-order mark', () => {
    expect(deliveriesCsvUrl('b1', 'ru')).toBe('/api/v1/broadcasts/b1/deliveries.csv?delimiter=%3B&bom=true');
    expect(deliveriesCsvUrl('b1', 'en')).toBe('/api/v1/broadcasts/b1/deliveries.csv');
  });
});

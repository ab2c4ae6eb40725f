import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../lib/errors.ts';
import { parseRule } from './automations.input.ts';

const paths = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationError) return err.details.map((d) => d.path);
    throw err;
  }
  return [];
};

const base = {
  name: 'Rule',
  trigger: { kind: 'event', event: 'purchase' },
  actions: [{ type: 'add_tags', tags: ['buyer'] }],
};

describe('parseRule', () => {
  it('fills defaults: disabled, no conditions, no description', () => {
    expect(parseRule(base, null, new Map())).toEqual({
      name: 'Rule',
      description: null,
      enabled: false,
      trigger: { kind: 'event', event: 'purchase' },
      conditions: {},
      actions: [{ type: 'add_tags', tags: ['buyer'] }],
    });
  });

  it('names each bad field of triggers of every kind', () => {
    expect(
      paths(() =>
        parseRule({ ...base, trigger: { kind: 'conversation', event: 'waiting' } }, null, new Map()),
      ),
    ).toEqual(['trigger.waitingMinutes']);
    expect(
      paths(() =>
        parseRule(
          { ...base, trigger: { kind: 'schedule', cron: '0 10 * *', timezone: 'Mars/Base' } },
          null,
          new Map(),
        ),
      ),
    ).toEqual(['trigger.cron', 'trigger.timezone', 'actions[0].type']);
    expect(
      paths(() =>
        parseRule(
          {
            ...base,
            trigger: { kind: 'date_attribute', attribute: 'birthday', offsetDays: 0, atLocalTime: '9:00' },
          },
          null,
          new Map(),
        ),
      ),
    ).toEqual(['trigger.atLocalTime']);
    expect(paths(() => parseRule({ ...base, trigger: { kind: 'sometimes' } }, null, new Map()))).toEqual([
      'trigger.kind',
    ]);
  });

  it('names bad actions by index, including waits with both or neither form and unknown fields', () => {
    const actions = [
      { type: 'wait', seconds: 10, untilLocalTime: '10:00' },
      { type: 'wait', untilLocalTime: '25:00' },
      { type: 'set_attribute', key: '1bad' },
      { type: 'add_tags', tags: [], extra: 1 },
    ];
    expect(paths(() => parseRule({ ...base, actions }, null, new Map()))).toEqual([
      'actions[0]',
      'actions[1].untilLocalTime',
      'actions[2].key',
      'actions[2].value',
      'actions[3].extra',
      'actions[3].tags',
    ]);
  });

  it('accepts action types registered by other features and runs their checks', () => {
    const checks = new Map([
      [
        'support_report',
        (_a: Record<string, unknown>, path: string, problems: Array<{ path: string; message: string }>) => {
          problems.push({ path: `${path}.x`, message: 'checked' });
        },
      ],
    ]);
    expect(paths(() => parseRule({ ...base, actions: [{ type: 'support_report' }] }, null, checks))).toEqual([
      'actions[0].x',
    ]);
  });

  it('checks an update over the stored rule: a new trigger is checked against the stored actions', () => {
    const stored = parseRule(
      {
        ...base,
        trigger: { kind: 'conversation', event: 'resolved' },
        actions: [{ type: 'add_note', text: 'x' }],
      },
      null,
      new Map(),
    );
    expect(parseRule({ enabled: true }, stored, new Map())).toMatchObject({
      enabled: true,
      actions: [{ type: 'add_note' }],
    });
    expect(
      paths(() => parseRule({ trigger: { kind: 'event', event: 'purchase' } }, stored, new Map())),
    ).toEqual(['actions[0].type']);
  });
});

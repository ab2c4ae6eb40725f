import { describe, expect, it } from 'vitest';
import type { Conversation } from '../db/schema.ts';
import { ValidationError } from '../lib/errors.ts';
import { planChange } from './conversation-change.ts';

const now = new Date('2026-11-22T08:00:00Z');
const categories = ['general', 'payment'];
const base = {
  status: 'open',
  snoozedUntil: null,
  priority: null,
  category: 'general',
  labels: ['a'],
  customAttributes: {},
} as unknown as Conversation;
const plan = (patch: Parameters<typeof planChange>[1], current: Partial<Conversation> = {}) =>
  planChange({ ...base, ...current } as Conversation, patch, { now, categories });
const problems = (patch: Parameters<typeof planChange>[1]) => {
  try {
    plan(patch);
  } catch (e) {
    if (e instanceof ValidationError) return e.details.map((d) => d.path);
    throw e;
  }
  return [];
};

describe('planChange', () => {
  it('resolves with resolvedAt and no waiting; reopening clears resolvedAt', () => {
    expect(plan({ status: 'resolved' })).toEqual({
      change: { status: 'resolved', snoozedUntil: null, resolvedAt: now, waitingSince: null },
      changed: ['status'],
      activities: [{ kind: 'resolved', data: { from: 'open' } }],
    });
    const reopen = plan({ status: 'open' }, { status: 'resolved' });
    expect(reopen.change).toMatchObject({ status: 'open', resolvedAt: null });
    expect(reopen.activities).toEqual([{ kind: 'reopened', data: { from: 'resolved' } }]);
  });

  it('treats snoozedUntil alone as a snooze, and a new time on a snoozed conversation as a change', () => {
    const until = '2026-11-23T08:00:00.000Z';
    expect(plan({ snoozedUntil: until })).toMatchObject({
      change: { status: 'snoozed', snoozedUntil: new Date(until) },
      changed: ['status', 'snoozedUntil'],
      activities: [{ kind: 'snoozed', data: { from: 'open', until } }],
    });
    const again = plan({ snoozedUntil: until }, { status: 'snoozed', snoozedUntil: new Date(until) });
    expect(again.changed).toEqual([]);
    const later = plan(
      { snoozedUntil: '2026-11-24T08:00:00.000Z' },
      { status: 'snoozed', snoozedUntil: new Date(until) },
    );
    expect(later.changed).toEqual(['snoozedUntil']);
  });

  it('records label additions and removals, and nothing for an unchanged set', () => {
    expect(plan({ labels: ['b'] }).activities).toEqual([
      { kind: 'labels_changed', data: { added: ['b'], removed: ['a'] } },
    ]);
    expect(plan({ labels: ['a'] }).changed).toEqual([]);
  });

  it('refuses past or far snoozes, a snooze time with another status, and unknown categories', () => {
    expect(problems({ snoozedUntil: '2026-11-22T07:00:00Z' })).toEqual(['/snoozedUntil']);
    expect(problems({ snoozedUntil: '2028-01-01T00:00:00Z' })).toEqual(['/snoozedUntil']);
    expect(problems({ snoozedUntil: 'soon' })).toEqual(['/snoozedUntil']);
    expect(problems({ status: 'open', snoozedUntil: '2026-11-23T00:00:00Z' })).toEqual(['/snoozedUntil']);
    expect(problems({ category: 'sales' })).toEqual(['/category']);
    expect(problems({ customAttributes: { big: 'x'.repeat(20_000) } })).toEqual(['/customAttributes']);
  });
});

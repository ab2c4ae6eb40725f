import { describe, expect, it } from 'vitest';
import { conversationConditionsHold, eventConditionHolds } from './conditions.ts';

describe('event property conditions', () => {
  const props = {
    total: 1500,
    currency: 'RUB',
    items: ['tea', 'cup'],
    shipping: { city: 'Kazan' },
    note: null,
  };

  it('compares equal values as text, numbers as numbers', () => {
    expect(eventConditionHolds({ property: 'total', op: 'eq', value: '1500' }, props)).toBe(true);
    expect(eventConditionHolds({ property: 'total', op: 'gt', value: 1000 }, props)).toBe(true);
    expect(eventConditionHolds({ property: 'total', op: 'lt', value: 1000 }, props)).toBe(false);
    expect(eventConditionHolds({ property: 'currency', op: 'neq', value: 'USD' }, props)).toBe(true);
  });

  it('reads nested properties and list members; a missing value is not equal and does not exist', () => {
    expect(eventConditionHolds({ property: 'shipping.city', op: 'eq', value: 'Kazan' }, props)).toBe(true);
    expect(eventConditionHolds({ property: 'items', op: 'contains', value: 'cup' }, props)).toBe(true);
    expect(eventConditionHolds({ property: 'currency', op: 'contains', value: 'ru' }, props)).toBe(true);
    expect(eventConditionHolds({ property: 'note', op: 'exists' }, props)).toBe(false);
    expect(eventConditionHolds({ property: 'coupon', op: 'eq', value: 'x' }, props)).toBe(false);
    expect(eventConditionHolds({ property: 'coupon', op: 'neq', value: 'x' }, props)).toBe(true);
    expect(eventConditionHolds({ property: 'total', op: 'gt', value: 1 }, null)).toBe(false);
  });
});

describe('conversation conditions', () => {
  const c = { status: 'open' as const, channelId: 'ch-1', labels: ['VIP', 'refund'] };

  it('holds when status, channel, every label and the text match, and says what did not', () => {
    expect(
      conversationConditionsHold(
        { status: ['open'], labels: ['vip'], textContains: 'REFUND' },
        c,
        'a refund please',
      ),
    ).toBeNull();
    expect(conversationConditionsHold({ status: ['resolved'] }, c, null)).toBe('status is open');
    expect(conversationConditionsHold({ channelIds: ['ch-2'] }, c, null)).toBe('another channel');
    expect(conversationConditionsHold({ labels: ['vip', 'late'] }, c, null)).toBe('no label "late"');
    expect(conversationConditionsHold({ textContains: 'refund' }, c, null)).toContain('does not contain');
    expect(conversationConditionsHold({}, undefined, null)).toBe('the run has no conversation');
  });
});

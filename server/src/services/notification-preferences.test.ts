import { describe, expect, it } from 'vitest';
import {
  channelOrder,
  decideChannels,
  quietUntil,
  type RulePreferences,
  type RuleType,
} from './notification-preferences.ts';

const transactional: RuleType = {
  key: 'payment_success',
  category: 'transactional',
  critical: false,
  channels: ['telegram', 'email'],
};
const marketing: RuleType = { ...transactional, key: 'promo_code_available', category: 'marketing' };
const critical: RuleType = { ...transactional, key: 'payment_failed', critical: true };

const prefs = (p: Partial<RulePreferences>): RulePreferences => ({
  preferredChannel: null,
  channels: {},
  types: {},
  ...p,
});

describe('channelOrder', () => {
  it("takes the call's channels, else the preferred channel first, else the type's order", () => {
    expect(channelOrder(transactional, ['email'], 'telegram')).toEqual(['email']);
    expect(channelOrder(transactional, null, 'email')).toEqual(['email', 'telegram']);
    expect(channelOrder(transactional, null, null)).toEqual(['telegram', 'email']);
    // A preferred channel the type does not use changes nothing.
    expect(channelOrder({ ...transactional, channels: ['telegram'] }, null, 'email')).toEqual(['telegram']);
  });
});

describe('decideChannels', () => {
  it('lets everything through for a contact who chose nothing', () => {
    expect(decideChannels({ type: marketing, subscribed: true, preferences: null, requested: null })).toEqual(
      {
        allowed: true,
        channels: ['telegram', 'email'],
        excluded: [],
      },
    );
  });

  it('skips marketing for an unsubscribed contact, but not transactional', () => {
    expect(
      decideChannels({ type: marketing, subscribed: false, preferences: null, requested: null }),
    ).toEqual({
      allowed: false,
      rule: 'unsubscribed',
    });
    expect(
      decideChannels({ type: transactional, subscribed: false, preferences: null, requested: null }).allowed,
    ).toBe(true);
  });

  it('honours the per-type switch for transactional and marketing types', () => {
    const p = prefs({
      types: { payment_success: { enabled: false }, promo_code_available: { enabled: false } },
    });
    expect(
      decideChannels({ type: transactional, subscribed: true, preferences: p, requested: null }),
    ).toEqual({
      allowed: false,
      rule: 'type_opted_out',
    });
    expect(decideChannels({ type: marketing, subscribed: true, preferences: p, requested: null })).toEqual({
      allowed: false,
      rule: 'type_opted_out',
    });
  });

  it('removes channels turned off globally or for the type, naming the rule', () => {
    const p = prefs({ channels: { telegram: false } });
    expect(
      decideChannels({ type: transactional, subscribed: true, preferences: p, requested: null }),
    ).toEqual({
      allowed: true,
      channels: ['email'],
      excluded: [{ channel: 'telegram', rule: 'channel_opted_out' }],
    });
    const q = prefs({ types: { payment_success: { channels: { email: false } } } });
    expect(
      decideChannels({ type: transactional, subscribed: true, preferences: q, requested: null }),
    ).toEqual({
      allowed: true,
      channels: ['telegram'],
      excluded: [{ channel: 'email', rule: 'type_channel_opted_out' }],
    });
  });

  it('skips when no channel is left', () => {
    const p = prefs({
      channels: { telegram: false },
      types: { payment_success: { channels: { email: false } } },
    });
    expect(
      decideChannels({ type: transactional, subscribed: true, preferences: p, requested: null }),
    ).toEqual({
      allowed: false,
      rule: 'all_channels_opted_out',
    });
  });

  it('ignores every opt-out for a critical type', () => {
    const p = prefs({
      preferredChannel: 'email',
      channels: { telegram: false, email: false },
      types: { payment_failed: { enabled: false } },
    });
    expect(decideChannels({ type: critical, subscribed: false, preferences: p, requested: null })).toEqual({
      allowed: true,
      channels: ['email', 'telegram'],
      excluded: [],
    });
  });

  it('does not read inherited properties as a type preference', () => {
    const t = { ...transactional, key: 'constructor' };
    expect(
      decideChannels({ type: t, subscribed: true, preferences: prefs({}), requested: null }).allowed,
    ).toBe(true);
  });
});

describe('quietUntil', () => {
  const quiet = { from: '22:00', to: '09:00' };
  // 23:30 in Moscow (UTC+3).
  const lateEvening = new Date('2026-03-10T20:30:00Z');

  it('holds marketing until the morning in the contact’s time zone', () => {
    expect(quietUntil(marketing, lateEvening, 'Europe/Moscow', quiet)).toEqual(
      new Date('2026-03-11T06:00:00Z'),
    );
    // The same instant is 16:30 in New York: not quiet there.
    expect(quietUntil(marketing, lateEvening, 'America/New_York', quiet)).toBeNull();
  });

  it('never holds transactional or critical types, nor anything when quiet hours are off', () => {
    expect(quietUntil(transactional, lateEvening, 'Europe/Moscow', quiet)).toBeNull();
    expect(quietUntil(critical, lateEvening, 'Europe/Moscow', quiet)).toBeNull();
    expect(quietUntil(marketing, lateEvening, 'Europe/Moscow', null)).toBeNull();
  });
});

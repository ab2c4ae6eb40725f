import { describe, expect, it } from 'vitest';
import { checkTelegramSettings, effectiveRatePerSecond } from './telegram.settings.ts';

const paths = (settings: Record<string, unknown>) => checkTelegramSettings(settings).map((p) => p.path);

describe('checkTelegramSettings', () => {
  it('accepts no settings, the free range, and up to 1000 with paid broadcasts', () => {
    expect(checkTelegramSettings({})).toEqual([]);
    expect(checkTelegramSettings({ rateLimitPerSecond: 1 })).toEqual([]);
    expect(checkTelegramSettings({ rateLimitPerSecond: 30, paidBroadcasts: false })).toEqual([]);
    expect(checkTelegramSettings({ rateLimitPerSecond: 1000, paidBroadcasts: true })).toEqual([]);
    expect(checkTelegramSettings({ paidBroadcasts: true })).toEqual([]);
  });

  it('refuses more than 30/s without paid broadcasts, saying how to get more', () => {
    const [problem, ...rest] = checkTelegramSettings({ rateLimitPerSecond: 31 });
    expect(rest).toEqual([]);
    expect(problem).toEqual({
      path: '/settings/rateLimitPerSecond',
      message: expect.stringMatching(/at most 30.*paidBroadcasts: true/),
    });
    expect(paths({ rateLimitPerSecond: 100, paidBroadcasts: false })).toEqual([
      '/settings/rateLimitPerSecond',
    ]);
  });

  it('refuses more than 1000/s even with paid broadcasts', () => {
    const [problem] = checkTelegramSettings({ rateLimitPerSecond: 1001, paidBroadcasts: true });
    expect(problem?.message).toMatch(/at most 1000/);
  });

  it('refuses fractions, zero, negatives and non-numbers', () => {
    for (const bad of [0, -5, 2.5, '10', null, Number.NaN])
      expect(paths({ rateLimitPerSecond: bad }), String(bad)).toEqual(['/settings/rateLimitPerSecond']);
  });

  it('refuses a non-boolean paidBroadcasts and does not let it unlock the paid range', () => {
    expect(paths({ paidBroadcasts: 'true', rateLimitPerSecond: 500 })).toEqual([
      '/settings/paidBroadcasts',
      '/settings/rateLimitPerSecond',
    ]);
  });

  it('names every unknown key', () => {
    const problems = checkTelegramSettings({ rateLimit: 10, colour: 'red' });
    expect(problems.map((p) => p.path)).toEqual(['/settings/rateLimit', '/settings/colour']);
    expect(problems[0]?.message).toMatch(/unknown setting.*rateLimitPerSecond, paidBroadcasts/);
  });
});

describe('effectiveRatePerSecond', () => {
  it('uses the default without a setting and the setting within the allowed range', () => {
    expect(effectiveRatePerSecond({})).toBe(30);
    expect(effectiveRatePerSecond({}, 20)).toBe(20);
    expect(effectiveRatePerSecond({ rateLimitPerSecond: 5 })).toBe(5);
    expect(effectiveRatePerSecond({ rateLimitPerSecond: 400, paidBroadcasts: true })).toBe(400);
  });

  it('clamps stored values the way the database does (rows written before validation existed)', () => {
    expect(effectiveRatePerSecond({ rateLimitPerSecond: 400 })).toBe(30);
    expect(effectiveRatePerSecond({ rateLimitPerSecond: 5000, paidBroadcasts: true })).toBe(1000);
    expect(effectiveRatePerSecond({ rateLimitPerSecond: 0 })).toBe(1);
    expect(effectiveRatePerSecond({ rateLimitPerSecond: '50' })).toBe(30);
  });
});

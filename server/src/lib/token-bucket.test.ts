import { describe, expect, it } from 'vitest';
import type { Clock } from './clock.ts';
import { TokenBuckets } from './token-bucket.ts';

/** A clock that moves only when told. */
function fakeClock(start = Date.UTC(2024, 0, 1)) {
  let now = start;
  const clock: Clock = { now: () => new Date(now) };
  return { clock, advance: (ms: number) => (now += ms) };
}

/** Takes until refused; returns how many were allowed. */
function drain(b: TokenBuckets, key: string, perMinute: number): number {
  let n = 0;
  while (b.take(key, perMinute) === 0) n += 1;
  return n;
}

describe('TokenBuckets', () => {
  it('allows a full burst of the per-minute rate, then refuses', () => {
    const { clock } = fakeClock();
    const b = new TokenBuckets(clock);
    expect(drain(b, 'k', 10)).toBe(10);
    expect(b.take('k', 10)).toBeGreaterThan(0);
  });

  it('answers the seconds until the next token', () => {
    const { clock, advance } = fakeClock();
    const b = new TokenBuckets(clock);
    drain(b, 'k', 60); // one token per second
    expect(b.take('k', 60)).toBe(1);
    drain(b, 'slow', 2); // one token per 30 s
    expect(b.take('slow', 2)).toBe(30);
    advance(10_000);
    expect(b.take('slow', 2)).toBe(20);
    advance(19_500);
    expect(b.take('slow', 2)).toBe(1);
  });

  it('refills continuously with time, never above the burst size', () => {
    const { clock, advance } = fakeClock();
    const b = new TokenBuckets(clock);
    drain(b, 'k', 60);
    advance(5_000);
    expect(drain(b, 'k', 60)).toBe(5);
    advance(60 * 60_000);
    expect(drain(b, 'k', 60)).toBe(60);
  });

  it('keeps callers apart', () => {
    const { clock } = fakeClock();
    const b = new TokenBuckets(clock);
    drain(b, 'a', 3);
    expect(b.take('b', 3)).toBe(0);
  });

  it('neither drains nor double-refills when the clock steps backwards', () => {
    const { clock, advance } = fakeClock();
    const b = new TokenBuckets(clock);
    expect(drain(b, 'k', 60)).toBe(60);
    advance(-30_000);
    expect(b.take('k', 60)).toBeGreaterThan(0);
    advance(30_000); // back where we were: no time has really passed since the burst
    expect(b.take('k', 60)).toBeGreaterThan(0);
    advance(3_000);
    expect(drain(b, 'k', 60)).toBe(3);
  });

  it('forgets idle callers once there are very many, and still rate-limits the active one', () => {
    const { clock, advance } = fakeClock();
    const b = new TokenBuckets(clock);
    for (let i = 0; i < 100_000; i++) b.take(`idle-${i}`, 5);
    advance(180_000);
    drain(b, 'active', 5);
    expect(b.take('active', 5)).toBeGreaterThan(0);
    expect((b as unknown as { buckets: Map<string, unknown> }).buckets.size).toBeLessThan(10);
  });
});

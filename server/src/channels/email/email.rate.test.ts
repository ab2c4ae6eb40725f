import { describe, expect, it } from 'vitest';
import type { Clock } from '../../lib/clock.ts';
import { SendRateLimiter } from './email.rate.ts';

/** A clock that moves only when told, so the counts below do not depend on how fast the test runs. */
class FakeClock implements Clock {
  private t = Date.UTC(2026, 0, 1);
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

describe('SendRateLimiter', () => {
  it('lets one second worth through at once, then one more per 1/rate of a second', () => {
    const clock = new FakeClock();
    const limiter = new SendRateLimiter(5, clock);
    const granted = Array.from({ length: 8 }, () => limiter.tryTake()).filter((w) => w === 0).length;
    expect(granted).toBe(5);
    expect(limiter.tryTake()).toBe(200);
    clock.advance(200);
    expect(limiter.tryTake()).toBe(0);
    expect(limiter.tryTake()).toBeGreaterThan(0);
  });

  it('never stores more than the burst however long it stayed idle', () => {
    const clock = new FakeClock();
    const limiter = new SendRateLimiter(3, clock);
    clock.advance(60_000);
    const granted = Array.from({ length: 10 }, () => limiter.tryTake()).filter((w) => w === 0).length;
    expect(granted).toBe(3);
  });

  it('makes acquire wait: 25 mails at 10/s need 1.5 s of (fake) waiting', async () => {
    const clock = new FakeClock();
    let slept = 0;
    const limiter = new SendRateLimiter(10, clock, async (ms) => {
      slept += ms;
      clock.advance(ms);
    });
    for (let i = 0; i < 25; i++) await limiter.acquire();
    // 10 from the burst, then 15 more at 100 ms each.
    expect(slept).toBe(1500);
  });

  it('keeps a rate below one per second', () => {
    const clock = new FakeClock();
    const limiter = new SendRateLimiter(0.5, clock);
    expect(limiter.tryTake()).toBe(0);
    expect(limiter.tryTake()).toBe(2000);
  });
});

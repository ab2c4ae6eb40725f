import { describe, expect, it } from 'vitest';
import { maxInWindow } from '../../../test/support/max-in-window.ts';
import { DispatchGuard } from './telegram.dispatch-guard.ts';

/** A guard on a manual clock: sleeping advances the clock, and every dispatch time is logged. */
function manualGuard(marginMs = 5) {
  let now = 0;
  const guard = new DispatchGuard(
    marginMs,
    1000,
    () => now,
    async (ms) => {
      now += ms;
    },
  );
  const at: number[] = [];
  return {
    guard,
    at,
    /** Moves the clock to `t`, never back (a wait may have carried it past). */
    set: (t: number) => {
      now = Math.max(now, t);
    },
    take: async (rate: number, count = 1) => {
      const answered = await guard.take(rate, count);
      for (let k = 0; k < count; k++) at.push(now);
      // Answered at once: the window then runs from the dispatch itself.
      answered();
    },
  };
}

describe('DispatchGuard', () => {
  it('lets requests on their slots through without waiting', async () => {
    const g = manualGuard();
    for (let k = 0; k < 90; k++) {
      g.set(k * 33.5);
      await g.take(30);
    }
    expect(g.at).toEqual(Array.from({ length: 90 }, (_, k) => k * 33.5));
  });

  it('holds back a request that a late one before it would bunch into the window', async () => {
    const g = manualGuard();
    // Slot 0 left 30 ms late; slot 30 (1005 ms) would make 31 arrivals within one second of it.
    for (let k = 0; k < 31; k++) {
      g.set(k === 0 ? 30 : k * 33.5);
      await g.take(30);
    }
    expect(g.at[30]).toBe(30 + 1005);
    expect(maxInWindow(g.at, 1005)).toBe(30);
  });

  it('counts an album as all its items at once, and never more than the rate in a window', async () => {
    const g = manualGuard(0);
    g.set(0);
    await g.take(30, 10);
    for (let k = 1; k <= 40; k++) {
      g.set(k * 10);
      await g.take(30);
    }
    expect(maxInWindow(g.at, 1000)).toBe(30);
    expect(g.at.at(-1)).toBeGreaterThanOrEqual(1000);
  });
});

import { describe, expect, it } from 'vitest';
import { FailureGuard } from './broadcast-delivery.failures.ts';

describe('failure guard', () => {
  it('gives no verdict before the minimum number of outcomes, however many failed', () => {
    const guard = new FailureGuard({ window: 10, share: 0.1, minOutcomes: 5 });
    expect([true, true, true, true].map((f) => guard.add(f))).toEqual([null, null, null, null]);
    expect(guard.add(true)).toBe('auto-paused: 5 of the last 5 messages failed (more than 10%)');
  });

  it('trips only above the share: exactly the share is tolerated', () => {
    const guard = new FailureGuard({ window: 10, share: 0.2, minOutcomes: 10 });
    const verdicts = [...Array(8).fill(false), true, true].map((f) => guard.add(f));
    expect(verdicts.every((v) => v === null)).toBe(true);
    expect(guard.add(true)).toBe('auto-paused: 3 of the last 10 messages failed (more than 20%)');
  });

  it('forgets outcomes that slid out of the window', () => {
    const guard = new FailureGuard({ window: 4, share: 0.5, minOutcomes: 4 });
    for (const f of [true, true, false, false]) expect(guard.add(f)).toBeNull();
    // The two early failures slide out as successes arrive; a new failure is then one of four.
    for (const f of [false, false, true]) expect(guard.add(f)).toBeNull();
    expect(guard.add(true)).toBeNull();
    expect(guard.add(true)).toBe('auto-paused: 3 of the last 4 messages failed (more than 50%)');
  });
});

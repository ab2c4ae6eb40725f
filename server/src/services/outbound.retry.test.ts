import { describe, expect, it } from 'vitest';
import { backoffMs, DEFAULT_RETRY } from './outbound.retry.ts';

describe('backoffMs', () => {
  it('doubles the ceiling per attempt up to the cap, and jitters below it', () => {
    const top = () => 0.999_999;
    expect([1, 2, 3, 4].map((n) => backoffMs(n, DEFAULT_RETRY, top))).toEqual([1999, 3999, 7999, 15_999]);
    expect(backoffMs(30, DEFAULT_RETRY, top)).toBe(DEFAULT_RETRY.capMs - 1);
    expect(backoffMs(3, DEFAULT_RETRY, () => 0)).toBe(0);
    expect(backoffMs(3, DEFAULT_RETRY, () => 0.5)).toBe(4000);
  });
});

import { describe, expect, it } from 'vitest';
import { broadcastProgress } from './progress.ts';

describe('broadcast progress', () => {
  it('counts every settled outcome towards the total', () => {
    expect(
      broadcastProgress({ total: 10, pending: 2, sending: 1, sent: 4, failed: 1, blocked: 1, skipped: 1 }),
    ).toEqual({
      done: 7,
      total: 10,
      percent: 70,
    });
  });

  it('reaches 100% only when nobody is left waiting', () => {
    expect(broadcastProgress({ total: 1000, pending: 1, sent: 999 }).percent).toBe(99);
    expect(broadcastProgress({ total: 3, sent: 2, cancelled: 1 }).percent).toBe(100);
  });

  it('shows nothing done before the recipients exist', () => {
    expect(broadcastProgress({ total: 0 })).toEqual({ done: 0, total: 0, percent: 0 });
    expect(broadcastProgress({})).toEqual({ done: 0, total: 0, percent: 0 });
  });
});

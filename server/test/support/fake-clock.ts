import type { Clock } from '../../src/lib/clock.ts';

/** A clock that runs with the wall clock but can be moved forward, so expiry tests need not wait. */
export class FakeClock implements Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Moves time forward by `ms`. */
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

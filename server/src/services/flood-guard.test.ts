import { describe, expect, it } from 'vitest';
import { countMessage, FLOOD_LIMIT, FLOOD_WINDOW_MS, type FloodState } from './flood-guard.ts';

const t0 = new Date('2026-11-22T10:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

/** Counts `n` messages one second apart from `state`, returning the last outcome. */
function send(state: FloodState, times: Date[]) {
  let s = state;
  const outcomes: Array<ReturnType<typeof countMessage>> = [];
  for (const t of times) {
    const o = countMessage(s, t);
    outcomes.push(o);
    s = o.state;
  }
  return outcomes;
}

describe('flood guard', () => {
  it('throttles and flags at the 21st message within a minute, and only flags once', () => {
    const times = Array.from({ length: 25 }, (_, i) => at(i * 1000));
    const outcomes = send({ windowStart: null, count: 0 }, times);
    expect(outcomes.slice(0, FLOOD_LIMIT).every((o) => !o.throttled && !o.flag)).toBe(true);
    expect(outcomes[FLOOD_LIMIT]).toMatchObject({ throttled: true, flag: true });
    expect(outcomes.slice(FLOOD_LIMIT + 1).every((o) => o.throttled && !o.flag)).toBe(true);
  });

  it('starts a new window a minute after the first message counted', () => {
    const full = send(
      { windowStart: null, count: 0 },
      Array.from({ length: 21 }, () => at(0)),
    );
    expect(full.at(-1)?.throttled).toBe(true);
    const later = countMessage(full.at(-1)!.state, at(FLOOD_WINDOW_MS));
    expect(later).toEqual({
      state: { windowStart: at(FLOOD_WINDOW_MS), count: 1 },
      throttled: false,
      flag: false,
    });
  });

  it('counts a message processed out of order in the current window', () => {
    const o = countMessage({ windowStart: at(30_000), count: 5 }, at(0));
    expect(o.state).toEqual({ windowStart: at(30_000), count: 6 });
  });
});

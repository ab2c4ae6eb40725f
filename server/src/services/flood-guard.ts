/**
 * Flood guard: a person sending more than FLOOD_LIMIT messages within FLOOD_WINDOW_MS is throttled. Their messages are
 * still stored (nothing a customer says is dropped) but marked `throttled`, so automations and auto-replies skip them,
 * and the identity is flagged (contact_channels.flagged_at) for an agent to look at.
 *
 * The window is "rolling-ish": it starts at the first message counted and lasts a minute; the first message after it
 * starts a new one. Times are the platform's send times, not our processing times, so a backlog processed after an
 * outage does not look like a flood.
 */

/** More than this many messages in one window throttles the rest of the window (the issue: "more than 20 a minute"). */
export const FLOOD_LIMIT = 20;
/** Length of one counting window. */
export const FLOOD_WINDOW_MS = 60_000;

export interface FloodState {
  windowStart: Date | null;
  count: number;
}

/** Counts one message sent at `at`: the new state, whether this message is throttled, and whether to flag now. */
export function countMessage(
  state: FloodState,
  at: Date,
): { state: { windowStart: Date; count: number }; throttled: boolean; flag: boolean } {
  const start = state.windowStart;
  // A message older than the window's start (processed out of order) still counts in the current window.
  const fresh = start === null || at.getTime() >= start.getTime() + FLOOD_WINDOW_MS;
  const next = fresh ? { windowStart: at, count: 1 } : { windowStart: start, count: state.count + 1 };
  const throttled = next.count > FLOOD_LIMIT;
  // Flag once per flooding window, when the limit is first crossed.
  return { state: next, throttled, flag: next.count === FLOOD_LIMIT + 1 };
}

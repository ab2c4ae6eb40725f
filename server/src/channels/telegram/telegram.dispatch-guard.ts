/**
 * The last line before a request leaves this process: no more than `rate` messages of one bot may have reached Telegram in
 * any second, judged by what this process knows for certain. Telegram counts arrivals; a request arrives after we dispatch
 * it and before we get its answer. So a message is counted until one second (plus a small margin) after its ANSWER came back
 * (in flight: counted until then, however long), and a new request leaves only when fewer than `rate` are counted. Then
 * arrival(new) ≥ dispatch(new) > answer(old) + 1 s ≥ arrival(old) + 1 s for every message `rate` places back: the bot's
 * window holds whatever the jitter between us and Telegram (measured here: loopback requests take 2–30 ms, ms-scale timer and
 * event-loop lateness on top), at the cost of about one round trip per second of rate. Slots from the limiter already space
 * requests this way, so an on-time request rarely waits. An album counts as its n messages at one instant (on the wire it is).
 * It cannot see other processes' requests; across processes the database's slots and their headroom are what hold.
 */
export class DispatchGuard {
  /** Per counted message: when its answer came back (performance.now(), ms); Infinity while in flight. */
  private readonly ends: number[] = [];

  constructor(
    /** Added to the one-second window: the fake and Telegram stamp whole milliseconds. */
    private readonly marginMs: number,
    private readonly windowMs = 1000,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
    /** How often to look again while the message holding the window back is still in flight. */
    private readonly inFlightPollMs = 2,
  ) {}

  /** How long `count` more messages must wait to keep `rate` per window; 0 when they fit now. */
  waitMs(rate: number, count: number): number {
    const now = this.now();
    const span = this.windowMs + this.marginMs;
    for (let i = this.ends.length - 1; i >= 0; i--) if (this.ends[i]! <= now - span) this.ends.splice(i, 1);
    const over = this.ends.length + Math.min(count, rate) - rate;
    if (over <= 0) return 0;
    const end = [...this.ends].sort((a, b) => a - b)[over - 1]!;
    return end === Number.POSITIVE_INFINITY ? this.inFlightPollMs : Math.max(0.1, end + span - now);
  }

  /**
   * Waits until `count` messages fit, then counts them as in flight (check and count in one synchronous step). Call the
   * returned function when the request's answer (or failure) comes back.
   */
  async take(rate: number, count = 1): Promise<() => void> {
    for (let wait = this.waitMs(rate, count); wait > 0; wait = this.waitMs(rate, count))
      await this.sleep(Math.ceil(wait));
    const n = Math.min(count, rate);
    for (let k = 0; k < n; k++) this.ends.push(Number.POSITIVE_INFINITY);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      // In-flight marks are interchangeable: `n` of them become this answer's time.
      const at = this.now();
      for (let i = 0, left = n; i < this.ends.length && left > 0; i++)
        if (this.ends[i] === Number.POSITIVE_INFINITY) {
          this.ends[i] = at;
          left--;
        }
    };
  }
}
